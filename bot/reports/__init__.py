"""The report files (XLSX workbooks, PNG charts) rendered from plain data of bot.domain.reports:
no SQL and no Telegram here."""
