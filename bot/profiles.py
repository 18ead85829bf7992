"""Regulation profiles on disk: `profiles/NAME.toml`, or a path to a TOML file of one's own
(a municipality writes its own by copying one). Parsing is bot/domain/profile.py's job."""

from __future__ import annotations

import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.profile import Profile, ProfileError, parse_profile

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.toml"))


def load_profile(name_or_path: str, tz: ZoneInfo | None = None) -> Profile:
    """Load `profiles/NAME.toml` (or a path to a TOML file); `tz` overrides its timezone."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(available_profiles())
        raise ProfileError(f"профиль «{name_or_path}» не найден; есть: {known}")
    try:
        return parse_profile(path.stem, tomllib.loads(path.read_text("utf-8")), tz)
    except (KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"профиль {path.name}: {exc}") from exc
