"""The partner pages through the Flask test client on SQLite and PostgreSQL: the list
with its search, filters and paging, a new partner, the partner page with its card,
contacts, deals, activities and history, the two-step archive, restore and
hand-over; every page and form as the right and the wrong user, CSRF refused without
its token, NUL text refused. CSRF is off except in the test that checks the tokens."""

from __future__ import annotations

import re

import pytest

from tests.service.test_handover import HORECA
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app

NUL = "a\x00b"


@pytest.fixture
def bistro(engine):
    """Partner Bistro of rep1 with one open deal (its first task rep1's)."""
    deal = engine.create_opportunity(title="Cold room", amount="1000.00", partner="Bistro", actor="manager",
                                     attributes=HORECA, owner="rep1")
    return deal.partner_id, deal


def card_values(**changes) -> dict:
    values = {"name": "Bistro", "kind": "prospect", "tax_id": "", "regon": "", "email": "", "phone": "",
              "website": "", "street": "", "postal_code": "", "city": "Gdańsk", "country": "PL",
              "territory": "PL-PM", "channel": "horeca", "industry": "", "source": "", "campaign": "",
              "balance": "0.00", "credit_limit": "", "currency": "PLN", "notes": ""}
    return values | changes


# --- the list ----------------------------------------------------------------------------

def test_the_list_filters_searches_and_pages_what_the_viewer_may_see(app, engine, bistro):
    for i in range(27):
        engine.create_partner(actor="manager", owner="rep2" if i % 3 else "rep1", name=f"Bar {i:02}",
                              kind="customer" if i % 2 else "prospect", city="Łódź", territory="PL-LD")
    manager = client_for(app, "manager")
    page = manager.get("/partners")
    assert page.status_code == 200 and 'id="nav-partners"' in page.text
    assert re.search(r"<strong>28</strong> partners", page.text)
    assert page.text.count('class="partner-row') == 25 and 'rel="next"' in page.text
    second = manager.get("/partners?page=2")
    assert second.text.count('class="partner-row') == 3 and "Page 2 of 2" in second.text

    customers = manager.get("/partners?kind=customer&territory=PL-LD")
    assert re.search(r"<strong>13</strong> partners match", customers.text)
    assert 'value="customer" selected' in customers.text and "Bistro" not in customers.text
    found = manager.get("/partners?q=bar+07")
    assert found.text.count('class="partner-row') == 1 and "Bar 07" in found.text

    # The filter form sends every field; the list answers at its clean address.
    sent = manager.get("/partners?q=&kind=customer&territory=&owner=")
    assert (sent.status_code, sent.location) == (303, "/partners?kind=customer")

    wrong = manager.get("/partners?kind=giant")
    assert wrong.status_code == 422 and "kind: choose one of" in wrong.text and "not filtered" in wrong.text

    # rep1 sees their own partners (and those of deals they work on), not rep2's.
    rep = client_for(app, "rep1")
    mine = rep.get("/partners")
    assert re.search(r"<strong>10</strong> partners", mine.text) and "Bar 01" not in mine.text


def test_a_designer_has_no_partner_link_and_sees_no_partner(app, engine, bistro):
    engine.create_user("designer", "designer", password="demo")
    designer = client_for(app, "designer")
    assert 'id="nav-partners"' not in designer.get("/").text
    page = designer.get("/partners")
    assert page.status_code == 200 and "No partners yet." in page.text and "Bistro" not in page.text
    assert designer.get(f"/partners/{bistro[0]}").status_code == 404
    assert 'id="new-partner"' not in page.text
    assert designer.post("/partners", data={"name": "X"}).status_code == 403


