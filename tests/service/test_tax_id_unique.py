"""One active partner per tax id (M10), race-proof: two engines creating (or
updating) partners with the same tax id at once — on PostgreSQL both pass the
service's check, and the unique index refuses the second with the check's own
message; a restore that would double a tax id is refused; and migration 0013
carries partners that already share one over, flagged, without failing."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from stdnum.pl import nip

from engine.errors import ConflictError, FormError
from engine.store.db import _alembic_config, make_engine, upgrade
from tests.engine.test_concurrency import at_once
from tests.service.races import ROUNDS

TAKEN = {"tax_id": "another partner already has this tax id"}


def valid_nips(start: int, count: int) -> list[str]:
    """``count`` valid Polish NIPs, normalised as stored (PL + ten digits)."""
    found = []
    for base in range(start * 10, (start + 10 * count) * 10):
        if nip.is_valid(f"{base:010d}"):
            found.append(f"PL{base:010d}")
        if len(found) == count:
            return found
    raise AssertionError("not enough NIPs")


def assert_one_of_two(outcomes, label):
    made = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(made) == 1 and len(refused) == 1, (label, outcomes)
    assert isinstance(refused[0], FormError) and refused[0].fields == TAKEN, (label, repr(refused[0]))
    return made[0]


def test_two_partners_created_at_once_with_one_tax_id_make_one(engines):
    first, second = engines
    for round_, tax_id in enumerate(valid_nips(526104100, ROUNDS * 2)):
        outcomes = at_once(*[lambda engine=engine, n=n: engine.create_partner(
            actor="manager", name=f"Bistro {round_}{n}", tax_id=tax_id) for n, engine in enumerate(engines)])
        made = assert_one_of_two(outcomes, f"round {round_}")
        assert made.tax_id == tax_id
        listed = first.partners("admin", {"text": tax_id[2:]}).items
        assert [p.id for p in listed] == [made.id], round_


def test_two_partners_given_one_tax_id_at_once_keep_it_once(engines):
    first, second = engines
    for round_, tax_id in enumerate(valid_nips(952258390, ROUNDS * 2)):
        a, b = (first.create_partner(actor="manager", name=f"Cafe {round_}{n}") for n in "ab")
        outcomes = at_once(lambda: first.update_partner(a.id, actor="manager", tax_id=tax_id),
                           lambda: second.update_partner(b.id, actor="manager", tax_id=tax_id))
        made = assert_one_of_two(outcomes, f"round {round_}")
        other = b.id if made.id == a.id else a.id
        assert first.partner(other, viewer="admin").tax_id is None, round_


def test_restoring_a_partner_whose_tax_id_another_took_meanwhile_is_refused(engine):
    old = engine.create_partner(actor="manager", name="Old bistro", tax_id="PL5261041147")
    engine.archive_partner(old.id, actor="manager")
    new = engine.create_partner(actor="manager", name="New bistro", tax_id="PL5261041147")  # allowed: the old is archived
    with pytest.raises(ConflictError) as err:
        engine.restore_partner(old.id, actor="manager")
    assert f"active partner {new.id} has this partner's tax id" in str(err.value)
    engine.update_partner(new.id, actor="manager", tax_id="PL5261041443")
    assert engine.restore_partner(old.id, actor="manager").status == "active"


def test_migration_0013_carries_partners_that_already_share_a_tax_id_over(engine):
    ids = [engine.create_partner(actor="manager", name=name, tax_id=tax_id).id for name, tax_id in (
        ("Keeps it", "PL5261041147"), ("Shares it", "PL5261041443"), ("Archived", "PL1234563218"),
        ("Shares it too", "PL5213017228"))]
    engine.archive_partner(ids[2], actor="manager")
    store = make_engine(engine.url)
    command.downgrade(_alembic_config(store), "0012")
    with store.begin() as connection:  # what the service refused, and a race could have left
        connection.execute(text("UPDATE partners SET tax_id = 'PL5261041147' WHERE id <> :id"), {"id": ids[0]})
    upgrade(store)  # does not fail
    with store.connect() as connection:
        flags = dict(connection.execute(text("SELECT id, tax_id_clash FROM partners")).all())
        shared = connection.execute(text(
            "SELECT partner_id, data FROM partner_events WHERE kind = 'tax_id_shared' ORDER BY partner_id")).all()
    store.dispose()
    assert {i: bool(f) for i, f in flags.items()} == {ids[0]: False, ids[1]: True, ids[2]: False, ids[3]: True}
    assert [(p, _json(d)) for p, d in shared] == [(ids[1], {"tax_id": "PL5261041147", "kept_by": ids[0]}),
                                                  (ids[3], {"tax_id": "PL5261041147", "kept_by": ids[0]})]

    with pytest.raises(FormError) as err:  # the one who keeps it still refuses a new one
        engine.create_partner(actor="manager", name="Fourth", tax_id="PL5261041147")
    assert err.value.fields == TAKEN
    assert engine.update_partner(ids[1], actor="manager", name="Shares it, renamed",
                                 tax_id="PL5261041147").name == "Shares it, renamed"  # unchanged tax id: editable
    moved = engine.update_partner(ids[3], actor="manager", tax_id="PL9542583988")  # a tax id of its own
    assert moved.tax_id == "PL9542583988"
    with pytest.raises(FormError):
        engine.create_partner(actor="manager", name="Fifth", tax_id="PL9542583988")


def _json(value):
    import json
    return json.loads(value) if isinstance(value, str) else value
