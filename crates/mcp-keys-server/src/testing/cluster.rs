//! A throwaway PostgreSQL cluster: the Debian `postgresql` package's
//! binaries, a fresh directory, stopped and removed when dropped.
//!
//! `initdb` refuses root, and the tests and the bench run as root, so the
//! cluster belongs to the `postgres` user and every server binary runs
//! through `runuser`.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    // Removed after the server stopped (fields drop after `Drop::drop`).
    dir: TempDir,
}

impl Cluster {
    /// Creates and starts a cluster on a free loopback port, with fsync
    /// off: it is thrown away, and the bench seeds tens of thousands of
    /// keys one commit each, then measures reads.
    pub fn start() -> io::Result<Self> {
        let bin = server_binaries()?;
        // A fresh directory under /tmp, which the postgres user can reach
        // (the repository's target/ may sit under a directory it cannot).
        let dir = tempfile::Builder::new().prefix("mcp-keys-pg-").tempdir()?;
        run(Command::new("chown").arg("postgres:").arg(dir.path()))?;
        let data = dir.path().join("data");
        run(as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
            .arg("--no-sync"))?;
        let log = dir.path().join("server.log");
        let mut last_error = None;
        // A free port can be taken between the probe and the start; retry.
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let options = format!(
                "-h 127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
                dir.path().display()
            );
            let started = run(as_postgres(&bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-o", &options, "start"]));
            match started {
                Ok(()) => {
                    return Ok(Self {
                        bin,
                        data,
                        port,
                        dir,
                    });
                }
                Err(error) => last_error = Some(error),
            }
        }
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        Err(io::Error::other(format!(
            "PostgreSQL did not start ({}); its log:\n{log}",
            last_error.map_or_else(|| "never started".to_owned(), |error| error.to_string())
        )))
    }

    /// The URL of `database` on the cluster, as the superuser (the cluster
    /// has `postgres` from the start).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let stopped = run(as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "stop"]));
        if let Err(error) = stopped {
            eprintln!(
                "stopping the PostgreSQL server in {} failed: {error}",
                self.dir.path().display()
            );
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has the server. A
/// missing server is an error, never a skip: CI installs it, and a silent
/// skip would hide that PostgreSQL support went untested.
fn server_binaries() -> io::Result<PathBuf> {
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
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            "PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: \
             install the Debian package `postgresql` (cargo xtask test and cargo xtask bench do)",
        )),
    }
}

fn as_postgres(program: &Path) -> Command {
    let mut command = Command::new("runuser");
    command.args(["-u", "postgres", "--"]).arg(program);
    command
}

/// Runs `command`; its output becomes the error if it fails.
fn run(command: &mut Command) -> io::Result<()> {
    let output = command.output().map_err(|error| {
        io::Error::new(error.kind(), format!("cannot run {command:?}: {error}"))
    })?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}
