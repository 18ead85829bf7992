"""APScheduler wiring: reminders and escalations driven by the timers stored in SQLite."""
