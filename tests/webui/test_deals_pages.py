"""The deals pages (issue 15): My deals and Team deals with search, filters, sort,
pages and sums per currency; editing a deal from its page (errors beside the
fields, typed decimals); every route as the wrong user too."""

from __future__ import annotations

from decimal import Decimal

from tests.webui.pages_support import PARTNER, TITLE, assert_nothing_leaks, client_for, csrf_token, make_app, open_deal


def test_a_rep_finds_their_deal_by_the_partners_name(app, engine):
    mine = open_deal(engine)                                   # rep1
    open_deal(engine, title="Other", partner="Bistro Nowak")   # rep2
    page = client_for(app, "rep1").get("/deals?q=hidden+partner")
    assert page.status_code == 200 and 'id="nav-deals"' in page.text
    assert f'id="deal-{mine.id}"' in page.text and "Bistro Nowak" not in page.text
    assert 'id="deal-totals"><strong>1</strong> deal · <span class="total-PLN">1\u202f000.00 PLN' in page.text
    assert 'id="scope-team"' not in page.text  # a rep has no team list
    assert "Other" not in client_for(app, "rep1").get("/deals?scope=team").text


def test_the_manager_sees_team_deals_sorted_with_sums_per_currency(app, engine):
    open_deal(engine, title="Zloty deal")
    engine.create_opportunity(title="Euro deal", amount="500.00", currency="EUR", partner="P", actor="manager",
                              attributes={"channel": "retail"})
    page = client_for(app, "manager").get("/deals?sort=-amount").text
    assert page.index("Zloty deal") < page.index("Euro deal")
    assert '<span class="total-EUR">500.00 EUR</span>' in page and '<span class="total-PLN">1\u202f000.00 PLN' in page
    assert 'aria-sort="descending"' in page
    bad = client_for(app, "manager").get("/deals?status=maybe&sort=colour")
    assert bad.status_code == 400 and 'id="filter-errors"' in bad.text and "Zloty deal" in bad.text
    assert "Zloty deal" not in client_for(app, "manager2").get("/deals").text


def test_the_owner_edits_the_amount_typed_with_a_comma_and_the_pipeline_follows(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "rep1")
    assert 'id="edit-deal"' in client.get(f"/opportunities/{deal.id}").text
    form = client.get(f"/deals/{deal.id}/edit")
    assert form.status_code == 200 and 'id="deal-edit-form"' in form.text
    values = {"title": TITLE, "partner": PARTNER, "amount": "12 500,50", "currency": "EUR",
              "expected_close_date": "2026-12-31"}
    saved = client.post(f"/deals/{deal.id}/edit", data=values)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/opportunities/{deal.id}")
    assert engine.show_opportunity(deal.id).amount == Decimal("12500.50")
    pipeline = client_for(app, "manager").get("/pipeline").text
    assert '<strong class="total-EUR">12\u202f500.50 EUR</strong>' in pipeline


def test_a_mistake_comes_back_beside_its_field_with_what_was_typed(app, engine):
    deal = open_deal(engine)
    values = {"title": TITLE, "partner": PARTNER, "amount": "lots", "currency": "PLN",
              "expected_close_date": "2020-01-01"}
    page = client_for(app, "rep1").post(f"/deals/{deal.id}/edit", data=values)
    assert page.status_code == 422
    assert 'id="edit-error-amount"' in page.text and 'id="edit-error-expected_close_date"' in page.text
    assert 'value="lots"' in page.text
    assert engine.show_opportunity(deal.id).amount == Decimal("1000.00")


def test_the_edit_form_is_refused_to_those_who_may_not_edit(app, engine):
    deal = open_deal(engine)
    engine.create_user("designer", "designer")
    engine.ensure_demo_user("designer", "designer", "Designer")
    for user, status in (("rep2", 404), ("manager2", 404), ("designer", 403)):
        client = client_for(app, user)
        for response in (client.get(f"/deals/{deal.id}/edit"),
                         client.post(f"/deals/{deal.id}/edit", data={"amount": "1.00"})):
            assert response.status_code == status, (user, response.status_code)
            assert_nothing_leaks(response)
    assert 'id="edit-deal"' not in client_for(app, "designer").get(f"/opportunities/{deal.id}").text
    assert engine.show_opportunity(deal.id).amount == Decimal("1000.00")


def test_the_edit_form_needs_its_csrf_token(engine):
    deal = open_deal(engine)
    app = make_app(engine, csrf=True)
    client = app.test_client()
    login = client.get("/login").text
    client.post("/login", data={"username": "rep1", "password": "demo", "csrf_token": csrf_token(login)})
    refused = client.post(f"/deals/{deal.id}/edit", data={"amount": "5.00"})
    assert refused.status_code in (400, 403)
    token = csrf_token(client.get(f"/deals/{deal.id}/edit").text)
    ok = client.post(f"/deals/{deal.id}/edit", data={"amount": "5.00", "csrf_token": token})
    assert ok.status_code == 303 and engine.show_opportunity(deal.id).amount == Decimal("5.00")


