//! Integration tests of mcp-keys-ide.
