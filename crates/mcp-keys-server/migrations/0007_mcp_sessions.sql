-- MCP sessions of surfaces with an upstream (issue 15, docs/gateway.md): what
-- another instance needs to take a session over when the one that opened it
-- stopped. The client's initialize parameters (its name and capabilities,
-- never a credential) and the key the session belongs to; no state of the
-- upstream, which the new instance starts again.
CREATE TABLE mcp_sessions (
    id TEXT PRIMARY KEY,
    key_id TEXT,
    initialize_params TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
