//! MCP Keys management API client (reqwest): typed calls for every endpoint of DESIGN §3, against mcp-keys serve or Runtype.

#![deny(missing_docs)]
