"""A problem found in a methodology file, reported as ``path:line: message``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file. ``line`` is 1-based; every problem has one."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when a candidate is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def did_you_mean_or_known(word: str, candidates: Iterable[str], what: str) -> str:
    """``did_you_mean``, or else what there is: ``"; known lanes: 'manager', 'rep'"``."""
    names = sorted(str(c) for c in candidates)
    hint = did_you_mean(word, names)
    if hint or not names:
        return hint
    return f"; known {what}: " + ", ".join(f"'{n}'" for n in names)


def one_of(values: Iterable[str]) -> str:
    """``'a', 'b' or 'c'`` — for messages that list the allowed values."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
