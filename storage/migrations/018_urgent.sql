-- Seed 000, 3.10: an urgent request's terms run in calendar time.
ALTER TABLE incidents ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