def test_a_rep_creates_a_partner_of_their_own_and_a_form_that_does_not_fit_comes_back(app, engine):
    rep = client_for(app, "rep1")
    page = rep.get("/partners")
    assert 'id="new-partner-form"' in page.text and 'id="new-owner"' not in page.text  # a rep's is their own
    refused = rep.post("/partners", data={"name": "", "kind": "giant", "email": "not-mail", "city": "Kraków"})
    assert refused.status_code == 422
    assert 'id="new-error-name"' in refused.text and 'id="new-error-kind"' in refused.text
    assert 'id="new-error-email"' in refused.text and 'value="Kraków"' in refused.text
    assert "<details class=\"new-partner\" id=\"new-partner\" open" in refused.text
    created = rep.post("/partners", data={"name": "Café <Nowa>", "kind": "prospect", "city": "Kraków",
                                          "email": "", "tax_id": ""})
    assert created.status_code == 303
    page = rep.get(created.location)
    assert "Café &lt;Nowa&gt;" in page.text and "<Nowa>" not in page.text
    assert engine.partner(int(created.location.rsplit("/", 1)[1]), viewer="admin").owner == "rep1"


def test_a_manager_names_the_owner_of_a_new_partner(app, engine):
    manager = client_for(app, "manager")
    assert 'id="new-owner"' in manager.get("/partners").text
    created = manager.post("/partners", data={"name": "Hotel Górski", "kind": "customer", "owner": "rep2"})
    assert engine.partner(int(created.location.rsplit("/", 1)[1]), viewer="admin").owner == "rep2"


# --- the partner page ----------------------------------------------------------------------

def test_the_partner_page_shows_card_deals_activities_history_and_the_forms_its_viewer_may_use(app, engine,
                                                                                              bistro):
    partner_id, deal = bistro
    engine.update_partner(partner_id, actor="manager", credit_limit="500.00")  # the open deal is 1000.00
    manager = client_for(app, "manager")
    page = manager.get(f"/partners/{partner_id}")
    assert page.status_code == 200
    for section in ('id="partner-card"', 'id="contacts"', 'id="open-deals"', 'id="closed-deals"',
                    'id="activities"', 'id="history"', 'id="credit-warning"', 'id="edit-card-form"',
                    'id="add-contact-form"', 'id="hand-over-form"', 'id="archive-start"'):
        assert section in page.text, section
    assert f'href="/opportunities/{deal.id}"' in page.text and "created the partner" in page.text
    select = page.text.split('id="hand-over-to"')[1].split("</select>")[0]
    assert '<option value="">— choose a rep —</option>' in select and "selected" not in select
    assert 'value="rep2"' in select and 'value="rep1"' not in select  # not the owner; nobody preselected
    assert "<script" not in page.text.split("</head>")[1]

    # The owner edits the card and its contacts; handing over is the manager's.
    rep = client_for(app, "rep1")
    own = rep.get(f"/partners/{partner_id}")
    assert 'id="edit-card-form"' in own.text and 'id="hand-over-form"' not in own.text

    # The deal's page links its partner.
    assert f'href="/partners/{partner_id}"' in rep.get(f"/opportunities/{deal.id}").text


def test_the_partner_page_is_not_found_for_those_who_may_not_see_it(app, engine, bistro):
    partner_id, _ = bistro
    for outsider in ("rep3", "manager2"):
        client = client_for(app, outsider)
        assert client.get(f"/partners/{partner_id}").status_code == 404
        for path in ("", "/contacts", "/archive", "/hand-over"):
            response = client.post(f"/partners/{partner_id}{path}", data={"name": "X", "to": "rep2"})
            assert response.status_code == 404, path
            assert "Bistro" not in response.text
    assert client_for(app, "admin").get("/partners/99999").status_code == 404


