-- OAuth mode (DESIGN §9): the key service as the authorization server of the
-- surfaces whose mode includes `oauth`. No token, code or client secret is
-- stored, only its SHA-256 fingerprint (lowercase hex), as for keys.

-- api_key | oauth | both
ALTER TABLE surfaces ADD COLUMN auth_mode TEXT NOT NULL DEFAULT 'api_key';

-- The grant a refused token belonged to, on `auth_failed`; the grant of
-- `grant_created` and `grant_revoked`.
ALTER TABLE events ADD COLUMN grant_id TEXT;

-- Clients: registered ones (RFC 7591) and client ID metadata documents
-- (the id is the document's URL), the latter cached for an hour.
CREATE TABLE oauth_clients (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL,   -- registered | metadata_document
    name               TEXT NOT NULL,
    redirect_uris      TEXT NOT NULL,   -- JSON array
    secret_fingerprint TEXT,            -- confidential registered clients
    created_at         BIGINT NOT NULL,
    fetched_at         BIGINT           -- metadata documents
);

-- Authorization requests waiting for, or given, the owner's decision. The
-- code is issued when the browser comes back after an approval.
CREATE TABLE oauth_requests (
    id               TEXT PRIMARY KEY,
    surface_id       TEXT NOT NULL REFERENCES surfaces (id),
    product_id       TEXT NOT NULL REFERENCES products (id),
    client_id        TEXT NOT NULL,
    client_name      TEXT NOT NULL,
    redirect_uri     TEXT NOT NULL,
    scopes           TEXT NOT NULL,     -- JSON array; [] = every capability
    code_challenge   TEXT NOT NULL,
    state            TEXT,
    status           TEXT NOT NULL,     -- pending | approved | denied | completed
    grant_id         TEXT,
    code_fingerprint TEXT UNIQUE,
    code_expires_at  BIGINT,
    code_used_at     BIGINT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX oauth_requests_status ON oauth_requests (status, expires_at);

-- What the owner approved: one client on one surface, with scopes.
CREATE TABLE oauth_grants (
    id           TEXT PRIMARY KEY,
    surface_id   TEXT NOT NULL REFERENCES surfaces (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    client_id    TEXT NOT NULL,
    client_name  TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes       TEXT NOT NULL,         -- JSON array; [] = every capability
    approved_by  TEXT NOT NULL,         -- management_token | key:<id>
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX oauth_grants_surface ON oauth_grants (surface_id, created_at, id);

-- Access and refresh tokens of grants, looked up by their public id.
CREATE TABLE oauth_tokens (
    id          TEXT PRIMARY KEY,
    grant_id    TEXT NOT NULL REFERENCES oauth_grants (id),
    kind        TEXT NOT NULL,          -- access | refresh
    fingerprint TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,                 -- refresh: when it was exchanged
    revoked_at  BIGINT
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
