"""The designer's methodology screens: deployed versions, validating the server's
folder (every problem as path:line: message, nothing deployed), deploying from the
web (the deploy use case, audited) and the difference between two versions. Reps,
managers and anonymous visitors are refused; every POST needs its CSRF token."""

import shutil

import pytest

from tests.conftest import BASE_METHODOLOGY, make_engine
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, open_deal, with_passwords

STAGES = "stages/small-deal.yaml"


@pytest.fixture
def folder(tmp_path):
    """A copy of the base test methodology: the folder the server deploys from."""
    copy = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, copy)
    return copy


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    engine.create_user("designer", "designer", "Dana Designer")
    yield with_passwords(engine)
    engine.close()


@pytest.fixture
def app(engine, folder):
    app = make_app(engine)
    app.config["METHODOLOGIES_PATH"] = str(folder)
    return app


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def change_offer(folder):
    edit(folder / STAGES, 'version: "1.0"', 'version: "1.1"')
    edit(folder / STAGES, "    name: Oferta\n    probability: 50\n", "    name: Oferta\n    probability: 55\n")


def test_the_designer_sees_each_methodology_with_its_versions_deals_and_segments(app, engine):
    open_deal(engine)
    page = client_for(app, "designer").get("/methodologies")
    assert page.status_code == 200
    assert 'id="nav-methodologies"' in page.text and 'id="nav-admin"' not in page.text
    row = page.text.split('id="version-small-deal-1"')[1].split("</tr>")[0]
    assert "1.0" in row and "admin" in row and "2026-11-02 09:00 UTC" in row
    assert '<td data-label="Open deals" class="num">1</td>' in row
    assert "new deals" in row and "Everyone else, HORECA" in row  # the segments routed to it, by name


def test_times_are_shown_in_the_users_time_zone(app):
    client = client_for(app, "designer")
    client.set_cookie("tz", "Europe/Warsaw")
    assert "2026-11-02 10:00 CET" in client.get("/methodologies").text


def test_a_broken_file_is_shown_as_path_line_message_and_nothing_is_deployed(app, engine, folder):
    edit(folder / STAGES, "    probability: 50\n", "    probability: fifty\n")
    edit(folder / STAGES, "    outcome: won\n", "    outcome: victory\n")
    client = client_for(app, "designer")
    page = client.get("/methodologies/validate")
    assert page.status_code == 200
    problems = [line for line in page.text.split('<code class="problem">')[1:]]
    assert len(problems) == 2  # every problem at once
    assert all(p.startswith(f"{STAGES}:") for p in problems)
    assert "2 problems to fix first." in page.text
    failed = client.post("/methodologies/deploy")
    assert failed.status_code == 400
    assert "Nothing was deployed: 2 problems" in failed.text and f"{STAGES}:" in failed.text
    assert [v.number for m in engine.methodologies_overview(viewer="designer") for v in m.versions] == [1]


def test_validate_deploy_and_see_what_changed(app, engine, folder):
    deal = open_deal(engine)
    change_offer(folder)
    client = client_for(app, "designer")
    valid = client.get("/methodologies/validate")
    assert 'id="valid"' in valid.text and "files valid" in valid.text
    done = client.post("/methodologies/deploy")
    assert done.status_code == 303 and done.location.endswith("/methodologies?deployed=small-deal:2")
    page = client.get(done.location)
    assert "Deployed small-deal 1.1 (its version 2)." in page.text
    shown = page.text.split('id="deployed-small-deal"')[1].split("</article>")[0]
    assert "stage \u201cOferta\u201d (offer)" in shown and "probability 50 % -&gt; 55 %" in shown
    row2 = page.text.split('id="version-small-deal-2"')[1].split("</tr>")[0]
    assert "Dana Designer" in row2 and '<td data-label="Open deals" class="num">0</td>' in row2 and "new deals" in row2
    row1 = page.text.split('id="version-small-deal-1"')[1].split("</tr>")[0]
    assert '<td data-label="Open deals" class="num">1</td>' in row1  # the open deal stays on its version
    assert engine.show_opportunity(deal.id).methodology_label == "1.0"
    again = client.post("/methodologies/deploy")
    assert again.status_code == 303
    assert "Nothing to deploy: every methodology is unchanged." in client.get(again.location).text
    audit = engine.organisation_overview(viewer="admin").audit
    assert [(e.kind, e.actor, e.subject) for e in audit][-1] == ("methodologies_deployed", "designer",
                                                                 "small-deal@1.1")


def test_any_two_versions_compare_both_ways(app, engine, folder):
    change_offer(folder)
    engine.deploy(str(folder), actor="designer")
    edit(folder / STAGES, 'version: "1.1"', 'version: "1.2"')
    edit(folder / "questionnaires/qualification.yaml", "weight: 3", "weight: 4")
    engine.deploy(str(folder), actor="designer")
    client = client_for(app, "designer")
    page = client.get("/methodologies/small-deal/diff?old=1&new=3")
    assert page.status_code == 200
    assert "~ </span>" not in page.text  # ops sit in their own span
    stages = page.text.split('data-section="Stages"')[1].split("</ul>")[0]
    assert "probability 50 % -&gt; 55 %" in stages
    questions = page.text.split('data-section="Questionnaires"')[1].split("</ul>")[0]
    assert "weight 3 -&gt; 4" in questions
    back = client.get("/methodologies/small-deal/diff?old=2&new=1")
    assert "probability 55 % -&gt; 50 %" in back.text and 'data-section="Questionnaires"' not in back.text
    same = client.get("/methodologies/small-deal/diff?old=2&new=2")
    assert "No differences between these versions." in same.text
    assert client.get("/methodologies/small-deal/diff?old=9&new=1").status_code == 404
    assert client.get("/methodologies/nothing/diff").status_code == 404


