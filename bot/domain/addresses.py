"""The address a post names, in words that match however it is written (p. 25: a burst of
incidents «с одинаковыми словами адреса»): «ул. Ленина, 5», «улица Ленина д. 5» and
«Ленина, д.5» are all «ленина 5». Plain patterns, no gazetteer: a street needs its kind
(«ул.», «проспект», …) or the house its «д.»/«дом», or a comma between a capitalised street
name and the number, so that «через 5 минут» is not an address."""

from __future__ import annotations

import re

_KIND = (
    r"(?i:ул(?:ица)?|пр(?:оспект|-т|осп)?|пер(?:еулок)?|б(?:ульва)?р|бул|пл(?:ощадь)?"
    r"|ш(?:оссе)?|наб(?:ережная)?|проезд|мкр|микрорайон)"
)
_NAME = r"[А-ЯЁа-яё][А-ЯЁа-яё\-]+(?:\s+[А-ЯЁ][А-ЯЁа-яё\-]+)?"
# Without a street kind before it, only a capitalised name («на Ленина» is not a street).
_CAPITALISED = r"[А-ЯЁ][а-яё\-]+(?:\s+[А-ЯЁ][а-яё\-]+)?"
_HOUSE = r"(\d{1,4}\s?(?i:[а-яё])?(?:/\d{1,4})?)(?![\d\w])"
_HOUSE_MARK = r"(?i:д(?:ом)?\.?\s*)"
_PATTERNS = (
    # «ул. Ленина, 5», «улица Ленина д. 5», «пр-т Мира 12а»
    re.compile(rf"(?<![\w]){_KIND}\.?\s+({_NAME}),?\s*{_HOUSE_MARK}?{_HOUSE}"),
    # «Ленина, д. 5», «Ленина дом 5»
    re.compile(rf"(?<![\w])({_CAPITALISED}),?\s+{_HOUSE_MARK}{_HOUSE}"),
    # «Ленина, 5»: a capitalised name, a comma, the number
    re.compile(rf"(?<![\w])([А-ЯЁ][а-яё\-]+),\s*{_HOUSE}"),
)
_KIND_WORD = re.compile(rf"^{_KIND}\.?\s+")


def address_of(text: str) -> str | None:
    """The first address the text names, as «street house» in lower case with «ё» as «е»;
    None if it names none."""
    for pattern in _PATTERNS:
        found = pattern.search(text)
        if found:
            street = _KIND_WORD.sub("", found.group(1)).strip()
            house = re.sub(r"\s+", "", found.group(2))
            return f"{street} {house}".lower().replace("ё", "е")
    return None
