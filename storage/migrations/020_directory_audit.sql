-- Every change to the directory: made from the chat by a coordinator, or by a CSV import on
-- the server (actor_telegram_id NULL). Names are kept as they were at the time, in details.
CREATE TABLE directory_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    organisation_id INTEGER REFERENCES organisations(id),
    details TEXT NOT NULL DEFAULT '{}'    -- JSON: names, from and to, counts
);
