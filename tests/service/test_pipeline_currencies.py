"""The manager's pipeline (issue 15's first defect): amounts are summed per currency,
never EUR with PLN, and stages of different methodologies (or versions) that share an
id stay apart, grouped per methodology."""

from decimal import Decimal

import pytest

from engine.errors import PermissionDeniedError
from tests.conftest import REPO, make_engine

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    engine.deploy(str(SWAP_TARGET), actor="admin")
    yield engine
    engine.close()


def deal(engine, channel, amount, currency):
    return engine.create_opportunity(title=f"{channel} {amount} {currency}", amount=amount, currency=currency,
                                     partner="P", actor="manager",
                                     attributes={"channel": channel, "territory": "PL-N"})


def test_the_pipeline_never_adds_euros_to_zloty_and_keeps_methodologies_apart(engine):
    deal(engine, "retail", "1000.00", "PLN")
    deal(engine, "retail", "500.00", "EUR")
    engine.swap_segment("horeca", "quick-deal", actor="manager")
    deal(engine, "horeca", "2000.00", "PLN")  # quick-deal, whose first stage is also 'qualification'
    view = engine.pipeline("manager")
    assert [(m.methodology_id, m.name) for m in view.methodologies] == [
        ("quick-deal", "Quick deal"), ("small-deal", "Small deal")]
    quick, small = view.methodologies
    assert [(s.stage_id, s.stage_name, s.count) for s in quick.stages] == [("qualification", "Qualification", 1)]
    assert [(s.stage_id, s.stage_name, s.count) for s in small.stages] == [("qualification", "Kwalifikacja", 2)]
    assert [(t.currency, t.amount) for t in small.stages[0].totals] == [
        ("EUR", Decimal("500.00")), ("PLN", Decimal("1000.00"))]
    assert [(t.currency, t.amount) for t in view.totals] == [("EUR", Decimal("500.00")), ("PLN", Decimal("3000.00"))]
    assert [d.methodology_id for d in view.opportunities] == ["quick-deal", "small-deal", "small-deal"]


def test_the_pipeline_is_for_managers_and_admins_only(engine):
    deal(engine, "retail", "1000.00", "PLN")
    assert len(engine.pipeline("admin").opportunities) == 1
    assert engine.pipeline("manager2").opportunities == ()
    with pytest.raises(PermissionDeniedError):
        engine.pipeline("rep1")
