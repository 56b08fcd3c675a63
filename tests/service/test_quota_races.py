"""Two managers committing the same split at once (the manager and the director above
them, each through their own engine: two processes), on SQLite and PostgreSQL: each
commit becomes a version of its own — 1 and 2, whatever the order — and neither is
lost from the history."""

from decimal import Decimal

from tests.engine.test_concurrency import at_once
from tests.service.quota_seeds import with_director

ROUNDS = 4


def test_two_managers_committing_the_same_split_at_once_each_get_a_version(engines):
    first, second = engines
    with_director(first)
    for round_ in range(ROUNDS):
        period = f"2027-Q{round_ + 1}"
        outcomes = at_once(
            lambda: first.split_quota("manager", period, {"rep1": "100", "rep2": "200"}, actor="manager",
                                      commit=True),
            lambda: second.split_quota("manager", period, {"rep1": "300", "rep2": "400"}, actor="director",
                                       commit=True))
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
        assert sorted(o.version for o in outcomes) == [1, 2]
        history = first.quota_sheet(viewer="director", period=period, manager="manager").history
        assert [v.version for v in history] == [2, 1]
        assert {(v.author, v.total) for v in history} == {("manager", Decimal("300.00")),
                                                          ("director", Decimal("700.00"))}
        newest = history[0]
        rep1 = first.quota_sheet(viewer="rep1", period=period).own_quota
        assert rep1.amount == newest.lines[0].amount and rep1.version == newest.version
