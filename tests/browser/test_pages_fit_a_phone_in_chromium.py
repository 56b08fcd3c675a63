"""Every main page fits a 390 px phone (issue 15), in a real Chromium against the real
server: each page is opened by the role that uses it, on the demo's data plus a deal
with a buying center and a history, and the document must not be wider than the
screen. A failure names the page, its width and the widest elements sticking out."""

from __future__ import annotations

import pytest

from tests.browser import test_deal_changes_in_chromium as deal_changes
from tests.browser.conftest import log_in, serve

PHONE = 390

# The elements whose right edge passes the screen, outermost first: their tag, id and
# classes, and how far right they reach (an element inside a scrolling box is not
# counted: the box scrolls, the page does not).
STICKING_OUT = """(limit) => {
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5 || scrolls(el)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    found.push(name + ' right=' + Math.round(box.right));
  }
  return found.slice(0, 6);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo (a dozen deals walked to various stages, their year of history) plus
    rep1's deal with three people, two relationships and its history; yields (url, pages
    by role)."""
    from engine.demo import seed_demo
    from engine.service import Engine
    from tests.conftest import SHIPPED, FakeClock
    from webui import create_app

    folder = tmp_path_factory.mktemp("phone")
    # A fixed "today": what the agenda, week, forecast and reports show depends on the day.
    engine = Engine(f"sqlite:///{folder / 'dealflow.db'}", clock=FakeClock())
    seed_demo(engine, str(SHIPPED), count=12, history=12)
    deal = engine.create_opportunity(
        actor="manager", title="Chłodnie i regały dla sieci Delikatesy Centrum – etap drugi, województwo mazowieckie",
        amount="148000.00", partner="Delikatesy Centrum Spółka z ograniczoną odpowiedzialnością",
        attributes={"channel": "retail_chain", "territory": "PL-MZ"}, owner="rep1")
    anna = engine.add_contact(deal.id, actor="rep1", name="Anna Nowak-Wiśniewska", job_title="Dyrektor finansowy",
                              role="economic_buyer", influence=5, attitude="supporter")
    piotr = engine.add_contact(deal.id, actor="rep1", name="Piotr Zieliński", job_title="Kierownik sklepów",
                               role="user", influence=2, attitude="opponent")
    ewa = engine.add_contact(deal.id, actor="rep1", name="Ewa Kowalczyk", job_title="Kierownik zakupów",
                             role="technical_evaluator", influence=4, attitude="neutral")
    engine.add_relationship(deal.id, actor="rep1", from_contact=piotr.id, to_contact=anna.id, kind="reports_to")
    engine.add_relationship(deal.id, actor="rep1", from_contact=ewa.id, to_contact=anna.id, kind="reports_to")
    task = next(t for t in engine.list_tasks("rep1") if t.opportunity_id == deal.id)
    pages = {
        "rep1": ["/", f"/opportunities/{deal.id}", f"/tasks/{task.id}", "/deals",
                 f"/deals/{deal.id}/edit", "/board", "/board?view=table", "/partners", "/agenda", "/calendar/week",
                 "/notifications", "/lists", f"/partners/{deal.partner_id}"],
        "manager": ["/", f"/opportunities/{deal.id}", "/deals", "/deals/new", "/board", "/board?view=table",
                    "/pipeline", "/forecast", "/warnings", "/reports/pipeline", "/reports/lost", "/reports/changes",
                    "/reports/methodologies", "/quotas", "/win-model", "/notifications", "/segments",
                    "/segments?segment=horeca&methodology=key-account",  # the swap's stage map, by names
                    "/partners", "/leads/import", "/agenda", "/calendar/week"],
        "designer": ["/", "/methodologies", "/methodologies/validate", "/methodologies/workers",
                     "/methodologies/key-account/diff", "/notifications", "/board", "/deals", "/pipeline",
                     "/warnings", "/reports/pipeline"],
        "admin": ["/", "/admin/users", "/admin/users/rep1/tokens", "/methodologies", "/board", "/notifications"],
    }
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests"}))
    try:
        yield url, pages, deal.id
    finally:
        stop()
        engine.close()


screenshots = deal_changes.screenshots  # the folder of DEALFLOW_SCREENSHOTS, else the test's own


@pytest.mark.parametrize("role", ["rep1", "manager", "designer", "admin"])
def test_every_page_of_a_role_fits_a_390_px_phone(site, browser, screenshots, role):
    url, pages, deal_id = site
    context = browser.new_context(timezone_id="Europe/Warsaw", locale="pl-PL",
                                  viewport={"width": PHONE, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, url, role)
        too_wide = []
        for path in pages[role]:
            answer = page.goto(url + path)
            assert answer.status == 200, f"{role} {path}: {answer.status}"
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE:
                too_wide.append(f"{path} is {width} px wide: {', '.join(page.evaluate(STICKING_OUT, PHONE))}")
            if path == f"/opportunities/{deal_id}":
                for tab in ("tasks", "questionnaires", "history", "buying"):  # the deal page's other tabs too
                    page.click(f"#tab-{tab}")
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > PHONE:
                        too_wide.append(f"{path} ({tab} tab) is {width} px wide: "
                                        f"{', '.join(page.evaluate(STICKING_OUT, PHONE))}")
                page.screenshot(path=str(screenshots / f"deal-{role}-{PHONE}.png"), full_page=True)
                drawing = page.locator("#buying-center-diagram svg")
                assert drawing.count() == 1, "the deal page draws its buying center"
                box = drawing.bounding_box()
                if box["x"] < 0 or box["x"] + box["width"] > PHONE:
                    too_wide.append(f"{path}: the buying-center drawing is {box['width']:.0f} px wide at "
                                    f"x={box['x']:.0f}, so it is clipped")
        assert not too_wide, f"{role}'s pages wider than {PHONE} px:\n" + "\n".join(too_wide)
    finally:
        context.close()


@pytest.mark.parametrize("role", ["rep1", "manager"])
def test_the_deal_page_keeps_its_desktop_layout_at_1366_px(site, browser, screenshots, role):
    """The phone rules leave the laptop alone: the deal page fits 1366 px and its
    buying-center drawing keeps its natural size (screenshots to compare)."""
    url, pages, deal_id = site
    context = browser.new_context(timezone_id="Europe/Warsaw", locale="pl-PL", viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, url, role)
        page.goto(f"{url}/opportunities/{deal_id}#buying-center")  # the tab with the drawing
        page.screenshot(path=str(screenshots / f"deal-{role}-1366.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        drawing = page.locator("#buying-center-diagram svg")
        natural = float(drawing.get_attribute("width"))
        assert drawing.bounding_box()["width"] == pytest.approx(natural, abs=1)
    finally:
        context.close()
