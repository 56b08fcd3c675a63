"""The segments page: a manager previews a swap (dry run), confirms it, sees it in
the history and reverses it; everyone else gets a 403 and no nav link."""

import pytest

from engine.errors import PermissionDeniedError

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
    assert "Small deal 1.0" in row and "routing file" in row and ">1</td>" in row
    assert "small-deal@" not in row  # the methodology's name and version, not its id
    assert '<option value="quick-deal@1.0" >Quick deal 1.0 (exactly this version)</option>' in page.text
    assert '<option value="quick-deal" >Quick deal (newest version)</option>' in page.text


def offer_deal(engine, title="Hotel Pod Lipami"):
    """A HORECA deal of rep1's at small-deal's 'offer' stage ("Oferta"), which quick-deal lacks."""
    deal = engine.create_opportunity(title=title, amount="30000.00", partner="Hotel Pod Lipami",
                                     attributes={"channel": "horeca", "territory": "PL-N"}, actor="manager")
    deal = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "30000"})
    assert deal.stage_id == "offer"
    return deal


def test_choosing_the_methodology_lists_each_stage_by_name_with_its_deals_and_a_select_by_name(app, engine):
    horeca_deal(engine)
    offer_deal(engine)
    page = client_for(app, "manager").get("/segments?segment=horeca&methodology=quick-deal")
    assert page.status_code == 200
    assert "Small deal 1.0 → Quick deal 1.0" in page.text
    offer = page.text.split('id="map-row-offer"')[1].split("</tr>")[0]
    assert ">Oferta</label>" in offer and '<td class="num" data-label="Open deals">1</td>' in offer
    assert 'name="map-offer" class="unmapped"' in offer  # a deal sits there: marked until a stage is chosen
    assert '<option value="" selected>(choose…)</option>' in offer  # quick-deal has no 'offer' stage
    assert '<option value="proposal" >Proposal</option>' in offer
    qualification = page.text.split('id="map-row-qualification"')[1].split("</tr>")[0]
    assert '<option value="qualification" selected>Qualification</option>' in qualification
    lead = page.text.split('id="map-row-lead"')[1].split("</tr>")[0]
    assert "unmapped" not in lead and "required" not in lead and '<option value="lead" selected>Lead</option>' in lead
    assert "map-" not in page.text.split('id="swap-form"')[1].split("</form>")[0]  # no ids to type


def test_preview_lists_the_deals_that_move_and_those_that_stay_then_swap_moves_them(app, engine):
    bistro = horeca_deal(engine)
    hotel = offer_deal(engine)
    client = client_for(app, "manager")
    form = {"segment": "horeca", "methodology": "quick-deal", "map-lead": "lead",
            "map-qualification": "qualification", "map-offer": ""}
    stays = client.get("/segments", query_string=dict(form, preview="1"))  # the stage map's form is a GET
    assert stays.status_code == 200
    assert 'id="preview-moved">1 open deal(s) would move.' in stays.text
    row = stays.text.split(f'id="preview-deal-{bistro.id}"')[1].split("</tr>")[0]
    assert ">Bistro</a>" in row and ">P</td>" in row and "Kwalifikacja" in row and "→ Qualification" in row
    why = stays.text.split(f'id="preview-stays-{hotel.id}"')[1].split("</tr>")[0]
    assert ">Hotel Pod Lipami</a>" in why and "Oferta" in why
    # Said with names, not ids: the deal's stage as small-deal calls it, quick-deal by name and version.
    assert "no stage &#39;Oferta&#39; in Quick deal 1.0 and the stage map does not say where it goes" in why
    assert "offer" not in why.split('data-label="Why not">')[1] and "quick-deal" not in why

    moves = client.get("/segments", query_string=dict(form, preview="1", **{"map-offer": "proposal"}))
    assert 'id="preview-moved">2 open deal(s) would move.' in moves.text and "preview-stays-" not in moves.text
    row = moves.text.split(f'id="preview-deal-{hotel.id}"')[1].split("</tr>")[0]
    assert "Oferta" in row and "→ Proposal" in row
    confirm = moves.text.split('id="swap-confirm-form"')[1].split("</form>")[0]
    assert '<input type="hidden" name="map-offer" value="proposal">' in confirm  # the same mapping
    assert engine.show_opportunity(hotel.id).methodology_id == "small-deal"  # nothing changed yet

    done = client.post("/segments/swap", data=dict(form, **{"map-offer": "proposal"}))
    assert done.status_code == 303
    page = client.get("/segments")
    assert "Swap #1: horeca now follows Quick deal 1.0; 2 open deal(s) moved, 0 could not." in page.text
    assert engine.show_opportunity(hotel.id).stage_id == "proposal"
    assert engine.show_opportunity(bistro.id).stage_id == "qualification"
    assert engine.list_swaps()[0].stage_map == {"offer": "proposal"}
    assert 'id="reverse-1"' in page.text
    back = client.post("/segments/swaps/1/reverse", data={"confirm": "yes"})
    assert back.status_code == 303
    page = client.get("/segments")
    assert "Swap #1 reversed (swap #2)" in page.text and 'id="reverse-' not in page.text
    assert engine.show_opportunity(hotel.id).methodology_id == "small-deal"


