//! Integration tests of the `mcp-keys` binary: the real process on real
//! loopback ports and real SQLite files, one module per area.

mod crash_safety;
mod serve;
mod support;
