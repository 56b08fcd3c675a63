"""The buying center drawn as SVG: who decides, how much they weigh, how they relate.

People are laid out in layers by the formal lines: whoever reports to nobody is in
the top row, each subordinate a row below their highest boss (networkx's topological
generations over the reporting graph, condensed so that even stored data with a
circle still draws; the rows placed by networkx's multipartite layout, each row
ordered by where its bosses stand). ``render_svg`` then draws, from those positions:

* a card per person, filled by attitude (green supporter, grey neutral, red
  opponent, with a +, = or − mark for those who do not see colours), larger and
  with a thicker border the more influence they have (1–5, also as five dots), their
  role in the decision as a dark badge on top, name and function inside;
* formal relationships as solid dark arrows to the boss; informal ones as dashed,
  curved violet lines (an open arrowhead when they have a direction, "listens to"),
  labelled with their kind; the line's width is the relationship's strength (1–5);
* a legend of all of it below.

Every text from users is written through engine.drawing.svg's one escaper (control
characters XML forbids are dropped); the SVG holds no scripts, no external references
and no stylesheet; its ids are prefixed ``dealflow-bc-``, so it can sit in a page
beside the BPMN diagram or be served as a file. What may be recorded (kinds,
attitudes, levels) is engine.rules.buying_center.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import networkx as nx

from engine.drawing.svg import SVG_NS, SvgWriter, number
from engine.rules.buying_center import ATTITUDES, FORMAL, HIGH, KINDS, LOW, kind
from engine.views.buying_center import ContactView, RelationshipView

__all__ = ["EMPTY_MESSAGE", "NOBODY_MESSAGE", "card_size", "layout", "render_svg"]

# --- layout ------------------------------------------------------------------------------

CARD_W, CARD_H = 150, 66  # influence 1; each level adds GROW_W and GROW_H
GROW_W, GROW_H = 10, 4
COL_STEP, ROW_STEP = 240, 150
MARGIN = 30
BADGE_H = 18


def card_size(influence: int) -> tuple[float, float]:
    level = min(max(influence, LOW), HIGH) - LOW
    return CARD_W + GROW_W * level, CARD_H + GROW_H * level


def layout(contacts: Iterable[ContactView], relationships: Iterable[RelationshipView]) -> dict[int, tuple[float, float]]:
    """The centre (x, y) in pixels of each person's card: rows by reporting depth."""
    people = sorted(c.id for c in contacts)
    if not people:
        return {}
    lines = nx.DiGraph()
    lines.add_nodes_from(people)
    known = set(people)
    lines.add_edges_from((r.to_contact, r.from_contact) for r in relationships  # boss -> subordinate
                         if r.kind == FORMAL and {r.from_contact, r.to_contact} <= known)
    condensed = nx.condensation(lines)  # a circle in stored data becomes one group of one row
    members = condensed.graph["mapping"]
    row_of_group = {group: row for row, groups in enumerate(nx.topological_generations(condensed))
                    for group in groups}
    rows: dict[int, list[int]] = {}
    for person in people:
        rows.setdefault(row_of_group[members[person]], []).append(person)
    place: dict[int, float] = {}
    for row in sorted(rows):  # each row in the order of its people's bosses (barycentre)
        def weight(person: int) -> tuple[float, int]:
            bosses = [place[b] for b in lines.predecessors(person) if b in place]
            return (sum(bosses) / len(bosses) if bosses else math.inf, person)
        if row:
            rows[row].sort(key=weight)
        place.update((person, float(i)) for i, person in enumerate(rows[row]))
    positions = nx.multipartite_layout(lines, subset_key=rows, align="horizontal")
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    columns = max(len(r) for r in rows.values())
    width_span, height_span = (columns - 1) * COL_STEP, (len(rows) - 1) * ROW_STEP
    left, top = MARGIN + card_size(HIGH)[0] / 2, MARGIN + BADGE_H + card_size(HIGH)[1] / 2

    def scaled(value: float, low: float, high: float, span: float) -> float:
        return span / 2 if high - low < 1e-9 else (value - low) / (high - low) * span

    return {person: (left + scaled(float(x), min(xs), max(xs), width_span),
                     top + scaled(float(y), min(ys), max(ys), height_span))
            for person, (x, y) in positions.items()}


# --- drawing -----------------------------------------------------------------------------

