-- p. 21: an incident closed «без ответа» keeps its ground (for the reports to come).
ALTER TABLE incidents ADD COLUMN no_answer TEXT;
-- p. 18: a repeated message is matched by the post's author (a person) or its link.
ALTER TABLE incidents ADD COLUMN source_author TEXT;
CREATE INDEX incidents_author ON incidents(source_author) WHERE source_author IS NOT NULL;
CREATE INDEX incidents_link ON incidents(source_link) WHERE source_link IS NOT NULL;
