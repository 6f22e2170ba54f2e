//! The desktop app's bench, beside a minimal Tauri app built and
//! measured in the same run (`bench/baseline`): WebKitGTK alone costs
//! hundreds of MB and most of a second here, so the targets are ratios to
//! what Tauri and WebKit cost by themselves on the same machine.
//!
//! - Start: from the WebDriver new-session request (tauri-driver starts the
//!   app) to the Keys tab drawn with 1,000 keys, against the baseline's
//!   page drawn; target within 1.3×.
//! - Idle memory: after 5 s idle, the PSS of the app's process and every
//!   process below it (WebKit's web and network processes); within 1.2×.
//! - Binary: the release build, stripped; within 1.5×.
//! - Download: the `.deb` of `cargo xtask bundle` under 10 MB, the `.rpm`
//!   beside it (what people fetch; Electron-based MCP managers ship 100 MB
//!   and more).
//!
//! Both apps run the same way: one desktop (Xvfb, D-Bus, gnome-keyring),
//! one tauri-driver, a launch of each that is not counted, then launches in
//! turn (baseline, app, baseline, app…) so that both see the same machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};

use mcp_keys_e2e::{Desktop, Driver, free_port};
use tokio::runtime::Runtime;

use super::memory::{self, Process};
use super::report::{Report, load_average};
use super::service::Service;
use super::session::Session;
use super::stats::median;
use super::{Load, interrupt, seed, server};
use crate::{command, paths};

/// Keys on the surface the app opens, as the bench's target sets it.
const KEYS: usize = 1000;

/// How long an app idles before its memory is read.
const IDLE: Duration = Duration::from_secs(5);

/// How long a page may take to show what is waited for.
const UI_TIMEOUT: Duration = Duration::from_secs(60);

/// How long an app may take to exit after its session ended.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The targets, as ratios to the baseline.
const START_LIMIT: f64 = 1.3;
const MEMORY_LIMIT: f64 = 1.2;
const BINARY_LIMIT: f64 = 1.5;
/// The `.deb`'s size limit, in MB.
const DEB_LIMIT_MB: f64 = 10.0;

/// The embedded key service's database in the app's data folder
/// (src-tauri/src/local.rs).
const SERVICE_DB: &str = "key-service.db";

/// One of the two apps.
#[derive(Debug)]
struct Subject {
    label: &'static str,
    binary: PathBuf,
    /// What the page shows, in order, as JavaScript conditions; the time to
    /// each is measured, and the last is the one held to the target.
    milestones: Vec<(&'static str, String)>,
}

impl Subject {
    /// What the target measures the time to.
    fn last_milestone(&self) -> &str {
        self.milestones.last().map_or("", |(name, _)| name)
    }
}

/// What one launch measured.
#[derive(Debug)]
struct Launch {
    /// Until the driver answered the new-session request (window and page
    /// created), in ms.
    session_ms: f64,
    /// Until the page's navigation started (by the page's clock), in ms.
    navigation_ms: f64,
    /// From the navigation start to the page's first contentful paint, in
    /// ms, when WebKit reports it.
    first_paint_ms: Option<f64>,
    /// From the navigation start to each milestone, by the page's clock,
    /// in ms.
    page_ms: Vec<f64>,
    /// Until the driver answered that the last milestone was drawn, in ms:
    /// the figure held to the target.
    end_ms: f64,
    /// The processes after [`IDLE`].
    memory: Vec<Process>,
    /// The page's own User Timing marks (the UI marks each command's first
    /// call), by name, in ms after the navigation start.
    marks: Vec<(String, f64)>,
}

impl Launch {
    fn pss_mib(&self) -> f64 {
        self.memory.iter().map(|p| p.pss_kib).sum::<u64>() as f64 / 1024.0
    }

