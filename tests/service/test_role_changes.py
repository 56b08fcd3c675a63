"""Role changes (the users-and-teams screen's use case) on both databases: the rules,
and two admins demoting each other at the same moment — one of them must stay admin."""

from __future__ import annotations

import threading

import pytest

from engine.errors import DealflowError, PermissionDeniedError


def test_an_admin_changes_a_role_but_not_their_own(engine):
    engine.create_user("admin2", "admin")
    assert engine.set_role("rep3", "manager", actor="admin") == "manager"
    with pytest.raises(DealflowError, match="your own role"):
        engine.set_role("admin", "rep", actor="admin")
    with pytest.raises(PermissionDeniedError):
        engine.set_role("admin", "rep", actor="manager")


def test_two_admins_demoting_each_other_at_once_leave_one_admin(engines):
    first, second = engines
    first.create_user("admin2", "admin")
    start, outcomes = threading.Barrier(2), {}

    def demote(engine, who, by):
        start.wait()
        try:
            outcomes[by] = engine.set_role(who, "manager", actor=by)
        except DealflowError as err:
            outcomes[by] = err

    threads = [threading.Thread(target=demote, args=(first, "admin2", "admin")),
               threading.Thread(target=demote, args=(second, "admin", "admin2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    roles = {name: first.user_view(name).role for name in ("admin", "admin2")}
    assert sorted(roles.values()) == ["admin", "manager"], (roles, outcomes)
    assert sum(isinstance(o, PermissionDeniedError) for o in outcomes.values()) == 1, outcomes
