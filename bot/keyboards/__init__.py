"""Inline keyboards and their CallbackData factories."""
