//! The key service's bench: `mcp-keys serve` built in release,
//! on SQLite and on PostgreSQL, under a fixed load of
//!
//! - `GET /health`, unauthenticated, the baseline;
//! - `POST /v1/keys/verify` and MCP `tools/list`, authenticated, with one key
//!   (every verification a cache hit) and with many keys in turn (every
//!   verification a database read: the cache keeps a key for 3 s, and a
//!   key comes back only after a pass over all of them).
//!
//! Targets: authentication adds under 10 % to a request's cost; a
//! verification's own p99 is under 1 ms on a cache hit and on a miss (one
//! indexed read), read from the verify route's `Server-Timing` header.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use mcp_keys_server::testing::Cluster;
use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::report::{Report, Run};
use super::seed::{self, CAPABILITIES, Seeded, Surface};
use super::service::Service;
use super::wrk::{self, Mode, Outcome, Plan, Variant};
use super::{Database, Load, interrupt};
use crate::{command, paths};

/// How long the service trusts a cached verification (db/cache.rs TTL).
const CACHE_TTL: Duration = Duration::from_secs(3);

/// The MCP protocol version the requests speak.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// Builds the service, then measures it on each database asked for.
pub fn run(load: &Load, dir: &Path, report: &mut Report) -> Result<()> {
    let binary = match &load.server_binary {
        Some(binary) => binary.clone(),
        None => build()?,
    };
    let databases = if load.databases.is_empty() {
        Database::value_variants().to_vec()
    } else {
        load.databases.clone()
    };
    for database in databases {
        interrupt::check()?;
        let (label, slug) = match database {
            Database::Sqlite => ("SQLite", "sqlite"),
            Database::Postgres => ("PostgreSQL", "postgres"),
        };
        let scratch = scratch_dir(dir, slug);
        if scratch.exists() {
            std::fs::remove_dir_all(&scratch)
                .with_context(|| format!("clearing {}", scratch.display()))?;
        }
        std::fs::create_dir_all(&scratch)?;
        let bench = Bench {
            binary: &binary,
            label,
            load,
            log: dir.join(format!("server-{slug}.log")),
            scratch: &scratch,
        };
        let measured = match database {
            Database::Sqlite => bench.measure(
                &format!("sqlite://{}", scratch.join("keys.db").display()),
                report,
            ),
            Database::Postgres => {
                // The key service migrates and uses the cluster's own
                // `postgres` database: the whole cluster is the bench's.
                let cluster = Cluster::start().context("starting PostgreSQL")?;
                bench.measure(&cluster.url("postgres"), report)
            }
        };
        // The database files and plans go, whatever happened; the log stays.
        let _ = std::fs::remove_dir_all(&scratch);
        measured?;
    }
    let _ = std::fs::remove_dir(scratch_dir(dir, ""));
    report.note(
        "Authentication overhead, the figure that counts: the cost of a request is 1 / \
         throughput at the same fixed concurrency (both CPUs are saturated by service and \
         load generator), and `verify` is compared with `health` because both are one small \
         JSON answer after one database round trip (the management-token lookup vs \
         `SELECT 1`); what verify adds is the authentication: parsing the key, its \
         fingerprint and the cached verification. tools/list is compared with health too, \
         but it also does MCP work (JSON-RPC through rmcp, the capabilities query), so its \
         ratio is an upper bound on what authentication adds to an MCP request.",
    );
    report.note(
        "Server-side times come from the verify route's `Server-Timing: verify;dur=` header: \
         the verification alone (cache or database, fingerprint, checks), without HTTP. \
         Runs that read it (marked 'server timing') cost the load generator a little more, \
         so their throughput is not compared with the others.",
    );
    report.note(
        "The SQLite file lives in memory (/dev/shm) and PostgreSQL runs with fsync=off, \
         so that seeding tens of thousands of keys takes seconds: write durability costs \
         (the lastUsedAt writes of tools/list cache misses) are not in these figures; \
         verification and the reads behind it are unaffected.",
    );
    report.note(
        "Cache-miss runs rotate through many keys; a key comes back after a whole pass, \
         later than the cache's 3 s when the pass takes longer (checked per run). On \
         tools/list, a key's first use in a minute also writes its lastUsedAt.",
    );
    Ok(())
}

/// Where a database's files, token and plans live during its bench: in
/// memory (/dev/shm) when the machine has it. The cache-miss runs need tens
/// of thousands of keys, and created one fsync at a time on this class of
/// disk that takes many minutes; what the targets measure (verification,
/// reads) does not touch the disk either way.
fn scratch_dir(dir: &Path, slug: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.join(format!("mcp-keys-bench-{}", std::process::id()))
    } else {
        dir.join("scratch")
    };
    base.join(slug)
}

/// `cargo build --release -p mcp-keys-cli`; the binary's path.
pub fn build() -> Result<PathBuf> {
    command::run(Command::new("cargo").args([
        "build",
        "--release",
        "--package",
        "mcp-keys-cli",
        "--bin",
        "mcp-keys",
    ]))?;
    Ok(paths::release_binary("mcp-keys"))
}

