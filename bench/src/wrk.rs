//! Load from wrk (Debian package `wrk`): a fixed number of connections,
//! each sending its next request as soon as the last was answered, with a
//! Lua script (`wrk/*.lua`) that builds the requests from a plan file and
//! prints the results as JSON.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use super::Load;

const COMMON: &str = include_str!("wrk/common.lua");
const ROTATE: &str = include_str!("wrk/rotate.lua");
const TIMING: &str = include_str!("wrk/timing.lua");

/// The requests of one run: the same method, path and headers, and one or
/// more variants of credential, body, path and session.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path, from the service's base URL.
    pub path: String,
    /// Headers every request carries.
    pub headers: Vec<(&'static str, String)>,
    /// What differs between requests.
    pub variants: Vec<Variant>,
}

/// One kind of request of a plan; empty strings for none.
#[derive(Debug, Clone, Default)]
pub struct Variant {
    /// The `Authorization` value.
    pub authorization: String,
    /// The body.
    pub body: String,
    /// The path, when not the plan's.
    pub path: String,
    /// The `Mcp-Session-Id` to send.
    pub session: String,
}

/// How a run uses its plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mode {
    /// Send the variants in turn (else only the first, prebuilt once: the
    /// cheapest for the load generator, used wherever one request will do).
    pub rotate: bool,
    /// Read the answers' `Server-Timing` header.
    pub server_timing: bool,
}

/// What wrk measured, as the script prints it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Outcome {
    /// Requests answered.
    pub requests: u64,
    /// How long the run took, in microseconds.
    pub duration_us: u64,
    /// Failed connects.
    pub connect_errors: u64,
    /// Failed reads.
    pub read_errors: u64,
    /// Failed writes.
    pub write_errors: u64,
    /// Answers with a status of 400 or more.
    pub status_errors: u64,
    /// Requests that timed out.
    pub timeouts: u64,
    /// Latency percentiles and maximum, in microseconds, as the client saw them.
    pub latency_p50_us: f64,
    /// 90th percentile.
    pub latency_p90_us: f64,
    /// 99th percentile.
    pub latency_p99_us: f64,
    /// Slowest.
    pub latency_max_us: f64,
    /// Answers that carried a `Server-Timing` duration.
    pub server_count: u64,
    /// Server-side percentiles in microseconds; -1 without timings.
    pub server_p50_us: i64,
    /// 99th percentile, server side.
    pub server_p99_us: i64,
}

impl Outcome {
    /// Answered requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / (self.duration_us.max(1) as f64 / 1e6)
    }

    /// Every kind of error, summed.
    pub fn errors(&self) -> u64 {
        self.connect_errors
            + self.read_errors
            + self.write_errors
            + self.status_errors
            + self.timeouts
    }
}

/// Runs wrk against `base` for `seconds` with `plan`, keeping the plan and
/// script in `scratch`.
pub fn run(
    base: &str,
    plan: &Plan,
    mode: Mode,
    load: &Load,
    seconds: u32,
    scratch: &Path,
) -> Result<Outcome> {
    let plan_file = scratch.join("plan.tsv");
    write_plan(&plan_file, plan)?;
    let script_file = scratch.join("bench.lua");
    let mut script = COMMON.to_owned();
    if mode.rotate {
        script.push_str(ROTATE);
    }
    if mode.server_timing {
        script.push_str(TIMING);
    }
    std::fs::write(&script_file, script)?;
    let output = Command::new("wrk")
        .arg("--threads")
        .arg(load.threads.to_string())
        .arg("--connections")
        .arg(load.connections.to_string())
        .arg("--duration")
        .arg(format!("{seconds}s"))
        .args(["--timeout", "10s", "--script"])
        .arg(&script_file)
        .arg(format!("{base}{}", plan.path))
        .env("BENCH_PLAN", &plan_file)
        .env("BENCH_THREADS", load.threads.to_string())
        .output()
        .context("cannot run wrk (Debian package wrk)")?;
    // The plan holds keys: it lives no longer than the run.
    let _ = std::fs::remove_file(&plan_file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("wrk failed ({}):\n{stdout}{stderr}", output.status);
    }
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| anyhow!("wrk printed no results:\n{stdout}{stderr}"))?;
    serde_json::from_str(json).with_context(|| format!("wrk's results: {json}"))
}

/// Writes `plan` for common.lua, readable by this user only: it holds keys.
fn write_plan(path: &Path, plan: &Plan) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    let mut text = format!("METHOD\t{}\nPATH\t{}\n", plan.method, plan.path);
    for (name, value) in &plan.headers {
        text.push_str(&format!("HEADER\t{name}\t{value}\n"));
    }
    for variant in &plan.variants {
        text.push_str(&format!(
            "VARIANT\t{}\t{}\t{}\t{}\n",
            variant.authorization, variant.body, variant.path, variant.session
        ));
    }
    file.write_all(text.as_bytes())?;
    Ok(())
}