EMPTY_MESSAGE = "Nobody in the buying center yet: add the customer's people below."
NOBODY_MESSAGE = "Nobody in the buying center."  # for whoever cannot add anyone, or a closed deal
INK, PAPER, MUTED = "#22242a", "#ffffff", "#495057"
INFORMAL = "#6741d9"
ATTITUDE_STYLES = {  # fill, stroke of the mark, mark
    "supporter": ("#d3f9d8", "#2b8a3e", "+"),
    "neutral": ("#f1f3f5", "#495057", "="),
    "opponent": ("#ffe3e3", "#c92a2a", "\u2212"),
}
DASHES = {"listens_to": "7 4", "friends_with": "2 4", "former_colleague_at_competitor": "9 3 2 3"}
ARROW, OPEN_ARROW = "dealflow-bc-arrow", "dealflow-bc-open-arrow"
LEGEND_H, LEGEND_W = 170, 760


def render_svg(contacts: Iterable[ContactView], relationships: Iterable[RelationshipView], *,
               invite: bool = True) -> str:
    """The buying center as SVG text (see the module's docstring for what shows what);
    empty, it asks to add people only when ``invite`` (the viewer may, the deal is open)."""
    contacts, relationships = list(contacts), list(relationships)
    if not contacts:
        return _empty_svg(EMPTY_MESSAGE if invite else NOBODY_MESSAGE)
    centres = layout(contacts, relationships)
    by_id = {c.id: c for c in contacts}
    right = max(x + card_size(by_id[i].influence)[0] / 2 for i, (x, _) in centres.items())
    bottom = max(y + card_size(by_id[i].influence)[1] / 2 for i, (_, y) in centres.items())
    width = max(right + MARGIN, LEGEND_W + 2 * MARGIN)
    shift = (width - right - MARGIN) / 2  # centre the people over a wider legend
    centres = {i: (x + shift, y) for i, (x, y) in centres.items()}
    height = bottom + MARGIN + LEGEND_H
    out = SvgWriter()
    out.open("svg", xmlns=SVG_NS, class_="buying-center-diagram", viewBox=f"0 0 {_n(width)} {_n(height)}",
             width=_n(width), height=_n(height), role="img", aria_labelledby="dealflow-bc-title",
             font_family="system-ui, sans-serif", font_size="12")
    out.el("title", "Buying center: who decides, how much they weigh, how they relate", id="dealflow-bc-title")
    _markers(out)
    out.el("rect", x="0", y="0", width=_n(width), height=_n(height), fill=PAPER)
    out.open("g", class_="relationships")
    pairs: dict[frozenset, int] = {}
    labels = []
    for rel in relationships:
        if rel.from_contact in centres and rel.to_contact in centres:
            nth = pairs.get(frozenset((rel.from_contact, rel.to_contact)), 0)
            pairs[frozenset((rel.from_contact, rel.to_contact))] = nth + 1
            labels.append((rel, _relationship(out, rel, centres, by_id, nth)))
    out.close()
    out.open("g", class_="contacts")
    for contact in sorted(contacts, key=lambda c: c.id):
        _contact(out, contact, *centres[contact.id])
    out.close()
    out.open("g", class_="relationship-labels")  # over the cards, so none is hidden
    for rel, (lx, ly) in labels:
        info = kind(rel.kind)
        out.el("text", info.label, class_=f"kind {info.category}", data_relationship_id=str(rel.id),
               x=_n(lx), y=_n(ly - 4), fill=INK if info.category == "formal" else INFORMAL, font_size="10.5",
               text_anchor="middle", stroke=PAPER, stroke_width="3", paint_order="stroke")
    out.close()
    _legend(out, MARGIN, bottom + MARGIN)
    out.close()
    return out.markup()


def _markers(out: SvgWriter) -> None:
    out.open("defs")
    out.open("marker", id=ARROW, viewBox="0 0 10 10", refX="10", refY="5", markerWidth="12", markerHeight="12",
             markerUnits="userSpaceOnUse", orient="auto")
    out.el("path", d="M0,0 L10,5 L0,10 z", fill=INK)
    out.close()
    out.open("marker", id=OPEN_ARROW, viewBox="0 0 10 10", refX="10", refY="5", markerWidth="12",
             markerHeight="12", markerUnits="userSpaceOnUse", orient="auto")
    out.el("path", d="M0,0 L10,5 L0,10", fill="none", stroke=INFORMAL, stroke_width="1.5")
    out.close()
    out.close()


