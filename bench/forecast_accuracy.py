"""How well each win probability forecasts, on a history whose truth is known
(issue 13, "which methodology sells better").

One command:  python bench/forecast_accuracy.py [--deals 4000] [--seed 13]

Generates two years of closed deals of a five-stage funnel (lead, qualification,
proposal, negotiation, then won or lost). Each deal has a hidden true win
probability set by a few of its facts — segment, lead source, amount, the class
its qualification questionnaire gave it — and its outcome is drawn from it. A
won deal goes through every stage; a lost one drops out after a stage drawn at
random. Deals that will be lost linger longer in their stages than deals that
will be won (as stalled deals do). The stage table's probabilities are only
roughly right, as a designer's guess is, and know nothing of the facts.

Then, as engine.rules.win_backtest does for a company: the models are trained on
the deals closed before the cut (the first 70 % by close date) and all three
estimates are judged on the held-out later deals' weekly snapshot points. Prints
each one's calibration table, the Brier score of the hidden truth for reference,
and last ``brier stage_table=… naive_bayes=… learned=…``. Pure computation: no
database.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.rules import win_backtest  # noqa: E402
from engine.rules.win_facts import ClassGiven, DealHistory, StageEntry  # noqa: E402

STAGES = ("lead", "qualification", "proposal", "negotiation")
# The designer's guess: the right order, but too hopeful early and too shy late.
STAGE_TABLE = {"lead": 20, "qualification": 35, "proposal": 50, "negotiation": 70}
SEGMENTS = {"smb": 0.3, "mid": 0.0, "enterprise": -0.5}
SOURCES = {"referral": 1.0, "fair": 0.2, "web": -0.2, "cold call": -0.9}
INDUSTRIES = ("retail", "manufacturing", "services")  # no effect: noise to ignore
CLASSES = {"A": 1.2, "B": 0.2, "C": -1.0}
START = datetime(2024, 1, 1, 9, tzinfo=timezone.utc)
DAYS = 730


def true_probability(segment: str, source: str, amount: float, score_class: str) -> float:
    z = -0.6 + SEGMENTS[segment] + SOURCES[source] + CLASSES[score_class] - 0.35 * math.log10(amount / 20_000)
    return 1 / (1 + math.exp(-z))


def generate(count: int, seed: int) -> tuple[list[DealHistory], dict[int, float]]:
    """The deals and each one's hidden true win probability."""
    rng = random.Random(seed)
    deals, truth = [], {}
    for i in range(count):
        segment = rng.choice(list(SEGMENTS))
        source = rng.choices(list(SOURCES), weights=(2, 3, 4, 3))[0]
        amount = round(10 ** rng.uniform(3.5, 6.0), -2)
        score_class = rng.choices(list(CLASSES), weights=(2, 4, 3))[0]
        q = true_probability(segment, source, amount, score_class)
        won = rng.random() < q
        opened = START + timedelta(days=rng.uniform(0, DAYS - 200), hours=rng.randint(0, 8))
        last = len(STAGES) - 1 if won else rng.randrange(len(STAGES))  # the last open stage it reaches
        at, entries = opened, []
        for stage in STAGES[:last + 1]:
            entries.append(StageEntry(stage, at, STAGE_TABLE[stage]))
            at += timedelta(days=rng.expovariate(1 / (9 if won else 21)) + 1)
        entries.append(StageEntry("won" if won else "lost", at, 100 if won else 0, "won" if won else "lost"))
        answered = entries[min(1, len(entries) - 2)].at + timedelta(days=2)
        classes = (ClassGiven("qualifying", score_class, answered),) if answered < at else ()
        deals.append(DealHistory(i + 1, "funnel", segment, source, rng.choice(INDUSTRIES), amount, opened,
                                 tuple(entries), classes, at, won))
        truth[i + 1] = q
    return deals, truth


def print_calibration(name: str, scores: win_backtest.Scores) -> None:
    print(f"\n{name}: Brier {scores.brier:.4f}")
    print("  predicted   deals  mean predicted  won")
    for b in scores.bins:
        print(f"  {b.low:.1f}-{b.high:.1f}  {b.weight:7.1f}  {b.predicted:14.3f}  {b.observed:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    deals, truth = generate(args.deals, args.seed)
    started = time.perf_counter()
    result = win_backtest.backtest(deals)
    seconds = time.perf_counter() - started
    cut = result.cut
    held_out = [d for d in deals if d.closed_at >= cut]
    won = sum(d.won for d in deals) / len(deals)
    truth_brier = sum((truth[d.deal_id] - d.won) ** 2 for d in held_out) / len(held_out)
    print(f"{len(deals)} deals ({won:.0%} won), cut {cut.date()}: trained on {result.train_deals}, "
          f"judged on {result.held_out_deals} held-out deals ({result.held_out_points} snapshot points); "
          f"penalty {result.penalty}; backtest took {seconds:.1f} s")
    for name, scores in (("stage table", result.stage_table), ("naive Bayes (Odoo)", result.naive_bayes),
                         ("learned (logistic regression)", result.learned)):
        print_calibration(name, scores)
    print(f"\nhidden truth (each deal's true win probability, known from its facts at opening): "
          f"Brier {truth_brier:.4f}")
    print(f"learned model enabled: {result.enabled} ({result.reason})")
    print(f"brier stage_table={result.stage_table.brier:.4f} naive_bayes={result.naive_bayes.brier:.4f} "
          f"learned={result.learned.brier:.4f}")


if __name__ == "__main__":
    main()
