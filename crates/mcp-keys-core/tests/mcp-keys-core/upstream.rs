//! A surface's upstream as JSON (DESIGN §7), and what is refused before it
//! is stored.

use std::collections::BTreeMap;

use mcp_keys_core::{
    FILESYSTEM_SERVER_PACKAGE, Upstream, UpstreamChoice, UpstreamSessions, UpstreamValue,
    names_a_credential,
};
use serde_json::json;

fn parse(value: serde_json::Value) -> Result<Upstream, String> {
    let upstream: Upstream = serde_json::from_value(value).map_err(|error| error.to_string())?;
    upstream.check()?;
    Ok(upstream)
}

#[test]
fn both_kinds_read_as_design_writes_them_and_name_their_secrets() {
    let local = parse(json!({"type": "stdio", "command": "npx",
        "args": ["-y", "@modelcontextprotocol/server-filesystem", "/data"],
        "env": {"GITHUB_TOKEN": {"secretRef": "gh"}, "LOG": "debug"}, "cwd": "/srv"}));
    let Ok(local) = local else {
        panic!("{local:?}");
    };
    assert!(local.is_command());
    assert_eq!(local.secret_refs().collect::<Vec<_>>(), ["gh"]);
    let remote = parse(json!({"type": "http", "url": "https://example.org/mcp",
        "headers": {"Authorization": {"secretRef": "example"}}}));
    assert!(remote.is_ok_and(|remote| !remote.is_command()));
    // Written back the same way (what the API returns).
    let value = json!({"type": "http", "url": "http://127.0.0.1:3001/mcp"});
    let Ok(upstream) = parse(value.clone()) else {
        panic!("a loopback URL is an upstream");
    };
    assert_eq!(serde_json::to_value(&upstream).ok(), Some(value));
}

#[test]
fn malformed_upstreams_are_refused_with_the_reason() {
    for (value, reason) in [
        (json!({"type": "stdio", "command": "  "}), "empty"),
        (
            json!({"type": "stdio", "command": "npx", "cwd": "relative/dir"}),
            "absolute",
        ),
        (json!({"type": "stdio", "command": "npx\u{0}rm"}), "control"),
        (
            json!({"type": "stdio", "command": "npx", "env": {"1BAD": "x"}}),
            "variable name",
        ),
        (
            json!({"type": "stdio", "command": "npx", "env": {"API_KEY": "abc"}}),
            "secretRef",
        ),
        (
            json!({"type": "http", "url": "example.org/mcp"}),
            "not an http",
        ),
        (json!({"type": "http", "url": "https:///mcp"}), "no host"),
        (
            json!({"type": "http", "url": "https://a:b@example.org"}),
            "password",
        ),
        (
            json!({"type": "http", "url": "https://example.org", "headers": {"Bad Header": "x"}}),
            "header name",
        ),
        (
            json!({"type": "http", "url": "https://example.org", "headers": {"Mcp-Session-Id": "1"}}),
            "set by the gateway",
        ),
        (
            json!({"type": "http", "url": "https://example.org", "headers": {"X-Api-Key": "k"}}),
            "secretRef",
        ),
        (
            json!({"type": "http", "url": "https://example.org", "headers": {"A": {"secretRef": "no spaces"}}}),
            "secret name",
        ),
        (
            json!({"type": "http", "url": "https://example.org", "command": "sh"}),
            "unknown field",
        ),
    ] {
        let outcome = parse(value.clone());
        assert!(
            outcome.as_ref().is_err_and(|error| error.contains(reason)),
            "{value}: {outcome:?}"
        );
    }
    let many: Vec<String> = (0..200).map(|n| n.to_string()).collect();
    assert!(parse(json!({"type": "stdio", "command": "x", "args": many})).is_err());
}

#[test]
fn credential_names_are_recognised() {
    for name in [
        "Authorization",
        "cookie",
        "X-Api-Key",
        "GITHUB_TOKEN",
        "DB_PASSWORD",
        "client_secret",
    ] {
        assert!(names_a_credential(name), "{name}");
    }
    for name in ["X-Team", "LOG_LEVEL", "TZ", "Accept"] {
        assert!(!names_a_credential(name), "{name}");
    }
    assert_eq!(
        serde_json::from_value::<UpstreamValue>(json!("plain")).ok(),
        Some(UpstreamValue::Plain("plain".into()))
    );
}

#[test]
fn what_a_person_picks_in_the_app_becomes_a_checked_upstream() -> Result<(), String> {
    let folder = UpstreamChoice::Folder {
        path: "/home/ada/notes".to_owned(),
    }
    .upstream()?;
    assert_eq!(
        folder,
        Upstream::Stdio {
            command: "npx".to_owned(),
            args: vec![
                "-y".to_owned(),
                FILESYSTEM_SERVER_PACKAGE.to_owned(),
                "/home/ada/notes".to_owned()
            ],
            env: BTreeMap::new(),
            cwd: None,
            sessions: UpstreamSessions::Shared,
        }
    );
    let command = UpstreamChoice::Command {
        command_line: r#"uvx mcp-server-time --local-timezone "Europe/Paris""#.to_owned(),
    }
    .upstream()?;
    assert!(
        matches!(&command, Upstream::Stdio { command, args, .. }
            if command == "uvx" && args.last().map(String::as_str) == Some("Europe/Paris")),
        "{command:?}"
    );
    assert_eq!(command.sessions(), UpstreamSessions::Separate);
    assert!(!command.takes_roots_as_limits());
    // Servers that would take a client's roots as the folders they may use.
    for line in [
        "npx -y @modelcontextprotocol/server-filesystem@2026.8.31 /srv/notes",
        "/opt/bin/mcp-server-filesystem /srv/notes",
        "uvx mcp-server-git --repository /srv/repo",
    ] {
        let upstream = UpstreamChoice::Command {
            command_line: line.to_owned(),
        }
        .upstream()?;
        assert!(upstream.takes_roots_as_limits(), "{line}");
    }
    for (choice, reason) in [
        (
            UpstreamChoice::Folder {
                path: "notes".to_owned(),
            },
            "absolute",
        ),
        (
            UpstreamChoice::Command {
                command_line: "npx 'unclosed".to_owned(),
            },
            "unclosed quote",
        ),
        (
            UpstreamChoice::Url {
                url: "ftp://example.org".to_owned(),
            },
            "http",
        ),
    ] {
        let outcome = choice.upstream();
        assert!(
            outcome.as_ref().is_err_and(|error| error.contains(reason)),
            "{choice:?}: {outcome:?}"
        );
    }
    let json: UpstreamChoice =
        serde_json::from_str(r#"{"kind":"command","commandLine":"uvx mcp-server-time"}"#)
            .map_err(|error| error.to_string())?;
    assert!(matches!(json, UpstreamChoice::Command { .. }));
    Ok(())
}
