-- The key service's schema. Written to run unchanged on SQLite and on
-- PostgreSQL: TEXT ids, BIGINT times (Unix milliseconds, UTC), enumerations as
-- TEXT checked by the service, lists as JSON text. No secret is stored: keys
-- and management tokens are kept as their SHA-256 fingerprints.

CREATE TABLE management_tokens (
    -- The token's public id, the 8 characters after `mgmt_`.
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE products (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX products_page ON products (created_at, id);

CREATE TABLE surfaces (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products (id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,        -- mcp
    status      TEXT NOT NULL,        -- active | inactive
    environment TEXT NOT NULL,        -- development | production
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX surfaces_page ON surfaces (created_at, id);
CREATE INDEX surfaces_product ON surfaces (product_id);

-- The capabilities of a surface; each is one MCP tool.
CREATE TABLE surface_items (
    surface_id      TEXT NOT NULL REFERENCES surfaces (id),
    capability_name TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (surface_id, capability_name)
);

CREATE TABLE api_keys (
    -- The key's public id, the 8 characters after `mcp_<env>_`: a presented
    -- key is looked up by it, then its fingerprint compared in constant time.
    id                    TEXT PRIMARY KEY,
    surface_id            TEXT NOT NULL REFERENCES surfaces (id),
    product_id            TEXT NOT NULL REFERENCES products (id),
    name                  TEXT NOT NULL,
    fingerprint           TEXT NOT NULL UNIQUE,
    key_prefix            TEXT NOT NULL,
    key_hint              TEXT NOT NULL,
    scopes                TEXT NOT NULL,  -- JSON array of capability names; [] = all
    environment           TEXT NOT NULL,  -- development | production
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT,
    revoked_at            BIGINT,
    last_used_at          BIGINT,
    last_used_client      TEXT,
    rate_limit_per_minute BIGINT,
    rate_limit_per_day    BIGINT
);
CREATE INDEX api_keys_page ON api_keys (surface_id, created_at, id);

-- The audit log: key created, revoked, rolled; failed authentications.
CREATE TABLE events (
    id         TEXT PRIMARY KEY,          -- UUIDv7, so ids sort by time
    type       TEXT NOT NULL,             -- key_created | key_revoked | key_rolled | auth_failed
    product_id TEXT,
    surface_id TEXT,
    key_id     TEXT,
    reason     TEXT,                      -- why an authentication failed
    created_at BIGINT NOT NULL
);
CREATE INDEX events_page ON events (created_at, id);
CREATE INDEX events_key ON events (key_id);
CREATE INDEX events_surface ON events (surface_id);
