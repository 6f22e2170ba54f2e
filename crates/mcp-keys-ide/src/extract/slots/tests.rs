//! Slot references as extraction finds them, in the forms clients hold.

use super::*;
use crate::extract::{Found, ServerItem, extract_with_slots};
use crate::registry::{self, ClientId};

fn slots(names: &[&str]) -> HashMap<String, SlotKey> {
    // One key made for the test, behind every slot.
    let made = mcp_keys_core::ApiKey::generate(mcp_keys_core::Environment::Development)
        .expect("a key is generated");
    names
        .iter()
        .map(|name| {
            let key = SlotKey {
                key: Sensitive::new(made.expose_secret().to_owned()),
                url: Some("http://127.0.0.1:7410/mcp/docs".to_owned()),
            };
            ((*name).to_owned(), key)
        })
        .collect()
}

/// What `client`'s first config location yields for `text`.
fn found(
    client: ClientId,
    text: &str,
    env: &[(&str, &str)],
    slots: &HashMap<String, SlotKey>,
) -> Result<Vec<ServerItem>, String> {
    let spec = registry::client(client).ok_or("a client of the registry")?;
    let location = spec.locations.first().ok_or("a location")?;
    let root = crate::syntax::parse(location.format, text)?;
    let env = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Ok(extract_with_slots(spec, location, &root, text, &env, slots))
}

/// The slot items of `items`: field, slot, via, variable, resolved.
fn slot_items(items: &[ServerItem]) -> Vec<(&str, &str, SlotVia, Option<&str>, bool)> {
    items
        .iter()
        .filter_map(|item| match &item.found {
            Found::Slot {
                slot,
                via,
                variable,
                resolved,
            } => Some((
                item.field.as_str(),
                slot.as_str(),
                *via,
                variable.as_deref(),
                resolved.is_some(),
            )),
            Found::Plaintext { .. } | Found::EnvReference { .. } => None,
        })
        .collect()
}

#[test]
fn a_headers_helper_names_its_slot_and_resolves_to_the_slots_key() -> Result<(), String> {
    let text = r#"{"mcpServers": {"docs": {"type": "http", "url": "http://127.0.0.1:7410/mcp/docs",
        "headersHelper": "'/opt/MCP Keys/mcp-keys' headers --slot claude-code-docs"}}}"#;
    let items = found(
        ClientId::ClaudeCode,
        text,
        &[],
        &slots(&["claude-code-docs"]),
    )?;
    assert_eq!(
        slot_items(&items),
        [(
            "headersHelper",
            "claude-code-docs",
            SlotVia::Helper,
            None,
            true
        )]
    );
    assert_eq!(items.len(), 1, "nothing else is found: {items:?}");
    Ok(())
}

#[test]
fn a_bridge_names_its_slot_in_args_and_takes_the_slots_url() -> Result<(), String> {
    let text = r#"{"mcpServers": {"docs": {"command": "C:\\Program Files\\MCP Keys\\mcp-keys.exe",
        "args": ["bridge", "--slot", "claude-desktop-docs"]}}}"#;
    let items = found(
        ClientId::ClaudeDesktop,
        text,
        &[],
        &slots(&["claude-desktop-docs"]),
    )?;
    assert_eq!(
        slot_items(&items),
        [("args.2", "claude-desktop-docs", SlotVia::Bridge, None, true)]
    );
    assert_eq!(
        items[0].url.as_deref(),
        Some("http://127.0.0.1:7410/mcp/docs"),
        "a bridge's requests go to its slot's URL"
    );
    // Zed's older form nests the program: `command: {path, args}`.
    let zed = r#"{"context_servers": {"docs": {"command": {"path": "/usr/bin/mcp-keys",
        "args": ["bridge", "--slot=zed-docs"]}}}}"#;
    let items = found(ClientId::Zed, zed, &[], &HashMap::new())?;
    assert_eq!(
        slot_items(&items),
        [("command.args.1", "zed-docs", SlotVia::Bridge, None, false)],
        "a slot the caller could not read is still a slot, unresolved"
    );
    Ok(())
}

