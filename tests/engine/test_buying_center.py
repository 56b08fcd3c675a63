"""The buying center through the façade, on SQLite and PostgreSQL: people, their
facts and relationships, the rules a change must fit, events, who may see and
change it, and roles_identified for exit criteria."""

from __future__ import annotations

import shutil

import pytest

from engine.errors import ConflictError, FormError, NotFoundError
from engine.store.buying_center import roles_identified
from tests.conftest import BASE_METHODOLOGY, make_engine


def open_deal(engine):
    """A deal of rep1 (the first of the round robin) managed by 'manager'."""
    return engine.create_opportunity(title="Cold rooms", amount="1000.00", partner="P",
                                     attributes={"channel": "retail"}, actor="manager")


def events(engine, deal_id, prefix=("contact", "relationship")):
    deal = engine.opportunity_for(deal_id, viewer="admin")
    return [(e.kind, e.actor, e.data) for e in deal.events if e.kind.startswith(prefix)]


def roles_of(engine, deal_id) -> set[str]:
    with engine._sessions() as session:
        return roles_identified(session, deal_id)


def test_people_and_relationships_are_stored_with_their_facts_and_drawn(engine):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="  Anna Nowak ", job_title="CFO", role="economic_buyer",
                              influence=5, attitude="supporter", notes="Signs above 50k.\nLikes numbers.")
    bob = engine.add_contact(deal.id, actor="rep1", name="Bob", job_title="Head of stores", role=None,
                             influence="2", attitude="opponent", notes="")
    line = engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id,
                                   kind="reports_to", strength=4)
    chat = engine.add_relationship(deal.id, actor="rep1", from_contact=str(anna.id), to_contact=str(bob.id),
                                   kind="friends_with", strength="2")

    center = engine.buying_center(deal.id, viewer="rep1")
    assert center.editable and center.opportunity_id == deal.id
    assert [(c.name, c.job_title, c.role, c.role_name, c.influence, c.attitude) for c in center.contacts] == [
        ("Anna Nowak", "CFO", "economic_buyer", "Economic buyer", 5, "supporter"),
        ("Bob", "Head of stores", None, None, 2, "opponent")]
    assert center.contacts[0].notes == "Signs above 50k.\nLikes numbers."
    assert [(r.id, r.from_name, r.kind, r.category, r.to_name, r.strength) for r in center.relationships] == [
        (line.id, "Bob", "reports_to", "formal", "Anna Nowak", 4),
        (chat.id, "Anna Nowak", "friends_with", "informal", "Bob", 2)]
    assert [r.id for r in center.roles][:2] == ["economic_buyer", "decision_maker"]
    assert {k.id for k in center.kinds} == {"reports_to", "listens_to", "friends_with",
                                            "former_colleague_at_competitor"}
    assert f'data-contact-id="{anna.id}"' in center.svg and f'data-relationship-id="{line.id}"' in center.svg
    assert center.roles_identified == {"economic_buyer"} == roles_of(engine, deal.id)


def test_every_change_is_an_event_with_who_did_it(engine, clock):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna", influence=4, attitude="neutral")
    bob = engine.add_contact(deal.id, actor="manager", name="Bob")
    clock.advance(hours=1)
    engine.update_contact(anna.id, actor="rep1", attitude="supporter", notes="Met on Monday")
    engine.update_contact(anna.id, actor="rep1", attitude="supporter")  # no change, no event
    rel = engine.add_relationship(deal.id, actor="rep1", from_contact=anna.id, to_contact=bob.id,
                                  kind="listens_to", strength=3)
    engine.remove_relationship(rel.id, actor="manager")
    engine.remove_contact(bob.id, actor="rep1")
    assert [(kind, actor) for kind, actor, _ in events(engine, deal.id)] == [
        ("contact_added", "rep1"), ("contact_added", "manager"), ("contact_updated", "rep1"),
        ("relationship_added", "rep1"), ("relationship_removed", "manager"), ("contact_removed", "rep1")]
    data = [d for _, _, d in events(engine, deal.id)]
    assert data[2] == {"contact": anna.id, "name": "Anna", "changed": ["attitude", "notes"]}
    assert data[3]["from_contact"] == "Anna" and data[3]["relationship_kind"] == "listens_to"
    updated = engine.buying_center(deal.id, viewer="rep1").contacts[0]
    assert (updated.attitude, updated.notes, updated.updated_at > updated.created_at) == (
        "supporter", "Met on Monday", True)