def test_a_manager_previews_the_routing_then_opens_the_deal(app, engine):
    client = client_for(app, "manager")
    assert 'id="new-deal"' in client.get("/deals").text
    values = {"title": "Cold room", "partner": "Bar Mleczny", "amount": "12 500,50", "currency": "eur",
              "channel": "retail", "territory": "", "industry": "", "source": ""}
    preview = client.post("/deals/new", data={**values, "step": "preview"})
    assert preview.status_code == 200
    for text in ('id="preview-segment">Everyone else<', 'id="preview-methodology">Small deal',
                 'id="preview-owner">', '12\u202f500.50 EUR', 'id="preview-new-partner"', 'id="new-deal-open"'):
        assert text in preview.text, text
    assert engine.deals("manager").total == 0  # a preview opens nothing
    opened = client.post("/deals/new", data={**values, "step": "open"})
    assert opened.status_code == 303
    (deal,) = engine.deals("manager").rows
    assert opened.headers["Location"].endswith(f"/opportunities/{deal.id}")
    assert (deal.amount, deal.currency, deal.segment_id) == (Decimal("12500.50"), "EUR", "everyone-else")


def test_the_new_deal_form_shows_mistakes_beside_fields_and_is_for_managers(app, engine):
    page = client_for(app, "manager").post("/deals/new", data={"title": "", "partner": "P", "amount": "lots",
                                                                 "currency": "PLN", "step": "preview"})
    assert page.status_code == 422 and 'id="new-error-amount"' in page.text and 'id="new-error-title"' in page.text
    rep = client_for(app, "rep1")
    assert 'id="new-deal"' not in rep.get("/deals").text
    for response in (rep.get("/deals/new"), rep.post("/deals/new", data={"title": "x", "step": "open"})):
        assert response.status_code == 403
    assert engine.deals("admin").total == 0


def test_the_preview_says_why_a_threshold_in_another_currency_passed_the_deal_over(app, engine, tmp_path):
    from markupsafe import escape

    from tests.service.test_routing_currency import NOTE, with_big_deals

    engine.deploy(str(with_big_deals(tmp_path)), actor="admin")
    client = client_for(app, "manager")
    values = {"title": "Cold room", "partner": "Bar Mleczny", "amount": "150000", "channel": "retail",
              "territory": "", "industry": "", "source": "", "step": "preview"}
    in_euro = client.post("/deals/new", data={**values, "currency": "EUR"})
    assert 'id="preview-segment">Everyone else<' in in_euro.text
    assert f'<p class="muted routing-note">{escape(NOTE)}</p>' in in_euro.text
    in_zloty = client.post("/deals/new", data={**values, "currency": "PLN"})
    assert 'id="preview-segment">Big deals<' in in_zloty.text and "routing-note" not in in_zloty.text


def test_a_deal_row_and_the_segment_filter_name_the_segment_not_its_id(app, engine):
    """Beside the methodology's name, the segment as the routing rules name it."""
    deal = open_deal(engine)  # channel retail: the segment 'everyone-else', "Everyone else"
    page = client_for(app, "manager").get("/deals?scope=team").text
    row = page.split(f'id="deal-{deal.id}"')[1].split("</tr>")[0]
    assert '<span class="muted sub">Small deal · Everyone else</span>' in row
    assert "everyone-else" not in row
    segment_filter = page.split('id="filter-segment"')[1].split("</select>")[0]
    assert '<option value="everyone-else" >Everyone else</option>' in segment_filter  # the value stays the id


def test_each_range_filter_keeps_its_label_beside_its_own_field(app, engine):
    """On a phone the bar wraps: a label must never be left at a row's end without its
    field. Each label and its field share one span, inside the fold a phone closes."""
    open_deal(engine)
    page = client_for(app, "rep1").get("/deals?close_from=2026-01-01").text
    fold = page.split('id="deal-filter-fold"')[1].split("</details>")[0]
    for name, label in (("close-from", "Close from"), ("close-to", "to"), ("amount-min", "Amount from"),
                        ("amount-max", "to")):
        assert f'<span class="filter-field"><label for="filter-{name}">{label}</label><input ' in fold
    assert 'id="deal-filter-summary">Filters <span class="badge">1 active</span>' in fold
    refused = client_for(app, "rep1").get("/deals?amount_min=lots").text
    assert 'id="deal-filter-fold" open data-keep-open' in refused  # the refused filter stays in sight
