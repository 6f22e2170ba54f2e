//! MCP Keys local store (sqlx SQLite): connections, cached metadata, rotation policies, reminders, audit log, scan results; secrets in the OS keyring.

#![deny(missing_docs)]
