//! dpkg, shared libraries and systemd units, as the package test needs them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};

/// Runs `command` and returns its standard output, failing with its standard
/// error when it fails.
pub fn output(command: &mut Command) -> Result<String> {
    let result = command
        .output()
        .with_context(|| format!("could not start {:?}", command.get_program()))?;
    if !result.status.success() {
        bail!(
            "{command:?} failed ({}): {}{}",
            result.status,
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&result.stdout).into_owned())
}

/// Whether a program can be found on `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// `program` as root: directly when the test is root, else through `sudo -n`.
pub fn privileged(program: &str) -> Command {
    let root = output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0");
    if root {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", program]);
        sudo
    }
}

fn is_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f", "${Status}", package]))
        .is_ok_and(|status| status.trim() == "install ok installed")
}

/// A package this test installed, purged when dropped (a failed test leaves
/// nothing installed behind it).
#[derive(Debug)]
pub struct Installed {
    package: &'static str,
    purged: bool,
}

impl Installed {
    /// Installs `deb` with dpkg, its dependencies from Debian when some are
    /// missing. Refuses when the package is installed already: it is
    /// someone's, and purging it would delete their service's data.
    pub fn install(package: &'static str, deb: &Path) -> Result<Self> {
        ensure!(
            !is_installed(package),
            "{package} is installed on this machine; the package test installs and purges it, \
             so remove it first (`dpkg --purge {package}` deletes its service's database)"
        );
        let installed = Self {
            package,
            purged: false,
        };
        let dpkg = output(
            privileged("dpkg")
                .arg("--install")
                .arg(deb)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        );
        if let Err(error) = dpkg {
            eprintln!("dpkg: {error:#}; installing the missing dependencies from Debian");
            output(
                privileged("apt-get")
                    .args([
                        "install",
                        "--fix-broken",
                        "--yes",
                        "--no-install-recommends",
                    ])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        }
        ensure!(
            is_installed(package),
            "{package} is not installed after dpkg"
        );
        Ok(installed)
    }

    /// The paths the package owns (files and folders), as dpkg lists them.
    pub fn files(&self) -> Result<BTreeSet<String>> {
        Ok(
            output(Command::new("dpkg").args(["--listfiles", self.package]))?
                .lines()
                .map(str::to_owned)
                .collect(),
        )
    }

    /// Purges the package, then returns what is left of it: its files, the
    /// folders only it used, and what its scripts and its service created.
    pub fn purge(mut self) -> Result<Vec<PathBuf>> {
        let owned = self.files()?;
        self.purged = true;
        output(privileged("dpkg").args(["--purge", self.package]))?;
        ensure!(
            !is_installed(self.package),
            "{} is still installed",
            self.package
        );
        let own_folders = ["/usr/share/mcp-keys", "/etc/mcp-keys", "/var/lib/mcp-keys"];
        Ok(owned
            .iter()
            .map(PathBuf::from)
            .filter(|path| path.is_file() || path.is_symlink())
            .chain(
                own_folders
                    .iter()
                    .map(PathBuf::from)
                    .filter(|path| path.exists()),
            )
            .collect())
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !self.purged {
            let _ = privileged("dpkg").args(["--purge", self.package]).status();
        }
    }
}

/// Fails unless every shared library `binaries` load comes from a package
/// that `depends` (a Depends field) brings in, directly or through its own
/// dependencies, or from an essential package.
pub fn every_library_is_a_dependency(binaries: &[&str], depends: &str) -> Result<()> {
    let mut closure = BTreeSet::new();
    let mut queue: Vec<String> = package_names(depends);
    while let Some(package) = queue.pop() {
        if !closure.insert(package.clone()) {
            continue;
        }
        if let Ok(more) = output(Command::new("dpkg-query").args([
            "-W",
            "-f",
            "${Depends},${Pre-Depends}",
            &package,
        ])) {
            queue.extend(package_names(&more));
        }
    }
    for binary in binaries {
        let ldd = output(Command::new("ldd").arg(binary))?;
        for line in ldd.lines() {
            let Some((name, resolved)) = line.trim().split_once(" => ") else {
                continue;
            };
            let path = resolved.split_whitespace().next().unwrap_or_default();
            ensure!(path != "not", "{binary}: {name} is not found");
            let real = std::fs::canonicalize(path)?;
            let owner =
                owner_of(&real).with_context(|| format!("{binary}: no package owns {name}"))?;
            let essential =
                output(Command::new("dpkg-query").args(["-W", "-f", "${Essential}", &owner]))?;
            ensure!(
                closure.contains(&owner) || essential.trim() == "yes",
                "{binary} loads {name} from {owner}, which the package does not depend on"
            );
        }
    }
    Ok(())
}

/// The package names of a Depends field (alternatives, versions and
/// architectures dropped).
fn package_names(field: &str) -> Vec<String> {
    field
        .split([',', '|'])
        .filter_map(|item| item.split_whitespace().next())
        .map(|name| name.split(':').next().unwrap_or(name).to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The package that owns `path`, trying the merged-/usr spelling too.
fn owner_of(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    let spellings = [
        text.to_string(),
        text.strip_prefix("/usr")
            .map(str::to_owned)
            .unwrap_or_default(),
        format!("/usr{text}"),
    ];
    spellings
        .iter()
        .filter(|spelling| !spelling.is_empty())
        .find_map(|spelling| output(Command::new("dpkg").args(["--search", spelling])).ok())
        .and_then(|found| found.split(':').next().map(|name| name.trim().to_owned()))
}

/// The `[Service]` settings of a systemd unit that the test reads.
#[derive(Debug)]
pub struct Unit {
    values: Vec<(String, String)>,
}

impl Unit {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let values = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Ok(Self { values })
    }

    /// The last value of `key` (systemd's rule for single-valued settings).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// `ExecStart`'s argument vector, with `$NAME` expanded from `environment`
    /// and split at whitespace, and `${NAME}` kept whole, as systemd does.
    pub fn exec_start(&self, environment: &BTreeMap<String, String>) -> Result<Vec<String>> {
        let line = self
            .value("ExecStart")
            .context("the unit has no ExecStart")?;
        let mut argv = Vec::new();
        for word in line.split_whitespace() {
            if let Some(name) = word
                .strip_prefix("${")
                .and_then(|rest| rest.strip_suffix('}'))
            {
                argv.push(environment.get(name).cloned().unwrap_or_default());
            } else if let Some(name) = word.strip_prefix('$') {
                let value = environment.get(name).map_or("", String::as_str);
                argv.extend(value.split_whitespace().map(str::to_owned));
            } else {
                argv.push(word.to_owned());
            }
        }
        Ok(argv)
    }
}

/// A systemd `EnvironmentFile`: `NAME=value` lines, comments and blank lines
/// skipped.
pub fn read_environment_file(path: &Path) -> Result<BTreeMap<String, String>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.trim_matches('"').to_owned()))
        .collect())
}
