"""SQLite storage through aiosqlite: connection, migrations, repositories."""
