//! The packages of `cargo xtask bundle`, installed on this machine.
//!
//! `cargo xtask test` builds them first and names them in `MCP_KEYS_DEB` and
//! `MCP_KEYS_RPM`. Installing needs root (or `sudo -n`), and the test refuses
//! to run where `mcp-keys` is installed already: a purge deletes the system
//! service's database.

mod system;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use mcp_keys_e2e::{App, free_port, spawn, testid, wait_for_port};
use system::{Installed, on_path, output};

/// The Debian package's name (from the product name, by Tauri's bundler).
const PACKAGE: &str = "mcp-keys";
/// The user the service runs as here; systemd gives it one of its own.
const SERVICE_UID: u32 = 65534;
/// What the package must put on the machine, besides icons and its docs.
const EXPECTED: &[&str] = &[
    "/usr/bin/mcp-keys",
    "/usr/bin/mcp-keys-desktop",
    "/usr/share/man/man1/mcp-keys.1.gz",
    "/usr/share/bash-completion/completions/mcp-keys",
    "/usr/share/zsh/vendor-completions/_mcp-keys",
    "/usr/share/fish/vendor_completions.d/mcp-keys.fish",
    "/usr/lib/systemd/system/mcp-keys.service",
    "/usr/share/mcp-keys/serve.env",
];

fn package_path(variable: &str, kind: &str) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Ok(PathBuf::from(path));
    }
    let dir = mcp_keys_e2e::target_dir().join("debug/bundle").join(kind);
    std::fs::read_dir(&dir)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == kind))
        .with_context(|| format!("no .{kind} in {}: run `cargo xtask test`", dir.display()))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deb_installs_runs_and_purges_leaving_nothing_behind() -> Result<()> {
    let deb = package_path("MCP_KEYS_DEB", "deb")?;
    let version = env!("CARGO_PKG_VERSION");
    let field = |name: &str| output(Command::new("dpkg-deb").args(["-f"]).arg(&deb).arg(name));
    ensure!(field("Package")?.trim() == PACKAGE);
    ensure!(field("Version")?.trim() == version);
    let depends = field("Depends")?;

    let installed = Installed::install(PACKAGE, &deb)?;
    let files = installed.files()?;
    for expected in EXPECTED {
        ensure!(files.contains(*expected), "the package lacks {expected}");
    }
    system::every_library_is_a_dependency(
        &["/usr/bin/mcp-keys", "/usr/bin/mcp-keys-desktop"],
        &depends,
    )?;
    let settings = Path::new("/etc/mcp-keys/serve.env");
    let mode = std::os::unix::fs::PermissionsExt::mode(&settings.metadata()?.permissions());
    ensure!(
        mode & 0o777 == 0o600,
        "serve.env is mode {mode:o}, readable beyond root"
    );

    // The CLI, its manual and its completions, as a shell finds them.
    let cli_version = output(Command::new("mcp-keys").arg("--version"))?;
    ensure!(
        cli_version.starts_with(&format!("mcp-keys {version} (")),
        "{cli_version}"
    );
    let build = cli_version
        .trim()
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .context("--version names no build")?
        .to_owned();
    let manual = output(Command::new("man").args(["-P", "cat", "mcp-keys"]))?;
    ensure!(
        manual.contains("serve"),
        "the manual page does not describe serve"
    );
    output(Command::new("bash").args([
        "-c",
        ". /usr/share/bash-completion/completions/mcp-keys && complete -p mcp-keys",
    ]))?;
    let entry = files
        .iter()
        .find(|file| file.starts_with("/usr/share/applications/") && file.ends_with(".desktop"))
        .context("the package installs no desktop entry")?;
    let entry_text = std::fs::read_to_string(entry)?;
    ensure!(entry_text.contains("Exec=mcp-keys-desktop"), "{entry_text}");
    if on_path("desktop-file-validate") {
        output(Command::new("desktop-file-validate").arg(entry))?;
    }

    the_unit_command_line_serves(&files).await?;

    // The installed app, in a window, names the same build as the CLI.
    let app = App::launch_binary("package", Path::new("/usr/bin/mcp-keys-desktop"), &[]).await?;
    app.find(&testid("app-shell")).await?;
    app.click("nav-settings").await?;
    app.find(&testid("about-build")).await?;
    ensure!(app.text(&testid("about-version")).await? == version);
    ensure!(app.text(&testid("about-build")).await? == build);
    app.close().await?;

    let kept: Vec<PathBuf> = installed.purge()?;
    ensure!(kept.is_empty(), "left behind after the purge: {kept:?}");
    Ok(())
}

