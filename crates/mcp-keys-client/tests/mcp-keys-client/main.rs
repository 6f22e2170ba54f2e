//! Integration tests of mcp-keys-client.
