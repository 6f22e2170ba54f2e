//! The real app, started by tauri-driver inside a private [`Desktop`].

use crate::desktop::Desktop;
use crate::driver::Driver;
use crate::paths;
use crate::process::free_port;
use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The file under the desktop's folder that receives the app's output.
const LOG_FILE: &str = "app.log";

/// The main window's title (tauri.conf.json), by which it is captured.
const WINDOW_TITLE: &str = "MCP Keys";

/// How long the UI may take to show something before a test fails.
const UI_TIMEOUT: Duration = Duration::from_secs(20);

/// The app in a real window, driven through WebDriver.
#[derive(Debug)]
pub struct App {
    client: Client,
    name: String,
    local_port: u16,
    // Declared after `client`: fields drop in order, and the driver must
    // outlive nothing but the desktop it runs in.
    _driver: Driver,
    desktop: Desktop,
}

impl App {
    /// Starts a private desktop, tauri-driver, and the app through it.
    /// `name` labels the test's folders and screenshots.
    pub async fn launch(name: &str) -> Result<Self> {
        Self::launch_with_env(name, &[]).await
    }

    /// Like [`App::launch`], with extra environment variables for the app
    /// (`GTK_THEME=Adwaita:dark` to start it in a dark desktop, say).
    pub async fn launch_with_env(name: &str, env: &[(&str, &str)]) -> Result<Self> {
        Self::launch_binary(name, &paths::app_binary()?, env).await
    }

    /// Like [`App::launch_with_env`], for the app at `binary` (an installed
    /// package's, say) instead of the one under test.
    pub async fn launch_binary(
        name: &str,
        binary: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Result<Self> {
        let desktop = Desktop::start(name)?;
        let local_port = free_port()?;
        let mut driver_env = desktop.env();
        driver_env.push(("MCP_KEYS_LOCAL_PORT", local_port.to_string()));
        driver_env.extend(env.iter().map(|(name, value)| (*name, (*value).to_owned())));
        // tauri-driver's output, with the app's own (it inherits it through
        // WebKitWebDriver): tests read it, and people read it after a failure.
        let driver = Driver::start(&driver_env, &desktop.home().join(LOG_FILE))?;
        let client = driver.session(binary).await?;
        Ok(Self {
            client,
            name: name.into(),
            local_port,
            _driver: driver,
            desktop,
        })
    }

    /// Waits until an element matching `css` is displayed, and returns it.
    pub async fn find(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_displayed().await.unwrap_or(false)
            {
                return Ok(element);
            }
            if Instant::now() > deadline {
                let page = self.page_text().await.unwrap_or_default();
                bail!("`{css}` was not shown within {UI_TIMEOUT:?}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element with `data-testid` `id` once it is shown.
    pub async fn click(&self, id: &str) -> Result<()> {
        self.find(&testid(id)).await?.click().await?;
        Ok(())
    }

    /// Clicks the element matching `css` (for elements without a fixed test id).
    pub async fn click_css(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Replaces the value of the input with `data-testid` `id` with `text`,
    /// typed as keystrokes the way a user would.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let input = self.find(&testid(id)).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Waits until the page's text contains `needle`; the page text then.
    pub async fn wait_for_text(&self, needle: &str) -> Result<String> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let page = self.page_text().await.unwrap_or_default();
            if page.contains(needle) {
                return Ok(page);
            }
            if Instant::now() > deadline {
                bail!("{needle:?} was not shown within {UI_TIMEOUT:?}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The base URL of the app's embedded key service.
    pub fn local_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.local_port)
    }

    /// What the desktop's clipboard holds, read from outside the app with
    /// xclip; empty when it holds nothing.
    pub fn clipboard(&self) -> Result<String> {
        self.clipboard_target("UTF8_STRING")
    }

    /// The clipboard's content in the format `target` (`TARGETS` lists the
    /// formats offered); empty when nothing owns the clipboard.
    pub fn clipboard_target(&self, target: &str) -> Result<String> {
        // xclip waits for ever for an owner that stopped answering (an app
        // in the middle of quitting): it gets a few seconds.
        let mut child = Command::new("xclip")
            .args(["-o", "-selection", "clipboard", "-t", target])
            .envs(self.desktop.env())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("running xclip (Debian package xclip)")?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                bail!("xclip got no answer from the clipboard's owner");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output()?;
        // xclip fails when no program owns the clipboard: that is "empty".
        Ok(if output.status.success() {
            String::from_utf8_lossy(&output.stdout).into_owned()
        } else {
            String::new()
        })
    }

    /// The visible text of the first element matching `css`, once displayed.
    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.text().await?)
    }

    /// All visible text of the page.
    pub async fn page_text(&self) -> Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// The window's title.
    pub async fn title(&self) -> Result<String> {
        Ok(self.client.title().await?)
    }

    /// Saves a screenshot to `target/screenshots/<test>-<label>.png` for
    /// people to look at; tests assert on text, never on pixels.
    ///
    /// Taken from the X display, as a person would see the window: WebDriver's
    /// own screenshot waits for a composited frame, which never comes while
    /// the app paints without compositing (src-tauri/src/webview.rs).
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf> {
        let dir = paths::target_dir().join("screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}-{label}.png", self.name));
        let output = Command::new("import")
            .args(["-display", self.desktop.display(), "-window", WINDOW_TITLE])
            .arg(&path)
            .output()
            .context("running ImageMagick's import (cargo xtask test installs it)")?;
        if !output.status.success() {
            bail!(
                "import could not capture the window: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(path)
    }

    /// The WebDriver client, for interactions this harness does not wrap.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Everything the app (and tauri-driver) wrote to stdout and stderr so
    /// far; the file stays under `target/e2e/<test>/` after the test.
    pub fn log_path(&self) -> PathBuf {
        self.desktop.home().join(LOG_FILE)
    }

    /// The private desktop the app runs in.
    pub fn desktop(&self) -> &Desktop {
        &self.desktop
    }

    /// Ends the WebDriver session, which closes the app; dropping the
    /// harness then stops tauri-driver, the bus and the display.
    pub async fn close(self) -> Result<()> {
        self.client
            .clone()
            .close()
            .await
            .context("closing the WebDriver session")
    }
}

/// The CSS selector of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}
