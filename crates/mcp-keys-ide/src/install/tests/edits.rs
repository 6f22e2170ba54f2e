//! Edits of existing JSON and JSONC configs: the entry goes in, or replaces
//! the one of the same name, and every other byte stays.

use std::fs;

use super::*;
use crate::Format;

/// Writes `text` at `path`, folders included.
pub(in crate::install) fn put(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|error| panic!("{error}"));
    }
    fs::write(path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// The inode of `path`: a write replaces the file, so it changes.
#[cfg(unix)]
pub(in crate::install) fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).map_or(0, |metadata| metadata.ino())
}

#[test]
fn a_new_entry_goes_into_a_commented_jsonc_file_indented_like_its_siblings() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".cursor/mcp.json");
    let before = r#"{
    // my servers
    "mcpServers": {
        "other": { "url": "https://example.com/mcp" }, // keep me
    },
    /* theme */ "theme": "dark",
}
"#;
    put(&path, before);
    let done = installed(&request(
        ClientId::Cursor,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    assert!(!done.created_file && !done.replaced_entry);
    assert_eq!(
        read(&path),
        format!(
            r#"{{
    // my servers
    "mcpServers": {{
        "other": {{ "url": "https://example.com/mcp" }}, // keep me
        "docs": {{
            "url": "{URL}",
            "headers": {{
                "Authorization": "Bearer ${{env:MCP_KEY_CURSOR_DOCS}}",
            }},
        }},
    }},
    /* theme */ "theme": "dark",
}}
"#
        ),
        "the file's own trailing commas are kept and followed"
    );
}

#[test]
fn a_missing_servers_object_is_added_at_the_end_of_the_top_level() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".gemini/settings.json");
    put(&path, "{\n  \"theme\": \"Dracula\"\n}\n");
    installed(&request(
        ClientId::GeminiCli,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(
        read(&path),
        r#"{
  "theme": "Dracula",
  "mcpServers": {
    "docs": {
      "command": "/opt/mcp keys/bin/mcp-keys",
      "args": ["bridge", "--slot", "gemini-cli-docs"]
    }
  }
}
"#
    );
}

#[test]
fn an_entry_of_the_same_name_is_replaced_in_place_and_an_identical_one_is_not_written() {
    let home = temp();
    let key = new_key();
    let old_key = new_key();
    let path = home.path().join(".claude.json");
    let head = "{\n  \"numStartups\": 3,\n  \"mcpServers\": {\n    \"docs\": ";
    let tail = ",\n    \"other\": { \"type\": \"stdio\", \"command\": \"x\" }\n  },\n  \"projects\": { \"/p\": { \"mcpServers\": {} } }\n}\n";
    let old_entry = format!(
        "{{\n      \"type\": \"http\",\n      \"url\": \"https://old.example/mcp\",\n      \"headers\": {{ \"Authorization\": \"Bearer {}\" }}\n    }}",
        old_key.expose()
    );
    put(&path, &format!("{head}{old_entry}{tail}"));
    let request = request(ClientId::ClaudeCode, Via::Helper, home.path(), None, &key);
    let done = installed(&request);
    assert!(done.replaced_entry && !done.created_file);
    let after = read(&path);
    assert!(
        after.starts_with(head) && after.ends_with(tail),
        "only the entry changed:\n{after}"
    );
    assert!(
        !after.contains(old_key.expose().as_str()),
        "the old key is gone"
    );
    assert!(after.contains(
        "\"headersHelper\": \"'/opt/mcp keys/bin/mcp-keys' headers --slot claude-code-docs\""
    ));

    #[cfg(unix)]
    let written = inode(&path);
    let again = installed(&request);
    assert!(!again.replaced_entry && !again.created_file);
    assert_eq!(read(&path), after);
    #[cfg(unix)]
    assert_eq!(
        inode(&path),
        written,
        "an entry already in place is not written"
    );
}

#[test]
fn vs_code_gets_its_input_item_beside_the_others_once() {
    let home = temp();
    let project = temp();
    let key = new_key();
    let path = project.path().join(".vscode/mcp.json");
    put(
        &path,
        "{\n  \"inputs\": [\n    { \"type\": \"promptString\", \"id\": \"other\", \"password\": true }\n  ],\n  \"servers\": {}\n}\n",
    );
    let request = request(
        ClientId::Vscode,
        Via::Input,
        home.path(),
        Some(project.path()),
        &key,
    );
    installed(&request);
    let expected = format!(
        r#"{{
  "inputs": [
    {{ "type": "promptString", "id": "other", "password": true }},
    {{
      "type": "promptString",
      "id": "vscode-docs",
      "description": "MCP Keys key for docs",
      "password": true
    }}
  ],
  "servers": {{
    "docs": {{
      "type": "http",
      "url": "{URL}",
      "headers": {{
        "Authorization": "Bearer ${{input:vscode-docs}}"
      }}
    }}
  }}
}}
"#
    );
    assert_eq!(read(&path), expected);
    let again = installed(&request);
    assert!(!again.replaced_entry);
    assert_eq!(
        read(&path),
        expected,
        "neither the entry nor the input twice"
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_kept() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".copilot/mcp-config.json");
    put(&path, "\u{feff}{\r\n  \"mcpServers\": {}\r\n}\r\n");
    installed(&request(
        ClientId::CopilotCli,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    let after = read(&path);
    assert!(after.starts_with("\u{feff}{\r\n  \"mcpServers\": {\r\n    \"docs\": {\r\n"));
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
}

#[test]
fn the_literal_claude_desktop_entry_keeps_the_key_out_of_the_command_line() {
    let home = temp();
    let key = new_key();
    let done = installed(&request(
        ClientId::ClaudeDesktop,
        Via::Literal,
        home.path(),
        None,
        &key,
    ));
    let text = read(&done.config_path);
    let root = syntax::parse(Format::Json, &text).unwrap_or_else(|error| panic!("{error}"));
    let entry = root
        .get("mcpServers")
        .and_then(|servers| servers.get("docs"))
        .unwrap_or_else(|| panic!("no entry in {text}"));
    let args = entry.get("args").map(strings).unwrap_or_default();
    assert!(args.iter().all(|arg| !arg.contains(key.expose().as_str())));
    assert!(args.contains(&"Authorization:${AUTH_HEADER}".to_owned()));
    assert_eq!(
        entry
            .get("env")
            .and_then(|env| env.get("AUTH_HEADER"))
            .and_then(Node::as_str),
        Some(format!("Bearer {}", key.expose()).as_str()),
        "mcp-remote reads the header from its own environment"
    );
}
