//! MCP Keys IDE support: client registry, config discovery, key extraction, diagnostics, safe in-place edits.

#![deny(missing_docs)]
