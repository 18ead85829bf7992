-- Who-is-who is read per update by index now: the counter that kept it in memory goes.
DROP TRIGGER IF EXISTS people_version_insert;
DROP TRIGGER IF EXISTS people_version_update;
DROP TRIGGER IF EXISTS people_version_delete;
DROP TABLE IF EXISTS people_version;

-- Updates whose handling kept failing: kept for the administrator, then passed over so that
-- they do not hold up the others.
CREATE TABLE failed_updates (
    update_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    error TEXT NOT NULL,
    payload TEXT NOT NULL            -- the update as Telegram sent it (JSON)
);
