"""What a reader sees around the numbers (the UX review): the main menu marks the
section a page belongs to; a report table's amounts are grouped like every other amount
and its text columns' headers sit over their text; the forecast and the quotas name
people, not usernames."""

from __future__ import annotations

import re

from engine.demo import seed_demo
from engine.service import Engine
from tests.conftest import SHIPPED
from tests.service.analysis_history import seed_history
from tests.webui.pages_support import client_for, make_app, open_deal


def _current(html: str) -> list[str]:
    """The ids of the main-menu links marked as the current page."""
    nav = html[html.index('<nav class="nav"'):html.index("</nav>", html.index('<nav class="nav"'))]
    return re.findall(r'id="(nav-[\w-]+)"[^>]*aria-current="page"', nav)


def test_the_main_menu_marks_the_section_of_the_page(engine, app):
    deal = open_deal(engine)
    rep = client_for(app, "rep1")
    assert _current(rep.get("/").text) == ["nav-inbox"]
    assert _current(rep.get("/deals").text) == ["nav-deals"]
    assert _current(rep.get(f"/opportunities/{deal.id}").text) == ["nav-deals"]  # a deal belongs to Deals
    task = next(t for t in engine.list_tasks("rep1") if t.opportunity_id == deal.id)
    assert _current(rep.get(f"/tasks/{task.id}").text) == ["nav-inbox"]
    assert _current(rep.get("/reports/pipeline").text) == ["nav-analysis"]
    assert _current(rep.get("/notifications").text) == ["nav-notifications"]
    manager = client_for(app, "manager")
    assert _current(manager.get("/reports/changes").text) == ["nav-reports"]
    assert _current(manager.get("/pipeline").text) == ["nav-pipeline"]


def test_report_tables_group_amounts_and_align_text_headers_with_their_text(engine, app, clock):
    seed_history(engine, clock)
    page = client_for(app, "manager").get("/reports/pipeline").text
    stages = page[page.index('id="table-stages"'):page.index("</table>", page.index('id="table-stages"'))]
    headers = dict(re.findall(r'<th scope="col" class="([^"]*)">([^<]+)</th>', stages)[i][::-1] for i in range(4))
    assert headers == {"methodology": "", "version": "", "stage": "", "outcome": ""}  # text: left, as their cells
    assert re.search(r'<th scope="col" class="num">reached</th>', stages)
    # The open amounts: 3 000.00, not 3000.00, as everywhere else on the pages.
    assert '<td class="num">3\u202f000.00</td>' in stages and ">3000.00<" not in stages
    assert ">None<" not in stages


def test_the_forecast_and_the_quotas_name_people_not_usernames(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    try:
        seed_demo(engine, str(SHIPPED), count=0, history=0)  # the demo's people have names: "Marta Manager"
        names = engine.display_names(["manager", "rep1"])
        assert names["manager"] != "manager"
        app = make_app(engine)
        forecast = client_for(app, "manager").get("/forecast?period=2026-Q4").text
        assert f"· {names['manager']} and everyone below them" in forecast
        assert f'<option value="rep1" >{names["rep1"]}</option>' in forecast
        quotas = client_for(app, "manager").get("/quotas?period=2026-Q4").text
        assert f'<option value="manager" selected>{names["manager"]}</option>' in quotas
    finally:
        engine.close()
