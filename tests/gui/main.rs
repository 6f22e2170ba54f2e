//! GUI tests: the real app in a real window under Xvfb, through tauri-driver.

mod shell;
mod theme;
