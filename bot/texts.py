"""Every user-facing text comes from templates/ through this one Jinja2 environment."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from bot.domain.absences import accusative

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]*>")


def format_duration(value: timedelta) -> str:
    """Working time as «2 ч 05 мин», «45 мин»."""
    minutes = max(0, int(value.total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} мин"
    return f"{hours} ч" + (f" {rest:02d} мин" if rest else "")


def format_seconds(value: int | None) -> str:
    """Seconds of working time as a duration; «—» when there is none to show."""
    return "—" if value is None else format_duration(timedelta(seconds=value))


def format_percent(value: float | None) -> str:
    """A share as «85 %»; «—» when there was nothing to count."""
    return "—" if value is None else f"{round(value * 100)} %"


def format_change(value: int) -> str:
    """A change against the period before: «+3», «−2», «без изменений»."""
    return "без изменений" if value == 0 else f"{value:+d}".replace("-", "−")


def short_name(full_name: str | None) -> str:
    """«Иванова Анна Сергеевна» → «Иванова А. С.»: a surname with initials, as in documents;
    a substitute's «(и. о. за …)» stays after it."""
    name, bracket, rest = (full_name or "").partition(" (")
    parts = name.split()
    if len(parts) != 3 or any(p.endswith(".") for p in parts[1:]):
        return full_name or ""  # a Telegram name («Ольга Координатова») stays as it is
    return f"{parts[0]} {parts[1][0]}. {parts[2][0]}.{bracket}{rest}"


def headline(text: str, limit: int = 70) -> str:
    """A post's first non-empty line, shortened at a word boundary to about `limit`
    characters: enough to recognise it in a list or a notice."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) <= limit:
        return line
    cut = line[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:—-") + "…"


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: after parsing entities, in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", html_text))
    return len(plain.encode("utf-16-le")) // 2


class Texts:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            # .html.j2 go out with parse_mode HTML; .txt.j2 (alerts, buttons) are plain text.
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates ship with the code: no stat() on every render
            # Compiled templates kept in the system's temporary folder (keyed by their
            # source): a start after the first does not compile them again.
            bytecode_cache=FileSystemBytecodeCache(),
        )
        self.env.filters["dt"] = self.format_time
        self.env.filters["duration"] = format_duration
        self.env.filters["seconds"] = format_seconds
        self.env.filters["percent"] = format_percent
        self.env.filters["change"] = format_change
        self.env.filters["short_name"] = short_name
        self.env.filters["accusative"] = accusative  # «за Петрова П. П.»
        self.env.filters["day"] = lambda d: d.strftime("%d.%m.%Y")
        self.env.filters["headline"] = headline
        self.words = self.env.get_template("words.txt.j2").module
        self.env.globals["words"] = self.words
        self._alerts = self.env.get_template("alerts.txt.j2").module
        self._messages = self.env.get_template("messages.html.j2").module

    def format_time(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%d.%m.%Y %H:%M") if value else "—"

    def render(self, template: str, /, **context: Any) -> str:
        return self.env.get_template(template).render(**context).strip()

    def message(self, key: str, **context: Any) -> str:
        """A short HTML message, a macro of templates/messages.html.j2."""
        return str(getattr(self._messages, key)(**context)).strip()

    def macros(self, template: str) -> Any:
        """A template's macros and sets, e.g. templates/directory.html.j2 (compiled once)."""
        return self.env.get_template(template).module

    def alert(self, key: str, **context: Any) -> str:
        """A plain-text line for callback answers, a macro of templates/alerts.txt.j2."""
        return str(getattr(self._alerts, key)(**context)).strip()

    @staticmethod
    def plain(text: str) -> str:
        """Plain text (an alert) made safe to send as HTML."""
        return html.escape(text, quote=False)

    def word(self, group: str, key: str) -> str:
        return str(getattr(self.words, group)[key])

    def fit(
        self, render: Callable[[str, bool], str], text: str, limit: int = MESSAGE_LIMIT
    ) -> tuple[str, bool]:
        """Render with `text`; if the result is over Telegram's limit, shorten `text` until it
        fits, rendering with truncated=True so the template can say so.

        The user's text is cut before escaping, so an entity or tag is never split.
        Returns the HTML and whether the text was shortened.
        """
        result = render(text, False)
        if visible_length(result) <= limit:
            return result, False
        keep = len(text)
        while keep > 0:
            overflow = visible_length(result) - limit
            keep = max(0, keep - max(overflow, 1) - 1)
            result = render(text[:keep].rstrip() + "…", True)
            if visible_length(result) <= limit:
                return result, True
        return render("", True), True


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_words(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Plain text cut into parts Telegram accepts (`limit` UTF-16 units each, nothing blank):
    at a line break if there is one in the second half of a part, else between words, and
    inside a word only if a single word is longer than a whole part."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if _units(rest) <= limit:
            parts.append(rest)
            break
        # The longest prefix within the limit, counted in UTF-16 units (emoji take two).
        end, used = 0, 0
        while end < len(rest) and used + _units(rest[end]) <= limit:
            used += _units(rest[end])
            end += 1
        head = rest[: end + 1]  # a break right after the limit still ends a word
        cut = head.rfind("\n")
        if cut < end // 2:
            cut = max(head.rfind(" "), head.rfind("\t"))
        if cut <= 0:
            cut = end
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [p for p in parts if p]


def _fitting_lines(html_text: str, limit: int) -> list[str]:
    """The message's lines; one longer than a whole message (a long comment in a history)
    becomes its plain text cut between words, its formatting dropped rather than refused."""
    lines: list[str] = []
    for line in html_text.split("\n"):
        if visible_length(line) <= limit:
            lines.append(line)
            continue
        plain = html.unescape(_TAG.sub("", line))
        lines += [html.escape(part, quote=False) for part in split_words(plain, limit)]
    return lines


def split_lines(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a message whose every line is self-contained HTML at line breaks."""
    chunks: list[str] = []
    current = ""
    for line in _fitting_lines(html_text, limit):
        candidate = f"{current}\n{line}" if current else line
        if visible_length(candidate) > limit:
            if current.strip():  # Telegram refuses a blank message
                chunks.append(current)
            candidate = line
        current = candidate
    if current.strip():
        chunks.append(current)
    return chunks
