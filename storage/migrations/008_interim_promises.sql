-- p. 20: an interim answer to a fast-track incident names the term, who is responsible
-- and what will be done; the promised term is then tracked.
ALTER TABLE drafts ADD COLUMN promised_at TEXT;
ALTER TABLE drafts ADD COLUMN responsible TEXT;
ALTER TABLE drafts ADD COLUMN actions TEXT;
-- The final answer is due at the earlier of the promise and the regulation's term.
ALTER TABLE incidents ADD COLUMN final_due_at TEXT;
