"""Issue 15's defects about scores: after a segment swap only the questionnaire
scores of the methodology version the deal follows now show (header, Sales
Assistant, the probability's "score class …"), in both directions; and one rule
(engine.rules.score_format) for how a score is written everywhere on the page.
Flask test client on SQLite and PostgreSQL; the rule itself as a unit."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pytest

from engine.rules.score_format import shown
from tests.conftest import REPO, make_engine
from tests.webui.pages_support import client_for, make_app, with_passwords

QUICK_QUESTIONNAIRE = """\
questionnaire: qualification
methodology: quick-deal
name: Quick qualification
attached_to:
  stage: qualification
questions:
  - id: fit
    text: Does it fit?
    weight: 19
    answers:
      - {id: yes, text: Yes, points: 10}
      - {id: no, text: No, points: 0}
  - id: urgency
    text: How urgent?
    weight: 1
    answers:
      - {id: high, text: High, points: 10}
      - {id: low, text: Low, points: 1}
classes:
  - {id: Q, name: Quick win, min_score: 90, probability_adjustment: 5}
  - {id: Z, name: Slow, min_score: 0}
"""


@pytest.fixture
def swapping(db_url, clock, tmp_path):
    """small-deal (with its 'qualification' questionnaire) and a quick-deal whose own
    questionnaire has the same id — the case where one methodology's record could be
    read as the other's."""
    quick = tmp_path / "quick"
    shutil.copytree(REPO / "tests" / "methodology" / "swap_target", quick)
    (quick / "questionnaires").mkdir()
    (quick / "questionnaires" / "qualification.yaml").write_text(QUICK_QUESTIONNAIRE, "utf-8")
    engine = make_engine(db_url, clock)
    engine.deploy(str(quick), actor="admin")
    yield with_passwords(engine)
    engine.close()


def header_score(html: str) -> str | None:
    found = re.search(r'id="deal-score">([^<]*)<', html)
    return found.group(1) if found else None


def assistant_score(html: str) -> str | None:
    found = re.search(r'id="score-qualification">Score <strong class="score-value">([^<]*)</strong>', html)
    return found.group(1) if found else None


def probability_source(html: str) -> str:
    return re.search(r'id="probability-source">([^<]*)<', html).group(1)


def test_after_a_swap_and_its_reversal_only_the_current_methodologys_scores_show(swapping):
    engine = swapping
    deal = engine.create_opportunity(title="Bistro", amount="1000.00", partner="Bistro Sp. z o.o.", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})
    engine.answer_questionnaire(deal.id, "qualification", {"budget": "yes", "timeline": "later"}, actor="rep1")
    rep = client_for(make_app(engine), "rep1")
    page = rep.get(f"/opportunities/{deal.id}").text
    assert (header_score(page), assistant_score(page)) == ("80 · class A", "80")
    assert probability_source(page) == "automatic: the stage and score class A"

    swap = engine.swap_segment("horeca", "quick-deal", actor="manager")
    swapped = rep.get(f"/opportunities/{deal.id}").text
    assert header_score(swapped) is None and assistant_score(swapped) is None  # small-deal's 80/A is not quick-deal's
    assert probability_source(swapped) == "automatic: the stage"
    assert engine.show_opportunity(deal.id).probability == 25  # quick-deal's stage, no class applied

    answered = rep.post(f"/opportunities/{deal.id}/questionnaires/qualification",
                        data={"q-fit": "yes", "q-urgency": "low"}, follow_redirects=True).text
    assert (header_score(answered), assistant_score(answered)) == ("95.5 · class Q", "95.5")  # one rounding rule
    assert probability_source(answered) == "automatic: the stage and score class Q"
    assert "scores 95.5 (class Q)" in answered

    engine.reverse_swap(swap.swap_id, actor="manager")
    back = rep.get(f"/opportunities/{deal.id}").text
    assert engine.show_opportunity(deal.id).methodology_id == "small-deal"
    assert header_score(back) is None and assistant_score(back) is None  # quick-deal's 95.5/Q is not small-deal's
    assert probability_source(back) == "automatic: the stage"
    assert engine.show_opportunity(deal.id).probability == 20


@pytest.mark.parametrize("value, text", [
    (Decimal("95.5"), "95.5"), ("96.0", "96"), (Decimal("67.9"), "67.9"), (68, "68"), ("0", "0"),
    (Decimal("67.95"), "68"), (Decimal("12.25"), "12.3"), ("100.0", "100"), (None, ""), ("x", ""),
])
def test_one_rule_writes_every_score(value, text):
    assert shown(value) == text