def test_a_change_that_does_not_fit_names_every_wrong_field_and_stores_nothing(engine):
    deal = open_deal(engine)
    with pytest.raises(FormError) as refused:
        engine.add_contact(deal.id, actor="rep1", name="  ", job_title="x" * 201, role="pope", influence=6,
                           attitude="hostile", notes=7)
    assert refused.value.fields == {
        "name": "enter the person's name", "job_title": "enter at most 200 characters",
        "role": "choose one of economic_buyer, decision_maker, user, technical_evaluator, coach, gatekeeper, "
                "or none",
        "influence": "choose a whole number from 1 to 5", "attitude": "choose supporter, neutral or opponent",
        "notes": "enter text"}
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna")
    with pytest.raises(FormError) as refused:
        engine.update_contact(anna.id, actor="rep1", influence=True, name="")
    assert set(refused.value.fields) == {"influence", "name"}
    with pytest.raises(FormError) as refused:
        engine.add_relationship(deal.id, actor="rep1", from_contact=anna.id, to_contact=999_999,
                                kind="enemy_of", strength=0)
    assert refused.value.fields == {"to_contact": "choose a person of this buying center",
                                    "kind": "choose one of reports_to, listens_to, friends_with, "
                                            "former_colleague_at_competitor",
                                    "strength": "choose a whole number from 1 to 5"}
    center = engine.buying_center(deal.id, viewer="rep1")
    assert [c.name for c in center.contacts] == ["Anna"] and center.relationships == ()
    assert [k for k, _, _ in events(engine, deal.id)] == ["contact_added"]


def test_reporting_lines_do_not_go_round_in_circles_and_nothing_is_recorded_twice(engine):
    deal = open_deal(engine)
    a, b, c = (engine.add_contact(deal.id, actor="rep1", name=n).id for n in "ABC")
    engine.add_relationship(deal.id, actor="rep1", from_contact=b, to_contact=a, kind="reports_to")
    engine.add_relationship(deal.id, actor="rep1", from_contact=c, to_contact=b, kind="reports_to")
    engine.add_relationship(deal.id, actor="rep1", from_contact=a, to_contact=b, kind="friends_with")
    for values, field in (
            ({"from_contact": a, "to_contact": c, "kind": "reports_to"}, "to_contact"),  # A -> C -> B -> A
            ({"from_contact": a, "to_contact": a, "kind": "listens_to"}, "to_contact"),
            ({"from_contact": c, "to_contact": b, "kind": "reports_to"}, "kind"),
            ({"from_contact": b, "to_contact": a, "kind": "friends_with"}, "kind")):  # two-way: either direction
        with pytest.raises(FormError) as refused:
            engine.add_relationship(deal.id, actor="rep1", **values)
        assert list(refused.value.fields) == [field], values
    # Directed informal lines may go both ways: A listens to B and B to A.
    engine.add_relationship(deal.id, actor="rep1", from_contact=a, to_contact=b, kind="listens_to")
    engine.add_relationship(deal.id, actor="rep1", from_contact=b, to_contact=a, kind="listens_to")
    assert len(engine.buying_center(deal.id, viewer="rep1").relationships) == 5


def test_removing_a_person_removes_their_relationships_and_their_role(engine):
    deal = open_deal(engine)
    a = engine.add_contact(deal.id, actor="rep1", name="A", role="economic_buyer")
    b = engine.add_contact(deal.id, actor="rep1", name="B", role="coach")
    c = engine.add_contact(deal.id, actor="rep1", name="C", role="coach")
    engine.add_relationship(deal.id, actor="rep1", from_contact=b.id, to_contact=a.id, kind="reports_to")
    engine.add_relationship(deal.id, actor="rep1", from_contact=a.id, to_contact=c.id, kind="listens_to")
    keep = engine.add_relationship(deal.id, actor="rep1", from_contact=b.id, to_contact=c.id, kind="friends_with")
    engine.remove_contact(a.id, actor="rep1")
    center = engine.buying_center(deal.id, viewer="rep1")
    assert [c.name for c in center.contacts] == ["B", "C"]
    assert [r.id for r in center.relationships] == [keep.id]
    assert events(engine, deal.id)[-1][2] == {"contact": a.id, "name": "A", "relationships": 2}
    assert roles_of(engine, deal.id) == {"coach"}
    engine.update_contact(b.id, actor="rep1", role="")
    assert roles_of(engine, deal.id) == {"coach"}  # C still is one
    engine.update_contact(c.id, actor="rep1", role=None)
    assert roles_of(engine, deal.id) == set()


