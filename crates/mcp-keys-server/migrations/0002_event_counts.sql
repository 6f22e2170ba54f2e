-- Repeated failed authentications are one row with a count (issue 13): a
-- flood of refused requests must not grow the audit log without bound.
ALTER TABLE events ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
CREATE INDEX events_type_time ON events (type, created_at);
