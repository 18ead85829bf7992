-- p. 21: an incident closed «без ответа» keeps its ground (for the reports to come).
ALTER TABLE incidents ADD COLUMN no_answer TEXT;
