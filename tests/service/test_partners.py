"""Business partners through the façade (M10), on each database: the card, its
contact persons, archiving, the list with its filters, and who sees and changes what."""

from decimal import Decimal

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError

NIP = "123-456-32-18"  # a valid Polish NIP (check digit 8)


def open_deal(engine, partner="Bar Mleczny", **overrides):
    values = dict(title="Cold room", amount="20000.00", currency="PLN", partner=partner,
                  attributes={"channel": "retail", "territory": "PL-MZ"}, actor="manager")
    values.update(overrides)
    return engine.create_opportunity(**values)


def test_a_rep_opens_a_partner_of_their_own_with_its_values_normalised(engine, clock):
    card = engine.create_partner(actor="rep1", name="  Chłodnie Łódź sp. z o.o. ", tax_id=NIP, city="Łódź",
                                 postal_code="90001", phone="600 123 456", email="Biuro@Chlodnie.PL",
                                 territory="PL-LD", credit_limit="50000", currency="PLN")
    assert (card.name, card.kind, card.owner, card.status) == ("Chłodnie Łódź sp. z o.o.", "prospect", "rep1", "active")
    assert (card.tax_id, card.postal_code, card.phone, card.email) == (
        "PL1234563218", "90-001", "+48600123456", "biuro@chlodnie.pl")
    assert card.credit_limit == Decimal("50000.00") and card.balance == Decimal("0.00")
    assert card.may_edit and not card.may_hand_over
    assert [(e.kind, e.actor, e.at) for e in card.history] == [("created", "rep1", clock.now)]
    assert card.history[0].text == "rep1 created the partner"


def test_every_field_that_does_not_fit_is_named_at_once(engine):
    with pytest.raises(FormError) as caught:
        engine.create_partner(actor="rep1", name=" ", tax_id="123-456-32-19", email="not mail",
                              credit_limit="-1", currency="zł", kind="friend", colour="red")
    assert set(caught.value.fields) == {"name", "tax_id", "email", "credit_limit", "currency", "kind", "colour"}
    assert "check digit" in caught.value.fields["tax_id"]
    assert engine.partners("admin").total == 0


def test_a_second_partner_with_the_same_tax_id_is_refused(engine):
    engine.create_partner(actor="rep1", name="Acme", tax_id=NIP)
    with pytest.raises(FormError) as caught:
        engine.create_partner(actor="rep2", name="Acme bis", tax_id="PL 1234563218")
    assert caught.value.fields == {"tax_id": "another partner already has this tax id"}


def test_an_update_records_each_changed_field_before_and_after(engine, clock):
    card = engine.create_partner(actor="rep1", name="Acme", credit_limit="10000")
    clock.advance(hours=1)
    card = engine.update_partner(card.id, actor="manager", credit_limit="20000.00", city="Kraków", name="Acme")
    assert card.credit_limit == Decimal("20000.00") and card.city == "Kraków"
    latest = card.history[0]
    assert (latest.kind, latest.actor, latest.at) == ("updated", "manager", clock.now)
    assert latest.data["changes"] == {"credit_limit": ["10000.00", "20000.00"], "city": [None, "Kraków"]}
    assert latest.text == "manager changed the city from (empty) to Kraków, the credit limit from 10000.00 to 20000.00"
    assert [e.kind for e in card.history] == ["updated", "created"]  # the creation entry is kept as it was


def test_an_update_that_changes_nothing_records_nothing(engine):
    card = engine.create_partner(actor="rep1", name="Acme", city="Łódź")
    card = engine.update_partner(card.id, actor="rep1", city="Łódź")
    assert [e.kind for e in card.history] == ["created"]


