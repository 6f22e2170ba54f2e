//! The bridge's bench: what `mcp-keys bridge` (the stdio MCP server an
//! IDE config runs instead of holding a key, DESIGN §8) adds to a request,
//! against a release `mcp-keys serve` and a surface without an upstream,
//! whose `ping` the service answers itself (no upstream's time in the
//! figures). In one run:
//!
//! - direct: `ping` POSTed to the surface's MCP endpoint with its key, one
//!   after another over one kept-alive connection, by a client that does
//!   nothing else (`direct.rs`);
//! - through the bridge: the key installed by `mcp-keys keys create
//!   --install claude-desktop` (into a keyring slot; the config names the
//!   slot), the bridge started exactly as that config says, `initialize`
//!   and `notifications/initialized`, then the same pings written to its
//!   stdin, each timed until its answer's line is on its stdout. Each ping
//!   goes direct, then through the bridge, in turn, so a change in the
//!   machine's load falls on both paths alike;
//! - the keyring read the bridge makes when its key is older than
//!   `BridgeOptions::DEFAULT_KEY_TTL` (2 s) or refused: `read_slot` over
//!   the Secret Service, timed in this process with the `KeyringSecrets`
//!   the bridge uses. The CLI has no option to read the key on every
//!   request, so that case is the bridge's p50 plus this read's p50. The
//!   bench is a dev build, so the release CLI's reads are timed as well
//!   (`mcp-keys run` reading the slot many times in turn), as a check that
//!   the figure is the keyring's and not the build's.
//!
//! Targets (the issue): the bridge adds under 1 ms per request at p50 over
//! the direct connection, and still does when it reads the keyring on
//! every request.
//!
//! The suite writes a slot into the session's keyring, so it runs only in
//! the private D-Bus session with an unlocked gnome-keyring that `cargo
//! xtask bench` creates for it (fresh keyring folder each run).

mod direct;
mod stdio;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mcp_keys_store::{KeyringSecrets, SlotName, delete_slot_secret, read_slot};
use serde_json::{Value, json};

use super::report::{Report, load_average};
use super::seed::{self, Surface};
use super::service::Service;
use super::stats::{median, percentile};
use super::{Load, interrupt, server};
use direct::Direct;
use stdio::Bridge;

/// Set by `cargo xtask bench` in the D-Bus session it creates for this
/// suite (`SESSION_VAR` in xtask/src/bench.rs).
const SESSION_VAR: &str = "MCP_KEYS_BENCH_SESSION";

/// The MCP protocol version both paths speak.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// The server's name in the Claude Desktop config (its slot is
/// `claude-desktop-bench-bridge`).
const SERVER_NAME: &str = "bench-bridge";

/// Pings each way before the measured ones, not counted: connections,
/// caches and the key's first use (its lastUsedAt write).
const WARMUP: usize = 200;

/// Keyring reads before the measured ones, not counted.
const WARMUP_READS: usize = 10;

/// Times `mcp-keys run` is timed with the slot named once and with it
/// named once more per keyring read (the release CLI's reads).
const CLI_RUNS: usize = 3;

/// The added p50 is held to this, in ms.
const TARGET_MS: f64 = 1.0;

/// Installs a key for Claude Desktop, times pings direct and through its
/// bridge, then keyring reads, and reports.
pub fn run(load: &Load, dir: &Path, report: &mut Report) -> Result<()> {
    let bus = session_bus()?;
    eprintln!("\n==> bench: mcp-keys bridge beside a direct connection");
    let binary = match &load.server_binary {
        Some(binary) => binary.clone(),
        None => server::build()?,
    };
    let scratch = dir.join("bridge");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("clearing {}", scratch.display()))?;
    }
    let client = Client {
        binary: &binary,
        bus: &bus,
        home: scratch.join("home"),
        data: scratch.join("data"),
    };
    std::fs::create_dir_all(&client.home)?;
    std::fs::create_dir_all(&client.data)?;
    let measured = measure(load, dir, &scratch, &client, report);
    // The database and the client's home go, whatever happened; the logs stay.
    let _ = std::fs::remove_dir_all(&scratch);
    measured
}

/// The private session's bus, or an error when this is not it.
fn session_bus() -> Result<String> {
    if std::env::var_os(SESSION_VAR).is_none() {
        bail!(
            "the bridge suite writes a keyring slot, so it runs only in the private D-Bus \
             session with an unlocked gnome-keyring that `cargo xtask bench bridge` creates"
        );
    }
    std::env::var("DBUS_SESSION_BUS_ADDRESS").context("no D-Bus session bus in the environment")
}

/// The user of the CLI and of the IDE: the release binary, the session's
/// keyring, a home of its own and the CLI's data folder.
struct Client<'a> {
    binary: &'a Path,
    bus: &'a str,
    home: PathBuf,
    data: PathBuf,
}