def test_roles_come_from_the_deals_methodology(db_url, clock, tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    stages.write_text(stages.read_text("utf-8").replace(
        "process: small_deal\n",
        "process: small_deal\nbuying_center:\n  roles:\n    - {id: sponsor, name: Sponsor}\n"
        "    - {id: blocker, name: Blocker, description: Says no.}\n"), "utf-8")
    engine = make_engine(db_url, clock, target)
    try:
        deal = open_deal(engine)
        assert [(r.id, r.name, r.description) for r in engine.buying_center(deal.id, viewer="rep1").roles] == [
            ("sponsor", "Sponsor", ""), ("blocker", "Blocker", "Says no.")]
        engine.add_contact(deal.id, actor="rep1", name="Zoe", role="sponsor")
        with pytest.raises(FormError) as refused:
            engine.add_contact(deal.id, actor="rep1", name="Yan", role="economic_buyer")
        assert refused.value.fields == {"role": "choose one of sponsor, blocker, or none"}
        assert roles_of(engine, deal.id) == {"sponsor"}
    finally:
        engine.close()


def test_only_those_who_may_see_the_deal_see_or_change_its_buying_center(engine):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna Secret")
    bob = engine.add_contact(deal.id, actor="manager", name="Bob")
    rel = engine.add_relationship(deal.id, actor="admin", from_contact=bob.id, to_contact=anna.id,
                                  kind="reports_to")
    for outsider in ("rep3", "manager2"):
        attempts = (
            lambda: engine.buying_center(deal.id, viewer=outsider),
            lambda: engine.add_contact(deal.id, actor=outsider, name="X"),
            lambda: engine.update_contact(anna.id, actor=outsider, name="X"),
            lambda: engine.remove_contact(anna.id, actor=outsider),
            lambda: engine.add_relationship(deal.id, actor=outsider, from_contact=anna.id, to_contact=bob.id,
                                            kind="listens_to"),
            lambda: engine.remove_relationship(rel.id, actor=outsider))
        for attempt in attempts:
            with pytest.raises(NotFoundError) as hidden:
                attempt()
            assert "Anna" not in str(hidden.value) and "Cold rooms" not in str(hidden.value)
    for missing in (lambda: engine.update_contact(999_999, actor="admin", name="X"),
                    lambda: engine.remove_contact(999_999, actor="admin"),
                    lambda: engine.remove_relationship(999_999, actor="admin"),
                    lambda: engine.buying_center(999_999, viewer="admin")):
        with pytest.raises(NotFoundError):
            missing()
    center = engine.buying_center(deal.id, viewer="manager")
    assert [c.name for c in center.contacts] == ["Anna Secret", "Bob"] and len(center.relationships) == 1


def test_a_won_deals_buying_center_stays_as_it_was_at_the_close(engine):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna", role="decision_maker")
    bob = engine.add_contact(deal.id, actor="rep1", name="Bob")
    rel = engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id,
                                  kind="reports_to")
    after = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    offer = next(t.id for t in after.open_tasks if t.node_id == "Task_Offer")
    assert engine.complete_task(offer, actor="rep1", data={"result": "accepted"}).status == "won"
    for change in (lambda: engine.add_contact(deal.id, actor="rep1", name="Late"),
                   lambda: engine.update_contact(anna.id, actor="manager", influence=1),
                   lambda: engine.remove_contact(bob.id, actor="admin"),
                   lambda: engine.add_relationship(deal.id, actor="rep1", from_contact=anna.id,
                                                   to_contact=bob.id, kind="friends_with"),
                   lambda: engine.remove_relationship(rel.id, actor="rep1")):
        with pytest.raises(ConflictError, match="kept as it was at the close"):
            change()
    center = engine.buying_center(deal.id, viewer="rep1")
    assert not center.editable and len(center.contacts) == 2 and len(center.relationships) == 1
    assert roles_of(engine, deal.id) == {"decision_maker"}
