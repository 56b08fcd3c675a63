"""A rep records the customer's buying center on the opportunity page, in a real
Chromium against the real server (CSRF on), and sees the diagram draw it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_site, log_in


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Chłodnie dla Delikatesów", amount="48000.00", partner="Delikatesy Centrum",
                   attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1") as site:
        yield site


def add_person(page, name, job_title, role, influence, attitude):
    page.fill("#bc-add-name", name)
    page.fill("#bc-add-job_title", job_title)
    page.select_option("#bc-add-role", role)
    page.select_option("#bc-add-influence", influence)
    page.select_option("#bc-add-attitude", attitude)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#add-contact-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")


def test_a_rep_adds_two_people_and_a_reporting_line_and_sees_them_in_the_diagram(site, page):
    url, deal, engine = site
    log_in(page, url, "rep1")
    page.goto(f"{url}/opportunities/{deal.id}#buying-center")
    assert "Nobody in the buying center yet" in page.locator("#buying-center-diagram").inner_html()

    add_person(page, "Anna Nowak", "Dyrektor finansowy", "economic_buyer", "5", "supporter")
    add_person(page, "Piotr <Zieliński>", "Kierownik sklepów", "user", "2", "opponent")
    anna, piotr = engine.buying_center(deal.id, viewer="rep1").contacts

    page.select_option("#bc-rel-from_contact", str(piotr.id))
    page.select_option("#bc-rel-kind", "reports_to")
    page.select_option("#bc-rel-to_contact", str(anna.id))
    page.select_option("#bc-rel-strength", "4")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#add-relationship-submit")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")
    assert "Piotr <Zieliński> reports to Anna Nowak" in page.locator(".flash-success").inner_text()

    diagram = page.locator("#buying-center-diagram svg")
    anna_card = diagram.locator(f"g[data-contact-id='{anna.id}']")
    piotr_card = diagram.locator(f"g[data-contact-id='{piotr.id}']")
    assert anna_card.is_visible() and piotr_card.is_visible()
    assert "Anna Nowak" in anna_card.inner_html() and "Piotr &lt;Zieliński&gt;" in piotr_card.inner_html()
    assert "supporter" in anna_card.get_attribute("class") and "opponent" in piotr_card.get_attribute("class")
    # The boss is drawn above the one who reports to them, and the line is a solid arrow.
    anna_box, piotr_box = anna_card.bounding_box(), piotr_card.bounding_box()
    assert anna_box["y"] + anna_box["height"] <= piotr_box["y"]
    assert anna_box["width"] > piotr_box["width"]  # more influence, bigger card
    line = diagram.locator("g.relationship.formal path.line")
    assert line.count() == 1 and line.get_attribute("marker-end") == "url(#dealflow-bc-arrow)"
    assert line.get_attribute("stroke-dasharray") is None
    assert diagram.locator("g.legend").is_visible()
    assert page.locator(f"#contact-{piotr.id}").inner_text().count("Kierownik sklepów") == 1
