//! TOML (Codex) and YAML (Continue) round trips: added, replaced, left
//! alone when identical, the rest of the file as it was.

use super::edits::put;
use super::*;

const CODEX: &str = r#"# Codex settings
model = "o3"  # the model

[mcp_servers.other]
command = "npx"
args = ["-y", "other"]

# profiles below
[profiles.fast]
model = "o4-mini"
"#;

#[test]
fn a_codex_table_goes_after_its_siblings_and_is_replaced_where_it_is() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".codex/config.toml");
    put(&path, CODEX);
    installed(&request(ClientId::Codex, Via::Env, home.path(), None, &key));
    let env_entry = format!(
        "\n[mcp_servers.docs]\nurl = \"{URL}\"\nbearer_token_env_var = \"MCP_KEY_CODEX_DOCS\"\n"
    );
    let (head, tail) = CODEX.split_at(CODEX.find("\n# profiles").unwrap_or_default());
    assert_eq!(read(&path), format!("{head}{env_entry}{tail}"));

    let done = installed(&request(
        ClientId::Codex,
        Via::Literal,
        home.path(),
        None,
        &key,
    ));
    assert!(done.replaced_entry);
    let literal_entry = format!(
        "\n[mcp_servers.docs]\nurl = \"{URL}\"\nhttp_headers = {{ Authorization = \"Bearer {}\" }}\n",
        key.expose()
    );
    assert_eq!(read(&path), format!("{head}{literal_entry}{tail}"));

    let back = installed(&request(ClientId::Codex, Via::Env, home.path(), None, &key));
    assert!(back.replaced_entry);
    assert_eq!(
        read(&path),
        format!("{head}{env_entry}{tail}"),
        "the key is gone"
    );
    let again = installed(&request(ClientId::Codex, Via::Env, home.path(), None, &key));
    assert!(!again.replaced_entry && !again.created_file);
}

#[test]
fn an_inline_codex_entry_is_replaced_by_an_inline_one() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".codex/config.toml");
    put(
        &path,
        "[mcp_servers]\n# mine\ndocs = { url = \"https://old.example\" }\nlast = { command = \"x\" }\n",
    );
    installed(&request(
        ClientId::Codex,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(
        read(&path),
        "[mcp_servers]\n# mine\ndocs = { command = \"/opt/mcp keys/bin/mcp-keys\", args = [\"bridge\", \"--slot\", \"codex-docs\"] }\nlast = { command = \"x\" }\n"
    );
}

const CONTINUE: &str = "name: Mine
version: 1.0.0
schema: v1
models:
  - name: gpt
    provider: openai # comment
mcpServers:
  # the one I use
  - name: other
    command: npx
    args: [\"-y\", \"other\"]

  # a comment before docs
  - name: docs
    type: sse
    url: https://old.example/sse
# after the list
rules:
  - be nice
";

const BRIDGE_ITEM: &str = "  - name: docs
    command: /opt/mcp keys/bin/mcp-keys
    args:
      - bridge
      - \"--slot\"
      - continue-docs
";

#[test]
fn a_continue_item_is_replaced_in_place_with_the_comments_around_it() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".continue/config.yaml");
    put(&path, CONTINUE);
    let done = installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert!(done.replaced_entry);
    let start = CONTINUE.find("  - name: docs").unwrap_or_default();
    let end = CONTINUE.find("# after the list").unwrap_or_default();
    assert_eq!(
        read(&path),
        format!("{}{BRIDGE_ITEM}{}", &CONTINUE[..start], &CONTINUE[end..])
    );
    let again = installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert!(!again.replaced_entry);
}

#[test]
fn a_continue_item_is_added_after_the_last_one_before_what_follows_the_list() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".continue/config.yaml");
    let without = CONTINUE.replace("name: docs", "name: old-docs");
    put(&path, &without);
    installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    let end = without.find("# after the list").unwrap_or_default();
    assert_eq!(
        read(&path),
        format!("{}{BRIDGE_ITEM}{}", &without[..end], &without[end..])
    );
}

#[test]
fn an_empty_or_missing_continue_list_gets_its_first_item() {
    let key = new_key();
    for (before, after) in [
        (
            "name: a\nmcpServers: [] # none yet\n",
            "name: a\nmcpServers: # none yet\n",
        ),
        (
            "name: a\nmcpServers:\nrules: []\n",
            "name: a\nmcpServers:\n",
        ),
        ("name: a\n", "name: a\nmcpServers:\n"),
        ("name: a", "name: a\nmcpServers:\n"),
    ] {
        let home = temp();
        let path = home.path().join(".continue/config.yaml");
        put(&path, before);
        installed(&request(
            ClientId::Continue,
            Via::Bridge,
            home.path(),
            None,
            &key,
        ));
        let rest = if before.contains("rules") {
            "rules: []\n"
        } else {
            ""
        };
        assert_eq!(
            read(&path),
            format!("{after}{BRIDGE_ITEM}{rest}"),
            "{before:?}"
        );
    }
}

#[test]
fn an_empty_continue_config_gets_the_fields_continue_requires() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".continue/config.yaml");
    put(&path, "\n");
    installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(
        read(&path),
        format!("name: Local Config\nversion: 1.0.0\nschema: v1\nmcpServers:\n{BRIDGE_ITEM}")
    );
}

#[test]
fn crlf_yaml_gets_crlf_lines() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".continue/config.yaml");
    put(
        &path,
        "name: a\r\nmcpServers:\r\n  - name: other\r\n    command: x\r\n",
    );
    installed(&request(
        ClientId::Continue,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(
        read(&path),
        format!(
            "name: a\r\nmcpServers:\r\n  - name: other\r\n    command: x\r\n{}",
            BRIDGE_ITEM.replace('\n', "\r\n")
        )
    );
}

#[test]
fn yaml_layouts_this_reading_does_not_handle_are_refused_untouched() {
    let key = new_key();
    for before in [
        "mcpServers: [{name: other, command: x}]\n",
        "mcpServers:\n  - name: docs\n    command: a\n  - name: docs\n    command: b\n",
        "name: a\n---\nname: b\n",
    ] {
        let home = temp();
        let path = home.path().join(".continue/config.yaml");
        put(&path, before);
        let error = install(&request(
            ClientId::Continue,
            Via::Bridge,
            home.path(),
            None,
            &key,
        ));
        assert!(
            matches!(error, Err(Error::Layout { .. })),
            "{before:?}: {error:?}"
        );
        assert_eq!(read(&path), before);
    }
}
