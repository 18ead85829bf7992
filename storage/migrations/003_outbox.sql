-- Every message to Telegram goes through here, written in the transaction that caused it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    method TEXT NOT NULL,            -- message, edit, markup, media, album
    payload TEXT NOT NULL,           -- JSON: text, markup, media, reply_to
    card_id INTEGER REFERENCES card_messages(id),  -- the card it creates or edits
    incident_id INTEGER,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,                 -- retry after a transient error, not earlier
    error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX outbox_pending ON outbox(chat_id, id) WHERE state = 'pending';
CREATE INDEX outbox_card ON outbox(card_id) WHERE state = 'pending';

-- Updates already handled: a redelivered update changes nothing twice.
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL
);

-- Chats the bot cannot write to (blocked, removed); the coordinator was told once.
CREATE TABLE unreachable_chats (
    chat_id INTEGER PRIMARY KEY,
    since TEXT NOT NULL,
    reason TEXT NOT NULL
);
