"""How a code typed into a free-text field reads on a page (presentation, so in webui): ``retail_chain``
becomes "Retail chain". Only a value that looks like a code (lower case, words
joined by ``_`` or ``-``) is reworded; anything a person typed as prose ("HoReCa",
"Sieć handlowa") is shown as typed. The stored value, and what a filter sends, stay
the code."""

from __future__ import annotations

import re

__all__ = ["code_label"]

_CODE = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")


def code_label(value: str | None) -> str | None:
    if not value or not _CODE.fullmatch(value):
        return value
    words = re.sub(r"[_-]+", " ", value)
    return words[0].upper() + words[1:]
