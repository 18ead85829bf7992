-- p. 25: a burst of incidents in one thematic block goes to the Head and the coordinators
-- once; a burst lasts while incidents keep coming within the window.
CREATE TABLE bursts (
    id INTEGER PRIMARY KEY,
    block_id INTEGER NOT NULL REFERENCES blocks(id),
    started_at TEXT NOT NULL,
    last_at TEXT NOT NULL            -- the latest incident counted in it
);
CREATE INDEX bursts_block ON bursts(block_id, last_at);
