//! A throwaway PostgreSQL cluster for the bench, the way the key service's
//! tests start theirs (crates/mcp-keys-server/tests/mcp-keys-server/
//! postgres/cluster.rs): the Debian package's binaries, a fresh directory,
//! stopped and removed when the guard drops.
//!
//! `initdb` refuses root, so the cluster belongs to the `postgres` user and
//! its binaries run through `runuser`. The cluster runs with fsync off, as
//! the tests' does: the bench seeds tens of thousands of keys, one commit
//! each, and measures reads.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// Creates and starts a cluster on a free loopback port.
    pub fn start() -> Result<Self> {
        let bin = server_binaries()?;
        // Under /tmp, which the postgres user can reach (the repository's
        // target/ may sit under a directory it cannot).
        let dir = std::env::temp_dir().join(format!("mcp-keys-bench-pg-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)?;
        let mut cluster = Self { bin, dir, port: 0 };
        run(Command::new("chown").arg("postgres:").arg(&cluster.dir))?;
        run(as_postgres(&cluster.bin.join("initdb"))
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
            .arg("--no-sync"))?;
        let mut last_error = None;
        // A free port can be taken between the probe and the start; retry.
        for _ in 0..3 {
            cluster.port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let options = format!(
                "-h 127.0.0.1 -p {} -k {} -c fsync=off",
                cluster.port,
                cluster.dir.display()
            );
            let started = run(as_postgres(&cluster.bin.join("pg_ctl"))
                .arg("-D")
                .arg(cluster.data())
                .arg("-l")
                .arg(cluster.dir.join("server.log"))
                .args(["-w", "-o", &options, "start"]));
            match started {
                Ok(()) => return Ok(cluster),
                Err(error) => last_error = Some(error),
            }
        }
        let log = std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default();
        Err(last_error
            .unwrap_or_else(|| anyhow!("never started"))
            .context(format!("PostgreSQL did not start; its log:\n{log}")))
    }

    /// The URL of the cluster's `postgres` database, which the key service
    /// migrates and uses (the whole cluster is the bench's).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data().join("postmaster.pid").exists() {
            let stopped = run(as_postgres(&self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.data())
                .args(["-m", "fast", "-w", "stop"]));
            if let Err(error) = stopped {
                eprintln!("stopping the bench's PostgreSQL server failed: {error:#}");
                return;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has the server.
fn server_binaries() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: \
             install the Debian package `postgresql`"
        ),
    }
}

fn as_postgres(program: &Path) -> Command {
    let mut command = Command::new("runuser");
    command.args(["-u", "postgres", "--"]).arg(program);
    command
}

/// Runs `command`; its output becomes the error if it fails.
fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
