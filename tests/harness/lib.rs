//! The end-to-end harness: a private desktop (Xvfb and a D-Bus session), the
//! real built app started through tauri-driver (which starts WebKitWebDriver),
//! and a WebDriver client to drive it the way a user would. The app bench
//! (`bench/`) starts its desktop, processes and tauri-driver with it too.
//!
//! Each [`App`] is isolated: its own display, bus, ports and XDG folders, so
//! tests never see each other's state or the developer's.

mod app;
mod clients;
mod desktop;
mod driver;
mod mcp;
mod paths;
mod process;
mod python;
mod python_client;
mod service;

pub use app::{App, testid};
pub use clients::{ClientHome, ClientOutput, npm_bin};
pub use desktop::Desktop;
pub use driver::Driver;
pub use mcp::{McpAnswer, PROTOCOL_VERSION, jsonrpc_answer, mcp_post, mcp_tools_list};
pub use paths::target_dir;
pub use process::{Guard, free_port, spawn, wait_for_port};
pub use python::pip_venv;
pub use python_client::PythonClient;
pub use service::{Service, Surface, mcp_keys_binary};
