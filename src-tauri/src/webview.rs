//! The main window's WebView settings.
//!
//! On Linux the page is painted on the CPU, without WebKit's accelerated
//! compositing. The UI is panels, text and one table: the CPU paints it
//! quickly, while GPU painting costs a GL context and a texture per layer. On
//! a machine without a usable GPU (a VM, a remote desktop) that GL is Mesa's
//! software renderer, which made the first frame slower and the web process
//! about 100 MB larger in `cargo xtask bench app`. `MCP_KEYS_WEBVIEW_GPU=1`
//! keeps WebKit's default instead.

use tauri::{AppHandle, Runtime};

/// Set to `1` to let WebKit use the GPU (its default policy).
#[cfg(target_os = "linux")]
const GPU_VAR: &str = "MCP_KEYS_WEBVIEW_GPU";

/// Applies the settings to the main window's WebView (call it in `setup`).
pub fn configure<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(target_os = "linux")]
    if std::env::var(GPU_VAR).map_or(true, |value| value != "1") {
        use tauri::Manager as _;
        let Some(window) = app.get_webview_window("main") else {
            return;
        };
        let painted = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(error) = painted {
            tracing::warn!(%error, "could not set how the WebView paints");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}