/// One database's bench.
struct Bench<'a> {
    binary: &'a Path,
    label: &'static str,
    load: &'a Load,
    log: PathBuf,
    scratch: &'a Path,
}

/// One measured request shape.
struct Scenario {
    name: &'static str,
    plan: Plan,
    mode: Mode,
    /// Rotates through many keys, which the cache must have forgotten.
    misses: bool,
}

impl Bench<'_> {
    fn measure(&self, db_url: &str, report: &mut Report) -> Result<()> {
        eprintln!("\n==> bench: key service on {}", self.label);
        let service = Service::start(self.binary, db_url, self.scratch, &self.log)?;
        let seeded = seed::seed(&service, self.load.miss_keys)?;
        check(&service, &seeded)?;
        let mut outcomes = Vec::new();
        for scenario in scenarios(&service, &seeded) {
            interrupt::check()?;
            eprintln!("--> {} on {}", scenario.name, self.label);
            if self.load.warmup_seconds > 0 {
                self.wrk(&service, &scenario, self.load.warmup_seconds)?;
            }
            if scenario.misses {
                // The warm-up (or the run before) cached the first keys.
                interrupt::sleep(CACHE_TTL + Duration::from_millis(500))?;
            }
            let outcome = self.wrk(&service, &scenario, self.load.seconds)?;
            eprintln!(
                "    {:.0} req/s, p50 {:.3} ms, p99 {:.3} ms, {} errors",
                outcome.throughput(),
                outcome.latency_p50_us / 1000.0,
                outcome.latency_p99_us / 1000.0,
                outcome.errors()
            );
            let note = if outcome.errors() > 0 {
                Some(format!(
                    "{} requests failed (error statuses, timeouts or broken connections): \
                     these figures do not measure successes; see {}",
                    outcome.errors(),
                    self.log.display()
                ))
            } else if scenario.misses {
                revisit_note(seeded.miss_keys.len(), &outcome)
            } else {
                None
            };
            report.run(Run {
                suite: "server",
                database: self.label.to_owned(),
                scenario: scenario.name.to_owned(),
                outcome,
                note,
            });
            outcomes.push((scenario.name, outcome));
        }
        targets(self.label, &outcomes, report);
        Ok(())
    }

    fn wrk(&self, service: &Service, scenario: &Scenario, seconds: u32) -> Result<Outcome> {
        wrk::run(
            &service.base,
            &scenario.plan,
            scenario.mode,
            self.load,
            seconds,
            self.scratch,
        )
    }
}

const HEALTH: &str = "GET /health (no auth)";
const VERIFY_HIT: &str = "POST /v1/keys/verify, cache hit";
const TOOLS_HIT: &str = "MCP tools/list, cache hit";
const VERIFY_HIT_TIMED: &str = "POST /v1/keys/verify, cache hit, server timing";
const VERIFY_MISS_TIMED: &str = "POST /v1/keys/verify, cache miss, server timing";
const TOOLS_MISS: &str = "MCP tools/list, cache miss";

fn scenarios(service: &Service, seeded: &Seeded) -> Vec<Scenario> {
    let json = [("Content-Type", "application/json".to_owned())];
    let mcp_headers = vec![
        json[0].clone(),
        ("Accept", "application/json, text/event-stream".to_owned()),
        ("MCP-Protocol-Version", PROTOCOL_VERSION.to_owned()),
    ];
    let token = format!("Bearer {}", service.token);
    let verify_body =
        |key: &str, surface: &Surface| json!({"key": key, "surfaceId": surface.id}).to_string();
    let tools_list =
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).to_string();
    let verify = |variants: Vec<Variant>| Plan {
        method: "POST",
        path: "/v1/keys/verify".to_owned(),
        headers: json.to_vec(),
        variants,
    };
    let mcp = |variants: Vec<Variant>| Plan {
        method: "POST",
        path: format!("{}/mcp", seeded.surface.path),
        headers: mcp_headers.clone(),
        variants,
    };
    let hit_verify = vec![Variant {
        authorization: token.clone(),
        body: verify_body(&seeded.hit_key, &seeded.surface),
        ..Variant::default()
    }];
    let miss_verify = seeded
        .miss_keys
        .iter()
        .map(|(surface, key)| Variant {
            authorization: token.clone(),
            body: verify_body(key, surface),
            ..Variant::default()
        })
        .collect();
    // Each key on its own surface's endpoint.
    let miss_tools = seeded
        .miss_keys
        .iter()
        .map(|(surface, key)| Variant {
            authorization: format!("Bearer {key}"),
            body: tools_list.clone(),
            path: format!("{}/mcp", surface.path),
            ..Variant::default()
        })
        .collect();
    let timed = Mode {
        rotate: false,
        server_timing: true,
    };
    vec![
        Scenario {
            name: HEALTH,
            plan: Plan {
                method: "GET",
                path: "/health".to_owned(),
                headers: Vec::new(),
                variants: vec![Variant::default()],
            },
            mode: Mode::default(),
            misses: false,
        },
        Scenario {
            name: VERIFY_HIT,
            plan: verify(hit_verify.clone()),
            mode: Mode::default(),
            misses: false,
        },
        Scenario {
            name: TOOLS_HIT,
            plan: mcp(vec![Variant {
                authorization: format!("Bearer {}", seeded.hit_key),
                body: tools_list.clone(),
                ..Variant::default()
            }]),
            mode: Mode::default(),
            misses: false,
        },
        Scenario {
            name: VERIFY_HIT_TIMED,
            plan: verify(hit_verify),
            mode: timed,
            misses: false,
        },
        Scenario {
            name: VERIFY_MISS_TIMED,
            plan: verify(miss_verify),
            mode: Mode {
                rotate: true,
                ..timed
            },
            misses: true,
        },
        Scenario {
            name: TOOLS_MISS,
            plan: mcp(miss_tools),
            mode: Mode {
                rotate: true,
                server_timing: false,
            },
            misses: true,
        },
    ]
}

