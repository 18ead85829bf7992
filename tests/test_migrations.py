"""Schema migrations keep what is stored: the drafts table rebuilt for answers in parts (009)
keeps every draft, and what refers to drafts still does."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.db import Database, fetch_all, fetch_one, migration_scripts


async def test_drafts_survive_the_rebuild_for_parts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        for version, sql in migration_scripts():
            if version <= 8:
                await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};COMMIT;")
        await conn.executescript(
            """
            INSERT INTO organisations(id, name) VALUES (1, 'МКУ «УРЖКК»');
            INSERT INTO incidents(id, state, detected_at, created_by, created_at)
                VALUES (1, 'approval', '2026-03-02T05:00:00+00:00', 1, '2026-03-02T05:00:00+00:00');
            INSERT INTO assignments(id, incident_id, organisation_id, status, assigned_at)
                VALUES (1, 1, 1, 'active', '2026-03-02T05:00:00+00:00');
            INSERT INTO drafts(id, incident_id, assignment_id, version, kind, text, state,
                created_at, promised_at) VALUES (7, 1, 1, 1, 'interim', 'Ответ', 'submitted',
                '2026-03-02T05:10:00+00:00', '2026-03-05T12:00:00+00:00');
            INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,
                created_at) VALUES (1, 7, 'photo', 'f', 'u', '2026-03-02T05:10:00+00:00');
            INSERT INTO events(incident_id, at, actor_name, action, state_after, draft_id)
                VALUES (1, '2026-03-02T05:10:00+00:00', 'И', 'submitted', 'approval', 7);
            INSERT INTO card_messages(chat_id, message_id, incident_id, audience, draft_id)
                VALUES (1, 1, 1, 'approval', 7);
            """
        )

    db = await Database.open(path)
    try:
        row = await fetch_one(db.conn, "PRAGMA user_version")
        assert row is not None
        assert row[0] >= 9
        draft = await fetch_one(db.conn, "SELECT * FROM drafts WHERE id = 7")
        assert draft is not None
        assert (draft["text"], draft["kind"], draft["state"], draft["part"]) == (
            "Ответ",
            "interim",
            "submitted",
            0,
        )
        assert draft["promised_at"] == "2026-03-05T12:00:00+00:00"
        assert await fetch_all(db.conn, "PRAGMA foreign_key_check") == []
        row = await fetch_one(db.conn, "PRAGMA foreign_keys")
        assert row is not None
        assert row[0] == 1
        # What refers to drafts still refers to the rebuilt table.
        refs = await fetch_all(db.conn, "PRAGMA foreign_key_list(attachments)")
        assert "drafts" in {r["table"] for r in refs}
    finally:
        await db.close()
