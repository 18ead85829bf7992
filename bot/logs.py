"""Logging set-up that never lets the bot token reach a log line."""

from __future__ import annotations

import logging


class RedactSecret(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret and self.secret in record.getMessage():
            record.msg = record.getMessage().replace(self.secret, "<BOT_TOKEN>")
            record.args = None
        return True


def setup_logging(level: str, secret: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecret(secret))
    logging.basicConfig(level=level, handlers=[handler], force=True)
