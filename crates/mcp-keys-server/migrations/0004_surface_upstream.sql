-- A surface fronts a real MCP server (issue 15, DESIGN §7): its upstream,
-- as JSON (`{"type":"stdio",...}` or `{"type":"http",...}`), NULL for none.
-- Secrets are references by name; the values never reach the database.
ALTER TABLE surfaces ADD COLUMN upstream TEXT;
