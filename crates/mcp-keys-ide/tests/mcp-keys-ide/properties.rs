//! Property tests: over generated configs in every format, rotating a key
//! changes exactly the key's bytes, wherever the generator put comments,
//! whitespace, other servers and decoy copies of the key.

use std::fs;

use mcp_keys_core::{ApiKey, Environment, Fingerprint};
use mcp_keys_ide::edit::{EditOptions, Target, replace_key};
use mcp_keys_ide::{ClientId, Format, registry};
use proptest::prelude::*;

/// A generated config: its text with the old key, and the same text with
/// the new key in the used places (the comment keeps the old one).
struct Generated {
    client: ClientId,
    format: Format,
    before: String,
    after: String,
}

/// Layout choices the generator draws.
#[derive(Debug, Clone)]
struct Layout {
    indent: usize,
    crlf: bool,
    comment_with_key: bool,
    others: Vec<String>,
    key_first: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        0usize..5,
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec("[a-z][a-z0-9-]{0,10}", 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(indent, crlf, comment_with_key, others, key_first)| Layout {
                indent,
                crlf,
                comment_with_key,
                others,
                key_first,
            },
        )
}

fn json(layout: &Layout, key: &str, comment_key: &str, jsonc: bool) -> String {
    let pad = " ".repeat(layout.indent);
    let nl = if layout.crlf { "\r\n" } else { "\n" };
    let mut servers: Vec<String> = layout
        .others
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{pad}{pad}\"{name}-{index}\": {{ \"command\": \"npx\", \"args\": [\"-y\", \"{name}\"] }}"))
        .collect();
    let target = format!(
        "{pad}{pad}\"target\":{pad}{{{nl}{pad}{pad}{pad}\"url\": \"https://mcp.example.com/mcp\",{nl}{pad}{pad}{pad}\"headers\": {{ \"Authorization\": \"Bearer {key}\" }}{nl}{pad}{pad}}}"
    );
    if layout.key_first {
        servers.insert(0, target);
    } else {
        servers.push(target);
    }
    let comment = if jsonc && layout.comment_with_key {
        format!("{pad}// previous key: {comment_key}{nl}")
    } else {
        String::new()
    };
    let trailing = if jsonc { "," } else { "" };
    format!(
        "{{{nl}{comment}{pad}\"mcpServers\": {{{nl}{}{trailing}{nl}{pad}}}{trailing}{nl}}}{nl}",
        servers.join(&format!(",{nl}"))
    )
}

fn toml(layout: &Layout, key: &str, comment_key: &str) -> String {
    let nl = if layout.crlf { "\r\n" } else { "\n" };
    let pad = " ".repeat(layout.indent);
    let mut tables: Vec<String> = layout
        .others
        .iter()
        .enumerate()
        .map(|(index, name)| format!("[mcp_servers.{name}-{index}]{nl}{pad}command = \"npx\"{nl}"))
        .collect();
    let target = format!(
        "[mcp_servers.target]{nl}{pad}url = \"https://mcp.example.com/mcp\"{nl}{pad}http_headers = {{ Authorization = \"Bearer {key}\" }}{nl}"
    );
    if layout.key_first {
        tables.insert(0, target);
    } else {
        tables.push(target);
    }
    let comment = if layout.comment_with_key {
        format!("# previous key: {comment_key}{nl}")
    } else {
        String::new()
    };
    format!("{comment}model = \"x\"{nl}{nl}{}", tables.join(nl))
}

fn yaml(layout: &Layout, key: &str, comment_key: &str) -> String {
    let nl = if layout.crlf { "\r\n" } else { "\n" };
    let pad = " ".repeat(layout.indent + 2);
    let mut entries: Vec<String> = layout
        .others
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{pad}- name: {name}-{index}{nl}{pad}  command: npx{nl}"))
        .collect();
    let quote = if layout.indent.is_multiple_of(2) {
        "\""
    } else {
        ""
    };
    let target = format!(
        "{pad}- name: target{nl}{pad}  url: https://mcp.example.com/mcp{nl}{pad}  requestOptions:{nl}{pad}    headers:{nl}{pad}      Authorization: {quote}Bearer {key}{quote}{nl}"
    );
    if layout.key_first {
        entries.insert(0, target);
    } else {
        entries.push(target);
    }
    let comment = if layout.comment_with_key {
        format!("# previous key: {comment_key}{nl}")
    } else {
        String::new()
    };
    format!(
        "name: generated{nl}{comment}mcpServers:{nl}{}",
        entries.concat()
    )
}

/// Builds a config's text around a key.
type Builder<'a> = Box<dyn Fn(&str) -> String + 'a>;

fn generate(layout: &Layout, choice: usize, old: &str, new: &str) -> Generated {
    let (client, format, build): (ClientId, Format, Builder<'_>) = match choice % 4 {
        0 => (
            ClientId::ClaudeDesktop,
            Format::Json,
            Box::new(|key: &str| json(layout, key, old, false)),
        ),
        1 => (
            ClientId::Cursor,
            Format::Jsonc,
            Box::new(|key: &str| json(layout, key, old, true)),
        ),
        2 => (
            ClientId::Codex,
            Format::Toml,
            Box::new(|key: &str| toml(layout, key, old)),
        ),
        _ => (
            ClientId::Continue,
            Format::Yaml,
            Box::new(|key: &str| yaml(layout, key, old)),
        ),
    };
    Generated {
        client,
        format,
        before: build(old),
        after: build(new),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rotating_a_key_changes_only_its_bytes_in_every_format(layout in layout(), choice in 0usize..4) {
        let old = ApiKey::generate(Environment::Development).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let new = ApiKey::generate(Environment::Production).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let generated = generate(&layout, choice, old.expose_secret(), new.expose_secret());
        let spec = registry::client(generated.client).ok_or_else(|| TestCaseError::fail("client"))?;
        let location = spec
            .locations
            .iter()
            .position(|location| location.format == generated.format)
            .ok_or_else(|| TestCaseError::fail("location"))?;
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("config");
        fs::write(&path, &generated.before).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let target = Target { client: generated.client, location, path: path.clone() };
        let options = EditOptions { backup_dir: dir.path().join("backups"), ..EditOptions::default() };
        let outcome = replace_key(&target, &Fingerprint::of(old.expose_secret()), &new, &options)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", generated.before)))?;
        prop_assert_eq!(outcome.replaced, 1);
        let written = fs::read_to_string(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(written, generated.after);
    }
}
