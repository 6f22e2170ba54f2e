//! kill -9 during writes: the config is always the old or the new file,
//! never a mix or a truncated one.
//!
//! The test binary runs itself as the writer: with `MCP_KEYS_IDE_WRITER`
//! set, `writer_child` rotates the key of the given config in a loop (two
//! keys, back and forth) until it is killed.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcp_keys_core::{ApiKey, Fingerprint};
use mcp_keys_ide::edit::{EditOptions, Target, replace_key};
use mcp_keys_ide::{ClientId, registry};

const WRITER: &str = "MCP_KEYS_IDE_WRITER";

fn key_a() -> String {
    crate::support::key("K01")
}

fn key_b() -> String {
    crate::support::key("K02")
}

fn config(key: &str) -> String {
    // Large enough that a write takes a while: many servers and comments.
    let mut servers = String::new();
    for index in 0..400 {
        servers.push_str(&format!("    // server {index}\n    \"s{index}\": {{ \"command\": \"npx\", \"args\": [\"tool-{index}\"] }},\n"));
    }
    format!(
        "{{\n  \"mcpServers\": {{\n{servers}    \"target\": {{ \"url\": \"https://x.example/mcp\", \"headers\": {{ \"Authorization\": \"Bearer {key}\" }} }},\n  }},\n}}\n"
    )
}

#[test]
fn writer_child() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(path) = std::env::var(WRITER) else {
        return Ok(());
    };
    let path = Path::new(&path);
    let location = registry::client(ClientId::Cursor)
        .and_then(|spec| {
            spec.locations
                .iter()
                .position(|l| l.scope == mcp_keys_ide::Scope::Global)
        })
        .ok_or("cursor location")?;
    let target = Target {
        client: ClientId::Cursor,
        location,
        path: path.to_path_buf(),
    };
    let options = EditOptions {
        backup_dir: path.with_extension("backups"),
        ..EditOptions::default()
    };
    let (a, b) = (ApiKey::parse(&key_a())?, ApiKey::parse(&key_b())?);
    loop {
        let text = fs::read_to_string(path)?;
        let (old, new) = if text.contains(a.expose_secret()) {
            (&a, &b)
        } else {
            (&b, &a)
        };
        replace_key(
            &target,
            &Fingerprint::of(old.expose_secret()),
            new,
            &options,
        )?;
        // Keep the backup folder small over thousands of writes.
        if let Ok(entries) = fs::read_dir(&options.backup_dir) {
            for entry in entries.flatten().skip(4) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[test]
fn kill_9_during_writes_always_leaves_the_old_or_the_new_file()
-> Result<(), Box<dyn std::error::Error>> {
    if std::env::var(WRITER).is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mcp.json");
    fs::write(&path, config(&key_a()))?;
    let (with_a, with_b) = (config(&key_a()), config(&key_b()));
    let exe = std::env::current_exe()?;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut kills = 0;
    let mut seen_new = false;
    let started = Instant::now();
    while kills < 25 && started.elapsed() < Duration::from_secs(60) {
        let mut child = Command::new(&exe)
            .args([
                "crash::writer_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        // A pseudo-random moment (xorshift), 20 to 120 ms after start: the
        // child is mid-loop by then, between any two of its steps.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(20 + seed % 100));
        child.kill()?; // SIGKILL on Unix
        child.wait()?;
        kills += 1;
        let now = fs::read_to_string(&path)?;
        assert!(
            now == with_a || now == with_b,
            "after kill {kills} the file is whole ({} bytes)",
            now.len()
        );
        seen_new |= now == with_b;
    }
    assert!(kills >= 10, "the loop ran ({kills} kills)");
    assert!(seen_new, "the writer did write between kills");

    // A killed write may leave its temporary file (it holds a key): the
    // next write removes every one whose writer is gone.
    let stale = dir.path().join(".mcp.json.mcp-keys-999999999-0.tmp");
    fs::write(&stale, config(&key_b()))?;
    mcp_keys_ide::edit::write_atomic(&path, with_a.as_bytes(), None)?;
    let temps: Vec<String> = fs::read_dir(dir.path())?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.as_ref().map_or(true, |name| name.ends_with(".tmp")))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        temps,
        Vec::<String>::new(),
        "no temporary file is left behind"
    );
    Ok(())
}
