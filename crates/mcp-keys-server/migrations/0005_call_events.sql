-- Every call forwarded to an upstream is an audit event (issue 15, DESIGN §7):
-- who called (key, client), what (the capability), how it ended and how long
-- it took; never its arguments or results. Calls alike within a minute are
-- one row with a count and the longest duration.
ALTER TABLE events ADD COLUMN client TEXT;
ALTER TABLE events ADD COLUMN capability TEXT;
ALTER TABLE events ADD COLUMN outcome TEXT;
ALTER TABLE events ADD COLUMN duration_ms BIGINT;
