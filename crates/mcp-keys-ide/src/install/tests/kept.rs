//! A replaced entry keeps what is not about reaching the server or
//! authenticating: the user's `timeout`, `disabled`, extra headers.

use super::edits::put;
use super::*;
use crate::Format;

fn config(client: ClientId, home: &Path) -> PathBuf {
    config_path_for(client, Scope::Global, home, None)
        .unwrap_or_else(|| panic!("{client} has no global config"))
}

/// The entry `docs` of `text` (servers at `servers`, a map).
fn entry(format: Format, text: &str, servers: &[&str]) -> Node {
    let root = syntax::parse(format, text).unwrap_or_else(|error| panic!("{error}"));
    let servers = servers
        .iter()
        .try_fold(&root, |node, segment| node.get(segment))
        .unwrap_or_else(|| panic!("no servers in {text}"));
    match servers {
        Node::List(items) => items
            .iter()
            .find(|item| item.get("name").and_then(Node::as_str) == Some("docs"))
            .cloned(),
        _ => servers.get("docs").cloned(),
    }
    .unwrap_or_else(|| panic!("no docs in {text}"))
}

fn text_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(node, |node, segment| node.get(segment))
        .and_then(Node::as_str)
}

#[test]
fn a_cursor_entry_keeps_its_timeout_and_extra_header_but_not_the_literal_key() {
    let home = temp();
    let key = new_key();
    let path = config(ClientId::Cursor, home.path());
    put(
        &path,
        &format!(
            r#"{{
  "mcpServers": {{
    "docs": {{
      "url": "https://old.example/mcp",
      "headers": {{ "Authorization": "Bearer {}", "X-Team": "a" }},
      // the user's
      "timeout": 30000
    }}
  }}
}}
"#,
            key.expose()
        ),
    );
    let done = installed(&request(
        ClientId::Cursor,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    assert!(done.replaced_entry);
    let text = read(&path);
    assert!(!text.contains(key.expose().as_str()), "the key is gone");
    assert!(text.contains("\"timeout\": 30000"), "kept verbatim: {text}");
    let docs = entry(Format::Jsonc, &text, &["mcpServers"]);
    assert_eq!(text_at(&docs, &["url"]), Some(URL));
    assert_eq!(
        text_at(&docs, &["headers", "Authorization"]),
        Some("Bearer ${env:MCP_KEY_CURSOR_DOCS}")
    );
    assert_eq!(text_at(&docs, &["headers", "X-Team"]), Some("a"));
    let again = installed(&request(
        ClientId::Cursor,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    assert!(
        !again.replaced_entry,
        "the merged entry is what the form asks for: nothing to write"
    );
    assert_eq!(read(&path), text);
}

#[test]
fn a_disabled_cline_entry_stays_disabled_through_the_bridge() {
    let home = temp();
    let key = new_key();
    let path = config(ClientId::Cline, home.path());
    put(
        &path,
        &format!(
            r#"{{"mcpServers": {{"docs": {{"url": "https://old.example/mcp", "headers": {{"Authorization": "Bearer {}", "X-Team": "a"}}, "disabled": true, "autoApprove": ["search"]}}}}}}"#,
            key.expose()
        ),
    );
    installed(&request(
        ClientId::Cline,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    let text = read(&path);
    let docs = entry(Format::Json, &text, &["mcpServers"]);
    assert_eq!(text_at(&docs, &["command"]), Some(PROGRAM));
    assert!(
        text.contains("\"disabled\": true") && !text.contains("\"disabled\": false"),
        "the user's value wins over the form's: {text}"
    );
    assert!(text.contains("\"search\""), "autoApprove is kept: {text}");
    assert!(
        docs.get("headers").is_none() && !text.contains("X-Team"),
        "the bridge has no headers to keep an extra one in"
    );
}

#[test]
fn a_codex_table_keeps_its_startup_timeout() {
    let home = temp();
    let key = new_key();
    let path = config(ClientId::Codex, home.path());
    put(
        &path,
        &format!(
            "[mcp_servers.docs]\nurl = \"https://old.example/mcp\"\nhttp_headers = {{ Authorization = \"Bearer {}\" }}\nstartup_timeout_sec = 20\n",
            key.expose()
        ),
    );
    let done = installed(&request(ClientId::Codex, Via::Env, home.path(), None, &key));
    assert!(done.replaced_entry);
    assert_eq!(
        read(&path),
        format!(
            "[mcp_servers.docs]\nurl = \"{URL}\"\nbearer_token_env_var = \"MCP_KEY_CODEX_DOCS\"\nstartup_timeout_sec = 20\n"
        )
    );
}

#[test]
fn a_continue_item_keeps_its_other_members() {
    let home = temp();
    let key = new_key();
    let path = config(ClientId::Continue, home.path());
    put(
        &path,
        &format!(
            "name: Local\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: docs\n    type: streamable-http\n    url: https://old.example/mcp\n    requestOptions:\n      headers:\n        Authorization: Bearer {}\n    connectionTimeout: 5000\n    note: \"kept: as written\"\n",
            key.expose()
        ),
    );
    installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    let text = read(&path);
    assert!(!text.contains(key.expose().as_str()), "the key is gone");
    let docs = entry(Format::Yaml, &text, &["mcpServers"]);
    assert_eq!(text_at(&docs, &["command"]), Some(PROGRAM));
    assert_eq!(text_at(&docs, &["connectionTimeout"]), Some("5000"));
    assert_eq!(text_at(&docs, &["note"]), Some("kept: as written"));
    assert!(docs.get("requestOptions").is_none() && docs.get("type").is_none());
}

#[test]
fn a_key_in_a_member_that_would_be_kept_is_refused_and_the_file_left() {
    let home = temp();
    let key = new_key();
    let path = config(ClientId::Cursor, home.path());
    let before = format!(
        r#"{{"mcpServers": {{"docs": {{"url": "https://old.example/mcp", "note": "{}"}}}}}}"#,
        key.expose()
    );
    put(&path, &before);
    let refused = install(&request(
        ClientId::Cursor,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    assert!(matches!(refused, Err(Error::Layout { .. })), "{refused:?}");
    assert_eq!(read(&path), before);
}

#[test]
fn the_dropped_leaves_are_the_owned_ones_less_the_extra_headers_kept() {
    let old = entry(
        Format::Json,
        r#"{"s": {"docs": {"url": "u", "headers": {"Authorization": "Bearer x", "X-Team": "a"}, "timeout": 1}}}"#,
        &["s"],
    );
    let env_form = Template::Map(vec![
        ("url".to_owned(), Template::Text("{url}".to_owned())),
        (
            "headers".to_owned(),
            Template::Map(vec![(
                "Authorization".to_owned(),
                Template::Text("Bearer {ref}".to_owned()),
            )]),
        ),
    ]);
    assert_eq!(
        dropped_on_replace(&old, &env_form),
        ["url", "headers.Authorization"]
    );
    let bridge = Template::Map(vec![("command".to_owned(), Template::Text("p".to_owned()))]);
    assert_eq!(
        dropped_on_replace(&old, &bridge),
        ["url", "headers.Authorization", "headers.X-Team"]
    );
}