def test_the_card_is_changed_by_whoever_may_edit_it_and_a_bad_value_comes_back_beside_its_field(app, engine,
                                                                                              bistro):
    partner_id, _ = bistro
    rep = client_for(app, "rep1")
    refused = rep.post(f"/partners/{partner_id}", data=card_values(email="nope", balance="abc"))
    assert refused.status_code == 422
    assert 'id="card-error-email"' in refused.text and 'id="card-error-balance"' in refused.text
    assert 'value="nope"' in refused.text and 'id="edit-card" open' in refused.text
    saved = rep.post(f"/partners/{partner_id}", data=card_values(industry="Restaurants", credit_limit="20000"))
    assert (saved.status_code, saved.location) == (303, f"/partners/{partner_id}")
    card = engine.partner(partner_id, viewer="admin")
    assert card.industry == "Restaurants" and str(card.credit_limit) == "20000.00" and card.city == "Gdańsk"

    # rep2 sees the partner through a deal of theirs, but may not change it.
    engine.create_opportunity(title="Freezer", amount="10.00", partner="Bistro", actor="manager",
                              attributes=HORECA, owner="rep2")
    other = client_for(app, "rep2")
    assert other.get(f"/partners/{partner_id}").status_code == 200
    assert 'id="edit-card-form"' not in other.get(f"/partners/{partner_id}").text
    assert other.post(f"/partners/{partner_id}", data=card_values(name="Mine")).status_code == 403
    assert other.post(f"/partners/{partner_id}/contacts", data={"name": "Eve"}).status_code == 403
    assert other.get(f"/partners/{partner_id}/archive").status_code == 403


def test_contact_persons_are_added_and_changed_and_a_missing_name_is_said_beside_the_field(app, engine, bistro):
    partner_id, _ = bistro
    rep = client_for(app, "rep1")
    refused = rep.post(f"/partners/{partner_id}/contacts", data={"name": "", "email": "x@"})
    assert refused.status_code == 422 and 'id="contact-error-name"' in refused.text
    assert 'id="contact-error-email"' in refused.text
    added = rep.post(f"/partners/{partner_id}/contacts",
                     data={"name": "Anna Nowak", "function": "Buyer", "email": "anna@bistro.example", "phone": ""})
    assert (added.status_code, added.location) == (303, f"/partners/{partner_id}#contacts")
    (anna,) = engine.partner(partner_id, viewer="rep1").contacts
    url = f"/partners/{partner_id}/contacts/{anna.id}"
    wrong = rep.post(url, data={"form": "contact", "name": "", "function": "Buyer", "active": "1"})
    assert wrong.status_code == 422 and f'id="c{anna.id}-error-name"' in wrong.text
    left = rep.post(url, data={"form": "contact", "name": "Anna Nowak-Kowalska", "function": "Head buyer",
                               "email": "anna@bistro.example", "phone": ""})  # the box unticked: she left
    assert left.status_code == 303
    (anna,) = engine.partner(partner_id, viewer="rep1").contacts
    assert (anna.name, anna.function, anna.active) == ("Anna Nowak-Kowalska", "Head buyer", False)
    assert client_for(app, "rep3").post(url, data={"name": "X"}).status_code == 404


def test_archiving_and_restoring_ask_first_and_then_change_the_status(app, engine, bistro):
    partner_id, _ = bistro
    rep = client_for(app, "rep1")
    asked = rep.get(f"/partners/{partner_id}/archive")
    assert asked.status_code == 200 and 'id="archive-form"' in asked.text and "Archive Bistro?" in asked.text
    assert engine.partner(partner_id, viewer="admin").status == "active"  # asking changed nothing
    done = rep.post(f"/partners/{partner_id}/archive")
    assert done.status_code == 303 and engine.partner(partner_id, viewer="admin").status == "archived"
    page = rep.get(f"/partners/{partner_id}")
    assert 'id="restore-start"' in page.text and 'id="edit-card-form"' not in page.text
    again = rep.post(f"/partners/{partner_id}/archive", follow_redirects=True)
    assert "already archived" in again.text  # a second click says so instead of failing
    assert rep.get(f"/partners/{partner_id}/restore").status_code == 200
    assert rep.post(f"/partners/{partner_id}/restore").status_code == 303
    assert engine.partner(partner_id, viewer="admin").status == "active"


# --- handing over -------------------------------------------------------------------------

