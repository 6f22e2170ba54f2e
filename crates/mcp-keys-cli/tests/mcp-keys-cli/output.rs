//! What commands print: top-level JSON arrays for lists, aligned plain
//! tables for people when stdout is not a terminal, completions and help.

use anyhow::{Context, Result};

use crate::cli::{Cli, KeyService, text};

#[tokio::test]
async fn every_list_with_json_prints_a_top_level_array() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    assert_eq!(
        cli.json(&["products", "list"]).await?,
        serde_json::json!([])
    );
    assert_eq!(
        cli.json(&["surfaces", "list"]).await?,
        serde_json::json!([])
    );
    assert_eq!(
        cli.json(&["connections", "list"]).await?,
        serde_json::json!([])
    );
    let surface = cli.surface(&["search"]).await?;
    let surface_id = text(&surface, "id")?;
    assert_eq!(
        cli.json(&["keys", "list", &surface_id]).await?,
        serde_json::json!([])
    );
    cli.ok(&["keys", "create", &surface_id, "--name", "k"])
        .await?;
    for args in [
        vec!["products", "list"],
        vec!["surfaces", "list"],
        vec!["keys", "list", surface_id.as_str()],
    ] {
        let list = cli.json(&args).await?;
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(1),
            "{args:?} prints an array: {list}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn tables_are_aligned_with_relative_times_and_no_color_off_a_terminal() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let surface = cli.surface(&["search"]).await?;
    let surface_id = text(&surface, "id")?;
    let key = cli
        .ok(&["keys", "create", &surface_id, "--name", "MCP - Cursor"])
        .await?;
    let table = cli.ok(&["keys", "list", &surface_id]).await?;
    assert!(
        !table.contains('\u{1b}'),
        "no escape codes in a pipe:\n{table}"
    );
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one key:\n{table}");
    assert!(lines[0].starts_with("ID "), "{table}");
    let name_column = lines[0].find("NAME").context("NAME column")?;
    assert_eq!(
        lines[1].find("MCP - Cursor"),
        Some(name_column),
        "columns line up:\n{table}"
    );
    assert!(lines[1].contains("just now"), "relative times:\n{table}");
    assert!(lines[1].contains("never"), "never used:\n{table}");
    assert!(lines[1].contains("active"), "{table}");
    assert!(!table.contains(key.trim()), "a list never shows a key");

    let empty = cli.ok(&["products", "create", "Empty"]).await?;
    assert!(empty.contains("Created product \"Empty\""), "{empty}");
    let none = Cli::ad_hoc(&service)?.ok(&["connections", "list"]).await?;
    assert!(none.contains("No saved connections"), "{none}");
    Ok(())
}

#[tokio::test]
async fn completions_are_printed_for_each_shell() -> Result<()> {
    let cli = Cli::saved()?;
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = cli.ok(&["completions", shell]).await?;
        assert!(script.contains("mcp-keys"), "{shell}: {script}");
        assert!(script.contains("revoke"), "{shell} completes subcommands");
    }
    Ok(())
}

#[tokio::test]
async fn help_has_examples_and_exit_codes() -> Result<()> {
    let help = Cli::saved()?.ok(&["--help"]).await?;
    for part in ["Examples:", "Exit codes:", "MCP_KEYS_TOKEN", "keys create"] {
        assert!(help.contains(part), "--help mentions {part}:\n{help}");
    }
    let keys = Cli::saved()?.ok(&["keys", "revoke", "--help"]).await?;
    assert!(keys.contains("--yes"), "{keys}");
    Ok(())
}

#[tokio::test]
async fn the_version_names_the_build_and_the_manual_is_written_from_the_definition() -> Result<()> {
    let cli = Cli::saved()?;
    let version = cli.ok(&["--version"]).await?;
    // `mcp-keys 0.1.0 (<commit> <date>)`: this checkout is a git one.
    let build = version
        .trim()
        .strip_prefix(concat!("mcp-keys ", env!("CARGO_PKG_VERSION"), " ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_default();
    let (commit, date) = build.split_once(' ').unwrap_or_default();
    assert!(
        commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{version}"
    );
    assert_eq!(date.len(), "2026-12-05".len(), "{version}");

    let man = cli.ok(&["man"]).await?;
    for part in [".TH mcp-keys 1", "serve", "keys", "Exit codes"] {
        assert!(man.contains(part), "the manual mentions {part}");
    }
    let completions = cli.ok(&["completions", "bash"]).await?;
    assert!(
        completions.contains("complete -F") && completions.contains("mcp-keys"),
        "a bash completion for mcp-keys"
    );
    Ok(())
}

#[tokio::test]
async fn names_with_terminal_escapes_from_a_server_are_printed_inert() -> Result<()> {
    // A server of another kind (Runtype's API, an older service) that
    // stored a hostile name; ours refuses such names.
    const ANSWER: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 180\r\n\r\n{\"data\":[{\"id\":\"p1\",\"name\":\"\\u001b]0;pwned\\u0007\\u001b[2J\\u202etxt\",\"createdAt\":\"2026-01-01T00:00:00Z\"}],\"pagination\":{\"nextCursor\":null,\"hasMore\":false,\"limit\":50,\"totalCount\":1}}";
    let (url, _) = crate::impostor::listener(ANSWER).await?;
    let cli = Cli::ad_hoc_with(&url, "rt_live_abcdefghijklmnop")?;
    let run = cli
        .run(&["products", "list"])
        .await?
        .success(&["products", "list"])?;
    assert!(
        !run.stdout.contains('\u{1b}')
            && !run.stdout.contains('\u{7}')
            && !run.stdout.contains('\u{202e}'),
        "no control character reaches the terminal: {:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("pwned"),
        "the name is still shown: {}",
        run.stdout
    );
    Ok(())
}
