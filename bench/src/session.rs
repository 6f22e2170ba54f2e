//! One app started through tauri-driver (the end-to-end harness's
//! [`Driver`], over fantoccini) and what the app bench asks its page: when
//! each condition first held, by the page's own clock.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::Client;
use mcp_keys_e2e::Driver;
use serde_json::Value;
use tokio::runtime::Runtime;

use super::interrupt;

/// How long a script waits in the page before it answers "not yet".
const WAIT_SLICE_MS: u64 = 2000;

/// When a page showed what was waited for, by its own clock.
#[derive(Debug, Clone)]
pub struct PageTimes {
    /// When the page's navigation started, in ms since the Unix epoch
    /// (`performance.timeOrigin`).
    pub origin_ms: f64,
    /// Its first contentful paint, in ms after that, when WebKit reports it.
    pub first_paint_ms: Option<f64>,
    /// When each condition first held, in ms after the navigation start.
    pub held_ms: Vec<f64>,
}

/// One app started by the driver; ended (the app closed) when dropped.
#[derive(Debug)]
pub struct Session<'a> {
    runtime: &'a Runtime,
    client: Client,
}

impl<'a> Session<'a> {
    /// Starts `application` in a new session of `driver`; returns once the
    /// driver answers, which is when its window and webview exist (the
    /// page may not have started loading yet).
    pub fn start(runtime: &'a Runtime, driver: &Driver, application: &Path) -> Result<Self> {
        let client = runtime.block_on(driver.session(application))?;
        Ok(Self { runtime, client })
    }

    /// Waits until each JavaScript expression of `conditions` has held in
    /// the page and, after the last, the next frame is drawn; fails after
    /// `timeout`. Returns when each held, by the page's clock.
    ///
    /// The page itself checks every 10 ms, in one script that waits there
    /// up to 2 s per request (WebKitWebDriver holds the first until the
    /// page has loaded), so each moment is found within a tick, and no
    /// request every few milliseconds competes with the app for the CPU.
    /// What the page saw survives from one request to the next in a global
    /// of the page. An error (a page being replaced) is "not yet" too.
    pub fn wait_for(&self, conditions: &[String], timeout: Duration) -> Result<PageTimes> {
        let checks = conditions
            .iter()
            .map(|condition| format!("() => ({condition})"))
            .collect::<Vec<_>>()
            .join(", ");
        let script = format!(
            r"const done = arguments[arguments.length - 1];
            const checks = [{checks}];
            const seen = (window.__mcpKeysBench = window.__mcpKeysBench || []);
            const until = Date.now() + {WAIT_SLICE_MS};
            const answer = () => {{
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                done([performance.timeOrigin, paint ? paint.startTime : null, seen]);
            }};
            const drawn = () => {{
                // After the next frame; rAF may never come if the window is
                // not shown, so at most 100 ms later.
                let sent = false;
                const send = () => {{ if (!sent) {{ sent = true; answer(); }} }};
                requestAnimationFrame(() => setTimeout(send, 0));
                setTimeout(send, 100);
            }};
            const tick = () => {{
                checks.forEach((check, i) => {{
                    try {{ if (seen[i] === undefined && check()) seen[i] = performance.now(); }} catch (e) {{}}
                }});
                if (checks.every((_, i) => seen[i] !== undefined)) drawn();
                else if (Date.now() > until) done(false);
                else setTimeout(tick, 10);
            }};
            tick();"
        );
        let started = Instant::now();
        loop {
            interrupt::check()?;
            let answer = self
                .runtime
                .block_on(self.client.execute_async(&script, Vec::new()));
            let last = match answer {
                Ok(Value::Array(answer)) => {
                    if let [origin, first_paint, Value::Array(held)] = answer.as_slice()
                        && let Some(origin_ms) = origin.as_f64()
                        && let Some(held_ms) = held.iter().map(Value::as_f64).collect()
                    {
                        return Ok(PageTimes {
                            origin_ms,
                            first_paint_ms: first_paint.as_f64(),
                            held_ms,
                        });
                    }
                    format!("the page answered {answer:?}")
                }
                Ok(answer) => format!("the page answered {answer}"),
                Err(error) => {
                    std::thread::sleep(Duration::from_millis(10));
                    format!("{error}")
                }
            };
            if started.elapsed() > timeout {
                bail!(
                    "{} did not hold within {timeout:?}; last: {last}",
                    conditions.join(" then ")
                );
            }
        }
    }

    /// Runs `script` in the page and returns its value.
    pub fn execute(&self, script: &str) -> Result<Value> {
        Ok(self
            .runtime
            .block_on(self.client.execute(script, Vec::new()))?)
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Err(error) = self.runtime.block_on(self.client.clone().close()) {
            eprintln!("ending the WebDriver session failed: {error}");
        }
    }
}
