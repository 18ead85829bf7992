-- p. 17: several organisations answer one incident, each with its part; the coordinator
-- composes the answer from the parts.
ALTER TABLE incidents ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;

-- Drafts are rebuilt (SQLite's way to change a column): a composed answer belongs to no one
-- organisation (assignment_id NULL), and versions count per part, not per incident.
CREATE TABLE drafts_new (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    assignment_id INTEGER REFERENCES assignments(id),  -- NULL: composed by the coordinator
    part INTEGER NOT NULL DEFAULT 0,                   -- 1: one organisation's part
    rework INTEGER NOT NULL DEFAULT 0,                 -- 1: reworks a returned version
    composed_from TEXT,                                -- composed: the part versions used
    version INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'final',
    text TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    author_id INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    decided_by INTEGER,
    return_reason TEXT,
    published_at TEXT,
    promised_at TEXT,
    responsible TEXT,
    actions TEXT
);
INSERT INTO drafts_new(id, incident_id, assignment_id, version, kind, text, state, author_id,
    created_at, submitted_at, decided_at, decided_by, return_reason, published_at,
    promised_at, responsible, actions)
SELECT id, incident_id, assignment_id, version, kind, text, state, author_id, created_at,
    submitted_at, decided_at, decided_by, return_reason, published_at, promised_at,
    responsible, actions
FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_new RENAME TO drafts;
CREATE INDEX drafts_incident ON drafts(incident_id, part, version);
CREATE INDEX drafts_assignment ON drafts(assignment_id);

-- A composed answer's copy of a part's evidence names the original (kept or dropped per part).
ALTER TABLE attachments ADD COLUMN copied_from INTEGER REFERENCES attachments(id);

-- The organisations the coordinator has ticked in the picker, before sending to them all.
CREATE TABLE route_picks (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (incident_id, organisation_id)
);
