-- The local store of MCP Keys, shared by the desktop app and the CLI.
-- Times are Unix milliseconds (INTEGER), so comparisons in SQL are exact.
-- No column ever holds a key or a management token: tokens live in the OS
-- keyring under the connection's id, keys are shown once and never kept.

CREATE TABLE connections (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('local', 'mcp-keys', 'runtype')),
    base_url    TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  INTEGER NOT NULL
);
-- At most one default; the store keeps at least one while any connection exists.
CREATE UNIQUE INDEX connections_one_default ON connections (is_default) WHERE is_default = 1;

-- Remote metadata for the offline view, replaced whole on each refresh.
CREATE TABLE cached_products (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    data          TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);

CREATE TABLE cached_surfaces (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    data          TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);

CREATE TABLE cached_keys (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    surface_id    TEXT NOT NULL,
    data          TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX cached_keys_by_surface ON cached_keys (connection_id, surface_id);

-- Rotation: a default per environment and, per key, an override and the
-- moment its rotation period counts from (creation or last roll).
CREATE TABLE rotation_defaults (
    environment       TEXT PRIMARY KEY NOT NULL CHECK (environment IN ('development', 'production')),
    rotate_every_days INTEGER NOT NULL CHECK (rotate_every_days > 0)
);
INSERT INTO rotation_defaults (environment, rotate_every_days) VALUES ('production', 90), ('development', 180);

CREATE TABLE key_rotation (
    key_id            TEXT PRIMARY KEY NOT NULL,
    rotate_every_days INTEGER CHECK (rotate_every_days IS NULL OR rotate_every_days > 0),
    anchor_at         INTEGER
);

-- Reminders: what was sent, and what the user asked for.
CREATE TABLE reminder_state (
    key_id           TEXT NOT NULL,
    reason           TEXT NOT NULL,
    last_notified_at INTEGER,
    snoozed_until    INTEGER,
    PRIMARY KEY (key_id, reason)
);

-- "Stop reminding for this key": every reason, including ones found later.
CREATE TABLE reminder_mutes (
    key_id   TEXT PRIMARY KEY NOT NULL,
    muted_at INTEGER NOT NULL
);

-- A roll against a server without the roll extension: the new key was
-- created, the old one must be revoked when the grace period ends.
CREATE TABLE pending_revocations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    product_id    TEXT NOT NULL,
    surface_id    TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    revoke_at     INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX pending_revocations_due ON pending_revocations (revoke_at) WHERE done_at IS NULL;

-- The user's own actions, from the app and the CLI. Kept when a connection
-- goes: it is a history.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    connection_id TEXT,
    product_id    TEXT,
    surface_id    TEXT,
    key_id        TEXT,
    detail        TEXT
);
CREATE INDEX audit_log_by_key ON audit_log (key_id);

-- The latest IDE scan, replaced whole by each scan.
CREATE TABLE scan_results (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client      TEXT NOT NULL,
    config_path TEXT NOT NULL,
    scope       TEXT NOT NULL,
    server_name TEXT NOT NULL,
    url         TEXT,
    key_prefix  TEXT,
    fingerprint TEXT,
    key_id      TEXT,
    surface_id  TEXT,
    status      TEXT NOT NULL,
    scanned_at  INTEGER NOT NULL
);
