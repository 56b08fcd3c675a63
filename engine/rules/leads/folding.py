"""Text folded for comparison: case, accents and punctuation do not count.

"Nazwa firmy", "NAZWA  FIRMY:" and "nazwa-firmy" fold to the same words, and so do
"Miejscowość" and "miejscowosc". Unicode decomposition removes most accents, but not
the Polish ł (nor the Danish ø, the German ß, …), which have no decomposition: those
are mapped by hand.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD leaves whole; casefold() has already lowered them.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe",
                               "þ": "th", "ð": "d"})
_NOT_WORD = re.compile(r"[\W_]+")


# The combining marks NFKD splits Latin letters' accents into (a regex is ten times
# faster than asking unicodedata.combining() of every character).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def without_accents(text: str) -> str:
    """``text`` case-folded, its accents removed ("Łódź" -> "lodz")."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))).translate(_UNDECOMPOSED)


def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` folded: every run of punctuation or space splits ("S.A." -> s, a)."""
    return tuple(_NOT_WORD.sub(" ", without_accents(text)).split())


def folded(text: str) -> str:
    """The words of ``text`` folded and joined by one space."""
    return " ".join(words(text))
