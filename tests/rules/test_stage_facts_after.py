"""A deal's part in the stage figures moved on by its newest moves
(``stage_facts.facts_after``, what a step's kept totals use) is what ``facts`` gives
for the whole history: over seeded random histories with moves back, repeated stages,
lost and won stages, stages no table names and a second version (a swap), and for
the cases it must refuse."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from engine.rules.stage_facts import Move, facts, facts_after

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
# Two versions' tables: (version, stage) -> (position, outcome); "ghost" is in neither.
POSITIONS = {
    (1, "lead"): (1, "open"), (1, "qualified"): (2, "open"), (1, "offer"): (3, "open"),
    (1, "won"): (4, "won"), (1, "lost"): (5, "lost"),
    (2, "intro"): (1, "open"), (2, "proposal"): (2, "open"), (2, "won"): (3, "won"), (2, "lost"): (4, "lost"),
}
STAGES = {1: ["lead", "qualified", "offer", "won", "lost", "ghost"], 2: ["intro", "proposal", "won", "lost"]}


def history(rng: random.Random, length: int) -> list[Move]:
    moves, at, version = [], T0, 1
    for _ in range(length):
        if rng.random() < 0.1:
            version = 3 - version  # a swap: the rows name the other version from here on
        at += timedelta(microseconds=rng.randrange(0, 10 ** 12))
        moves.append(Move(version, rng.choice(STAGES[version]), at))
    return moves


def as_set(found):
    return sorted(found, key=lambda f: (f.version_id, f.stage_id))


def test_moved_on_facts_equal_the_whole_history_s():
    rng = random.Random(16)
    advanced_seen = set()
    for _ in range(3000):
        moves = history(rng, rng.randrange(2, 14))
        k = rng.randrange(1, min(3, len(moves) - 1) + 1)  # one move, sometimes two or three in one step
        before = facts(moves[:-k], POSITIONS)
        after = facts_after(before, moves[-k - 1], moves[-k:], POSITIONS)
        assert after is not None
        assert as_set(after) == as_set(facts(moves, POSITIONS)), moves
        advanced_seen.update(f.advanced for f in after)
    assert advanced_seen == {True, False}  # the histories exercise both


def test_a_move_back_and_a_return_to_a_stage_add_stays_not_parts():
    moves = [Move(1, "lead", T0), Move(1, "offer", T0 + timedelta(days=1)),
             Move(1, "qualified", T0 + timedelta(days=3)), Move(1, "offer", T0 + timedelta(days=4))]
    after = facts_after(facts(moves[:-1], POSITIONS), moves[-2], moves[-1:], POSITIONS)
    offer = next(f for f in after if f.stage_id == "offer")
    assert (offer.stays, offer.stay_us) == (1, 2 * 86_400_000_000) and len(after) == 3
    assert next(f for f in after if f.stage_id == "qualified").advanced  # offer lies beyond it


def test_facts_not_ending_with_the_previous_move_are_refused():
    moves = [Move(1, "lead", T0), Move(1, "offer", T0 + timedelta(days=1))]
    assert facts_after(facts(moves[:1], POSITIONS), Move(1, "qualified", T0), moves[1:], POSITIONS) is None
    assert facts_after([], moves[0], moves[1:], POSITIONS) is None
