//! tauri-driver, which starts WebKitWebDriver and, for each WebDriver
//! session, an app; and sessions of it through fantoccini.

use crate::paths;
use crate::process::{Guard, free_port, spawn, wait_for_port};
use anyhow::{Context, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long tauri-driver and WebKitWebDriver may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running tauri-driver, stopped (with the apps below it) when dropped.
#[derive(Debug)]
pub struct Driver {
    url: String,
    guard: Guard,
}

impl Driver {
    /// Starts tauri-driver with `env` added to its environment (the apps
    /// it starts inherit it), writing its output and theirs to `log`.
    pub fn start(env: &[(&str, String)], log: &Path) -> Result<Self> {
        let (port, native_port) = (free_port()?, free_port()?);
        let log =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let mut guard = spawn(
            "tauri-driver",
            Command::new(paths::tauri_driver()?)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .envs(env.iter().map(|(name, value)| (name, value)))
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log),
        )?;
        // tauri-driver answers on its port before WebKitWebDriver, which it
        // starts and forwards to, listens on the native one.
        for port in [port, native_port] {
            wait_for_port(&mut guard, port, START_TIMEOUT)?;
        }
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
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
    pub async fn session(&self, application: &Path) -> Result<Client> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": std::path::absolute(application)? }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .with_context(|| format!("starting {} through tauri-driver", application.display()))
    }
}
