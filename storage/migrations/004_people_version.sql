-- A counter bumped by every change to people, whoever makes it (the bot, or the CLI in
-- another process): the bot keeps who-is-who in memory and re-reads it once this moves.
CREATE TABLE people_version (n INTEGER NOT NULL);
INSERT INTO people_version(n) VALUES (0);
CREATE TRIGGER people_version_insert AFTER INSERT ON people
BEGIN UPDATE people_version SET n = n + 1; END;
CREATE TRIGGER people_version_update AFTER UPDATE ON people
BEGIN UPDATE people_version SET n = n + 1; END;
CREATE TRIGGER people_version_delete AFTER DELETE ON people
BEGIN UPDATE people_version SET n = n + 1; END;
