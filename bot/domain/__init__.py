"""Business rules: incident states, transitions, permissions, terms. No aiogram, no SQL."""
