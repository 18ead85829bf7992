"""Use cases that tie the rules to storage. No aiogram here."""
