-- A surface's items are its upstream's tools, prompts and resources (issue
-- 15, DESIGN §7): what kind each is and what it does, as the upstream says.
-- `synced` marks the items the upstream offered, which a later sync removes
-- when the upstream no longer offers them; items added by hand stay.
ALTER TABLE surface_items ADD COLUMN kind TEXT;
ALTER TABLE surface_items ADD COLUMN description TEXT;
ALTER TABLE surface_items ADD COLUMN synced BIGINT NOT NULL DEFAULT 0;
