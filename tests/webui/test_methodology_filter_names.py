"""The Methodology filter of the deals list and of the inbox offers methodologies by
name (and, where the deals span several versions, which ones); the value sent stays
the id, so addresses and saved filters keep working."""

import re

from tests.engine.test_errors_and_retry import methodology_with_script
from tests.webui.pages_support import client_for, open_deal


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    select = page.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def second_version(engine, tmp_path):
    """small-deal 2.0 deployed, its routing following the newest version: new deals start on it."""
    engine.deploy(str(methodology_with_script(tmp_path, "v2", "2.0", "if tier == 'gold':")), actor="admin")


def test_the_deals_filter_names_the_methodology_and_filters_by_its_id(app, engine):
    deal = open_deal(engine)
    client = client_for(app, "manager")
    page = client.get("/deals").text
    assert options(page, "filter-methodology") == [("", "Any methodology"), ("small-deal", "Small deal")]
    chosen = client.get("/deals?methodology=small-deal").text
    assert '<option value="small-deal" selected>Small deal</option>' in chosen and f'id="deal-{deal.id}"' in chosen
    row = chosen.split(f'id="deal-{deal.id}"')[1].split("</tr>")[0]
    assert "Small deal ·" in row and "small-deal" not in row  # the row names it too


def test_the_inbox_filter_names_the_methodology_and_filters_by_its_id(app, engine):
    open_deal(engine)
    client = client_for(app, "rep1")
    assert options(client.get("/").text, "filter-methodology") == [("", "All methodologies"),
                                                                    ("small-deal", "Small deal")]
    chosen = client.get("/?methodology=small-deal").text
    assert '<option value="small-deal" selected>Small deal</option>' in chosen and 'id="task-' in chosen


def test_deals_on_two_versions_say_both_in_one_choice(app, engine, tmp_path):
    open_deal(engine, title="On one")
    second_version(engine, tmp_path)
    open_deal(engine, title="On two")
    client = client_for(app, "manager")
    expected = [("small-deal", "Small deal (1.0, 2.0)")]
    assert options(client.get("/deals").text, "filter-methodology")[1:] == expected
    assert options(client.get("/").text, "filter-methodology")[1:] == expected
    both = client.get("/deals?methodology=small-deal").text  # one id: every version
    assert "On one" in both and "On two" in both
