//! Integration tests of mcp-keys-store: a real SQLite file per test, real
//! child processes for the races, and the real OS keyring when the test
//! session provides one.

mod audit;
mod cache;
mod connections;
mod no_secrets;
mod open;
mod preferences;
mod processes;
mod reminders;
mod revocations;
mod rotation;
mod scans;
mod secrets;
mod slots;
mod support;
