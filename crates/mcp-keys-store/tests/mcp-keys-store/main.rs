//! Integration tests of mcp-keys-store.