    fn end_ms(&self) -> f64 {
        self.end_ms
    }
}

/// Builds both apps, seeds the app's data, measures both, reports.
pub fn run(load: &Load, dir: &Path, report: &mut Report) -> Result<()> {
    eprintln!("\n==> bench: the desktop app beside a minimal Tauri app");
    let cli = match &load.server_binary {
        Some(binary) => binary.clone(),
        None => server::build()?,
    };
    // The app embeds ui/dist when it compiles: `cargo xtask bench` built it.
    command::run(Command::new("cargo").args([
        "build",
        "--release",
        "--package",
        "mcp-keys-desktop",
        "--package",
        "mcp-keys-bench-baseline",
    ]))?;
    let app = Subject {
        label: "MCP Keys",
        binary: paths::release_binary("mcp-keys-desktop"),
        milestones: vec![
            (
                "the app shell shown",
                "document.querySelector('[data-testid=\"app-shell\"]') !== null".to_owned(),
            ),
            (
                "the Keys tab shown with 1,000 keys",
                format!(
                    "document.querySelector('[data-testid=\"keys-count\"]')?.textContent.trim() \
                     === '{KEYS} keys' && \
                     document.querySelector('[data-testid^=\"key-row-\"]') !== null"
                ),
            ),
        ],
    };
    let baseline = Subject {
        label: "baseline",
        binary: paths::release_binary("mcp-keys-bench-baseline"),
        milestones: vec![(
            "its page shown (#ready)",
            "document.getElementById('ready') !== null".to_owned(),
        )],
    };

    let scratch = dir.join("app");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("clearing {}", scratch.display()))?;
    }
    std::fs::create_dir_all(&scratch)?;
    let app_size = stripped_size(&app.binary, &scratch)?;
    let baseline_size = stripped_size(&baseline.binary, &scratch)?;
    let load_before = load_average();
    let measured = launches(load, dir, &scratch, &cli, [&app, &baseline]);
    // The desktop's folders (keyring, databases) go, whatever happened; the
    // logs stay.
    let _ = std::fs::remove_dir_all(&scratch);
    let [app_runs, baseline_runs] = measured?;
    report.note(format!(
        "App: the machine's load average was {load_before} before the launches and {} after \
         (other work on a shared machine moves these figures; the launches alternate so that \
         both apps share it).",
        load_average()
    ));
    add_to_report(
        report,
        [
            (&app, &app_runs, app_size),
            (&baseline, &baseline_runs, baseline_size),
        ],
    );
    add_packages(report, load)
}

/// The packages' sizes, when `cargo xtask bench` built them (`--deb`, `--rpm`).
fn add_packages(report: &mut Report, load: &Load) -> Result<()> {
    let megabytes = |path: &Path| -> Result<f64> {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        Ok(bytes as f64 / 1_000_000.0)
    };
    if let Some(rpm) = &load.rpm {
        report.figure(
            "app",
            "MCP Keys: .rpm package".to_owned(),
            megabytes(rpm)?,
            "MB",
        );
    }
    let Some(deb) = &load.deb else {
        report.note("App: no package sizes (run through `cargo xtask bench`, which builds them).");
        return Ok(());
    };
    report.target(
        "App .deb package (the app, the CLI, its manual, completions and service unit)".to_owned(),
        megabytes(deb)?,
        DEB_LIMIT_MB,
        "MB",
    );
    report.note(
        "App: the packages are those of `cargo xtask bundle` (Tauri's bundler, release build): \
         the .deb is gzip-compressed (the bundler's only choice), the .rpm xz-compressed.",
    );
    Ok(())
}

