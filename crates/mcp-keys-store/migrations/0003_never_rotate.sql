-- A key may be set never to be reminded to rotate. That is not the same as
-- having no period of its own (rotate_every_days NULL), which means its
-- environment's default: so "never" is a column of its own, and a key with
-- it has no period.
ALTER TABLE key_rotation ADD COLUMN never_rotate INTEGER NOT NULL DEFAULT 0
    CHECK (never_rotate IN (0, 1) AND (never_rotate = 0 OR rotate_every_days IS NULL));