def test_contact_persons_are_added_changed_and_deactivated_with_history(engine):
    card = engine.create_partner(actor="rep1", name="Acme")
    anna = engine.add_partner_contact(card.id, actor="rep1", name="Anna Nowak", function="buyer",
                                      email="anna@acme.pl", phone="+48 600 100 200")
    assert (anna.name, anna.function, anna.phone, anna.active) == ("Anna Nowak", "buyer", "+48600100200", True)
    anna = engine.update_partner_contact(anna.id, actor="rep1", function="head of purchasing", active=False)
    assert (anna.function, anna.active) == ("head of purchasing", False)
    card = engine.partner(card.id, viewer="rep1")
    assert [c.name for c in card.contacts] == ["Anna Nowak"]
    assert [e.kind for e in card.history] == ["contact_updated", "contact_added", "created"]
    with pytest.raises(FormError) as caught:
        engine.add_partner_contact(card.id, actor="rep1", name="", email="x")
    assert set(caught.value.fields) == {"name", "email"}


def test_an_archived_partner_is_read_only_until_restored(engine):
    card = engine.create_partner(actor="rep1", name="Acme")
    card = engine.archive_partner(card.id, actor="rep1")
    assert card.status == "archived" and card.archived_at is not None
    with pytest.raises(ConflictError, match="archived"):
        engine.update_partner(card.id, actor="rep1", city="Gdańsk")
    with pytest.raises(ConflictError, match="already archived"):
        engine.archive_partner(card.id, actor="rep1")
    assert engine.partners("rep1").total == 0
    assert engine.partners("rep1", {"status": "archived"}).total == 1
    card = engine.restore_partner(card.id, actor="manager")
    assert (card.status, card.archived_at) == ("active", None)
    assert [e.kind for e in card.history] == ["restored", "archived", "created"]


# --- who sees and changes what --------------------------------------------------------

def test_a_rep_sees_their_own_partners_and_those_of_deals_they_work_on(engine):
    own = engine.create_partner(actor="rep3", name="Own")
    engine.create_partner(actor="rep2", name="Someone else's")
    deal = open_deal(engine, partner="Bar Mleczny")  # routed round robin to rep1
    assert deal.owner == "rep1"
    assert [p.name for p in engine.partners("rep3").items] == ["Own"]
    assert [p.name for p in engine.partners("rep1").items] == ["Bar Mleczny"]
    assert engine.partner(deal.partner_id, viewer="rep1").open_deals[0].id == deal.id
    for viewer, partner_id in (("rep3", deal.partner_id), ("rep1", own.id), ("designer", own.id)):
        with pytest.raises(NotFoundError, match=f"^no partner {partner_id}$"):
            engine.partner(partner_id, viewer=viewer) if viewer != "designer" else _designer(engine, own.id)


def _designer(engine, partner_id):
    engine.create_user("designer", "designer")
    return engine.partner(partner_id, viewer="designer")


def test_managers_see_their_teams_partners_and_admins_all(engine):
    engine.create_partner(actor="rep1", name="Of sales")
    engine.create_partner(actor="rep3", name="Of others")
    assert [p.name for p in engine.partners("manager").items] == ["Of sales"]
    assert [p.name for p in engine.partners("manager2").items] == ["Of others"]
    assert [p.name for p in engine.partners("admin").items] == ["Of others", "Of sales"]


def test_only_the_owner_their_manager_or_an_admin_change_a_partner(engine):
    card = engine.create_partner(actor="rep1", name="Acme")
    with pytest.raises(NotFoundError):
        engine.update_partner(card.id, actor="rep3", city="X")
    with pytest.raises(NotFoundError):
        engine.archive_partner(card.id, actor="manager2")
    engine.update_partner(card.id, actor="manager", city="Y")
    engine.update_partner(card.id, actor="admin", city="Z")
    deal = open_deal(engine, partner="Acme", owner="rep2")  # rep2 works on it: sees, may not change
    assert deal.owner == "rep2" and deal.partner_id == card.id
    seen = engine.partner(card.id, viewer="rep2")
    assert not seen.may_edit
    with pytest.raises(PermissionDeniedError):
        engine.update_partner(card.id, actor="rep2", city="W")
    with pytest.raises(PermissionDeniedError):
        engine.add_partner_contact(card.id, actor="rep2", name="Jan")


