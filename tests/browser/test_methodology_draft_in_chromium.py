"""The designer changes a methodology in the browser, in real Chromium at 1366 px and
390 px with CSRF on: uploads a changed stage table, sees its problem as path:line:
message beside the file, fixes it in the text box, sees the differences, deploys, and
finds the new version listed. Screenshots go to $DEALFLOW_SCREENSHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import test_methodology_screens_in_chromium as screens

fits, logged_in = screens.fits, screens.logged_in
site = screens.site  # the fixture: the server over a copy of the base methodology, a designer

STAGES = "stages/small-deal.yaml"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_designer_uploads_fixes_compares_and_deploys_a_stage_table(site, browser, tmp_path, width):
    url, folder, engine = site
    shots = Path(os.environ.get("DEALFLOW_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page = logged_in(browser, url, "designer", width)
    assert "methodology screens" in page.locator("#designer-empty").inner_text()  # not a dead end
    assert page.locator("#inbox-filters").count() == 0
    page.screenshot(path=str(shots / f"draft-inbox-{width}.png"), full_page=True)
    fits(page)
    page.click("#home-methodologies")
    page.click("#change-small-deal")
    page.wait_for_selector("#draft-state")
    fits(page)

    deployed = (folder / STAGES).read_text("utf-8")
    broken = (deployed.replace('version: "1.0"', 'version: "1.1"')
              .replace("    name: Oferta\n    probability: 50\n", "    name: Oferta\n    probability: fifty\n"))
    page.set_input_files("#upload-file", files=[{"name": "small-deal.yaml", "mimeType": "application/yaml",
                                                 "buffer": broken.encode("utf-8")}])
    page.click("#upload")
    page.wait_for_selector("#draft-problems")
    problems = page.locator("#draft-problems code.problem").all_inner_texts()
    assert len(problems) == 1 and problems[0].startswith(f"{STAGES}:21: ")
    beside = page.locator("#file-stages-small-deal-yaml .file-problems").inner_text()
    assert problems[0] in beside  # shown next to the file
    assert page.locator("#deploy-draft").is_disabled()
    page.screenshot(path=str(shots / f"draft-problem-{width}.png"), full_page=True)
    fits(page)

    text = page.locator("#draft-text").input_value()
    assert "probability: fifty" in text
    page.fill("#draft-text", text.replace("probability: fifty", "probability: 55"))
    page.click("#save")
    page.wait_for_selector("#draft-valid")
    diff = page.locator("#draft-diff").inner_text()
    assert "stage \u201cOferta\u201d (offer): probability 50 % -> 55 %" in diff
    assert "+    probability: 55" in diff and "-    probability: 50" in diff
    page.screenshot(path=str(shots / f"draft-diff-{width}.png"), full_page=True)
    fits(page)

    page.click("#deploy-draft")
    page.wait_for_selector("#deployed-small-deal")
    assert "Deployed small-deal 1.1 (its version 2)" in page.locator(".flash-success").inner_text()
    assert page.locator(".flash-error").count() == 0  # the folder held the file and took the new text
    assert "new deals" in page.locator("#version-small-deal-2").inner_text()
    assert "probability 50 % -> 55 %" in page.locator("#deployed-small-deal").inner_text()
    page.screenshot(path=str(shots / f"draft-deployed-{width}.png"), full_page=True)
    fits(page)
    page.context.close()
    assert [v.label for m in engine.methodologies_overview(viewer="admin") for v in m.versions] == ["1.1", "1.0"]
    # the server's folder now holds the deployed text, so deploying the folder later keeps it
    assert (folder / STAGES).read_text("utf-8") == deployed.replace('version: "1.0"', 'version: "1.1"').replace(
        "    name: Oferta\n    probability: 50\n", "    name: Oferta\n    probability: 55\n")
