//! GUI tests: the real app in a real window under Xvfb, through tauri-driver.

mod connections;
mod keys;
mod shell;
mod theme;
