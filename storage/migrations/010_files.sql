-- Files the bot made itself (a report's workbook, its charts), kept until they are sent: an
-- outbox payload names one by id, never holds its bytes. One row per distinct content, name
-- and type, so a report to several recipients is stored once.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX files_content ON files(sha256, name, mime);