impl Client<'_> {
    /// `program` in the client's environment alone (nothing of the bench's
    /// but PATH), as the user's processes see it.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("DBUS_SESSION_BUS_ADDRESS", self.bus)
            .env("MCP_KEYS_DATA_DIR", &self.data);
        command
    }
}

fn measure(
    load: &Load,
    dir: &Path,
    scratch: &Path,
    client: &Client<'_>,
    report: &mut Report,
) -> Result<()> {
    let service = Service::start(
        client.binary,
        &format!("sqlite://{}", scratch.join("keys.db").display()),
        scratch,
        &dir.join("bridge-serve.log"),
    )?;
    let surface = seed::surface(&service)?;
    let (program, args) = install(client, &service, &surface)?;
    let slot = slot_of(&args)?;
    let secrets = KeyringSecrets::new()?;
    // The slot as the bridge reads it: the surface's URL and the key.
    let secret = read_slot(&secrets, &slot)?;
    let mut direct = Direct::connect(&secret.url, secret.key.expose(), PROTOCOL_VERSION)?;
    drop(secret);
    let bridge_log = dir.join("bridge-stdio.log");
    let mut bridge = Bridge::start(
        client
            .command(&program)
            .args(&args)
            .stderr(File::create(&bridge_log)?),
    )
    .with_context(|| format!("starting the bridge; its log: {}", bridge_log.display()))?;
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
        "clientInfo": {"name": "mcp-keys-bench", "version": "1"}}});
    bridge.ask(&initialize)?;
    bridge.notify(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))?;

    let requests = load.bridge_requests.max(1);
    eprintln!(
        "--> {requests} pings direct and through the bridge, in turn, after {WARMUP} of warm-up"
    );
    let load_before = load_average();
    let mut direct_ms = Vec::with_capacity(requests);
    let mut bridge_ms = Vec::with_capacity(requests);
    for number in 0..WARMUP + requests {
        if number % 100 == 0 {
            interrupt::check()?;
        }
        // Ids from 1: the bridge's initialize was 0.
        let message = json!({"jsonrpc": "2.0", "id": number + 1, "method": "ping"});
        let (direct_took, answer) = direct.post(&message.to_string())?;
        if answer.get("result").is_none() {
            bail!("the surface answered ping with {answer}");
        }
        let (bridge_took, _) = bridge.ask(&message)?;
        if number >= WARMUP {
            direct_ms.push(direct_took.as_secs_f64() * 1000.0);
            bridge_ms.push(bridge_took.as_secs_f64() * 1000.0);
        }
    }
    bridge
        .finish()
        .with_context(|| format!("its log: {}", bridge_log.display()))?;

    eprintln!("--> {} keyring reads of slot {slot}", load.keyring_reads);
    let reads_ms = keyring_reads(&secrets, &slot, load.keyring_reads.max(1))?;
    let cli_read_ms = cli_reads(client, &slot, load.keyring_reads.max(1))?;
    let load_after = load_average();
    delete_slot_secret(&secrets, &slot)?;
    drop(service);

    let p50 = |values: &[f64]| percentile(values, 0.5);
    let p99 = |values: &[f64]| percentile(values, 0.99);
    eprintln!(
        "    direct p50 {:.3} ms, bridge p50 {:.3} ms, keyring read p50 {:.3} ms",
        p50(&direct_ms),
        p50(&bridge_ms),
        p50(&reads_ms)
    );
    let series = [
        ("ping, direct over one kept-alive connection", &direct_ms),
        ("ping through `mcp-keys bridge` (stdio)", &bridge_ms),
        ("keyring slot read (`read_slot`, Secret Service)", &reads_ms),
    ];
    for (what, values) in series {
        report.figure("bridge", format!("{what}, p50"), p50(values), "ms");
        report.figure("bridge", format!("{what}, p99"), p99(values), "ms");
    }
    report.figure(
        "bridge",
        "keyring slot read in the release CLI (`mcp-keys run`), mean".to_owned(),
        cli_read_ms,
        "ms",
    );
    let added = p50(&bridge_ms) - p50(&direct_ms);
    report.target(
        "bridge: added p50 per request (bridge p50 − direct p50)".to_owned(),
        added,
        TARGET_MS,
        "ms",
    );
    report.target(
        "bridge: added p50 with the keyring read on every request (bridge p50 + keyring read \
         p50 − direct p50)"
            .to_owned(),
        added + p50(&reads_ms),
        TARGET_MS,
        "ms",
    );
    report.note(format!(
        "Bridge: {requests} pings each way after {WARMUP} of warm-up, direct and through the \
         bridge in turn; {} keyring reads. Direct is a client that writes each request and \
         reads its answer on one socket and does nothing else, so the bridge's difference to \
         it is an upper bound on what the bridge adds over an IDE's own HTTP client. The bridge \
         reuses its key for 2 s, so during its run it read the keyring about every 2 s (a few \
         requests, in its p99, not its p50). The CLI has no option to read the key on every \
         request: that case adds a keyring read's p50, timed in the bench process with the same \
         `read_slot` and `KeyringSecrets` as the bridge (each read connects to the session bus \
         anew and opens an encrypted session with gnome-keyring). The bench is a dev build, so \
         the release CLI's reads are timed too: `mcp-keys run` with the slot named once more \
         per read, less one with it named once, the median of {CLI_RUNS} such pairs (a mean \
         per read, process start-up cancelled out). Load average before {load_before}, after \
         {load_after}.",
        load.keyring_reads.max(1),
    ));
    Ok(())
}

