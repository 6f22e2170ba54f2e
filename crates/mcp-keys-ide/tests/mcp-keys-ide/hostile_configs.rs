//! Config files nobody vouched for: nested to exhaust the stack, with a
//! byte-order mark, CRLF line ends or UTF-16. Each is read or reported,
//! never a crash and never silence.

use std::path::Path;

use mcp_keys_ide::{Collected, FindingCode, Format, collect, parse};

use crate::support::{key, options};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const LEVELS: usize = 10_000;

fn write(home: &Path, relative: &str, bytes: &[u8]) -> Result {
    let path = home.join(relative);
    std::fs::create_dir_all(path.parent().ok_or("a parent")?)?;
    std::fs::write(path, bytes)?;
    Ok(())
}

fn problem_for<'a>(collected: &'a Collected, suffix: &str) -> Option<&'a str> {
    collected
        .problems
        .iter()
        .find(|finding| {
            finding.code == FindingCode::UnparseableConfig
                && finding
                    .config_path
                    .as_deref()
                    .is_some_and(|path| path.ends_with(suffix))
        })
        .map(|finding| finding.message.as_str())
}

fn occurrences_in(collected: &Collected, suffix: &str) -> usize {
    collected
        .occurrences
        .iter()
        .filter(|occurrence| occurrence.file.path.ends_with(suffix))
        .count()
}

fn entry(key: &str) -> String {
    format!(
        r#"{{"mcpServers":{{"tools":{{"url":"http://127.0.0.1:7410/mcp","headers":{{"Authorization":"Bearer {key}"}}}}}}}}"#
    )
}

#[test]
fn configs_nested_ten_thousand_levels_deep_are_reported_not_a_crash() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let json = format!("{}{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    write(&home, ".cursor/mcp.json", json.as_bytes())?;
    let jsonc = format!(
        "// comment\n{{\"a\":{}1{}}}",
        "{\"a\":".repeat(LEVELS),
        "}".repeat(LEVELS)
    );
    write(&home, ".config/Code/User/settings.json", jsonc.as_bytes())?;
    let toml = format!("a = {}1{}\n", "[".repeat(LEVELS), "]".repeat(LEVELS));
    write(&home, ".codex/config.toml", toml.as_bytes())?;
    let yaml = format!("{}1{}\n", "[".repeat(LEVELS), "]".repeat(LEVELS));
    write(&home, ".continue/config.yaml", yaml.as_bytes())?;

    let collected = collect(&options(dir.path(), &[]));

    for file in [
        ".cursor/mcp.json",
        "Code/User/settings.json",
        ".codex/config.toml",
        ".continue/config.yaml",
    ] {
        let message = problem_for(&collected, file)
            .ok_or_else(|| format!("{file} is reported: {:#?}", collected.problems))?;
        assert!(
            message.contains("nested deeper than") || message.contains("recursion limit"),
            "the report says why: {message}"
        );
    }
    Ok(())
}

#[test]
fn yaml_nested_by_indentation_is_refused_at_the_limit() {
    let block: String = (0..1_000)
        .map(|level| format!("{}a:\n", " ".repeat(level)))
        .collect();
    let error = parse(Format::Yaml, &block).err().unwrap_or_default();
    assert!(error.contains("nested deeper than 128"), "{error}");
    let shallow: String = (0..100)
        .map(|level| format!("{}a:\n", " ".repeat(level)))
        .collect();
    assert!(
        parse(Format::Yaml, &shallow).is_ok(),
        "100 levels still parse"
    );
}

#[test]
fn a_config_with_a_byte_order_mark_or_crlf_is_read() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(entry(&key("K01")).as_bytes());
    write(&home, ".cursor/mcp.json", &bom)?;
    let crlf = format!(
        "[mcp_servers.tools]\r\nurl = \"http://127.0.0.1:7410/mcp\"\r\nhttp_headers = {{ Authorization = \"Bearer {}\" }}\r\n",
        key("K02")
    );
    write(&home, ".codex/config.toml", crlf.as_bytes())?;

    let collected = collect(&options(dir.path(), &[]));

    assert_eq!(
        occurrences_in(&collected, ".cursor/mcp.json"),
        1,
        "the key behind a BOM is found: {:#?}",
        collected.problems
    );
    assert_eq!(
        occurrences_in(&collected, ".codex/config.toml"),
        1,
        "the key in a CRLF file is found: {:#?}",
        collected.problems
    );
    Ok(())
}

#[test]
fn a_utf16_config_is_named_as_unsupported() -> Result {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in entry(&key("K01")).encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    write(&home, ".cursor/mcp.json", &utf16)?;

    let collected = collect(&options(dir.path(), &[]));

    let message = problem_for(&collected, ".cursor/mcp.json").ok_or("the file is reported")?;
    assert!(
        message.contains("UTF-16"),
        "the report names the encoding: {message}"
    );
    Ok(())
}
