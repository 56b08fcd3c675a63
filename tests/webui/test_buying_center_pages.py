"""The buying-center panel of the opportunity page and its forms, through the Flask
test client on SQLite and PostgreSQL; every route as the right and the wrong user.
CSRF is off here except in the one test that checks the tokens."""

from __future__ import annotations

import pytest

from tests.webui.pages_support import (PARTNER, TITLE, assert_nothing_leaks, client_for, csrf_token, make_app,
                                       open_deal)

SECRET_PERSON = "Anna Confidential"


def add(client, deal_id, **values):
    data = {"name": "Someone", "job_title": "", "role": "", "influence": "3", "attitude": "neutral", "notes": ""}
    data.update(values)
    return client.post(f"/opportunities/{deal_id}/contacts", data=data)


def test_a_rep_adds_people_and_a_relationship_and_sees_them_drawn_listed_and_logged(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    page = rep.get(f"/opportunities/{deal.id}")
    assert 'id="buying-center"' in page.text and "Nobody yet." in page.text
    assert 'id="add-contact"' in page.text and 'id="add-relationship"' not in page.text  # needs two people
    response = add(rep, deal.id, name="Anna <b>Nowak</b>", job_title="CFO", role="economic_buyer", influence="5",
                   attitude="supporter", notes="Signs the order")
    assert (response.status_code, response.location) == (303, f"/opportunities/{deal.id}#buying-center")
    add(rep, deal.id, name="Bob", influence="2", attitude="opponent")
    anna, bob = engine.buying_center(deal.id, viewer="rep1").contacts
    response = rep.post(f"/opportunities/{deal.id}/relationships",
                        data={"from_contact": str(bob.id), "to_contact": str(anna.id), "kind": "reports_to",
                              "strength": "4"})
    assert response.status_code == 303
    page = rep.get(f"/opportunities/{deal.id}")
    assert "Recorded: Bob reports to Anna &lt;b&gt;Nowak&lt;/b&gt;." in page.text
    assert "<b>Nowak</b>" not in page.text  # user text is escaped in the table, the SVG and the log
    section = page.text.split('id="buying-center"')[1].split('id="open-tasks"')[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="buying-center-diagram"' in section
    assert f'data-contact-id="{anna.id}"' in section and f'data-contact-id="{bob.id}"' in section
    assert "<script" not in section
    assert f'id="contact-{anna.id}"' in section and "Economic buyer" in section and "Signs the order" in section
    assert "Bob <strong>reports to</strong> Anna &lt;b&gt;Nowak&lt;/b&gt;" in section
    assert 'id="buying-center-legend"' in section and 'id="add-relationship"' in section
    for kind in ("Added a person to the buying center: Anna &lt;b&gt;Nowak&lt;/b&gt;", "Added a relationship"):
        assert kind in page.text


def test_a_form_that_does_not_fit_comes_back_with_its_values_and_a_message_beside_each_field(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    response = add(rep, deal.id, name=" ", job_title="Head of IT", role="pope", influence="9")
    assert response.status_code == 422
    for field in ("name", "role", "influence"):
        assert f'id="bc-add-error-{field}"' in response.text, field
    assert 'value="Head of IT"' in response.text and 'id="buying-center-errors"' in response.text
    assert engine.buying_center(deal.id, viewer="rep1").contacts == ()

    add(rep, deal.id, name="Anna")
    add(rep, deal.id, name="Bob")
    anna, bob = engine.buying_center(deal.id, viewer="rep1").contacts
    response = rep.post(f"/opportunities/{deal.id}/relationships",
                        data={"from_contact": str(anna.id), "to_contact": str(anna.id), "kind": "friends_with",
                              "strength": "3"})
    assert response.status_code == 422 and 'id="bc-rel-error-to_contact"' in response.text
    response = rep.post(f"/contacts/{bob.id}", data={"name": "", "influence": "4"})
    assert response.status_code == 422
    assert f'id="bc-edit-{bob.id}-error-name"' in response.text
    assert f'<details open>' in response.text  # the edit form with the mistake is open
    assert engine.buying_center(deal.id, viewer="rep1").relationships == ()


def test_the_manager_changes_and_removes_people_and_relationships(app, engine):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna")
    bob = engine.add_contact(deal.id, actor="rep1", name="Bob")
    rel = engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id,
                                  kind="listens_to")
    manager = client_for(app, "manager")
    response = manager.post(f"/contacts/{anna.id}", data={
        "name": "Anna N.", "job_title": "CEO", "role": "decision_maker", "influence": "5", "attitude": "supporter",
        "notes": "Met twice"})
    assert (response.status_code, response.location) == (303, f"/opportunities/{deal.id}#buying-center")
    changed = engine.contact(anna.id, viewer="manager")
    assert (changed.name, changed.job_title, changed.role, changed.influence, changed.attitude, changed.notes) == (
        "Anna N.", "CEO", "decision_maker", 5, "supporter", "Met twice")
    assert manager.post(f"/relationships/{rel.id}/remove").status_code == 303
    assert manager.post(f"/contacts/{bob.id}/remove", data={"confirm": "yes"}).status_code == 303
    center = engine.buying_center(deal.id, viewer="manager")
    assert [c.name for c in center.contacts] == ["Anna N."] and center.relationships == ()
    page = manager.get(f"/opportunities/{deal.id}")
    assert "Bob is no longer in the buying center" in page.text


@pytest.mark.parametrize("user", ["rep3", "manager2"])
def test_someone_who_may_not_see_the_deal_gets_404_from_every_form_and_nothing_leaks(app, engine, user):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name=SECRET_PERSON)
    bob = engine.add_contact(deal.id, actor="rep1", name="Bob")
    rel = engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id,
                                  kind="reports_to")
    outsider = client_for(app, user)
    for response in (
            add(outsider, deal.id, name="Mole"),
            add(outsider, deal.id, name=""),  # a mistake in the form says nothing either
            outsider.post(f"/contacts/{anna.id}", data={"name": "X"}),
            outsider.post(f"/contacts/{anna.id}", data={"name": ""}),
            outsider.post(f"/contacts/{anna.id}/remove"),
            outsider.post(f"/opportunities/{deal.id}/relationships",
                          data={"from_contact": str(anna.id), "to_contact": str(bob.id), "kind": "friends_with"}),
            outsider.post(f"/relationships/{rel.id}/remove"),
            outsider.get(f"/opportunities/{deal.id}")):
        assert response.status_code == 404
        assert_nothing_leaks(response, TITLE, PARTNER, SECRET_PERSON)
    center = engine.buying_center(deal.id, viewer="rep1")
    assert [c.name for c in center.contacts] == [SECRET_PERSON, "Bob"] and len(center.relationships) == 1