/// `mcp-keys keys create SURFACE --install claude-desktop`, as a user runs
/// it: the key goes into a keyring slot, the config gets the bridge. The
/// command and arguments of the config's entry.
fn install(
    client: &Client<'_>,
    service: &Service,
    surface: &Surface,
) -> Result<(String, Vec<String>)> {
    let output = client
        .command(client.binary)
        .env("MCP_KEYS_TOKEN", &service.token)
        .args(["--server", &service.base, "--json", "keys", "create"])
        .args([&surface.id, "--name", "MCP - bench bridge"])
        .args(["--install", "claude-desktop", "--server-name", SERVER_NAME])
        .arg("--home")
        .arg(&client.home)
        .stdin(Stdio::null())
        .output()
        .context("running `mcp-keys keys create --install claude-desktop`")?;
    // Not stdout in the errors: it holds the key when an install failed.
    if !output.status.success() {
        bail!(
            "`mcp-keys keys create --install claude-desktop` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let created: Value = serde_json::from_slice(&output.stdout)
        .context("`keys create --json` printed something else than JSON")?;
    let installed = &created["installs"][0];
    if installed["installed"]["via"] != "bridge" {
        bail!("the key was not installed through the bridge: {installed}");
    }
    let config_path = client
        .home
        .join(".config/Claude/claude_desktop_config.json");
    let config: Value = serde_json::from_str(
        &std::fs::read_to_string(&config_path)
            .with_context(|| format!("reading {}", config_path.display()))?,
    )?;
    let entry = &config["mcpServers"][SERVER_NAME];
    let program = entry["command"]
        .as_str()
        .with_context(|| format!("no command in the config's entry: {entry}"))?;
    let args = entry["args"]
        .as_array()
        .with_context(|| format!("no args in the config's entry: {entry}"))?
        .iter()
        .map(|arg| arg.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .with_context(|| format!("an argument that is not a string: {entry}"))?;
    Ok((program.to_owned(), args))
}

/// The slot a bridge's arguments name (`bridge --slot NAME`).
fn slot_of(args: &[String]) -> Result<SlotName> {
    let name = args
        .iter()
        .skip_while(|arg| *arg != "--slot")
        .nth(1)
        .with_context(|| format!("no --slot in the bridge's arguments {args:?}"))?;
    Ok(SlotName::new(name)?)
}

/// Times `count` reads of `slot`, in ms, after a few not counted.
fn keyring_reads(secrets: &KeyringSecrets, slot: &SlotName, count: usize) -> Result<Vec<f64>> {
    for _ in 0..WARMUP_READS {
        read_slot(secrets, slot)?;
    }
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        interrupt::check()?;
        let started = Instant::now();
        let secret = read_slot(secrets, slot)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(secret);
    }
    Ok(times)
}

/// The mean time of a keyring read in the release CLI: `mcp-keys run`
/// reading the slot `count + 1` times in turn (as many variables), less
/// reading it once, over `count`; the median of [`CLI_RUNS`] such pairs.
fn cli_reads(client: &Client<'_>, slot: &SlotName, count: usize) -> Result<f64> {
    let time = |reads: usize| -> Result<f64> {
        let mut command = client.command(client.binary);
        command.arg("run");
        for read in 0..reads {
            command.arg(format!("--slot={slot}=MCP_KEYS_BENCH_READ_{read}"));
        }
        let started = Instant::now();
        // The command's output would be `true`'s: none.
        let status = command.args(["--", "true"]).stdin(Stdio::null()).status()?;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        if !status.success() {
            bail!("`mcp-keys run` with {reads} slots failed ({status})");
        }
        Ok(took)
    };
    let mut means = Vec::with_capacity(CLI_RUNS);
    for _ in 0..CLI_RUNS {
        interrupt::check()?;
        let once = time(1)?;
        means.push((time(count + 1)? - once) / count as f64);
    }
    Ok(median(&means))
}