def test_a_stage_that_is_not_in_the_target_is_a_message_not_a_swap(app, engine):
    horeca_deal(engine)
    page = client_for(app, "manager").post("/segments/swap", data={
        "segment": "horeca", "methodology": "quick-deal", "map-offer": "propsal"})
    assert page.status_code == 400
    assert "&#39;propsal&#39; is not a stage of quick-deal; did you mean &#39;proposal&#39;?" in page.text
    assert 'id="swap-map"' in page.text  # the stage selects are shown again
    assert engine.list_swaps() == []


def test_an_unknown_segment_in_the_address_is_a_message(app, engine):
    page = client_for(app, "manager").get("/segments?segment=nope&methodology=quick-deal")
    assert page.status_code == 400 and "no segment &#39;nope&#39;" in page.text


def test_reversing_twice_is_a_message_not_an_error_page(app, engine):
    horeca_deal(engine)
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    engine.reverse_swap(swap.swap_id, actor="manager")
    client = client_for(app, "admin")
    assert client.post(f"/segments/swaps/{swap.swap_id}/reverse", data={"confirm": "yes"}).status_code == 303
    assert "was already reversed by swap 2" in client.get("/segments").text


@pytest.mark.parametrize("who", ["rep1", "rep3", "designer"])
def test_reps_and_designers_get_403_on_every_segments_endpoint_and_no_nav_link(app, engine, who):
    engine.create_user("designer", "designer")
    engine.ensure_demo_user("designer", "designer", "designer")
    horeca_deal(engine)
    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    client = client_for(app, who)
    assert 'id="nav-segments"' not in client.get("/").text
    assert client.get("/segments").status_code == 403
    assert client.get("/segments?segment=horeca&methodology=small-deal").status_code == 403
    with pytest.raises(PermissionDeniedError):
        engine.swap_options("horeca", "small-deal", viewer=who)
    form = {"segment": "horeca", "methodology": "small-deal", "map-proposal": "offer"}
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
    assert refused.status_code == 400 and engine.list_swaps() == []
    assert client.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal"}).status_code == 400
    token = csrf_token(page.text)
    ok = client.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal",
                                                "map-lead": "lead", "csrf_token": token})
    assert ok.status_code == 303
    done = client.post("/segments/swap", data={"segment": "horeca", "methodology": "quick-deal",
                                               "csrf_token": csrf_token(client.get(ok.location).text)})
    assert done.status_code == 303 and len(engine.list_swaps()) == 1


def test_the_preview_is_an_address_a_reload_shows_again_without_posting(app, engine):
    """Issue 15: the preview stayed at the address of a POST (a reload resubmitted it).
    The stage map's form is a GET of the page with preview=1; a posted preview (an older
    page, a script) is answered Post/Redirect/Get to that address."""
    horeca_deal(engine)
    client = client_for(app, "manager")
    page = client.get("/segments?segment=horeca&methodology=quick-deal").text
    form = page.split('id="swap-map-form"')[0].rsplit("<form", 1)[1] + page.split('id="swap-map-form"')[1]
    form = form.split("</form>")[0]
    assert 'method="get"' in form and 'action="/segments#swap-preview-result"' in form
    assert 'name="preview" value="1"' in form and "csrf_token" not in form  # a GET carries no token
    posted = client.post("/segments/preview", data={"segment": "horeca", "methodology": "quick-deal",
                                                   "map-lead": "lead", "map-qualification": "qualification"})
    assert posted.status_code == 303
    assert posted.location == ("/segments?segment=horeca&methodology=quick-deal&map-lead=lead"
                               "&map-qualification=qualification&preview=1#swap-preview-result")
    for _ in range(2):  # opened, then reloaded: the same preview, and nothing swapped
        shown = client.get(posted.location)
        assert shown.status_code == 200 and 'id="preview-moved">1 open deal(s) would move.' in shown.text
    assert engine.list_swaps() == []
    refused = client.get("/segments?segment=horeca&methodology=nope&preview=1")
    assert refused.status_code == 400 and 'id="swap-preview-result"' not in refused.text