def test_a_closed_deal_shows_its_buying_center_without_forms_and_refuses_changes(app, engine):
    deal = open_deal(engine)
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna")
    after = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5"})
    offer = next(t.id for t in after.open_tasks if t.node_id == "Task_Offer")
    engine.complete_task(offer, actor="rep1", data={"result": "rejected"})
    rep = client_for(app, "rep1")
    page = rep.get(f"/opportunities/{deal.id}")
    assert f'id="contact-{anna.id}"' in page.text and "stays as it was at the close" in page.text
    assert 'id="add-contact"' not in page.text and f'id="remove-contact-{anna.id}"' not in page.text
    assert add(rep, deal.id, name="Late").status_code == 409
    assert rep.post(f"/contacts/{anna.id}/remove", data={"confirm": "yes"}).status_code == 409


def test_the_forms_need_the_csrf_token(engine):
    app = make_app(engine, csrf=True)
    deal = open_deal(engine)
    client = app.test_client()
    client.post("/login", data={"username": "rep1", "password": "demo",
                                "csrf_token": csrf_token(client.get("/login").text)})
    assert add(client, deal.id, name="No token").status_code == 400
    token = csrf_token(client.get(f"/opportunities/{deal.id}").text)
    assert add(client, deal.id, name="With token", csrf_token=token).status_code == 303
    assert [c.name for c in engine.buying_center(deal.id, viewer="rep1").contacts] == ["With token"]
