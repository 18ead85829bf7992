-- The clock of each running stage (regulation terms): the scheduler acts on these rows.
CREATE TABLE timers (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    stage TEXT NOT NULL,            -- route, decline, answer, final, approve, rework, publish
    organisation_id INTEGER REFERENCES organisations(id),  -- executor stages: whose move
    started_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,  -- index of the next reminder/escalation in its plan
    next_at TEXT,                     -- when to act next; NULL when nothing is left to send
    active INTEGER NOT NULL DEFAULT 1,
    ended_at TEXT
);
CREATE INDEX timers_next ON timers(next_at) WHERE next_at IS NOT NULL AND active = 1;
CREATE INDEX timers_incident ON timers(incident_id, active);