def test_unknown_or_impossible_partner_ids_are_not_found(engine):
    for number in (0, -1, 2 ** 31, 999, True, "1"):
        with pytest.raises(NotFoundError):
            engine.partner(number, viewer="admin")
    with pytest.raises(NotFoundError):
        engine.update_partner_contact(12345, actor="admin", name="x")


# --- the list -------------------------------------------------------------------------

def test_the_list_filters_by_each_criterion_and_searches_folded_text(engine):
    engine.create_partner(actor="rep1", name="Chłodnie Łódź", city="Łódź", territory="PL-LD", channel="retail",
                          industry="food", source="fair", tax_id=NIP)
    engine.create_partner(actor="rep2", name="Bar Mleczny", city="Warszawa", territory="PL-MZ", channel="horeca",
                          industry="food", source="web", kind="customer", email="bar@mleczny.pl")
    names = lambda **criteria: [p.name for p in engine.partners("admin", criteria).items]  # noqa: E731
    assert names(q="LODZ") == ["Chłodnie Łódź"]
    assert names(text="chlodnie") == ["Chłodnie Łódź"]
    assert names(text="4563") == ["Chłodnie Łódź"]
    assert names(text="mleczny.pl") == ["Bar Mleczny"]
    assert names(kind="customer") == ["Bar Mleczny"]
    assert names(territory="PL-LD") == ["Chłodnie Łódź"]
    assert names(channel="horeca", industry="food") == ["Bar Mleczny"]
    assert names(owner="rep1") == ["Chłodnie Łódź"]
    assert names(source="web") == ["Bar Mleczny"]
    assert names(text="100%_") == []
    page = engine.partners("admin", {"industry": "food"}, per_page=1, page=2)
    assert (page.total, page.pages, [p.name for p in page.items]) == (2, 2, ["Chłodnie Łódź"])
    assert page.filters == {"industry": "food"}
    assert page.choices.territories == ("PL-LD", "PL-MZ") and page.choices.owners == (("rep1", "rep1"), ("rep2", "rep2"))
    with pytest.raises(FormError):
        engine.partners("admin", {"kind": "friend"})


def test_partners_nobody_owns_are_a_pool_every_manager_sees_and_may_change(engine):
    pool = engine.create_partner(actor="manager", name="Pool")
    assert pool.owner is None and pool.may_edit and pool.may_hand_over
    assert engine.partner(pool.id, viewer="manager2").may_edit
    with pytest.raises(NotFoundError):
        engine.partner(pool.id, viewer="rep1")
    given = engine.create_partner(actor="admin", name="Given", owner="rep3")
    assert given.owner == "rep3"
    with pytest.raises(FormError) as caught:
        engine.create_partner(actor="manager", name="X", owner="manager2")
    assert "not a rep" in caught.value.fields["owner"]


def test_the_list_shows_exactly_the_partners_whose_card_the_viewer_may_open(engine, tmp_path):
    engine.create_user("designer", "designer")
    for actor, name in (("rep1", "A"), ("rep2", "B"), ("rep3", "C"), ("manager", "D")):
        engine.create_partner(actor=actor, name=name)
    open_deal(engine, partner="C", owner="rep1")  # rep1 and the sales team's manager see C through its deal
    deal = open_deal(engine, partner="E", attributes={"channel": "horeca", "territory": "PL-S"})  # rep2's
    engine.complete_task(deal.open_tasks[0].id, actor="rep2", data={"amount": "5"})
    everyone = {p.id for p in engine.partners("admin").items}
    for viewer in ("admin", "manager", "manager2", "rep1", "rep2", "rep3", "designer"):
        listed = {p.id for p in engine.partners(viewer).items}
        opened = set()
        for partner_id in everyone:
            try:
                engine.partner(partner_id, viewer=viewer)
                opened.add(partner_id)
            except NotFoundError:
                pass
        assert listed == opened, viewer
    names = lambda viewer: sorted(p.name for p in engine.partners(viewer).items)  # noqa: E731
    assert names("rep1") == ["A", "C"] and names("rep3") == ["C"] and names("designer") == []
    assert names("manager") == ["A", "B", "C", "D", "E"] and names("manager2") == ["C", "D"]
