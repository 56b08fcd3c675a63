"""The designer changes a methodology file on the server, validates it from the web
(a path:line problem for a broken file, then a fix), deploys it and sees what
changed; the admin adds a user to a team — in real Chromium, at 1366 px and 390 px,
CSRF on, with screenshots (kept in $DEALFLOW_SCREENSHOTS when set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, serve
from tests.conftest import BASE_METHODOLOGY, FakeClock, make_engine
from tests.webui.pages_support import with_passwords
from webui import create_app

STAGES = "stages/small-deal.yaml"


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, folder)
    engine = make_engine(f"sqlite:///{tmp_path / 'dealflow.db'}", FakeClock())
    engine.create_user("designer", "designer", "Dana Designer")
    with_passwords(engine)
    url, stop = serve(create_app({"ENGINE": engine, "SECRET_KEY": "browser-tests",
                                  "METHODOLOGIES_PATH": str(folder)}))
    yield url, folder, engine
    stop()
    engine.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def logged_in(browser, url: str, username: str, width: int):
    """A new window of ``width`` px in Warsaw's zone, logged in as ``username``."""
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, url, username)
    return page


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_designer_validates_deploys_and_sees_the_diff(site, browser, shots, width):
    url, folder, engine = site
    page = logged_in(browser, url, "designer", width)
    page.screenshot(path=str(shots / f"designer-home-{width}.png"), full_page=True)
    fits(page)
    page.click("#home-methodologies")  # the inbox leads there
    page.wait_for_selector("#methodology-small-deal")
    assert "2026-11-02 10:00 CET" in page.locator("#version-small-deal-1").inner_text()
    fits(page)

    edit(folder / STAGES, 'version: "1.0"', 'version: "1.1"')
    edit(folder / STAGES, "    name: Oferta\n    probability: 50\n", "    name: Oferta\n    probability: fifty\n")
    page.click("#validate")
    page.wait_for_selector("#problems")
    problems = page.locator("code.problem").all_inner_texts()
    assert len(problems) == 1 and problems[0].startswith(f"{STAGES}:21: ")
    page.screenshot(path=str(shots / f"methodologies-problem-{width}.png"), full_page=True)
    fits(page)

    edit(folder / STAGES, "    probability: fifty\n", "    probability: 55\n")
    page.click("#validate")
    page.wait_for_selector("#valid")
    page.click("#deploy")
    page.wait_for_selector("#deployed-small-deal")
    assert "Deployed small-deal 1.1 (its version 2)." in page.locator(".flash-success").inner_text()
    shown = page.locator("#deployed-small-deal").inner_text()
    assert "stage \u201cOferta\u201d (offer): probability 50 % -> 55 %" in shown
    assert "new deals" in page.locator("#version-small-deal-2").inner_text()
    assert page.locator("#version-small-deal-2 td[data-label=By]").inner_text() == "Dana Designer"  # a name, not an id
    page.screenshot(path=str(shots / f"methodologies-deployed-{width}.png"), full_page=True)
    fits(page)

    page.select_option("#old-small-deal", "2")
    page.select_option("#new-small-deal", "1")
    page.click("#compare-small-deal")
    page.wait_for_selector("#diff")
    assert "probability 55 % -> 50 %" in page.locator("ul[data-section=Stages]").inner_text()
    page.screenshot(path=str(shots / f"methodology-diff-{width}.png"), full_page=True)
    fits(page)
    page.context.close()
    assert [v.label for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == ["1.1", "1.0"]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_admin_adds_a_user_to_a_team_and_makes_and_revokes_a_token(site, browser, shots, width):
    url, _, engine = site
    page = logged_in(browser, url, "admin", width)
    page.click("#nav-admin")
    page.wait_for_selector("#team-sales")
    page.select_option("#add-sales", "rep3")
    page.click("#add-member-sales")
    page.wait_for_selector("#member-sales-rep3")
    assert "rep3 added to sales." in page.locator(".flash-success").inner_text()
    assert "others, sales" in page.locator("#user-rep3 .teams").inner_text()
    page.screenshot(path=str(shots / f"admin-users-{width}.png"), full_page=True)
    fits(page)
    assert engine.user_view("rep3").teams == ("others", "sales")

    page.click("#tokens-rep3")
    page.click("#create-token")
    secret = page.locator("#token-secret").inner_text()
    assert engine.user_for_token(secret).username == "rep3"
    page.screenshot(path=str(shots / f"admin-token-{width}.png"), full_page=True)
    fits(page)
    token_id = engine.api_tokens("rep3", viewer="admin")[0].id
    page.click(f"#revoke-step-{token_id} summary")  # a step that needs no JavaScript: open, tick, revoke
    page.check(f"#revoke-{token_id}-confirm")
    page.click(f"#revoke-{token_id}")
    page.wait_for_selector(".flash-success")
    assert "revoked" in page.locator(f"#token-{token_id}").inner_text()
    assert secret not in page.content()
    page.context.close()
