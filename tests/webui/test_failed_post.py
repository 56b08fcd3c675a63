"""Issue 15: after a failed post on the deal page the errors are summed up at the top
of the page (linking to the form), and the form's address opened directly leads to
the deal's page instead of a 405. Flask test client on SQLite and PostgreSQL (the
Chromium run, with the address bar and the focus: tests/browser/test_failed_post_in_chromium.py)."""

from tests.webui.pages_support import assert_nothing_leaks, client_for, open_deal


def test_a_failed_post_starts_the_page_with_a_summary_linking_to_the_form(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    failed = rep.post(f"/opportunities/{deal.id}/contacts", data={"name": "", "influence": "3", "attitude": "neutral"})
    assert failed.status_code == 422
    body = failed.text
    assert 'id="error-summary"' in body and body.index('id="error-summary"') < body.index('id="deal-title"')
    summary = body.split('id="error-summary"')[1].split("</section>")[0]
    assert 'href="#buying-center"' in summary and "name: " in summary
    assert f'data-page-url="/opportunities/{deal.id}"' in summary
    assert "form_errors.js" in body
    assert 'id="error-summary"' not in rep.get(f"/opportunities/{deal.id}").text  # only after a failed post


def test_a_forms_address_opened_directly_leads_to_the_deal_page(app, engine):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    for form in ("contacts", "activities", "lose", "probability", "lost-reason", "relationships", "close-date"):
        opened = rep.get(f"/opportunities/{deal.id}/{form}")
        assert (opened.status_code, opened.location) == (303, f"/opportunities/{deal.id}"), form
    wrong = client_for(app, "rep3").get(f"/opportunities/{deal.id}/contacts")
    assert wrong.status_code == 404
    assert_nothing_leaks(wrong)
    assert app.test_client().get(f"/opportunities/{deal.id}/contacts").status_code == 302  # to the login
