//! Integration tests of the `mcp-keys` binary: the real process on real
//! loopback ports and real SQLite files, one module per area.

mod cli;
mod concurrency;
mod connections;
mod crash_safety;
mod failures;
mod impostor;
mod lifecycle;
mod no_secrets;
mod oauth;
mod output;
mod reminders;
mod roll_configs;
mod serve;
mod support;
mod tokens;
mod upstreams;