/// Starts the service the way its unit does: the unit's own `ExecStart`,
/// the environment file it names (edited as an administrator would, for a
/// free port), an unprivileged user and a state folder of its own.
async fn the_unit_command_line_serves(files: &BTreeSet<String>) -> Result<()> {
    let unit_path = "/usr/lib/systemd/system/mcp-keys.service";
    ensure!(files.contains(unit_path));
    if on_path("systemd-analyze") {
        output(Command::new("systemd-analyze").args(["verify", unit_path]))?;
        // systemd's own measure of a unit's exposure, 0 to 10 (the threshold
        // counts tenths): 2.0 or less is what it calls OK.
        output(Command::new("systemd-analyze").args([
            "security",
            "--offline=true",
            "--threshold=20",
            unit_path,
        ]))?;
    }
    let unit = system::Unit::read(Path::new(unit_path))?;
    ensure!(
        unit.value("DynamicUser") == Some("yes"),
        "the service has no user of its own"
    );
    ensure!(
        unit.value("ProtectHome") == Some("yes"),
        "the service can read homes"
    );
    ensure!(unit.value("StateDirectory") == Some("mcp-keys"));

    let port = free_port()?;
    let env_file = unit
        .value("EnvironmentFile")
        .context("the unit reads no settings")?;
    let settings = std::fs::read_to_string(env_file)?;
    let edited: String = settings
        .lines()
        .map(|line| match line.starts_with("MCP_KEYS_SERVE_OPTIONS=") {
            true => format!("MCP_KEYS_SERVE_OPTIONS=--listen 127.0.0.1:{port}\n"),
            false => format!("{line}\n"),
        })
        .collect();
    std::fs::write(env_file, edited)?;
    let environment = system::read_environment_file(Path::new(env_file))?;
    let argv = unit.exec_start(&environment)?;

    let state = Path::new("/var/lib/mcp-keys");
    std::fs::create_dir_all(state)?;
    std::os::unix::fs::chown(state, Some(SERVICE_UID), Some(SERVICE_UID))?;
    std::fs::set_permissions(state, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    let mut command = Command::new("setpriv");
    command
        .args([
            format!("--reuid={SERVICE_UID}"),
            format!("--regid={SERVICE_UID}"),
            "--clear-groups".to_owned(),
            "--".to_owned(),
        ])
        .args(&argv)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(&environment);
    let mut service = spawn("the installed service", &mut command)?;
    wait_for_port(&mut service, port, Duration::from_secs(20))?;

    let token = std::fs::read_to_string(state.join("initial-token"))?;
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}/v1");
    let created = client
        .post(format!("{base}/products"))
        .bearer_auth(token.trim())
        .json(&serde_json::json!({"name": "Packaged"}))
        .send()
        .await?;
    ensure!(created.status().is_success(), "{}", created.status());
    let refused = client.get(format!("{base}/products")).send().await?;
    ensure!(refused.status() == reqwest::StatusCode::UNAUTHORIZED);
    ensure!(
        state.join("keys.db").is_file(),
        "the database is not in the state folder"
    );
    let status = service.stop()?;
    ensure!(status.success(), "the service stopped with {status}");
    Ok(())
}

#[test]
fn the_rpm_holds_what_the_deb_holds() -> Result<()> {
    let deb = package_path("MCP_KEYS_DEB", "deb")?;
    let rpm = package_path("MCP_KEYS_RPM", "rpm")?;
    let deb_files: BTreeSet<String> = output(Command::new("dpkg-deb").arg("-c").arg(&deb))?
        .lines()
        .filter(|line| line.starts_with('-'))
        // mode, owner, size, date, time, then the path (with or without "./").
        .map(|line| {
            line.split_whitespace()
                .skip(5)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map(|path| format!("/{}", path.trim_start_matches("./").trim_start_matches('/')))
        .collect();
    let rpm_files: BTreeSet<String> = output(
        Command::new("rpm")
            .args(["-qp", "--qf", "[%{FILENAMES}\\n]"])
            .arg(&rpm),
    )?
    .lines()
    .map(str::to_owned)
    .collect();
    for expected in EXPECTED {
        ensure!(deb_files.contains(*expected), "the .deb lacks {expected}");
    }
    let only_deb: Vec<_> = deb_files.difference(&rpm_files).collect();
    ensure!(
        only_deb.is_empty(),
        "in the .deb, not the .rpm: {only_deb:?}"
    );
    let requires = output(Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm))?;
    for library in ["libwebkit2gtk-4.1.so.0", "libdbus-1.so.3"] {
        ensure!(
            requires.contains(library),
            "the .rpm does not require {library}: {requires}"
        );
    }
    let scripts = output(Command::new("rpm").args(["-qp", "--scripts"]).arg(&rpm))?;
    ensure!(scripts.contains("/etc/mcp-keys/serve.env"), "{scripts}");
    Ok(())
}
