-- Management tokens are listed and revoked by people (issue 13): each has
-- a name and the time it was last used.
ALTER TABLE management_tokens ADD COLUMN name TEXT NOT NULL DEFAULT 'first token';
ALTER TABLE management_tokens ADD COLUMN last_used_at BIGINT;
