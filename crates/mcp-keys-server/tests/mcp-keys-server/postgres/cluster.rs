//! A real PostgreSQL server for the tests: the Debian `postgresql` package's
//! binaries, a throwaway cluster in a fresh directory, one per test process
//! (shared by the tests running in it, stopped when the last one ends), and a
//! database of its own for every test.
//!
//! The tests run as root and `initdb` refuses root, so the cluster belongs
//! to the `postgres` user and every server binary runs through `runuser`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use anyhow::{Context, Result, bail};
use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

/// The running cluster, if a test holds it.
static CLUSTER: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());

/// Names the databases of this process.
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

/// A database of its own on the shared cluster; the cluster stays up while
/// this lives.
pub struct Database {
    pub url: String,
    _cluster: Arc<Cluster>,
}

/// A fresh, empty database.
pub async fn database() -> Result<Database> {
    let cluster = tokio::task::spawn_blocking(shared_cluster).await??;
    let name = format!("keys_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    let mut admin = PgConnection::connect(&cluster.url("postgres")).await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    admin.close().await?;
    Ok(Database {
        url: cluster.url(&name),
        _cluster: cluster,
    })
}

/// The cluster of this process, started if no test holds it.
fn shared_cluster() -> Result<Arc<Cluster>> {
    let mut shared = CLUSTER.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(cluster) = shared.upgrade() {
        return Ok(cluster);
    }
    let cluster = Arc::new(Cluster::start()?);
    *shared = Arc::downgrade(&cluster);
    Ok(cluster)
}

struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    // Removed after the server stopped (fields drop after `Drop::drop`).
    _dir: TempDir,
}

impl Cluster {
    fn start() -> Result<Self> {
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
            // The cluster is thrown away: durability buys nothing here.
            .arg("--no-sync"))?;
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
                .arg(dir.path().join("server.log"))
                .args(["-w", "-o", &options, "start"]));
            match started {
                Ok(()) => {
                    return Ok(Self {
                        bin,
                        data,
                        port,
                        _dir: dir,
                    });
                }
                Err(error) => last_error = Some(error),
            }
        }
        let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
        Err(last_error
            .unwrap_or_else(|| anyhow::anyhow!("never started"))
            .context(format!("PostgreSQL did not start; its log:\n{log}")))
    }

    fn url(&self, database: &str) -> String {
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
            eprintln!("stopping the test PostgreSQL server failed: {error:#}");
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has the server. A
/// missing server fails the test: CI installs it, and a silent skip would
/// hide that PostgreSQL support went untested.
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
             install the Debian package `postgresql` (cargo xtask test does) to run these tests"
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
