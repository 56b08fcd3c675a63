"""Issue 15: irreversible actions ask first, and work without JavaScript — removing a
person (and their relationships) and reversing a swap need a ticked box that the
server checks too; closing as lost has its confirmation page; the destructive
buttons look destructive; the hand-over lists start blank ("choose…", required) so
that nobody is handed a deal by an unchanged first option. Flask test client on
SQLite and PostgreSQL (the Chromium runs: tests/browser/test_confirmations_in_chromium.py)."""

from __future__ import annotations

import re

from tests.conftest import REPO
from tests.webui.pages_support import client_for, open_deal

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


def test_removing_a_person_needs_the_box_ticked_and_the_button_looks_destructive(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    for name in ("Anna", "Bob"):
        rep.post(f"/opportunities/{deal.id}/contacts", data={"name": name, "influence": "3", "attitude": "neutral"})
    anna, bob = engine.buying_center(deal.id, viewer="rep1").contacts
    engine.add_relationship(deal.id, actor="rep1", from_contact=bob.id, to_contact=anna.id, kind="reports_to")
    page = rep.get(f"/opportunities/{deal.id}").text
    form = page.split(f'id="remove-contact-{anna.id}"')[1].split("</form>")[0]
    assert re.search(r'<input type="checkbox" name="confirm" value="yes" required', form)
    assert 'class="danger"' in form and "every relationship of theirs" in form
    unticked = rep.post(f"/contacts/{anna.id}/remove", follow_redirects=True)
    assert "Anna was not removed: tick the box" in unticked.text
    assert [c.name for c in engine.buying_center(deal.id, viewer="rep1").contacts] == ["Anna", "Bob"]
    assert len(engine.buying_center(deal.id, viewer="rep1").relationships) == 1
    assert rep.post(f"/contacts/{anna.id}/remove", data={"confirm": "yes"}).status_code == 303
    left = engine.buying_center(deal.id, viewer="rep1")
    assert [c.name for c in left.contacts] == ["Bob"] and left.relationships == ()
    assert client_for(app, "rep3").post(f"/contacts/{bob.id}/remove").status_code == 404  # the wrong user


def test_reversing_a_swap_needs_the_box_ticked(app, engine):
    engine.deploy(str(SWAP_TARGET), actor="admin")
    deal = engine.create_opportunity(title="Bistro", amount="1000.00", partner="P", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    manager = client_for(app, "manager")
    page = manager.get("/segments").text
    form = page.split(f'id="reverse-form-{swap.swap_id}"')[1].split("</form>")[0]
    assert 'name="confirm" value="yes" required' in form and 'class="danger"' in form
    unticked = manager.post(f"/segments/swaps/{swap.swap_id}/reverse", follow_redirects=True)
    assert f"Swap #{swap.swap_id} was not reversed: tick the box to confirm." in unticked.text
    assert engine.show_opportunity(deal.id).methodology_id == "quick-deal"
    assert client_for(app, "rep1").post(f"/segments/swaps/{swap.swap_id}/reverse",
                                        data={"confirm": "yes"}).status_code == 403  # the wrong user
    assert manager.post(f"/segments/swaps/{swap.swap_id}/reverse", data={"confirm": "yes"}).status_code == 303
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"


def test_hand_over_lists_start_blank_and_a_blank_choice_changes_nothing(app, engine):
    deal = open_deal(engine)  # rep1's
    manager = client_for(app, "manager")
    page = manager.get(f"/opportunities/{deal.id}").text
    deal_select = page.split('<select name="to" id="reassign-to"')[1].split("</select>")[0]
    assert deal_select.startswith(" required>") and re.search(r'^\s*<option value="" selected>choose…</option>',
                                                              deal_select.split(">", 1)[1])
    assert 'value="rep1"' not in deal_select  # not the owner it already has
    task_id = deal.open_tasks[0].id
    task_select = page.split(f'id="reassign-task-{task_id}"')[1].split("</select>")[0]
    assert ' required>' in task_select and '<option value="" selected>choose…</option>' in task_select
    assert "selected" not in task_select.split("choose…")[1]
    blank = manager.post(f"/opportunities/{deal.id}/reassign", data={"to": ""}, follow_redirects=True)
    assert "Choose who takes the deal: nothing was changed." in blank.text
    assert engine.show_opportunity(deal.id).owner == "rep1"
    blank = manager.post(f"/tasks/{task_id}/reassign", data={"to": ""}, follow_redirects=True)
    assert "Choose who takes “Qualify the lead”: nothing was changed." in blank.text
    assert engine.task(task_id, viewer="manager").assignee == "rep1"
    assert client_for(app, "rep3").post(f"/tasks/{task_id}/reassign", data={"to": ""}).status_code == 404
    assert client_for(app, "rep1").post(f"/opportunities/{deal.id}/reassign", data={"to": ""}).status_code == 403


def test_close_as_lost_asks_on_a_page_of_its_own_and_its_buttons_look_destructive(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    assert re.search(r'<button type="submit" class="danger" id="lose-submit">',
                     rep.get(f"/opportunities/{deal.id}").text)
    asked = rep.post(f"/opportunities/{deal.id}/lose", data={"reason_code": "price"})
    assert asked.status_code == 200 and 'id="lose-confirm-submit"' in asked.text and 'class="danger"' in asked.text
    assert engine.show_opportunity(deal.id).status == "open"
