"""engine.drawing.buying_center_diagram, pure: the layout (networkx) and the SVG of a buying center."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from lxml import etree

from engine.drawing.buying_center_diagram import EMPTY_MESSAGE, layout, render_svg
from engine.views.buying_center import ContactView, RelationshipView

NS = {"s": "http://www.w3.org/2000/svg"}
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def person(id_, name="P", *, role=None, influence=3, attitude="neutral", job_title="", notes=""):
    return ContactView(id_, 1, name, job_title, role, role and role.replace("_", " ").capitalize(), influence,
                       attitude, notes, NOW, NOW)


def line(id_, from_, to, kind="reports_to", strength=3):
    category = "formal" if kind == "reports_to" else "informal"
    return RelationshipView(id_, 1, from_, "a", to, "b", kind, kind, category, strength, NOW)


def parse(svg: str):
    return etree.fromstring(svg.encode("utf-8"))  # raises if it is not well-formed XML


def card(root, contact_id):
    return root.find(f".//s:g[@data-contact-id='{contact_id}']", NS)


def edge(root, relationship_id):
    return root.find(f".//s:g[@data-relationship-id='{relationship_id}']", NS).find("s:path", NS)


# --- layout ---------------------------------------------------------------------------------

def test_bosses_are_drawn_above_those_who_report_to_them_and_rows_follow_the_reporting_depth():
    people = [person(i) for i in (1, 2, 3, 4, 5)]
    lines = [line(1, 2, 1), line(2, 3, 1), line(3, 4, 3), line(4, 5, 4, "friends_with")]
    pos = layout(people, lines)
    assert pos[1][1] < pos[2][1] == pos[3][1] < pos[4][1]
    assert pos[5][1] == pos[1][1]  # informal lines do not make rows: 5 reports to nobody
    assert pos[2][0] != pos[3][0] and len(set(pos.values())) == 5


def test_a_circle_that_is_already_stored_still_draws_every_person():
    people = [person(i) for i in (1, 2, 3)]
    pos = layout(people, [line(1, 1, 2), line(2, 2, 1), line(3, 3, 1)])
    assert set(pos) == {1, 2, 3} and pos[1][1] == pos[2][1] < pos[3][1]
    parse(render_svg(people, [line(1, 1, 2), line(2, 2, 1)]))


def test_the_layout_is_the_same_every_time():
    people = [person(i) for i in range(1, 8)]
    lines = [line(i, i, (i + 1) // 2) for i in range(2, 8)]
    assert render_svg(people, lines) == render_svg(list(reversed(people)), lines)


# --- drawing --------------------------------------------------------------------------------

def test_an_empty_buying_center_says_so():
    root = parse(render_svg([], []))
    assert "empty" in root.get("class") and root.get("aria-label") == EMPTY_MESSAGE


def test_influence_attitude_and_role_are_visibly_distinct():
    people = [person(1, "Big", role="economic_buyer", influence=5, attitude="supporter"),
              person(2, "Small", influence=1, attitude="opponent"), person(3, "Mid", attitude="neutral")]
    root = parse(render_svg(people, []))
    rects = {i: card(root, i).find("s:rect[@class='card']", NS) for i in (1, 2, 3)}
    assert float(rects[1].get("width")) > float(rects[2].get("width"))
    assert float(rects[1].get("height")) > float(rects[2].get("height"))
    assert (rects[1].get("stroke-width"), rects[2].get("stroke-width")) == ("5", "1")
    assert len({r.get("fill") for r in rects.values()}) == 3  # one colour per attitude
    assert "supporter" in card(root, 1).get("class") and "opponent" in card(root, 2).get("class")
    assert card(root, 1).find("s:text[@class='role']", NS).text == "Economic buyer"
    assert card(root, 2).find("s:text[@class='role']", NS) is None and "no-role" in card(root, 2).get("class")
    assert card(root, 1).find("s:text[@class='influence']", NS).text == "●●●●●"


def test_formal_lines_are_solid_arrows_informal_ones_dashed_and_strength_is_width():
    people = [person(i) for i in (1, 2, 3)]
    root = parse(render_svg(people, [line(10, 2, 1, strength=5), line(11, 3, 1, "friends_with", 1),
                                     line(12, 3, 2, "listens_to", 3)]))
    formal, friends, listens = edge(root, 10), edge(root, 11), edge(root, 12)
    assert formal.get("stroke-dasharray") is None and formal.get("marker-end") == "url(#dealflow-bc-arrow)"
    assert friends.get("stroke-dasharray") and friends.get("marker-end") is None
    assert listens.get("stroke-dasharray") and listens.get("marker-end") == "url(#dealflow-bc-open-arrow)"
    assert formal.get("d").split()[0].startswith("M") and " Q" not in formal.get("d")  # straight
    assert " Q" in friends.get("d")  # curved
    assert float(formal.get("stroke-width")) > float(listens.get("stroke-width")) > float(friends.get("stroke-width"))
    assert formal.get("stroke") != friends.get("stroke")
    assert "formal" in root.find(".//s:g[@data-relationship-id='10']", NS).get("class").split()
    assert "informal" in root.find(".//s:g[@data-relationship-id='11']", NS).get("class").split()


def test_the_legend_explains_attitudes_influence_roles_and_every_kind_of_line():
    root = parse(render_svg([person(1)], []))
    legend = root.find(".//s:g[@class='legend']", NS)
    text = " ".join(legend.itertext())
    for words in ("supporter", "neutral", "opponent", "Influence", "role in the decision", "reports to",
                  "listens to", "friends with", "ex-colleagues at a competitor", "Strength"):
        assert words in text, words


def test_every_user_text_stays_text_and_nothing_active_is_emitted():
    evil = '<script>alert(1)</script>" onload="x()&amp;\x07'
    people = [person(1, evil, job_title=evil, notes=evil, role="coach"), person(2, "B")]
    svg = render_svg(people, [line(1, 2, 1)])
    root = parse(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert not re.search(r"<[^>]+\son\w+=", svg)
    assert root.find(".//s:script", NS) is None and "href" not in svg and "<style" not in svg
    assert card(root, 1).find("s:title", NS).text.startswith('<script>alert(1)</script>" onload="x()&amp;')
    assert all(i.startswith("dealflow-bc-") for i in root.xpath("//@id"))
