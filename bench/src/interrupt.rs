//! Ctrl-C and SIGTERM during a bench: noted, so the bench stops at the next
//! step and its guards stop the servers it started, instead of the process
//! dying and leaving them running. wrk, in the same process group, gets the
//! terminal's Ctrl-C itself and ends its run early.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process).
pub fn install() -> Result<()> {
    ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).context("cannot handle Ctrl-C")
}

/// Fails once an interrupt arrived.
pub fn check() -> Result<()> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        bail!("interrupted: stopping the servers this bench started");
    }
    Ok(())
}

/// Sleeps `duration`, failing early on an interrupt.
pub fn sleep(duration: Duration) -> Result<()> {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        check()?;
        std::thread::sleep(
            Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
        );
    }
    check()
}
