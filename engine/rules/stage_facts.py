"""One deal's part in the stage-history figures of the pipeline analysis (reached,
finished stays and their length, advanced; definitions in
``engine.rules.pipeline_analysis``), from its stage history alone. The store keeps
each deal's part and the sums of all parts, and replaces a deal's part whenever its
history, version or owner, manager or team changes (``engine.store.stage_totals``),
so that a report reads the sums instead of the whole history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping, Sequence

MICROSECOND = timedelta(microseconds=1)
UNKNOWN = (-1, "unknown")  # a stage its version's table does not name: never advanced, never lost


@dataclass(frozen=True)
class Move:
    """One row of the deal's stage history, oldest first."""

    version_id: int  # the row's own version, else the deal's
    stage_id: str
    at: datetime


@dataclass(frozen=True)
class Fact:
    """The deal in one stage of one version: it reached it (once, however often it
    entered), ``stays`` finished stays lasting ``stay_us`` microseconds in all, and
    whether it later reached a later stage of that version other than a lost one."""

    version_id: int
    stage_id: str
    stays: int
    stay_us: int
    advanced: bool


def facts(moves: Sequence[Move], positions: Mapping[tuple[int, str], tuple[int, str]]) -> list[Fact]:
    """``positions``: (version id, stage id) -> (position, outcome) of the versions
    the moves name. A stay ends when the deal's next move is made."""
    stays: dict[tuple[int, str], list[int]] = {}
    for i, move in enumerate(moves):
        part = stays.setdefault((move.version_id, move.stage_id), [0, 0])
        if i + 1 < len(moves):
            part[0] += 1
            part[1] += (moves[i + 1].at - move.at) // MICROSECOND
    return _with_advanced(stays, positions)


def facts_after(before: Sequence[Fact], previous: Move, moves: Sequence[Move],
                positions: Mapping[tuple[int, str], tuple[int, str]]) -> list[Fact] | None:
    """What ``facts`` gives for a history extended by ``moves`` (oldest first), from
    the facts of the history before them (``before``) and its last move
    (``previous``) alone: the stay each move ends is added to its stage's fact, a
    stage entered anew gets one, and whether a stage was left behind depends only on
    which stages were reached. None when ``before`` cannot be the facts of a history
    ending with ``previous`` (its stage has no fact)."""
    stays = {(f.version_id, f.stage_id): [f.stays, f.stay_us] for f in before}
    for move in moves:
        left = stays.get((previous.version_id, previous.stage_id))
        if left is None:
            return None
        left[0] += 1
        left[1] += (move.at - previous.at) // MICROSECOND
        stays.setdefault((move.version_id, move.stage_id), [0, 0])
        previous = move
    return _with_advanced(stays, positions)


def _with_advanced(stays: Mapping[tuple[int, str], Sequence[int]],
                   positions: Mapping[tuple[int, str], tuple[int, str]]) -> list[Fact]:
    """The facts of the stages reached (``stays``: (version, stage) -> (stays,
    microseconds), in the order first reached), each advanced if a stage of its version
    further on, other than a lost one, was reached too."""
    top: dict[int, int] = {}  # the furthest position reached per version, lost stages aside
    for version_id, stage_id in stays:
        position, outcome = positions.get((version_id, stage_id), UNKNOWN)
        if outcome != "lost":
            top[version_id] = max(top.get(version_id, position), position)
    result = []
    for (version_id, stage_id), (n, us) in stays.items():
        position, outcome = positions.get((version_id, stage_id), UNKNOWN)
        result.append(Fact(version_id, stage_id, n, us,
                           outcome == "open" and version_id in top and top[version_id] > position))
    return result
