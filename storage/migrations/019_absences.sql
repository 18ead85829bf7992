-- Acting substitutes (seed 001, 3.8). Keyed by Telegram chat: a coordinator of the
-- settings has no person row; names are kept as they were when the absence was recorded.
-- Days are local dates (YYYY-MM-DD), the last day inclusive.
CREATE TABLE absences (
    id INTEGER PRIMARY KEY,
    absent_chat INTEGER NOT NULL,
    absent_name TEXT NOT NULL,
    absent_role TEXT NOT NULL,
    absent_organisation_id INTEGER REFERENCES organisations(id),
    substitute_chat INTEGER,
    substitute_name TEXT,
    substitute_role TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE INDEX absences_ends ON absences(ends_on);
