-- Directory: executor organisations grouped by thematic block, and the people of the MCU.
CREATE TABLE blocks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    block_id INTEGER REFERENCES blocks(id),
    chat_id INTEGER,               -- group chat the bot was added to, if any
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    position TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'executor', 'supervisor', 'head')),
    organisation_id INTEGER REFERENCES organisations(id),
    telegram_id INTEGER UNIQUE,
    invite_code TEXT UNIQUE,
    bound_at TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX people_organisation ON people(organisation_id);

-- Deputy heads supervise some organisations (point 24).
CREATE TABLE supervision (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, organisation_id)
);

-- Incidents. Times are ISO 8601 with offset (UTC).
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    category TEXT,
    significant INTEGER NOT NULL DEFAULT 0,
    source_text TEXT NOT NULL DEFAULT '',
    source_link TEXT,
    source_origin TEXT,            -- who published the post, when forwarded
    media_group_id TEXT,           -- to gather a forwarded album into one incident
    detected_at TEXT NOT NULL,
    answer_due_at TEXT,
    repeat_of INTEGER REFERENCES incidents(id),
    created_by INTEGER NOT NULL,   -- coordinator's Telegram id
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX incidents_state ON incidents(state);

-- One row per organisation an incident was sent to; several may be active at once.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL CHECK (status IN ('active', 'declined', 'done')),
    assigned_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by INTEGER REFERENCES people(id),
    declined_at TEXT,
    decline_reason TEXT
);
CREATE INDEX assignments_incident ON assignments(incident_id);
CREATE INDEX assignments_organisation ON assignments(organisation_id, status);

-- Answer drafts: each return for rework makes a new version.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
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
    UNIQUE (incident_id, version)
);

-- Media of the source post (draft_id NULL) and evidence attached to drafts.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    draft_id INTEGER REFERENCES drafts(id),
    kind TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'document')),
    file_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    media_group_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_draft ON attachments(draft_id);
CREATE INDEX attachments_incident ON attachments(incident_id);

-- Every transition: who, when, what, with which comment.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    state_after TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    draft_id INTEGER REFERENCES drafts(id),
    comment TEXT
);
CREATE INDEX events_incident ON events(incident_id, id);

-- Every message that shows an incident, so that all copies are edited in place.
-- message_id stays NULL until the outbox has delivered the message.
CREATE TABLE card_messages (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    audience TEXT NOT NULL,          -- coordinator, executor, draft, approval, publish, picker, view
    organisation_id INTEGER REFERENCES organisations(id),
    draft_id INTEGER REFERENCES drafts(id),
    shown TEXT,                      -- digest of what the message shows (or will), to skip no-op edits
    UNIQUE (chat_id, message_id)
);
CREATE INDEX card_messages_incident ON card_messages(incident_id);

-- aiogram FSM state (a conversation in progress survives a restart).
CREATE TABLE fsm (
    key TEXT PRIMARY KEY,
    state TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
