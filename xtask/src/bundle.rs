//! `cargo xtask bundle`: the `.deb` and `.rpm` packages, built with Tauri's
//! bundler from the app and the `mcp-keys` CLI.
//!
//! `src-tauri/tauri.conf.json` describes the package (name, dependencies,
//! maintainer scripts); this module adds what is built or generated here: the
//! CLI, its manual page and completions, the systemd unit and its settings.

use crate::{process, system, ui, workspace};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The packages of one build.
#[derive(Debug)]
pub struct Packages {
    pub deb: PathBuf,
    pub rpm: PathBuf,
}

/// Installs what is missing, then builds the UI, the release (or debug)
/// binaries and both packages.
pub fn bundle(release: bool) -> Result<Packages> {
    system::ensure(system::Needs::Build)?;
    ui::install()?;
    ui::build()?;
    let packages = build(release)?;
    for package in [&packages.deb, &packages.rpm] {
        let size = fs::metadata(package)?.len();
        eprintln!(
            "{} ({:.1} MB)",
            package.display(),
            size as f64 / 1_000_000.0
        );
    }
    Ok(packages)
}

/// Builds the binaries and packages them; the UI must be built already.
pub fn build(release: bool) -> Result<Packages> {
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--package",
        "mcp-keys-desktop",
        "--package",
        "mcp-keys-cli",
    ]);
    if release {
        cargo.arg("--release");
    }
    process::run(&mut cargo)?;
    let profile_dir = workspace::target_dir().join(if release { "release" } else { "debug" });
    let cli = profile_dir.join("mcp-keys");
    let generated = profile_dir.join("package");
    generate(&cli, &generated)?;

    let out = profile_dir.join("bundle");
    for kind in ["deb", "rpm"] {
        let dir = out.join(kind);
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    let files = package_files(&cli, &generated);
    // A debug build's binaries are hundreds of MB: packed fast, not small.
    let rpm_compression = match release {
        true => serde_json::json!({ "type": "xz", "level": 9 }),
        false => serde_json::json!({ "type": "gzip", "level": 1 }),
    };
    let config = serde_json::json!({
        "bundle": { "linux": {
            "deb": { "files": files },
            "rpm": { "files": files, "compression": rpm_compression },
        } }
    });
    // --no-binary-patching: the bundler would otherwise rewrite the built app
    // in place to record the package type, which only its updater reads.
    let mut tauri = Command::new(tauri_cli()?);
    tauri
        .current_dir(workspace::root().join("src-tauri"))
        .args([
            "bundle",
            "--bundles",
            "deb,rpm",
            "--no-sign",
            "--no-binary-patching",
        ])
        .arg("--config")
        .arg(config.to_string());
    if !release {
        tauri.arg("--debug");
    }
    process::run(&mut tauri)?;
    let deb = package_named(&only_file(&out.join("deb"), "deb")?)?;
    if release {
        recompress_xz(&deb)?;
    }
    Ok(Packages {
        deb,
        rpm: package_named(&only_file(&out.join("rpm"), "rpm")?)?,
    })
}

/// The bundler names a package after the product ("MCP Keys_0.1.0_amd64.deb");
/// this renames it after the package ("mcp-keys_0.1.0_amd64.deb"), a name a
/// shell takes without quotes.
fn package_named(bundled: &Path) -> Result<PathBuf> {
    let name = bundled
        .file_name()
        .context("a package without a file name")?
        .to_string_lossy()
        .replace("MCP Keys", "mcp-keys");
    let renamed = bundled.with_file_name(name);
    fs::rename(bundled, &renamed).with_context(|| format!("renaming {}", bundled.display()))?;
    Ok(renamed)
}

/// Repacks a `.deb` with xz, as Debian's own packages are: Tauri's bundler
/// only writes gzip, which makes the download about half as large again.
fn recompress_xz(deb: &Path) -> Result<()> {
    let tree = deb.with_extension("tree");
    if tree.exists() {
        fs::remove_dir_all(&tree)?;
    }
    process::run(
        Command::new("dpkg-deb")
            .arg("--raw-extract")
            .arg(deb)
            .arg(&tree),
    )?;
    process::run(
        Command::new("dpkg-deb")
            .args(["-Zxz", "-z9", "--root-owner-group", "--build"])
            .arg(&tree)
            .arg(deb),
    )?;
    fs::remove_dir_all(&tree)?;
    Ok(())
}

/// Where each file goes in the package, and where it comes from.
fn package_files(cli: &Path, generated: &Path) -> serde_json::Map<String, serde_json::Value> {
    let linux = workspace::root().join("packaging/linux");
    [
        ("/usr/bin/mcp-keys", cli.to_path_buf()),
        (
            "/usr/share/man/man1/mcp-keys.1.gz",
            generated.join("mcp-keys.1.gz"),
        ),
        (
            "/usr/share/bash-completion/completions/mcp-keys",
            generated.join("mcp-keys.bash"),
        ),
        (
            "/usr/share/zsh/vendor-completions/_mcp-keys",
            generated.join("_mcp-keys"),
        ),
        (
            "/usr/share/fish/vendor_completions.d/mcp-keys.fish",
            generated.join("mcp-keys.fish"),
        ),
        (
            "/usr/lib/systemd/system/mcp-keys.service",
            linux.join("mcp-keys.service"),
        ),
        // Copied to /etc/mcp-keys (mode 0600) by the install script: package
        // files are world-readable, and this one may come to hold a password.
        ("/usr/share/mcp-keys/serve.env", linux.join("serve.env")),
    ]
    .into_iter()
    .map(|(to, from)| (to.to_owned(), from.to_string_lossy().into_owned().into()))
    .collect()
}

/// The manual page and the shell completions, written by the CLI itself from
/// its definition.
fn generate(cli: &Path, dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    let write = |args: &[&str], name: &str| -> Result<()> {
        let output = Command::new(cli)
            .args(args)
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("running {}", cli.display()))?;
        if !output.status.success() {
            bail!("`mcp-keys {}` failed ({})", args.join(" "), output.status);
        }
        fs::write(dir.join(name), output.stdout)?;
        Ok(())
    };
    write(&["man"], "mcp-keys.1")?;
    write(&["completions", "bash"], "mcp-keys.bash")?;
    write(&["completions", "zsh"], "_mcp-keys")?;
    write(&["completions", "fish"], "mcp-keys.fish")?;
    // -n: no name or time in the header, so the same page compresses alike.
    process::run(
        Command::new("gzip")
            .args(["-9", "-n", "-f"])
            .arg(dir.join("mcp-keys.1")),
    )
}

/// Tauri's CLI from the UI's locked npm dependencies (a prebuilt binary, the
/// same version for everyone).
fn tauri_cli() -> Result<PathBuf> {
    ui::install()?;
    let bin = workspace::root().join("ui/node_modules/.bin/tauri");
    if !bin.is_file() {
        bail!("{} is missing after `npm ci` in ui/", bin.display());
    }
    Ok(bin)
}

fn only_file(dir: &Path, extension: &str) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one .{extension} in {}, found {found:?}",
            dir.display()
        ),
    }
}
