//! Integration tests of mcp-keys-manager: a real key service over HTTP, a real SQLite store.

mod client_logs;
mod ide;
mod oauth;
mod reminders;
mod revocations;
mod upstream_secrets;
