//! The shell's IPC on Tauri's mock runtime: commands answer, and the
//! capability files let the main window call exactly what they grant.

mod ipc;