def _contact(out: SvgWriter, c: ContactView, cx: float, cy: float) -> None:
    w, h = card_size(c.influence)
    x, y = cx - w / 2, cy - h / 2
    fill, mark_colour, mark = ATTITUDE_STYLES.get(c.attitude, ATTITUDE_STYLES["neutral"])
    role_class = f" role-{_token(c.role)}" if c.role else " no-role"
    out.open("g", class_=f"contact {_token(c.attitude)} influence-{c.influence}{role_class}",
             data_contact_id=str(c.id))
    summary = f"{c.name}" + (f", {c.job_title}" if c.job_title else "") + \
        f" — {c.role_name or 'no role'}; influence {c.influence} of {HIGH}; {c.attitude}"
    out.el("title", summary + (f". {c.notes}" if c.notes else ""))
    out.el("rect", class_="card", x=_n(x), y=_n(y), width=_n(w), height=_n(h), rx="8", fill=fill,
           stroke=INK, stroke_width=_n(c.influence))
    out.el("text", _fit(c.name, w - 34, 8.2), class_="name", x=_n(x + 10), y=_n(y + 22), fill=INK,
           font_weight="bold", font_size="13")
    if c.job_title:
        out.el("text", _fit(c.job_title, w - 20, 6.8), class_="job-title", x=_n(x + 10), y=_n(y + 39), fill=MUTED)
    dots = "\u25cf" * c.influence + "\u25cb" * (HIGH - c.influence)
    out.el("text", dots, class_="influence", x=_n(x + 10), y=_n(y + h - 10), fill=INK, font_size="11",
           letter_spacing="1")
    out.el("text", mark, class_="attitude-mark", x=_n(x + w - 12), y=_n(y + 22), fill=mark_colour,
           font_weight="bold", font_size="18", text_anchor="middle")
    if c.role:
        label = _fit(c.role_name or c.role, w - 16, 6.4)
        badge_w = min(w - 8, 12 + 6.4 * len(label))
        out.el("rect", class_="role-badge", x=_n(x + 6), y=_n(y - BADGE_H + 4), width=_n(badge_w),
               height=str(BADGE_H), rx="9", fill=INK)
        out.el("text", label, class_="role", x=_n(x + 12), y=_n(y + 1), fill=PAPER, font_size="11")
    out.close()


def _relationship(out: SvgWriter, r: RelationshipView, centres: dict, by_id: dict, nth: int) -> tuple[float, float]:
    """Draws the line; returns where its label goes."""
    (ax, ay), (bx, by) = centres[r.from_contact], centres[r.to_contact]
    a_size, b_size = card_size(by_id[r.from_contact].influence), card_size(by_id[r.to_contact].influence)
    info = kind(r.kind)
    width = _n(0.5 + 0.9 * r.strength)
    out.open("g", class_=f"relationship {info.category} {_token(r.kind)} strength-{r.strength}",
             data_relationship_id=str(r.id))
    out.el("title", f"{r.from_name} {info.label} {r.to_name} (strength {r.strength} of {HIGH})")
    formal = info.category == "formal"
    bow = (0 if formal else 40) + 26 * nth  # informal lines curve; a second line beside a first
    length = math.hypot(bx - ax, by - ay) or 1.0
    mx, my = (ax + bx) / 2 - (by - ay) / length * bow, (ay + by) / 2 + (bx - ax) / length * bow
    sx, sy = _edge_of(ax, ay, *a_size, mx if bow else bx, my if bow else by)
    ex, ey = _edge_of(bx, by, *b_size, mx if bow else ax, my if bow else ay)
    # End clear of the target's border (as thick as its influence), so an arrowhead shows.
    gap = by_id[r.to_contact].influence / 2 + 2
    back_x, back_y = (mx, my) if bow else (sx, sy)
    span = math.hypot(back_x - ex, back_y - ey) or 1.0
    ex, ey = ex + (back_x - ex) / span * gap, ey + (back_y - ey) / span * gap
    attrs = {"fill": "none", "stroke": INK if formal else INFORMAL, "stroke_width": width}
    if not formal:
        attrs["stroke_dasharray"] = DASHES.get(r.kind, "6 4")
    if info.directed:
        attrs["marker_end"] = f"url(#{ARROW if formal else OPEN_ARROW})"
    if bow:
        out.el("path", class_="line", d=f"M{_n(sx)},{_n(sy)} Q{_n(mx)},{_n(my)} {_n(ex)},{_n(ey)}", **attrs)
        lx, ly = (sx + 2 * mx + ex) / 4, (sy + 2 * my + ey) / 4  # the curve's midpoint
    else:
        out.el("path", class_="line", d=f"M{_n(sx)},{_n(sy)} L{_n(ex)},{_n(ey)}", **attrs)
        lx, ly = (sx + ex) / 2, (sy + ey) / 2
    out.close()
    return lx, ly


