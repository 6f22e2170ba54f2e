-- Keyring slots (DESIGN §8): a key MCP Keys installed into an IDE lives in
-- the OS keyring under a slot's name; this table is the index of those
-- slots, so a roll finds the slots of a key and the app lists them without
-- opening every secret. It never holds the key.
CREATE TABLE key_slots (
    name        TEXT PRIMARY KEY NOT NULL,
    url         TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    key_prefix  TEXT NOT NULL,
    surface_id  TEXT,
    -- The client whose config names the slot and how (`claude-code`,
    -- `helper`), so a roll can say which clients need a restart.
    client      TEXT,
    via         TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX key_slots_by_key ON key_slots (key_id);
CREATE INDEX key_slots_by_url ON key_slots (url);
