//! A surface's upstream as JSON (DESIGN §7), and what is refused before it
//! is stored.

use std::collections::BTreeMap;

use mcp_keys_core::{
    FILESYSTEM_SERVER_PACKAGE, MAX_SECRET_NAME, Sensitive, Upstream, UpstreamChoice,
    UpstreamSecretChoice, UpstreamSessions, UpstreamValue, is_secret_name, names_a_credential,
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
        secret_env: None,
        shared: false,
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
            secret_env: None,
            shared: false,
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
                secret_env: None,
                shared: false,
            },
            "unclosed quote",
        ),
        (
            UpstreamChoice::Url {
                url: "ftp://example.org".to_owned(),
                credential: None,
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

fn secret(name: &str) -> Option<UpstreamSecretChoice> {
    Some(UpstreamSecretChoice {
        name: name.to_owned(),
        secret_ref: None,
    })
}

fn remote(url: &str, credential: Option<UpstreamSecretChoice>) -> UpstreamChoice {
    UpstreamChoice::Url {
        url: url.to_owned(),
        credential,
    }
}

fn command(line: &str, secret_env: Option<UpstreamSecretChoice>, shared: bool) -> UpstreamChoice {
    UpstreamChoice::Command {
        command_line: line.to_owned(),
        secret_env,
        shared,
    }
}

fn secret_ref(name: &str) -> UpstreamValue {
    UpstreamValue::Secret {
        secret_ref: name.to_owned(),
    }
}

#[test]
fn a_remote_servers_credential_header_refers_to_a_secret_named_after_its_host_and_header()
-> Result<(), String> {
    let upstream = remote(
        " https://MCP.Example.org:8443/mcp ",
        secret("Authorization"),
    )
    .upstream()?;
    assert_eq!(
        upstream,
        Upstream::Http {
            url: "https://MCP.Example.org:8443/mcp".to_owned(),
            headers: BTreeMap::from([(
                "Authorization".to_owned(),
                secret_ref("mcp.example.org_8443.authorization")
            )]),
            sessions: UpstreamSessions::Separate,
        }
    );
    // Header names are case-insensitive: one secret, however it is spelled.
    let lower = remote(
        "https://mcp.example.org:8443/other",
        secret("authorization"),
    )
    .upstream()?;
    assert_eq!(
        lower.secret_refs().collect::<Vec<_>>(),
        ["mcp.example.org_8443.authorization"]
    );
    // A secret already set on another key service, by its name there.
    let named = remote(
        "https://mcp.example.org/mcp",
        Some(UpstreamSecretChoice {
            name: "X-Api-Key".to_owned(),
            secret_ref: Some(" team-example ".to_owned()),
        }),
    )
    .upstream()?;
    assert_eq!(named.secret_refs().collect::<Vec<_>>(), ["team-example"]);
    // What the form sends.
    let json: UpstreamChoice = serde_json::from_value(json!({"kind": "url",
        "url": "https://mcp.example.org/mcp", "credential": {"name": "Authorization"}}))
    .map_err(|error| error.to_string())?;
    assert_eq!(
        json.upstream()?.secret_refs().collect::<Vec<_>>(),
        ["mcp.example.org.authorization"]
    );
    Ok(())
}

#[test]
fn a_commands_secret_variable_is_named_after_what_it_runs_and_shared_means_one_process()
-> Result<(), String> {
    let github = command(
        "npx -y @modelcontextprotocol/server-github@2025.4.8",
        secret("GITHUB_PERSONAL_ACCESS_TOKEN"),
        true,
    )
    .upstream()?;
    let Upstream::Stdio { env, sessions, .. } = &github else {
        panic!("a command is a stdio upstream: {github:?}");
    };
    assert_eq!(
        env,
        &BTreeMap::from([(
            "GITHUB_PERSONAL_ACCESS_TOKEN".to_owned(),
            secret_ref("server-github.GITHUB_PERSONAL_ACCESS_TOKEN")
        )]),
        "named after the package npx runs, not after npx"
    );
    assert_eq!(*sessions, UpstreamSessions::Shared);
    for (line, name) in [
        ("uvx mcp-server-fetch==2025.1", "mcp-server-fetch.API_KEY"),
        ("/opt/mcp/bin/weather --units metric", "weather.API_KEY"),
        (r"'C:\Tools\weather.exe'", "weather.API_KEY"),
    ] {
        let upstream = command(line, secret("API_KEY"), false).upstream()?;
        assert_eq!(upstream.secret_refs().collect::<Vec<_>>(), [name], "{line}");
        assert_eq!(upstream.sessions(), UpstreamSessions::Separate, "{line}");
    }
    let json: UpstreamChoice = serde_json::from_value(json!({"kind": "command",
        "commandLine": "uvx mcp-server-time", "shared": true}))
    .map_err(|error| error.to_string())?;
    assert_eq!(json.upstream()?.sessions(), UpstreamSessions::Shared);
    Ok(())
}

#[test]
fn a_derived_secret_name_is_always_a_valid_one() -> Result<(), String> {
    let host = format!("{}.example.org", "a".repeat(200));
    let upstream = remote(&format!("https://{host}/mcp"), secret("X-Api-Key")).upstream()?;
    let names: Vec<_> = upstream.secret_refs().collect();
    assert!(
        names.iter().all(|name| is_secret_name(name)
            && name.len() == MAX_SECRET_NAME
            && name.ends_with(".x-api-key")),
        "the host is shortened, the header kept whole: {names:?}"
    );
    let ipv6 = remote("http://[::1]:3001/mcp", secret("Authorization")).upstream()?;
    assert!(ipv6.secret_refs().all(is_secret_name), "{ipv6:?}");
    Ok(())
}

#[test]
fn a_secret_value_is_kept_under_the_name_the_upstream_refers_to() -> Result<(), String> {
    let choice = remote("https://mcp.example.org/mcp", secret("Authorization"));
    let (upstream, saved) =
        choice.upstream_with_secret(Some(Sensitive::new(" Bearer s3cr3t-token\n".to_owned())))?;
    let Some(saved) = saved else {
        panic!("a value was given");
    };
    assert_eq!(
        upstream.secret_refs().collect::<Vec<_>>(),
        [saved.name.as_str()]
    );
    assert_eq!(
        saved.value.expose(),
        "Bearer s3cr3t-token",
        "a pasted line break is not part of it"
    );
    assert!(
        !format!("{saved:?}").contains("s3cr3t"),
        "the value never shows in Debug"
    );
    assert!(
        serde_json::to_string(&choice).is_ok_and(|json| !json.contains("s3cr3t")),
        "the choice never holds the value"
    );
    // Without a value, the one already saved under that name is used.
    let (_, none) = choice.upstream_with_secret(None)?;
    assert!(none.is_none());
    Ok(())
}

#[test]
fn bad_secret_choices_are_refused_with_the_reason() {
    let value = || Some(Sensitive::new("s3cr3t".to_owned()));
    for (choice, value, reason) in [
        (
            remote("https://mcp.example.org", secret("Bad Header")),
            None,
            "is not a header name",
        ),
        (
            remote("https://mcp.example.org", secret("Host")),
            None,
            "set by the gateway",
        ),
        (
            command("uvx mcp-server-time", secret("1BAD"), false),
            None,
            "is not an environment variable name",
        ),
        (
            command("uvx mcp-server-time", secret("API KEY"), false),
            None,
            "is not an environment variable name",
        ),
        (
            remote(
                "https://mcp.example.org",
                Some(UpstreamSecretChoice {
                    name: "Authorization".to_owned(),
                    secret_ref: Some("no spaces".to_owned()),
                }),
            ),
            None,
            "secret name",
        ),
        (
            remote("https://mcp.example.org", secret("Authorization")),
            Some(Sensitive::new(" \n ".to_owned())),
            "is empty",
        ),
        (
            command("uvx mcp-server-time", secret("API_KEY"), false),
            Some(Sensitive::new(String::new())),
            "is empty",
        ),
        (
            remote("https://mcp.example.org", secret("Authorization")),
            Some(Sensitive::new("Bearer a\r\nX-Evil: 1".to_owned())),
            "control characters",
        ),
        (
            remote("https://mcp.example.org", secret("Authorization")),
            Some(Sensitive::new("x".repeat(5000))),
            "longer than",
        ),
        (
            remote("https://mcp.example.org", None),
            value(),
            "without a header or environment variable",
        ),
        (
            UpstreamChoice::Folder {
                path: "/srv/notes".to_owned(),
            },
            value(),
            "without a header or environment variable",
        ),
    ] {
        let shown = format!("{choice:?}");
        let outcome = choice.upstream_with_secret(value);
        assert!(
            outcome
                .as_ref()
                .is_err_and(|error| error.contains(reason) && !error.contains("s3cr3t")),
            "{shown}: {outcome:?}"
        );
    }
    let unknown = serde_json::from_value::<UpstreamChoice>(json!({"kind": "url",
        "url": "https://mcp.example.org", "credential": {"name": "Authorization", "value": "x"}}));
    assert!(
        unknown.is_err_and(|error| error.to_string().contains("unknown field")),
        "a value is never part of the choice"
    );
}