/// Makes sure the runs measure successes: the hit key verifies, a miss key
/// verifies, and tools/list answers the surface's tools. wrk counts error
/// statuses, but a refused verify is a 200 too.
fn check(service: &Service, seeded: &Seeded) -> Result<()> {
    let client = Client::builder().timeout(Duration::from_secs(10)).build()?;
    let mut keys = vec![(&seeded.surface, &seeded.hit_key)];
    keys.extend(
        seeded
            .miss_keys
            .first()
            .map(|(surface, key)| (surface, key)),
    );
    keys.extend(seeded.miss_keys.last().map(|(surface, key)| (surface, key)));
    for (surface, key) in keys {
        let answer: Value = client
            .post(format!("{}/v1/keys/verify", service.base))
            .bearer_auth(&service.token)
            .json(&json!({"key": key, "surfaceId": surface.id}))
            .send()?
            .json()?;
        if answer["valid"] != true {
            bail!(
                "a seeded key does not verify ({} {}): the bench would measure refusals",
                answer["code"],
                answer["reason"]
            );
        }
    }
    let response = client
        .post(format!("{}{}/mcp", service.base, seeded.surface.path))
        .bearer_auth(&seeded.hit_key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}))
        .send()?;
    let status = response.status();
    let answer: Value = response.json()?;
    let tools = answer["result"]["tools"].as_array().map_or(0, Vec::len);
    if !status.is_success() || tools != CAPABILITIES.len() {
        bail!("tools/list answered {status} with {tools} tools: {answer}");
    }
    Ok(())
}

/// Says so when a key came back within the cache's TTL (some hits).
fn revisit_note(keys: usize, outcome: &Outcome) -> Option<String> {
    let pass = keys as f64 / outcome.throughput().max(1.0);
    (pass < CACHE_TTL.as_secs_f64()).then(|| {
        format!(
            "a pass over the {keys} keys took {pass:.1} s, less than the cache's {} s: \
             part of these requests were cache hits (raise --miss-keys)",
            CACHE_TTL.as_secs()
        )
    })
}

/// The targets and comparisons of one database's runs.
fn targets(label: &str, outcomes: &[(&str, Outcome)], report: &mut Report) {
    let find = |name: &str| {
        outcomes
            .iter()
            .find(|(scenario, _)| *scenario == name)
            .map(|(_, outcome)| *outcome)
    };
    // Extra cost per request, in percent: (1/T_auth) / (1/T_base) - 1.
    let overhead = |base: &Outcome, other: &Outcome| {
        (base.throughput() / other.throughput().max(f64::MIN_POSITIVE) - 1.0) * 100.0
    };
    if let (Some(health), Some(verify)) = (find(HEALTH), find(VERIFY_HIT)) {
        report.target(
            format!(
                "Authentication adds to a request's cost: verify (cache hit) vs health, {label}"
            ),
            overhead(&health, &verify),
            10.0,
            "%",
        );
    }
    if find(VERIFY_HIT_TIMED).is_some_and(|timed| timed.server_count == 0) {
        report.note(format!(
            "{label}: no answer carried a Server-Timing header, so the server-side \
             verification target could not be measured"
        ));
    }
    if let Some(timed) = find(VERIFY_HIT_TIMED).filter(|timed| timed.server_count > 0) {
        report.target(
            format!("Verification p99, server-side, cache hit, {label}"),
            timed.server_p99_us as f64 / 1000.0,
            1.0,
            "ms",
        );
    }
    if let (Some(health), Some(tools)) = (find(HEALTH), find(TOOLS_HIT)) {
        report.ratio(
            format!("MCP tools/list (cache hit) vs health, cost per request, {label}"),
            overhead(&health, &tools),
            "%",
        );
    }
    if let (Some(hit), Some(miss)) = (find(TOOLS_HIT), find(TOOLS_MISS)) {
        report.ratio(
            format!("MCP tools/list, cache miss vs hit, cost per request, {label}"),
            overhead(&hit, &miss),
            "%",
        );
    }
    if let Some(miss) = find(VERIFY_MISS_TIMED).filter(|miss| miss.server_count > 0) {
        report.target(
            format!("Verification p99, server-side, cache miss, {label}"),
            miss.server_p99_us as f64 / 1000.0,
            1.0,
            "ms",
        );
    }
}