def test_the_hand_over_shows_what_would_move_then_moves_it_once_confirmed(app, engine, bistro):
    partner_id, deal = bistro
    manager = client_for(app, "manager")
    asked = manager.get(f"/partners/{partner_id}/hand-over",
                        query_string={"form": "1", "to": "rep2", "closed_deals": "stay", "open_deals": "1",
                                      "activities": "1"})
    assert asked.status_code == 200 and 'id="hand-over-confirm-form"' in asked.text
    moves = asked.text.split('id="hand-over-moves"')[1].split("</ul>")[0]
    assert "<strong>1</strong> open deal" in moves and "Cold room" in moves
    assert engine.show_opportunity(deal.id).owner == "rep1"  # nothing moved yet
    form = asked.text.split('id="hand-over-confirm-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields.pop("csrf_token")
    assert fields == {"form": "1", "to": "rep2", "closed_deals": "stay", "open_deals": "1", "activities": "1"}

    done = manager.post(f"/partners/{partner_id}/hand-over", data=fields)
    assert (done.status_code, done.location) == (303, f"/partners/{partner_id}")
    assert engine.show_opportunity(deal.id).owner == "rep2"
    page = manager.get(done.location)
    assert "(rep2)" in page.text and "handed the partner from rep1 to rep2 with 1 open deal, 1 task" in page.text


def test_the_hand_over_without_a_rep_or_to_the_owner_is_refused_without_moving_anything(app, engine, bistro):
    partner_id, deal = bistro
    manager = client_for(app, "manager")
    missing = manager.get(f"/partners/{partner_id}/hand-over", query_string={"form": "1", "to": ""})
    assert missing.status_code == 422 and 'id="hand-over-error-to"' in missing.text
    not_a_rep = manager.post(f"/partners/{partner_id}/hand-over", data={"form": "1", "to": "manager"})
    assert not_a_rep.status_code == 422 and "not a rep" in not_a_rep.text
    same = manager.post(f"/partners/{partner_id}/hand-over", data={"to": "rep1"}, follow_redirects=True)
    assert "already owned by" in same.text
    assert engine.show_opportunity(deal.id).owner == "rep1"


def test_the_partners_own_rep_may_not_hand_it_over(app, engine, bistro):
    partner_id, deal = bistro
    rep = client_for(app, "rep1")
    assert rep.get(f"/partners/{partner_id}/hand-over", query_string={"to": "rep2"}).status_code == 403
    assert rep.post(f"/partners/{partner_id}/hand-over", data={"to": "rep2"}).status_code == 403
    assert engine.show_opportunity(deal.id).owner == "rep1"


# --- CSRF and text no form may carry -----------------------------------------------------------

def test_every_form_needs_the_csrf_token(engine, bistro):
    partner_id, deal = bistro
    app = make_app(engine, csrf=True)
    client = app.test_client()
    log_in(client, "manager", csrf=True)
    contact = engine.add_partner_contact(partner_id, actor="manager", name="Anna")
    posts = [("/partners", {"name": "New"}), (f"/partners/{partner_id}", card_values(name="Changed")),
             (f"/partners/{partner_id}/contacts", {"name": "Eve"}),
             (f"/partners/{partner_id}/contacts/{contact.id}", {"name": "Eve"}),
             (f"/partners/{partner_id}/archive", {}), (f"/partners/{partner_id}/hand-over", {"to": "rep2"})]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 400, path
    assert engine.show_opportunity(deal.id).owner == "rep1" and engine.partner(partner_id, viewer="admin").name == \
        "Bistro"
    token = csrf_token(client.get(f"/partners/{partner_id}").text)
    assert client.post(f"/partners/{partner_id}/contacts", data={"name": "Eve", "csrf_token": token}).status_code \
        == 303


@pytest.mark.parametrize("path, field", [("/partners", "name"), ("/partners/{p}", "city"),
                                         ("/partners/{p}/contacts", "function"),
                                         ("/partners/{p}/hand-over", "to"), ("/partners?q=x", "q")])
def test_a_nul_in_any_partner_form_is_refused_naming_the_field(app, bistro, path, field):
    manager = client_for(app, "manager")
    url = path.format(p=bistro[0])
    if field == "q":
        response = manager.get("/partners", query_string={"q": NUL})
    else:
        response = manager.post(url, data={"name": "Someone", "to": "rep2"} | {field: NUL})
    assert response.status_code == 422 and field in response.text and "NUL" in response.text


# --- further addresses ------------------------------------------------------------------

def address_rows(*rows: dict, spare: dict | None = None) -> dict:
    """The card form's further-address rows as the page sends them (the last one the spare)."""
    data = {"addresses_rows": str(len(rows) + 1)}
    for n, row in enumerate(list(rows) + [spare or {}]):
        for part in ("kind", "street", "postal_code", "city", "country"):
            data[f"address-{n}-{part}"] = row.get(part, "")
        if row.get("remove"):
            data[f"address-{n}-remove"] = "1"
    return data


def test_further_addresses_are_added_changed_and_removed_on_the_card_and_audited(app, engine, bistro):
    partner_id, _ = bistro
    rep = client_for(app, "rep1")
    page = rep.get(f"/partners/{partner_id}").text
    assert 'name="addresses_rows" value="1"' in page and 'id="address-0-street"' in page  # the spare row
    added = rep.post(f"/partners/{partner_id}", data=card_values() | address_rows(
        spare={"kind": "delivery", "street": "ul. Portowa 3", "postal_code": "80-001", "city": "Gdańsk"}))
    assert added.status_code == 303
    card = engine.partner(partner_id, viewer="rep1")
    assert card.addresses == ({"kind": "delivery", "street": "ul. Portowa 3", "postal_code": "80-001",
                               "city": "Gdańsk"},)
    page = rep.get(f"/partners/{partner_id}").text
    assert 'value="ul. Portowa 3"' in page and 'name="addresses_rows" value="2"' in page
    assert "the further addresses (added delivery: ul. Portowa 3, 80-001, Gdańsk)" in page
    delivery = dict(card.addresses[0])
    rep.post(f"/partners/{partner_id}", data=card_values() | address_rows(
        delivery | {"street": "ul. Portowa 5"}, spare={"kind": "invoice", "city": "Sopot"}))
    assert [a.get("street") for a in engine.partner(partner_id, viewer="rep1").addresses] == ["ul. Portowa 5", None]
    rep.post(f"/partners/{partner_id}", data=card_values() | address_rows(
        delivery | {"street": "ul. Portowa 5", "remove": True}, {"kind": "invoice", "city": "Sopot"}))
    assert engine.partner(partner_id, viewer="rep1").addresses == ({"kind": "invoice", "city": "Sopot"},)
    history = [e.text for e in engine.partner(partner_id, viewer="rep1").history if e.kind == "updated"]  # latest first
    assert history[0] == "rep1 changed the further addresses (removed delivery: ul. Portowa 5, 80-001, Gdańsk)"
    untouched = rep.post(f"/partners/{partner_id}", data=card_values(industry="Bars"))  # a form without the rows
    assert untouched.status_code == 303 and len(engine.partner(partner_id, viewer="rep1").addresses) == 1


def test_a_further_address_that_does_not_fit_comes_back_and_others_may_not_change_them(app, engine, bistro):
    partner_id, _ = bistro
    rep = client_for(app, "rep1")
    refused = rep.post(f"/partners/{partner_id}", data=card_values() | address_rows(
        spare={"kind": "delivery", "street": "x" * 301}))
    assert refused.status_code == 422 and 'id="card-error-addresses"' in refused.text
    assert 'id="edit-card" open' in refused.text and "x" * 301 in refused.text  # the row sent is kept
    assert engine.partner(partner_id, viewer="rep1").addresses == ()
    engine.create_opportunity(title="Freezer", amount="10.00", partner="Bistro", actor="manager",
                              attributes=HORECA, owner="rep2")
    sees_only = client_for(app, "rep2")
    assert sees_only.post(f"/partners/{partner_id}", data=address_rows(spare={"city": "Mine"})).status_code == 403
    assert client_for(app, "rep3").post(f"/partners/{partner_id}",
                                        data=address_rows(spare={"city": "Mine"})).status_code == 404
    assert engine.partner(partner_id, viewer="rep1").addresses == ()
