//! Integration tests of mcp-keys-ide: the registry, discovery, the scan of
//! real-format fixtures of every client, doctor findings, safe edits
//! (including property tests and a kill -9 loop).

mod client_files;
mod client_log_findings;
mod crash;
mod discovery;
mod doctor;
mod edits;
mod git_safety;
mod hostile_configs;
mod log_fixtures;
mod logs;
mod properties;
mod registry;
mod scan;
mod service;
mod suggested_commands;
mod support;
