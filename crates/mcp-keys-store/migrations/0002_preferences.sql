-- The user's preferences that are not rotation periods (those have their
-- own table): one row per preference, the value as text.
CREATE TABLE preferences (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