def test_a_stage_sent_empty_is_matched_again_and_a_preview_needs_no_stage_chosen(app, engine):
    """A preview's address with a stage left at "choose…" (map-qualification=) showed that
    stage at "choose…" again though the target has a stage of that id; and the selects
    were 'required', so a Preview with a stage not chosen did nothing at all (the browser
    stopped it without a word a script could see). The preview now says which deals stay."""
    hotel = offer_deal(engine)
    page = client_for(app, "manager").get("/segments", query_string={
        "segment": "horeca", "methodology": "quick-deal", "map-lead": "", "map-qualification": "", "map-offer": "",
        "preview": "1"})
    assert page.status_code == 200
    qualification = page.text.split('id="map-row-qualification"')[1].split("</tr>")[0]
    assert '<option value="qualification" selected>Qualification</option>' in qualification
    assert 'id="preview-moved">0 open deal(s) would move.' in page.text
    assert f'id="preview-stays-{hotel.id}"' in page.text and "required" not in page.text.split('id="swap-map"')[1]


def test_the_page_offers_what_the_facade_suggests_and_keeps_what_was_chosen(app, engine):
    """The offer for each stage (same id, else same name) is the façade's
    (SwapOptions.suggested, engine.rules.swap_plan); the page only shows it, and a stage
    the address chose keeps its choice."""
    offer_deal(engine)
    options = engine.swap_options("horeca", "quick-deal", viewer="manager")
    assert options.suggested == {"lead": "lead", "qualification": "qualification", "offer": ""}
    page = client_for(app, "manager").get("/segments?segment=horeca&methodology=quick-deal&map-lead=proposal")
    lead = page.text.split('id="map-row-lead"')[1].split("</tr>")[0]
    assert '<option value="proposal" selected>Proposal</option>' in lead
    qualification = page.text.split('id="map-row-qualification"')[1].split("</tr>")[0]
    assert '<option value="qualification" selected>Qualification</option>' in qualification


def test_the_preview_rows_come_named_from_the_facade_and_show_the_owners_name(app, engine):
    """The view model names everything (SwapOptions.preview): the owner by display name
    (the username where none is set), the stages by their methodologies' names; the
    page only renders it."""
    engine.create_user("anna", "rep", "Anna Nowak")
    engine.add_team_member("horeca", "anna")
    anna = engine.create_opportunity(title="Bistro Anny", amount="1000.00", partner="P", actor="manager", owner="anna",
                                     attributes={"channel": "horeca", "territory": "PL-N"})
    hotel = offer_deal(engine)  # rep1's, who has no display name
    options = engine.swap_options("horeca", "quick-deal", viewer="manager")
    report = engine.swap_segment("horeca", "quick-deal", dry_run=True, actor="manager")
    moving, staying = options.preview(report)
    assert [(r.id, r.owner_name, r.stage_name, r.to_stage_name) for r in moving] == [
        (anna.id, "Anna Nowak", "Kwalifikacja", "Qualification")]
    assert [(r.id, r.title, r.owner_name, r.stage_name, r.why_not) for r in staying] == [
        (hotel.id, "Hotel Pod Lipami", "rep1", "Oferta",
         "no stage 'Oferta' in Quick deal 1.0 and the stage map does not say where it goes")]
    page = client_for(app, "manager").get("/segments", query_string={
        "segment": "horeca", "methodology": "quick-deal", "preview": "1"}).text
    row = page.split(f'id="preview-deal-{anna.id}"')[1].split("</tr>")[0]
    assert '<td data-label="Owner">Anna Nowak</td>' in row and '<td data-label="To stage">→ Qualification</td>' in row


def test_after_a_reversal_the_deals_it_left_are_explained_with_names(app, engine):
    """A reason only a real swap or its reversal meets (not the preview) is said with
    the stage's and the methodology's names, as the preview's "why not" is."""
    worked = horeca_deal(engine, "Worked")
    swap = engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    engine.complete_task(engine.show_opportunity(worked.id).open_tasks[0].id, actor="rep1",
                         data={"budget_confirmed": True})
    client = client_for(app, "manager")
    assert client.post(f"/segments/swaps/{swap.swap_id}/reverse", data={"confirm": "yes"}).status_code == 303
    page = client.get("/segments").text
    assert ('<p class="flash flash-warning" role="status">Not moved (1 deal): stage &#39;Oferta&#39; of Small deal 1.0 '
            "is entered where a swap cannot start: Task_Offer is inside subprocess Sub_Offer</p>") in page
    assert "small-deal" not in page.split("flash-warning")[1].split("</p>")[0]