def test_the_designers_inbox_leads_to_the_methodology_screens(app):
    page = client_for(app, "designer").get("/")
    assert 'id="designer-home"' in page.text and 'href="/methodologies"' in page.text
    assert 'id="home-users"' not in page.text
    admin = client_for(app, "admin").get("/")
    assert 'id="home-users"' in admin.text and 'id="nav-admin"' in admin.text
    rep = client_for(app, "rep1").get("/")
    assert 'id="designer-home"' not in rep.text and 'id="nav-methodologies"' not in rep.text


def test_a_designer_with_nothing_to_do_sees_where_the_work_is_instead_of_an_empty_filter_bar(app):
    page = client_for(app, "designer").get("/")
    assert 'id="designer-empty"' in page.text and "methodology screens" in page.text
    assert 'id="inbox-filters"' not in page.text and 'id="inbox-empty"' not in page.text
    filtered = client_for(app, "designer").get("/?q=nothing")  # a filter typed by hand still gets its bar
    assert 'id="inbox-filters"' in filtered.text and "Nothing to do with these filters." in filtered.text
    rep = client_for(app, "rep1").get("/")
    assert 'id="designer-empty"' not in rep.text and 'id="inbox-filters"' in rep.text


@pytest.mark.parametrize("user", ["rep1", "manager"])
def test_reps_and_managers_are_refused_every_screen(app, engine, folder, user):
    change_offer(folder)
    client = client_for(app, user)
    for path in ("/methodologies", "/methodologies/validate", "/methodologies/small-deal/diff?old=1&new=1"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "The methodology screens are for designers and admins." in page.text
    assert client.post("/methodologies/deploy").status_code == 403
    assert [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == [1]


def test_anonymous_visitors_are_sent_to_log_in(app):
    client = app.test_client()
    for path in ("/methodologies", "/methodologies/validate", "/methodologies/small-deal/diff"):
        assert client.get(path).status_code == 302
    assert client.post("/methodologies/deploy").status_code in (302, 401)


def test_deploy_needs_the_csrf_token(engine, folder):
    app = make_app(engine, csrf=True)
    app.config["METHODOLOGIES_PATH"] = str(folder)
    change_offer(folder)
    client = app.test_client()
    assert log_in(client, "designer", csrf=True).status_code == 302
    assert client.post("/methodologies/deploy").status_code == 400
    assert [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == [1]
    token = csrf_token(client.get("/methodologies").text)
    assert client.post("/methodologies/deploy", data={"csrf_token": token}).status_code == 303
    assert [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == [2, 1]


def test_a_missing_folder_is_a_problem_not_a_crash(app, engine, tmp_path):
    app.config["METHODOLOGIES_PATH"] = str(tmp_path / "nowhere")
    client = client_for(app, "designer")
    page = client.get("/methodologies/validate")
    assert page.status_code == 200
    assert f"{tmp_path / 'nowhere'}:1: no such file or folder" in page.text
    assert client.post("/methodologies/deploy").status_code == 400
    assert [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == [1]


def test_the_designer_makes_and_revokes_a_workers_token(app, engine):
    client = client_for(app, "designer")
    assert 'id="workers-link"' in client.get("/methodologies").text
    made = client.post("/methodologies/workers", data={"name": "erp", "topics": "invoice, credit-check"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    secret = made.text.split('id="token-secret">')[1].split("<")[0]
    assert engine.worker_for_token(secret).topics == ("credit-check", "invoice")
    listed = client.get("/methodologies/workers")
    assert secret not in listed.text and "credit-check, invoice" in listed.text and "in use" in listed.text
    empty = client.post("/methodologies/workers", data={"name": "erp", "topics": ""})
    assert empty.status_code == 303 and "name at least one topic" in client.get(empty.location).text
    unticked = client.post("/methodologies/workers/erp/revoke")  # the confirm box left empty
    assert "were not revoked: tick the box" in client.get(unticked.location).text
    assert [t.revoked_at for t in engine.worker_tokens()] == [None]
    revoked = client.post("/methodologies/workers/erp/revoke", data={"confirm": "yes"})
    assert revoked.status_code == 303
    assert "1 token(s) of worker erp revoked." in client.get(revoked.location).text
    assert client.post("/methodologies/workers/erp/revoke", data={"confirm": "yes"}).status_code == 404  # none live any more


@pytest.mark.parametrize("user", ["rep1", "manager"])
def test_reps_and_managers_may_not_touch_workers_tokens(app, engine, user):
    engine.create_worker_token("erp", ["invoice"], actor="admin")
    client = client_for(app, user)
    assert client.get("/methodologies/workers").status_code == 403
    assert client.post("/methodologies/workers", data={"name": "x", "topics": ""}).status_code == 403
    assert client.post("/methodologies/workers/erp/revoke", data={"confirm": "yes"}).status_code == 403
    assert [t.revoked_at for t in engine.worker_tokens()] == [None]


def test_workers_tokens_need_login_and_csrf(engine):
    app = make_app(engine, csrf=True)
    client = app.test_client()
    assert client.get("/methodologies/workers").status_code == 302
    assert client.post("/methodologies/workers").status_code == 400  # CSRF is checked first
    assert log_in(client, "designer", csrf=True).status_code == 302
    assert client.post("/methodologies/workers", data={"name": "erp", "topics": "x"}).status_code == 400
    assert client.post("/methodologies/workers/erp/revoke").status_code == 400
    assert engine.worker_tokens() == []
