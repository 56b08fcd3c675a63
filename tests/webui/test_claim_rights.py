"""Issue 15's defects about who may claim and work a task: the inbox's "to claim"
count, its Claim buttons and what claiming answers follow one rule
(engine.rules.policy.may_claim); the task page offers only what the viewer may do,
and a post refused because someone claimed the task meanwhile keeps what was typed.
Rep, manager, admin and the wrong user on SQLite and PostgreSQL."""

import re

import pytest

from tests.conftest import make_engine, queue_methodology
from tests.webui.pages_support import assert_nothing_leaks, client_for, make_app, open_deal, with_passwords


@pytest.fixture
def queues(db_url, clock, tmp_path):
    """The base methodology with both lanes going to the deal team's queue ('sales':
    rep1 and rep2; the manager manages the deal but is not in the team)."""
    target = queue_methodology(tmp_path)
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("rep: owner", "rep: team_queue"), "utf-8")
    engine = with_passwords(make_engine(db_url, clock, target))
    yield engine
    engine.close()


def claim_forms(html: str) -> list[str]:
    return re.findall(r'action="/tasks/([^"/]+)/claim"', html)


def queue_count(html: str) -> int:
    return int(re.search(r'id="count-queue">(\d+)<', html).group(1))


def test_the_queue_count_the_claim_buttons_and_the_claim_itself_agree_for_everyone(queues):
    app = make_app(queues)
    for i in range(3):
        open_deal(queues, title=f"Queued deal {i}")
    tasks = [t.id for t in queues.inbox("admin").tasks]
    assert len(tasks) == 3
    seen = {}
    for user in ("rep1", "rep2", "manager", "admin"):
        client = client_for(app, user)
        page = client.get("/").text
        seen[user] = (queue_count(page), sorted(claim_forms(page)))
    # Team members may claim all three; the manager and the admin see them (the
    # deals they manage, everything) but are in no team they wait for: no button, 0.
    assert seen["rep1"] == seen["rep2"] == (3, sorted(tasks))
    assert seen["manager"] == seen["admin"] == (0, [])
    manager_page = client_for(app, "manager").get("/").text
    assert "sales's queue" in manager_page and "to claim in my teams' queues" in manager_page
    for user in ("manager", "admin"):
        refused = client_for(app, user).post(f"/tasks/{tasks[0]}/claim")
        assert refused.status_code == 403
    wrong = client_for(app, "rep3").post(f"/tasks/{tasks[0]}/claim")
    assert wrong.status_code == 404
    assert_nothing_leaks(wrong, "Queued deal")
    rep2 = client_for(app, "rep2")
    assert rep2.post(f"/tasks/{tasks[0]}/claim").status_code == 303
    after = client_for(app, "rep1").get("/").text
    assert queue_count(after) == len(claim_forms(after)) == 2 and tasks[0] not in claim_forms(after)


def test_the_task_page_offers_only_what_the_viewer_may_do(queues):
    app = make_app(queues)
    open_deal(queues, title="rep1's deal")
    task_id = open_deal(queues).open_tasks[0].id  # rep2 owns the deal; its task waits in the queue
    rep1, rep2, manager = (client_for(app, u) for u in ("rep1", "rep2", "manager"))
    queued = rep2.get(f"/tasks/{task_id}").text  # a team member: may work it or claim it
    assert 'id="task-form"' in queued and 'id="task-submit"' in queued
    managing = manager.get(f"/tasks/{task_id}").text  # may work it (manages the deal), not claim it
    assert 'id="task-form"' in managing and 'id="task-claim"' not in managing
    assert rep1.post(f"/tasks/{task_id}/claim").status_code == 303
    claimed = rep2.get(f"/tasks/{task_id}").text
    assert 'id="task-form"' not in claimed and 'id="task-submit"' not in claimed
    assert "rep1 is working on this task" in claimed
    assert 'id="task-form"' in rep1.get(f"/tasks/{task_id}").text
    assert 'id="task-form"' in manager.get(f"/tasks/{task_id}").text


def test_a_post_refused_because_someone_claimed_the_task_meanwhile_keeps_what_was_typed(queues):
    app = make_app(queues)
    open_deal(queues, title="rep1's deal")
    task_id = open_deal(queues).open_tasks[0].id  # rep2's deal
    rep1, rep2 = client_for(app, "rep1"), client_for(app, "rep2")
    assert 'id="task-form"' in rep2.get(f"/tasks/{task_id}").text  # rep2 starts typing …
    assert rep1.post(f"/tasks/{task_id}/claim").status_code == 303  # … rep1 claims it
    refused = rep2.post(f"/tasks/{task_id}", data={"amount": "4321", "interested": "false"})
    assert refused.status_code == 403
    assert 'id="task-refused"' in refused.text and "rep1 has it now." in refused.text
    assert 'name="amount" type="number" value="4321"' in refused.text
    assert '<option value="false" selected>' in refused.text
    assert 'id="task-submit"' not in refused.text
    assert queues.task(task_id, viewer="rep1").status == "ready"


# --- the buying center: changed only by whoever may change the deal ---------------------

def test_only_who_may_change_the_deal_changes_its_buying_center(app, engine):
    engine.create_user("designer", "designer")
    with_passwords(engine)
    deal = open_deal(engine)  # rep1's, managed by 'manager'
    person = {"name": "Anna", "job_title": "", "role": "", "influence": "3", "attitude": "neutral", "notes": ""}
    assert client_for(app, "rep1").post(f"/opportunities/{deal.id}/contacts", data=person).status_code == 303
    (anna,) = engine.buying_center(deal.id, viewer="rep1").contacts
    designer = client_for(app, "designer")
    page = designer.get(f"/opportunities/{deal.id}").text  # a designer sees every deal …
    assert 'id="buying-center-people"' in page and "Anna" in page
    assert 'id="add-contact"' not in page and f"/contacts/{anna.id}/remove" not in page  # … but changes none
    assert designer.post(f"/opportunities/{deal.id}/contacts", data=person).status_code == 403
    assert designer.post(f"/contacts/{anna.id}/remove", data={"confirm": "yes"}).status_code == 403
    assert [c.name for c in engine.buying_center(deal.id, viewer="rep1").contacts] == ["Anna"]
    for user in ("rep1", "manager", "admin"):
        assert 'id="add-contact"' in client_for(app, user).get(f"/opportunities/{deal.id}").text, user
    assert client_for(app, "manager").post(f"/opportunities/{deal.id}/contacts",
                                           data={**person, "name": "Bob"}).status_code == 303
    outsider = client_for(app, "rep3")
    assert outsider.post(f"/opportunities/{deal.id}/contacts", data=person).status_code == 404
