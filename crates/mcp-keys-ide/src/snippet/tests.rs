//! The snippets: their texts, and that the scan reads back what they write.

use std::collections::HashMap;

use mcp_keys_core::{ApiKey, Environment};

use super::*;
use crate::{Found, KeyFacts, extract};

const URL: &str = "http://127.0.0.1:7410/v1/products/p/surfaces/s/mcp";

fn snippet(id: ClientId) -> ConfigSnippet {
    connect_snippets("Docs search", URL)
        .snippets
        .into_iter()
        .find(|snippet| snippet.client == id)
        .unwrap_or_else(|| panic!("no snippet for {id}"))
}

#[test]
fn every_client_has_a_snippet_with_the_url_and_only_the_placeholder_key() {
    let snippets = connect_snippets("Docs search", URL);
    assert_eq!(snippets.key_placeholder, "YOUR_API_KEY");
    let clients: Vec<ClientId> = snippets.snippets.iter().map(|s| s.client).collect();
    let registry: Vec<ClientId> = registry::clients().iter().map(|spec| spec.id).collect();
    assert_eq!(
        clients, registry,
        "one snippet per client, in registry order"
    );
    for snippet in &snippets.snippets {
        assert!(snippet.text.contains(URL), "{}", snippet.text);
        assert!(snippet.text.contains(KEY_PLACEHOLDER), "{}", snippet.text);
        assert!(
            !snippet.text.contains("mcp_dev_") && !snippet.text.contains("mcp_prod_"),
            "no key: {}",
            snippet.text
        );
        for placeholder in ["{server}", "{url}", "{key}"] {
            assert!(!snippet.text.contains(placeholder), "{}", snippet.text);
        }
    }
}

#[test]
fn json_snippets_are_written_as_each_clients_documentation_shows_them() {
    assert_eq!(
        snippet(ClientId::ClaudeDesktop).text,
        format!(
            r#"{{
  "mcpServers": {{
    "docs-search": {{
      "command": "npx",
      "args": [
        "-y",
        "mcp-remote",
        "{URL}",
        "--header",
        "Authorization: Bearer YOUR_API_KEY"
      ]
    }}
  }}
}}"#
        )
    );
    assert_eq!(
        snippet(ClientId::Vscode).text,
        format!(
            r#"{{
  "servers": {{
    "docs-search": {{
      "type": "http",
      "url": "{URL}",
      "headers": {{
        "Authorization": "Bearer YOUR_API_KEY"
      }}
    }}
  }}
}}"#
        )
    );
    let cline = snippet(ClientId::Cline);
    assert!(
        cline.text.contains(r#""disabled": false"#),
        "{}",
        cline.text
    );
    assert_eq!(cline.destination, "cline_mcp_settings.json");
    for (id, url_field, servers) in [
        (ClientId::Windsurf, "serverUrl", "mcpServers"),
        (ClientId::GeminiCli, "httpUrl", "mcpServers"),
        (ClientId::Zed, "url", "context_servers"),
        (ClientId::Cursor, "url", "mcpServers"),
    ] {
        let snippet = snippet(id);
        assert_eq!(snippet.language, SnippetLanguage::Json);
        let value: serde_json::Value = serde_json::from_str(&snippet.text).unwrap_or_default();
        assert_eq!(
            value[servers]["docs-search"][url_field], URL,
            "{id}: {}",
            snippet.text
        );
    }
}

#[test]
fn claude_code_and_copilot_cli_add_the_server_from_the_terminal() {
    let claude = snippet(ClientId::ClaudeCode);
    assert_eq!(claude.language, SnippetLanguage::Shell);
    assert_eq!(
        claude.text,
        format!(
            r#"claude mcp add --transport http docs-search {URL} --header "Authorization: Bearer YOUR_API_KEY""#
        )
    );
    assert_eq!(
        snippet(ClientId::CopilotCli).text,
        format!(
            r#"copilot mcp add --transport http docs-search {URL} --header "Authorization: Bearer YOUR_API_KEY""#
        )
    );
}

#[test]
fn continue_gets_yaml_and_codex_toml_with_the_key_in_a_variable() {
    let continue_ = snippet(ClientId::Continue);
    assert_eq!(continue_.language, SnippetLanguage::Yaml);
    assert_eq!(
        continue_.text,
        format!(
            "mcpServers:
  - name: docs-search
    type: streamable-http
    url: {URL}
    requestOptions:
      headers:
        Authorization: Bearer YOUR_API_KEY
"
        )
    );
    let codex = snippet(ClientId::Codex);
    assert_eq!(codex.language, SnippetLanguage::Toml);
    assert_eq!(
        codex.text,
        format!(
            "# export MCP_KEYS_API_KEY=YOUR_API_KEY
[mcp_servers.docs-search]
url = \"{URL}\"
bearer_token_env_var = \"MCP_KEYS_API_KEY\"
"
        )
    );
}

/// What a snippet writes, the scan reads back: the same server, URL and
/// key (or variable), in the client's first location.
#[test]
fn the_scan_finds_the_key_of_every_file_snippet_where_the_snippet_put_it() {
    let generated = ApiKey::generate(Environment::Development)
        .unwrap_or_else(|error| panic!("no key: {error}"));
    let key = generated.expose_secret();
    let fill = Fill {
        server: "docs-search",
        url: URL,
        key,
    };
    for spec in registry::clients() {
        let Some(snippet) = render(spec, &fill) else {
            panic!("{} has no snippet", spec.id);
        };
        if snippet.language == SnippetLanguage::Shell {
            continue;
        }
        let Some(location) = spec.locations.first() else {
            panic!("{} has no location", spec.id);
        };
        let items = extract(spec, location, &snippet.text, &HashMap::new())
            .unwrap_or_else(|error| panic!("{}: {error}\n{}", spec.id, snippet.text));
        assert!(
            !items.is_empty(),
            "{}: nothing found in\n{}",
            spec.id,
            snippet.text
        );
        for item in items {
            assert_eq!(item.server_name, "docs-search", "{}", spec.id);
            match item.found {
                Found::Plaintext { key: facts, .. } => {
                    assert_eq!(Some(facts), KeyFacts::of(key), "{}", spec.id);
                }
                Found::EnvReference { variable, .. } => {
                    assert_eq!(variable, "MCP_KEYS_API_KEY", "{}", spec.id);
                }
                Found::Slot { slot, .. } => panic!("{}: a snippet names no slot ({slot})", spec.id),
            }
            if spec.id != ClientId::ClaudeDesktop {
                // Claude Desktop's URL is an argument of mcp-remote.
                assert_eq!(item.url.as_deref(), Some(URL), "{}", spec.id);
            }
        }
    }
}

#[test]
fn the_server_is_named_after_the_surface_as_a_plain_slug() {
    assert_eq!(server_name("Docs search"), "docs-search");
    assert_eq!(server_name("  Ünïcode ✨ tools!! "), "n-code-tools");
    assert_eq!(server_name("✨"), "mcp-keys");
}

#[test]
fn yaml_quotes_what_it_would_read_as_something_else() {
    assert_eq!(yaml_scalar("streamable-http"), "streamable-http");
    assert_eq!(yaml_scalar("true"), "\"true\"");
    assert_eq!(yaml_scalar("7410"), "\"7410\"");
    assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    assert_eq!(yaml_scalar("-x"), "\"-x\"");
}