def _edge_of(cx: float, cy: float, w: float, h: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from the card's centre towards (tx, ty) leaves the card."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = min((w / 2) / abs(dx) if dx else math.inf, (h / 2) / abs(dy) if dy else math.inf)
    return cx + dx * t, cy + dy * t


def _legend(out: SvgWriter, x: float, y: float) -> None:
    out.open("g", class_="legend", transform=f"translate({_n(x)},{_n(y)})")
    out.el("text", "Legend", x="0", y="12", fill=INK, font_weight="bold")
    # Attitude: the fill colour (and a mark).
    out.el("text", "Attitude", x="0", y="36", fill=MUTED)
    for i, attitude in enumerate(ATTITUDES):
        fill, colour, mark = ATTITUDE_STYLES[attitude]
        left = 90 + i * 110
        out.open("g", class_=f"legend-attitude {attitude}")
        out.el("rect", x=_n(left), y="24", width="22", height="16", rx="4", fill=fill, stroke=INK)
        out.el("text", mark, x=_n(left + 11), y="37", fill=colour, font_weight="bold", text_anchor="middle")
        out.el("text", attitude, x=_n(left + 28), y="37", fill=INK)
        out.close()
    # Influence: card size, border width and dots.
    out.el("text", "Influence", x="0", y="66", fill=MUTED)
    for i, level in enumerate((1, 3, 5)):
        left = 90 + i * 110
        out.open("g", class_=f"legend-influence influence-{level}")
        out.el("rect", x=_n(left), y=_n(56 - level), width=_n(16 + 3 * level), height=_n(12 + 2 * level), rx="3",
               fill=PAPER, stroke=INK, stroke_width=str(level))
        out.el("text", f"{level} " + "\u25cf" * level, x=_n(left + 28 + 3 * level), y="67", fill=INK, font_size="11")
        out.close()
    out.open("g", class_="legend-role")
    out.el("rect", x="430", y="54", width="130", height=str(BADGE_H), rx="9", fill=INK)
    out.el("text", "role in the decision", x="438", y="67", fill=PAPER, font_size="11")
    out.close()
    # Relationships: solid arrows are formal, dashed curves informal; width is strength.
    for row, category in ((100, "formal"), (128, "informal")):
        out.el("text", f"{category.capitalize()} lines", x="0", y=_n(row), fill=MUTED)
        for i, k in enumerate(k for k in KINDS if k.category == category):
            left = 90 + i * 220
            attrs = {"fill": "none", "stroke": INK if k.category == "formal" else INFORMAL, "stroke_width": "2"}
            if k.category != "formal":
                attrs["stroke_dasharray"] = DASHES.get(k.id, "6 4")
            if k.directed:
                attrs["marker_end"] = f"url(#{ARROW if k.category == 'formal' else OPEN_ARROW})"
            out.open("g", class_=f"legend-relationship {k.category} {k.id}")
            out.el("path", d=f"M{left},{row - 4} L{left + 40},{row - 4}", **attrs)
            out.el("text", k.label, x=_n(left + 48), y=_n(row), fill=INK, font_size="11")
            out.close()
    out.el("text", "Strength", x="0", y="156", fill=MUTED)
    for i, strength in enumerate((1, 3, 5)):
        left = 90 + i * 110
        out.open("g", class_=f"legend-strength strength-{strength}")
        out.el("path", d=f"M{left},152 L{left + 40},152", stroke=INK, stroke_width=_n(0.5 + 0.9 * strength))
        out.el("text", str(strength), x=_n(left + 48), y="156", fill=INK, font_size="11")
        out.close()
    out.el("text", "(the line's width)", x="420", y="156", fill=MUTED, font_size="11")
    out.close()


def _empty_svg(message: str) -> str:
    out = SvgWriter()
    out.open("svg", xmlns=SVG_NS, class_="buying-center-diagram empty", viewBox="0 0 640 60", width="640",
             height="60", role="img", aria_label=message, font_family="system-ui, sans-serif",
             font_size="13")
    out.el("rect", x="0.5", y="0.5", width="639", height="59", rx="6", fill="#f8f9fa", stroke="#ced4da")
    out.el("text", message, x="320", y="35", fill=MUTED, text_anchor="middle")
    out.close()
    return out.markup()


# --- writing SVG -------------------------------------------------------------------------

def _n(value: float) -> str:
    return number(value, 1)


def _token(text: str | None) -> str:
    """A class name made of a value: letters, digits, - and _ only."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text or "")


def _fit(text: str, width: float, char_w: float) -> str:
    room = max(4, int(width / char_w))
    return text if len(text) <= room else text[:room - 1].rstrip() + "\u2026"
