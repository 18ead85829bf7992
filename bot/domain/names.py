"""Organisations in the order people look for them: by the name itself, not by the legal
form in front of it («МКУ «Управление образованием»» sorts under У)."""

from __future__ import annotations

import re

# Russian organisational and legal forms as they are written before a name; one counts
# only as a whole word (followed by a space or a quote), so «АОРТА» keeps its «АО».
LEGAL_FORMS = (
    "ФГБУ ФГКУ ФГУП ФКУ ГБУЗ ГАУЗ ГБПОУ ГАПОУ ГБОУ ГАОУ ГКОУ ГБУК ГАУК ГБУ ГКУ ГАУ ГУП "
    "МБДОУ МАДОУ МКДОУ МБОУ МАОУ МКОУ МБУДО МАУДО МКУДО МБУК МАУК МКУК МБУ МАУ МКУ МУП МКП "
    "МП ПАО НАО ЗАО ОАО АО ООО ОДО ИП АНО НКО НП ТСЖ ТСН ЖСК СНТ"
)
_FORM = re.compile(
    r"^(?:(?:" + "|".join(LEGAL_FORMS.split()) + r")(?:\s+(?:ДО|СО))?(?=[\s«\"“„']|$)\s*)+"
)
_QUOTES = str.maketrans("", "", "«»\"“”„'‘’")


def sort_key(name: str) -> str:
    """The name without its legal form and quotes, folded: «МКУ «Управление образованием»»
    -> «управление образованием»."""
    bare = _FORM.sub("", name.strip()).translate(_QUOTES).strip()
    return " ".join((bare or name).casefold().replace("ё", "е").split())