/// Starts the desktop, seeds the app's data and launches both apps: each
/// once, not counted, then `load.app_runs` times in turn. The launches of
/// each, in the order of `subjects`.
fn launches(
    load: &Load,
    dir: &Path,
    scratch: &Path,
    cli: &Path,
    subjects: [&Subject; 2],
) -> Result<[Vec<Launch>; 2]> {
    let [app, baseline] = subjects;
    let desktop = Desktop::start_in(scratch.join("desktop"))?;
    seed_app(cli, &desktop, scratch, &dir.join("app-seed.log"))?;
    let mut env = desktop.env();
    env.push(("MCP_KEYS_LOCAL_PORT", free_port()?.to_string()));
    let log = dir.join("app-driver.log");
    let driver = Driver::start(&env, &log)?;
    // The WebDriver client is async; the bench waits on each request.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    // The first launch of each is not counted: the app creates its local
    // database, mints its token and keeps it in the keyring; both load
    // WebKit's files into the page cache.
    for subject in [baseline, app] {
        eprintln!("--> {} (first launch, not counted)", subject.label);
        launch(&runtime, &driver, subject, false).with_context(|| context(subject, &log))?;
    }
    let (mut app_runs, mut baseline_runs) = (Vec::new(), Vec::new());
    for run in 1..=load.app_runs {
        for (subject, runs) in [(baseline, &mut baseline_runs), (app, &mut app_runs)] {
            let measured =
                launch(&runtime, &driver, subject, true).with_context(|| context(subject, &log))?;
            eprintln!(
                "--> {} run {run}: {:.0} ms to {}, {:.0} MiB PSS after {IDLE:?}",
                subject.label,
                measured.end_ms,
                subject.last_milestone(),
                measured.pss_mib()
            );
            runs.push(measured);
        }
    }
    Ok([app_runs, baseline_runs])
}

fn context(subject: &Subject, log: &Path) -> String {
    format!(
        "launching {} ({}); tauri-driver's and the app's output is in {}",
        subject.label,
        subject.binary.display(),
        log.display()
    )
}

/// The binary's size as built and stripped of everything `strip
/// --strip-all` removes (a copy is stripped; the build is left alone), in
/// bytes.
fn stripped_size(binary: &Path, scratch: &Path) -> Result<(u64, u64)> {
    let built = binary
        .metadata()
        .with_context(|| format!("{} is not built", binary.display()))?
        .len();
    let copy = scratch.join(binary.file_name().ok_or_else(|| anyhow!("no file name"))?);
    std::fs::copy(binary, &copy).with_context(|| format!("copying {}", binary.display()))?;
    command::run(Command::new("strip").arg("--strip-all").arg(&copy))?;
    let stripped = copy.metadata()?.len();
    std::fs::remove_file(&copy)?;
    Ok((built, stripped))
}

/// Puts one product, one surface and [`KEYS`] keys in the database the
/// app's embedded key service will open, through `mcp-keys serve` on that
/// file; the service stops before the app starts.
fn seed_app(cli: &Path, desktop: &Desktop, scratch: &Path, log: &Path) -> Result<()> {
    let db = desktop.app_data().join(SERVICE_DB);
    let service = Service::start(cli, &format!("sqlite://{}", db.display()), scratch, log)?;
    let seeded = seed::one_surface(&service, KEYS);
    drop(service);
    // The first token of a throwaway database; no need to keep it.
    let _ = std::fs::remove_file(scratch.join("token"));
    seeded.map(|_| ())
}

/// Starts `subject` through the driver, waits for each milestone, and with
/// `measure` reads its memory after [`IDLE`]; then ends the session and
/// waits for the app to exit.
fn launch(runtime: &Runtime, driver: &Driver, subject: &Subject, measure: bool) -> Result<Launch> {
    interrupt::check()?;
    // Declared first, so dropped last: after the session ended.
    let _exit = AppExit {
        driver,
        binary: &subject.binary,
    };
    let requested = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, ms);
    let started = Instant::now();
    let session = Session::start(runtime, driver, &subject.binary)?;
    let session_ms = ms(started.elapsed());
    let conditions: Vec<String> = subject
        .milestones
        .iter()
        .map(|(_, condition)| condition.clone())
        .collect();
    let page = match session.wait_for(&conditions, UI_TIMEOUT) {
        Ok(page) => page,
        Err(error) => {
            return Err(error.context(format!(
                "waiting for {}; the page shows:\n{}",
                subject.last_milestone(),
                page_text(&session)
            )));
        }
    };
    let end_ms = ms(started.elapsed());
    let marks = page_marks(&session)?;
    let memory = if measure {
        interrupt::sleep(IDLE)?;
        let pid = memory::find(driver.pid(), &subject.binary)
            .ok_or_else(|| anyhow!("the app's process was not found under tauri-driver"))?;
        memory::usage(pid)?
    } else {
        Vec::new()
    };
    Ok(Launch {
        session_ms,
        navigation_ms: page.origin_ms - requested,
        first_paint_ms: page.first_paint_ms,
        page_ms: page.held_ms,
        end_ms,
        memory,
        marks,
    })
}

