-- p. 25: bursts also by the same address words. Each incident keeps the address its post
-- names; a burst is of one block or of one address.
ALTER TABLE incidents ADD COLUMN address TEXT;
CREATE INDEX incidents_address ON incidents(address, created_at) WHERE address IS NOT NULL;
CREATE TABLE bursts_new (
    id INTEGER PRIMARY KEY,
    block_id INTEGER REFERENCES blocks(id),
    address TEXT,
    started_at TEXT NOT NULL,
    last_at TEXT NOT NULL,           -- the latest incident counted in it
    CHECK ((block_id IS NULL) != (address IS NULL))
);
INSERT INTO bursts_new(id, block_id, started_at, last_at)
    SELECT id, block_id, started_at, last_at FROM bursts;
DROP TABLE bursts;
ALTER TABLE bursts_new RENAME TO bursts;
CREATE INDEX bursts_block ON bursts(block_id, last_at);
CREATE INDEX bursts_address ON bursts(address, last_at);
