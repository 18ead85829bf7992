-- The coordinator who leads an incident (the one who forwarded it, or took it over).
ALTER TABLE incidents ADD COLUMN owner_id INTEGER;
UPDATE incidents SET owner_id = created_by;
-- The Head hears of an incident once, whatever made it his business.
ALTER TABLE incidents ADD COLUMN head_told INTEGER NOT NULL DEFAULT 0;
-- Messages sent together (an album, a long post split in parts) make one incident.
ALTER TABLE incidents ADD COLUMN batch_key TEXT;
UPDATE incidents SET batch_key = 'album:' || media_group_id WHERE media_group_id IS NOT NULL;
CREATE INDEX incidents_batch ON incidents(created_by, batch_key);
-- Set when the coordinator took the incident back from the organisation (status 'done').
ALTER TABLE assignments ADD COLUMN withdrawn_at TEXT;

-- A typed (not forwarded) text waits for the coordinator's «Создать инцидент».
CREATE TABLE pending_posts (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    link TEXT,
    media TEXT NOT NULL DEFAULT '[]',  -- JSON list of [kind, file_id, file_unique_id, group]
    batch_key TEXT,
    sent_at TEXT NOT NULL,             -- when its first part was sent (Telegram's date)
    received_at TEXT NOT NULL,         -- when its last part arrived
    incident_id INTEGER REFERENCES incidents(id)  -- once confirmed
);
CREATE INDEX pending_posts_chat ON pending_posts(chat_id, id);
