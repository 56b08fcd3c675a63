"""The segments page: a manager previews a swap (dry run), confirms it, sees it in
the history and reverses it; everyone else gets a 403 and no nav link."""

import pytest

from tests.conftest import REPO, make_engine
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, with_passwords

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


@pytest.fixture
def engine(db_url, clock):
    engine = with_passwords(make_engine(db_url, clock))
    engine.deploy(str(SWAP_TARGET), actor="admin")
    yield engine
    engine.close()


def horeca_deal(engine, title="Bistro"):
    return engine.create_opportunity(title=title, amount="1000.00", partner="P", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})


def test_the_manager_sees_segments_with_their_methodology_and_a_nav_link(app, engine):
    horeca_deal(engine)
    page = client_for(app, "manager").get("/segments")
    assert page.status_code == 200
    assert 'id="nav-segments"' in page.text
    row = page.text.split('id="segment-horeca"')[1].split("</tr>")[0]
    assert "small-deal@1.0" in row and "routing file" in row and ">1</td>" in row
    assert '<option value="quick-deal@1.0"' in page.text and '<option value="quick-deal"' in page.text


def test_preview_then_confirm_moves_the_deals_and_reverse_moves_them_back(app, engine):
    deal = horeca_deal(engine)
    client = client_for(app, "manager")
    preview = client.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal", "map": ""})
    assert preview.status_code == 200
    assert 'id="preview-moved">1 open deal(s) would move.' in preview.text
    assert "<td>qualification</td><td>qualification</td>" in preview.text
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"  # nothing changed yet
    done = client.post("/segments/swap", data={"segment": "horeca", "methodology": "quick-deal", "map": ""})
    assert done.status_code == 303
    page = client.get("/segments")
    assert "Swap #1: horeca now follows quick-deal@1.0; 1 open deal(s) moved, 0 could not." in page.text
    assert engine.show_opportunity(deal.id).methodology_id == "quick-deal"
    assert 'id="reverse-1"' in page.text
    back = client.post("/segments/swaps/1/reverse", data={"confirm": "yes"})
    assert back.status_code == 303
    page = client.get("/segments")
    assert "Swap #1 reversed (swap #2)" in page.text and 'id="reverse-' not in page.text
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"


def test_a_stage_map_with_a_typo_is_shown_on_the_page_not_swapped(app, engine):
    horeca_deal(engine)
    page = client_for(app, "manager").post("/segments/preview", data={
        "segment": "horeca", "methodology": "quick-deal", "map": "ofer=proposal"})
    assert page.status_code == 400
    assert "&#39;ofer&#39; is not a stage of small-deal; did you mean &#39;offer&#39;?" in page.text
    assert "ofer=proposal</textarea>" in page.text
    assert engine.list_swaps() == []


def test_reversing_twice_is_a_message_not_an_error_page(app, engine):
    horeca_deal(engine)
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    engine.reverse_swap(swap.swap_id, actor="manager")
    client = client_for(app, "admin")
    assert client.post(f"/segments/swaps/{swap.swap_id}/reverse", data={"confirm": "yes"}).status_code == 303
    assert "was already reversed by swap 2" in client.get("/segments").text


@pytest.mark.parametrize("who", ["rep1", "rep3"])
def test_reps_get_403_on_every_segments_endpoint_and_no_nav_link(app, engine, who):
    horeca_deal(engine)
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    client = client_for(app, who)
    assert 'id="nav-segments"' not in client.get("/").text
    assert client.get("/segments").status_code == 403
    form = {"segment": "horeca", "methodology": "small-deal", "map": ""}
    assert client.post("/segments/preview", data=form).status_code == 403
    assert client.post("/segments/swap", data=form).status_code == 403
    assert client.post(f"/segments/swaps/{swap.swap_id}/reverse").status_code == 403
    assert engine.list_swaps()[0].reversed_by_id is None


def test_anonymous_visitors_are_sent_to_the_login_page(app):
    client = app.test_client()
    assert client.get("/segments").status_code == 302
    assert client.post("/segments/swaps/1/reverse").status_code == 302


def test_forms_without_a_csrf_token_are_refused(engine):
    app = make_app(engine, csrf=True)
    client = app.test_client()
    log_in(client, "manager", csrf=True)
    page = client.get("/segments")
    assert 'name="csrf_token"' in page.text
    refused = client.post("/segments/swap", data={"segment": "horeca", "methodology": "quick-deal"})
    assert refused.status_code == 400
    token = csrf_token(page.text)
    ok = client.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal", "map": "",
                                                "csrf_token": token})
    assert ok.status_code == 200