/// The UI's User Timing marks (`MARK_PREFIX` in ui/src/lib/marks.ts).
fn page_marks(session: &Session<'_>) -> Result<Vec<(String, f64)>> {
    let marks = session.execute(
        "return performance.getEntriesByType('mark')\
           .filter((mark) => mark.name.startsWith('mcp-keys '))\
           .map((mark) => [mark.name.slice('mcp-keys '.length), mark.startTime]);",
    )?;
    serde_json::from_value(marks).context("reading the page's User Timing marks")
}

/// Each mark every run has, with its median time, earliest first.
fn mark_medians(runs: &[Launch]) -> Vec<(String, f64)> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let mut medians: Vec<(String, f64)> = first
        .marks
        .iter()
        .filter_map(|(name, _)| {
            let times = runs
                .iter()
                .map(|run| run.marks.iter().find(|(n, _)| n == name).map(|(_, at)| *at))
                .collect::<Option<Vec<f64>>>()?;
            Some((name.clone(), median(&times)))
        })
        .collect();
    medians.sort_by(|a, b| a.1.total_cmp(&b.1));
    medians
}

fn page_text(session: &Session<'_>) -> String {
    session
        .execute(
            "return document.body ? document.body.innerText : document.documentElement.outerHTML",
        )
        .map_or_else(
            |error| format!("(unreadable: {error:#})"),
            |text| text.as_str().unwrap_or_default().to_owned(),
        )
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Makes sure an app started through the driver has exited when dropped:
/// the ended session closes it; one still running after [`EXIT_TIMEOUT`]
/// (it may keep running in the tray) is sent SIGTERM, then SIGKILL, by pid.
/// The next launch needs the local key service's port free.
struct AppExit<'a> {
    driver: &'a Driver,
    binary: &'a Path,
}

