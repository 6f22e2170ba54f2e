//! tauri-driver and the few W3C WebDriver commands the app bench needs:
//! start an app in a new session, wait in its page for a condition, end
//! the session. Plain JSON over loopback HTTP, as the end-to-end harness
//! speaks it through fantoccini.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::child::Guard;
use super::interrupt;

/// How long tauri-driver and WebKitWebDriver may take to listen.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(20);

/// How long one request may take (a new session starts the app).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a script waits in the page before it answers "not yet".
const WAIT_SLICE_MS: u64 = 2000;

/// A running tauri-driver, which starts WebKitWebDriver and, per session,
/// the app.
#[derive(Debug)]
pub struct Driver {
    base: String,
    client: Client,
    guard: Guard,
}

impl Driver {
    /// Starts `binary` with `env` (which the apps it starts inherit),
    /// writing its output, the apps' included, to `log`.
    pub fn start(binary: &Path, env: &[(&str, String)], log: &Path) -> Result<Self> {
        let (port, native_port) = (free_port()?, free_port()?);
        let log = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let mut guard = Guard::spawn(
            "tauri-driver",
            Command::new(binary)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .envs(env.iter().map(|(name, value)| (name, value)))
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log),
        )?;
        // tauri-driver listens before WebKitWebDriver, which it starts and
        // forwards to, listens on the native port.
        for port in [port, native_port] {
            let started = Instant::now();
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                interrupt::check()?;
                guard.ensure_running()?;
                if started.elapsed() > DRIVER_TIMEOUT {
                    bail!(
                        "tauri-driver: nothing listened on port {port} within {DRIVER_TIMEOUT:?}"
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(Self {
            base: format!("http://127.0.0.1:{port}"),
            client: Client::builder().timeout(REQUEST_TIMEOUT).build()?,
            guard,
        })
    }

    /// tauri-driver's process id (the apps run below it).
    pub fn pid(&self) -> u32 {
        self.guard.id()
    }

    /// Starts `application` in a new session; returns once the driver
    /// answers, which is when its window and webview exist (the page may
    /// not have started loading yet).
    pub fn session(&self, application: &Path) -> Result<Session<'_>> {
        let application = std::path::absolute(application)?;
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": application}
        }}});
        let answer = self.send(
            self.client.post(format!("{}/session", self.base)),
            &capabilities,
        )?;
        let id = answer["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("the new session has no id: {answer}"))?
            .to_owned();
        Ok(Session { driver: self, id })
    }

    fn send(&self, request: reqwest::blocking::RequestBuilder, body: &Value) -> Result<Value> {
        let response = request.json(body).send()?;
        let status = response.status();
        let answer: Value = response.json()?;
        if !status.is_success() {
            bail!(
                "WebDriver answered {status}: {} {}",
                answer["value"]["error"],
                answer["value"]["message"]
            );
        }
        Ok(answer["value"].clone())
    }
}

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
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
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
        let url = format!("{}/session/{}/execute/async", self.driver.base, self.id);
        let started = Instant::now();
        loop {
            interrupt::check()?;
            let body = json!({"script": script, "args": []});
            let last = match self.driver.send(self.driver.client.post(&url), &body) {
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
                    format!("{error:#}")
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
        let url = format!("{}/session/{}/execute/sync", self.driver.base, self.id);
        self.driver.send(
            self.driver.client.post(url),
            &json!({"script": script, "args": []}),
        )
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.driver.base, self.id);
        if let Err(error) = self.driver.client.delete(url).send() {
            eprintln!("ending the WebDriver session failed: {error}");
        }
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
