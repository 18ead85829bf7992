-- Seed 000 (Междуреченск): a first reply before the answer, the answer term counted to its
-- publication, and the citizen's window to comment on the published answer.
ALTER TABLE incidents ADD COLUMN first_reply_due_at TEXT;
ALTER TABLE incidents ADD COLUMN first_reply_at TEXT;
ALTER TABLE incidents ADD COLUMN answered_at TEXT;
ALTER TABLE incidents ADD COLUMN rating_until TEXT;