impl Drop for AppExit<'_> {
    fn drop(&mut self) {
        let Some(pid) = memory::find(self.driver.pid(), self.binary) else {
            return;
        };
        for signal in [None, Some("-TERM"), Some("-KILL")] {
            if let Some(signal) = signal {
                eprintln!("the app ({pid}) is still running: kill {signal}");
                let _ = Command::new("kill")
                    .args([signal, &pid.to_string()])
                    .status();
            }
            let started = Instant::now();
            while started.elapsed() < EXIT_TIMEOUT {
                if !memory::alive(pid) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// The figures, the three targets and the notes.
fn add_to_report(report: &mut Report, apps: [(&Subject, &Vec<Launch>, (u64, u64)); 2]) {
    let [
        (app, app_runs, app_size),
        (baseline, baseline_runs, baseline_size),
    ] = apps;
    let med = |runs: &[Launch], figure: &dyn Fn(&Launch) -> f64| {
        median(&runs.iter().map(figure).collect::<Vec<_>>())
    };
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    for (subject, runs, (built, stripped)) in [
        (app, app_runs, app_size),
        (baseline, baseline_runs, baseline_size),
    ] {
        let label = subject.label;
        let mut figure = |name: String, value: f64, unit: &'static str| {
            report.figure("app", format!("{label}: {name}"), value, unit);
        };
        figure("release binary".to_owned(), mib(built), "MiB");
        figure("release binary, stripped".to_owned(), mib(stripped), "MiB");
        figure(
            "start to the WebDriver session (window created), median".to_owned(),
            med(runs, &|l| l.session_ms),
            "ms",
        );
        figure(
            "start to the page's navigation start, median".to_owned(),
            med(runs, &|l| l.navigation_ms),
            "ms",
        );
        if runs.iter().all(|l| l.first_paint_ms.is_some()) {
            figure(
                "in the page: navigation start to its first contentful paint, median".to_owned(),
                med(runs, &|l| l.first_paint_ms.unwrap_or(f64::NAN)),
                "ms",
            );
        }
        for (name, at) in mark_medians(runs) {
            figure(format!("in the page: {name}, median"), at, "ms");
        }
        for (index, (name, _)) in subject.milestones.iter().enumerate() {
            figure(
                format!("in the page: navigation start to {name}, median"),
                med(runs, &|l| l.page_ms.get(index).copied().unwrap_or(f64::NAN)),
                "ms",
            );
        }
        figure(
            format!(
                "start to {}, drawn and seen through WebDriver, median",
                subject.last_milestone()
            ),
            med(runs, &Launch::end_ms),
            "ms",
        );
        figure(
            "idle memory (PSS of the app and its WebKit processes), median".to_owned(),
            med(runs, &Launch::pss_mib),
            "MiB",
        );
        report.note(format!(
            "App, {label}: every measured launch, in order: start to {} {} ms; PSS {} MiB. \
             PSS by process in the last launch: {}.",
            subject.last_milestone(),
            list(runs, Launch::end_ms),
            list(runs, Launch::pss_mib),
            runs.last().map_or_else(String::new, |last| last
                .memory
                .iter()
                .map(|p| format!("{} {:.0} MiB", p.name, p.pss_kib as f64 / 1024.0))
                .collect::<Vec<_>>()
                .join(", "))
        ));
    }
    let ratio = |a: f64, b: f64| a / b.max(f64::MIN_POSITIVE);
    report.target(
        format!(
            "App start to the Keys tab with 1,000 keys, vs the baseline's first paint \
             (medians, {} launches each)",
            app_runs.len()
        ),
        ratio(
            med(app_runs, &Launch::end_ms),
            med(baseline_runs, &Launch::end_ms),
        ),
        START_LIMIT,
        "×",
    );
    report.target(
        "App idle memory (PSS, app + WebKit processes), vs the baseline (medians)".to_owned(),
        ratio(
            med(app_runs, &Launch::pss_mib),
            med(baseline_runs, &Launch::pss_mib),
        ),
        MEMORY_LIMIT,
        "×",
    );
    report.target(
        "App release binary, stripped, vs the baseline's".to_owned(),
        ratio(app_size.1 as f64, baseline_size.1 as f64),
        BINARY_LIMIT,
        "×",
    );
    report.note(format!(
        "App: both apps are release builds, started the same way: tauri-driver (WebKitWebDriver) \
         under Xvfb in one D-Bus session with an unlocked gnome-keyring. The time held to the \
         target runs from the new-session request (which starts the app) until the driver \
         answered that the page showed what was waited for and drew its next frame; the page \
         checks every 10 ms. The 'in the page' times are the page's own clock from its \
         navigation start (performance.now()): when the DOM first held each milestone, before it \
         was drawn and the answer travelled back through the app's main thread, so they are a \
         lower bound; a large gap between the two means the app's main thread or the page was \
         busy. The app opens its first surface's Keys tab by itself (no click); its data folder \
         holds one product, one surface and {KEYS} keys in the embedded key service's database, \
         seeded through `mcp-keys serve` before the first launch. Each app was launched once \
         before the measured launches, not counted (the app's first start creates its local \
         database and mints its token into the keyring); the measured launches alternate between \
         the two apps and find WebKit's files in the page cache. Memory is read {} s after the \
         last milestone, from /proc/PID/smaps_rollup, summed over the app's process and all its \
         descendants (WebKitWebProcess, WebKitNetworkProcess). Binary sizes are of copies run \
         through `strip --strip-all` (the release profile already strips symbols); the baseline \
         has the app's Tauri features (tray-icon) and none of its plugins.",
        IDLE.as_secs()
    ));
}

fn list(runs: &[Launch], figure: impl Fn(&Launch) -> f64) -> String {
    runs.iter()
        .map(|run| format!("{:.0}", figure(run)))
        .collect::<Vec<_>>()
        .join(", ")
}
