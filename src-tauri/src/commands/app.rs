//! What the UI needs to know about the app itself.

use mcp_keys_core::AppInfo;

/// Name, version, build and the address of the embedded local key service.
#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo::current(env!("CARGO_PKG_VERSION"), env!("MCP_KEYS_BUILD"))
}
