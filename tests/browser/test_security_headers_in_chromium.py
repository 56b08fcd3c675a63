"""The Content-Security-Policy in a real Chromium: every main page, at a laptop's
width (1366 px) and a phone's (390 px), loads without one violation or console
error, and the layout's script (static/timezone.js, no longer inline) still runs:
it sets the tz cookie, so the dates show in the browser's zone.

Screenshots of each page land in $DEALFLOW_SCREENSHOTS when it is set (to look at
them), else in the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import demo_site, log_in

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
# Records what the policy blocks, from before any page script runs (an init script
# comes through the DevTools protocol, which the policy does not govern).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def site(tmp_path):
    with demo_site(tmp_path, title="Hurtownia Mazowsze", amount="250000.00", partner="Hurt-Pol",
                   attributes={"channel": "wholesale", "territory": "PL-MZ"}, owner="rep1") as site:
        yield site


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_load_without_a_policy_violation_and_the_zone_script_still_runs(site, browser, width,
                                                                                       tmp_path):
    url, deal, _ = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    width_px, height = WIDTHS[width]
    context = browser.new_context(timezone_id="Europe/Warsaw", viewport={"width": width_px, "height": height})
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{url}/login")
        assert page.locator("#login-form").is_visible()
        page.screenshot(path=str(shots / f"{width}-login.png"), full_page=True)
        # the layout's script ran under the policy: the browser's zone is in the cookie
        assert {c["name"]: c["value"] for c in context.cookies()}.get("tz") == "Europe/Warsaw"

        seen = {}
        for who, paths in (("rep1", ["/", f"/tasks/{deal.open_tasks[0].id}", f"/opportunities/{deal.id}"]),
                           ("manager", ["/", "/pipeline", "/segments", f"/opportunities/{deal.id}"])):
            log_in(page, url, who)
            for path in paths:
                response = page.goto(f"{url}{path}")
                assert response.status == 200, path
                assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
                name = f"{width}-{who}-{path.strip('/').replace('/', '-') or 'inbox'}.png"
                page.screenshot(path=str(shots / name), full_page=True)
                seen[who, path] = (page.evaluate("window.__violations"), page.inner_text("main"))
            page.click("#logout")
            page.wait_for_url(f"{url}/login")

        assert {key: found for key, (found, _) in seen.items() if found} == {}
        assert errors == []
        # the dates are shown in the zone the script reported (Warsaw), not in UTC
        inbox_text = seen["rep1", "/"][1]
        assert ("CET" in inbox_text or "CEST" in inbox_text) and " UTC" not in inbox_text
        assert "Hurtownia Mazowsze" in seen["manager", f"/opportunities/{deal.id}"][1]
    finally:
        context.close()


def test_the_policy_really_blocks_an_inline_script_that_a_page_would_carry(site, page):
    """The check above would pass vacuously if violations were never reported."""
    url, _, _ = site
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(f"{url}/login")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
    }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
