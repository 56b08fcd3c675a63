"""The Sales Assistant in a real Chromium against the real server (CSRF on), on the
shipped MEDDPICC methodology: a rep answers the discovery questionnaire and sees the
score, class and probability with the explanation; the manager gives a suggested
activity to another rep, whose inbox then has it."""

from __future__ import annotations

import pytest

from engine.rules.score_format import shown as score_shown
from tests.browser.conftest import demo_site, log_in


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as site:
        assert site[1].methodology_id == "meddpicc" and site[1].stage_id == "discovery"
        yield site


def test_a_rep_answers_the_questionnaire_and_sees_why_the_deal_has_its_class(site, page):
    url, deal, engine = site
    log_in(page, url, "rep1")
    page.goto(f"{url}/opportunities/{deal.id}#questionnaires")
    form = page.locator("#answer-meddpicc")
    selects = form.locator("select")
    assert selects.count() >= 8
    # The first answer of each of the first four questions, the others left for later.
    for i in range(4):
        first_answer = selects.nth(i).locator("option").nth(1).get_attribute("value")
        selects.nth(i).select_option(first_answer)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#answer-submit-meddpicc")
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")

    scored = engine.sales_assistant(deal.id, viewer="rep1").questionnaires[0].score
    shown = engine.show_opportunity(deal.id)
    assert page.locator("#score-meddpicc .score-value").inner_text() == score_shown(scored.score)
    assert page.locator("#score-meddpicc .score-class").inner_text() == scored.class_id
    assert page.locator("#deal-probability").inner_text().startswith(f"{shown.probability} %")
    rows = page.locator("#explain-meddpicc tbody tr")
    assert rows.count() == len(scored.questions)
    earned = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
    assert earned == [score_shown(q.contribution) for q in scored.questions]  # the one rule for showing a score
    assert sum(float(e) for e in earned) == pytest.approx(float(scored.score), abs=0.5)
    # What was answered stays selected for the next visit.
    assert selects.nth(0).input_value() != "" and selects.nth(5).input_value() == ""


def test_the_manager_gives_a_suggested_activity_to_another_rep(site, page):
    url, deal, engine = site
    (activity, *_) = [t for t in deal.open_tasks if t.kind == "activity"]
    log_in(page, url, "manager")
    page.goto(f"{url}/opportunities/{deal.id}")
    item = page.locator(f"#activity-{activity.id}")
    assert activity.name in item.inner_text() and activity.instructions[:30] in item.inner_text()
    item.locator("select").select_option("rep2")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        item.locator("button").click()
    assert answer.value.status == 303
    page.wait_for_selector(".flash-success")
    # Whom it is given to, after the name and the 'required' badge that a required activity carries.
    given_to = page.locator(f"#activity-{activity.id} > span.muted").inner_text()
    assert given_to.startswith("— Renata Rep")  # rep2, shown by name
    assert activity.id in {t.id for t in engine.list_tasks("rep2")}
