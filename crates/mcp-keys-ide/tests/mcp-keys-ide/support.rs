//! Fixture homes copied into temporary folders, the fixture keys, and a
//! lookup built from them.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use mcp_keys_core::{Environment, Fingerprint};
use mcp_keys_ide::{DiscoverOptions, KnownKey, Os, SurfaceFacts, SurfaceStatus};

/// The fixture folder of this crate's tests.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ide")
}

/// The fixture keys by name (`K01` ... and `K07BAD`, K07 with a typo).
pub fn keys() -> HashMap<String, String> {
    let text = fs::read_to_string(fixtures().join("keys.txt")).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(name, key)| (name.to_owned(), key.to_owned()))
        .collect()
}

/// The key named `name`.
pub fn key(name: &str) -> String {
    keys().remove(name).unwrap_or_default()
}

/// The name of the fixture key with this fingerprint.
pub fn key_name(fingerprint: &Fingerprint) -> Option<String> {
    keys()
        .into_iter()
        .find(|(_, key)| Fingerprint::of(key) == *fingerprint)
        .map(|(name, _)| name)
}

/// Copies `tests/fixtures/ide/<from>` into `to`, replacing `@FIXTURES@` in
/// every file with `to` (recorded project paths are absolute).
pub fn copy_fixtures(from: &str, to: &Path) -> std::io::Result<()> {
    copy_tree(&fixtures().join(from), &to.join(from), to)
}

fn copy_tree(from: &Path, to: &Path, root: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target, root)?;
        } else {
            let text = fs::read_to_string(entry.path())?;
            fs::write(
                &target,
                text.replace("@FIXTURES@", &root.display().to_string()),
            )?;
        }
    }
    Ok(())
}

/// Options for the fixture home under `root`: Linux layout, the `given`
/// project passed explicitly, recorded projects on, and `env`.
pub fn options(root: &Path, env: &[(&str, &str)]) -> DiscoverOptions {
    let mut options = DiscoverOptions::new(root.join("home"));
    options.os = Os::Linux;
    options.projects = vec![root.join("projects/given")];
    options.env = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    options
}

/// A fixed "now" for statuses.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z")
        .map(|time| time.with_timezone(&Utc))
        .unwrap_or_default()
}

/// What the key service would say about a fixture key: active on an
/// active surface of its own environment with no scope limits.
pub fn known(name: &str, environment: Environment) -> KnownKey {
    KnownKey {
        key_id: format!("key_{name}"),
        name: Some(format!("MCP - {name}")),
        surface_id: format!("srf_{name}"),
        product_id: "prd_1".to_owned(),
        environment,
        scopes: Vec::new(),
        is_active: true,
        revoked_at: None,
        revoked_by: None,
        expires_at: None,
        surface: Some(SurfaceFacts {
            status: SurfaceStatus::Active,
            environment,
            url: None,
            capabilities: vec!["search".to_owned(), "fetch".to_owned()],
            keys_accepted: true,
            oauth_advertised: false,
        }),
    }
}

/// The lookup of the fixture home: every key active except K03 (revoked),
/// K05 (expired) and K06 (unknown).
pub fn fixture_lookup() -> HashMap<Fingerprint, KnownKey> {
    let mut lookup = HashMap::new();
    for (name, key) in keys() {
        let environment = if key.starts_with("mcp_prod_") {
            Environment::Production
        } else {
            Environment::Development
        };
        let mut facts = known(&name, environment);
        match name.as_str() {
            "K06" | "K07BAD" => continue,
            "K03" => {
                facts.is_active = false;
                facts.revoked_at = Some(now() - Duration::days(3));
            }
            "K05" => facts.expires_at = Some(now() - Duration::hours(1)),
            _ => {}
        }
        lookup.insert(Fingerprint::of(&key), facts);
    }
    lookup
}

/// Runs `git ARGS` in `dir` as a test user with no global config; an
/// error names the command and git's complaint.
pub fn git(dir: &Path, args: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()?;
    if !output.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    Ok(())
}