#[test]
fn a_slot_variable_is_a_slot_and_resolves_through_the_environment_first() -> Result<(), String> {
    let cursor = r#"{"mcpServers": {"docs": {"url": "http://127.0.0.1:7410/mcp/docs",
        "headers": {"Authorization": "Bearer ${env:MCP_KEY_CURSOR_DOCS}"}}}}"#;
    let items = found(ClientId::Cursor, cursor, &[], &slots(&["cursor-docs"]))?;
    assert_eq!(
        slot_items(&items),
        [(
            "headers.Authorization",
            "cursor-docs",
            SlotVia::Env,
            Some("MCP_KEY_CURSOR_DOCS"),
            true
        )]
    );
    let codex = "[mcp_servers.docs]\nurl = \"http://127.0.0.1:7410/mcp/docs\"\nbearer_token_env_var = \"MCP_KEY_CODEX_DOCS\"\n";
    let items = found(ClientId::Codex, codex, &[], &HashMap::new())?;
    assert_eq!(
        slot_items(&items),
        [(
            "bearer_token_env_var",
            "codex-docs",
            SlotVia::Env,
            Some("MCP_KEY_CODEX_DOCS"),
            false
        )],
        "an unset slot variable whose slot is unknown is an unreadable slot"
    );
    let items = found(
        ClientId::Cursor,
        cursor,
        &[("MCP_KEY_CURSOR_DOCS", "mine")],
        &HashMap::new(),
    )?;
    assert!(
        slot_items(&items).is_empty()
            && matches!(&items[0].found, Found::EnvReference { is_set: true, .. }),
        "a variable set here that names no known slot is an ordinary variable: {items:?}"
    );
    Ok(())
}

#[test]
fn command_lines_split_like_a_shell_for_the_paths_mcp_keys_writes() {
    assert_eq!(
        shell_words("'/opt/MCP Keys/it'\\''s/mcp-keys' headers --slot a-b"),
        ["/opt/MCP Keys/it's/mcp-keys", "headers", "--slot", "a-b"]
    );
    assert_eq!(
        shell_words(r#""C:\Program Files\MCP Keys\mcp-keys.exe"  bridge"#),
        [r"C:\Program Files\MCP Keys\mcp-keys.exe", "bridge"]
    );
    assert_eq!(
        shell_words(r"C:\Users\a\mcp-keys.exe headers"),
        [r"C:\Users\a\mcp-keys.exe", "headers"],
        "an unquoted Windows path keeps its backslashes"
    );
    assert_eq!(shell_words(r"/a\ b/mcp-keys ''"), ["/a b/mcp-keys", ""]);
}

#[test]
fn only_mcp_keys_headers_or_bridge_with_a_slot_names_a_slot() {
    let words = |line: &str| -> Option<(SlotVia, String)> {
        let words = shell_words(line);
        let words: Vec<(&str, ())> = words.iter().map(|word| (word.as_str(), ())).collect();
        parse(&words).map(|(via, slot, ())| (via, slot))
    };
    assert_eq!(
        words("/usr/local/bin/mcp-keys headers --slot claude-code-docs"),
        Some((SlotVia::Helper, "claude-code-docs".to_owned()))
    );
    assert_eq!(
        words(r"C:\bin\MCP-KEYS.EXE bridge --slot=zed-docs"),
        Some((SlotVia::Bridge, "zed-docs".to_owned()))
    );
    assert_eq!(words("/usr/bin/mcp-keys headers"), None, "no slot named");
    assert_eq!(words("/usr/bin/mcp-keys-x headers --slot a"), None);
    assert_eq!(words("/usr/bin/not-mcp-keys bridge --slot a"), None);
    assert_eq!(words("mcp-keys run --slot a -- cursor"), None);
    assert_eq!(words("echo mcp-keys headers --slot a"), None);
}

#[test]
fn a_slot_variable_maps_back_to_its_slot() {
    assert_eq!(
        slot_of_variable("MCP_KEY_CURSOR_DOCS").as_deref(),
        Some("cursor-docs")
    );
    assert_eq!(slot_of_variable("MCP_KEY_"), None);
    assert_eq!(slot_of_variable("MCP_KEY_lower"), None);
    assert_eq!(slot_of_variable("MCP_KEYS_API_KEY"), None);
    assert_eq!(slot_of_variable("MCP_KEY__X"), None);
}
