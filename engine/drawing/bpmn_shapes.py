"""Drawing a BPMN diagram's elements: pools and lanes, tasks, events, gateways and flows,
each from its BPMN DI bounds or waypoints, in the look of BPMN modelers.

``BpmnDrawing`` writes through ``engine.drawing.svg`` (so every name and id is escaped)
and keeps the extent it covers, from which ``svg`` makes the viewBox. Which elements
are drawn, and in what order, is ``engine.drawing.bpmn_diagram``'s business.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from engine.drawing.svg import SVG_NS, SvgWriter, number
from engine.methodology.bpmn_source import BPMN

__all__ = ["BPMNDI", "SUBPROCESSES", "BpmnDrawing", "area", "local"]

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

MARGIN = 20
ARROW = "dealflow-arrow"
CONDITION = "dealflow-condition"

INK, PAPER = "#22242a", "#ffffff"
STYLES = {  # state -> (stroke, fill, stroke width factor)
    "": (INK, PAPER, 1.0),
    "done": ("#5c7f67", "#e6f2e9", 1.0),
    "current": ("#d9480f", "#fff0e0", 2.0),
}
TASKS = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
                   "receiveTask", "businessRuleTask", "callActivity"})
SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent",
                    "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway",
                      "eventBasedGateway", "complexGateway"})


def local(el) -> str:
    return el.tag.rpartition("}")[2]


@lru_cache(maxsize=64)
def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def _bounds(el):
    """(x, y, w, h) of the element's own dc:Bounds, or None when missing or unusable."""
    b = el.find(f"{{{DC}}}Bounds")
    if b is None:
        return None
    try:
        x, y, w, h = (float(b.get(k, "")) for k in ("x", "y", "width", "height"))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
        return None
    return x, y, w, h


def _label_bounds(di):
    label = di.find(f"{{{BPMNDI}}}BPMNLabel")
    return None if label is None else _bounds(label)


def area(di) -> float:
    b = _bounds(di)
    return b[2] * b[3] if b else 0.0



def _wrap(text: str, width: float, max_lines: int, char_w: float = 6.4) -> list[str]:
    """Words in lines of about ``width`` pixels; the last line ends in '…' if cut."""
    per_line = max(3, int(width / char_w))
    lines: list[str] = []
    for word in text.split():
        while len(word) > per_line:  # a word too long for a line is broken
            if lines and len(lines[-1]) + 1 < per_line:
                room = per_line - len(lines[-1]) - 1
                lines[-1], word = f"{lines[-1]} {word[:room]}", word[room:]
            else:
                lines.append(word[:per_line])
                word = word[per_line:]
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        elif word:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:per_line - 1].rstrip() + "…"
    return lines




class BpmnDrawing(SvgWriter):
    """A BPMN diagram's SVG markup collected in drawing order, with the extent it covers."""

    def __init__(self):
        super().__init__()
        self.box = [math.inf, math.inf, -math.inf, -math.inf]
        self.drawn = 0

    def cover(self, x, y, w=0.0, h=0.0):
        box = self.box
        box[0], box[1] = min(box[0], x), min(box[1], y)
        box[2], box[3] = max(box[2], x + w), max(box[3], y + h)

    def lines(self, lines, cx, top, size=12, line_h=14, cls="label"):
        if not lines:
            return
        self.open("text", class_=cls, font_size=str(size), text_anchor="middle", fill=INK,
                  x=number(cx), y=number(top + size))
        for i, line in enumerate(lines):
            self.el("tspan", line, x=number(cx), dy="0" if i == 0 else str(line_h))
        self.close()

    # -- shapes ------------------------------------------------------------------------

    def shape(self, di, element, current, done):
        box = _bounds(di)
        if box is None:
            return
        kind, eid = local(element), element.get("id")
        name = (element.get("name") or "").strip()
        x, y, w, h = box
        if kind in ("participant", "lane"):
            self.open("g", class_=kind, **{f"data_{kind}_id": eid})
            self.container(kind, name, box, di.get("isHorizontal") != "false")
            self.close()
            self.cover(x, y, w, h)
            self.drawn += 1
            return
        category = ("task" if kind in TASKS else "subprocess" if kind in SUBPROCESSES else
                    "event" if kind in EVENTS else "gateway" if kind in GATEWAYS else
                    "annotation" if kind == "textAnnotation" else None)
        if category is None:  # data objects, groups and the like are not drawn
            return
        state = "current" if eid in current else "done" if eid in done else ""
        classes = " ".join(c for c in ("node", category, _kebab(kind), state) if c)
        self.open("g", class_=classes, data_node_id=eid)
        if name:
            self.el("title", name)
        stroke, fill, factor = STYLES[state]
        if category == "annotation":
            text = (element.findtext(f"{{{BPMN}}}text") or "").strip()
            self.el("path", d=f"M{number(x + 15)},{number(y)} h-15 v{number(h)} h15", fill="none",
                    stroke=INK)
            self.lines(_wrap(text, w - 10, max(1, int(h // 14))), x + w / 2, y + 2, cls="text")
        elif category in ("task", "subprocess"):
            self.activity(element, kind, name, box, stroke, fill, factor,
                          expanded=di.get("isExpanded") == "true")
        elif category == "event":
            self.event(element, kind, box, stroke, fill, factor)
        else:
            self.gateway(element, kind, box, stroke, fill, factor, di.get("isMarkerVisible"))
        if category in ("event", "gateway") and name:
            label = _label_bounds(di) or (x + w / 2 - 45, y + h + 4, 90, 28)
            lx, ly, lw, lh = label
            self.lines(_wrap(name, max(lw, 60), max(2, int(lh // 13)), 5.9), lx + lw / 2, ly - 1,
                      size=11, line_h=13)
            self.cover(lx, ly, lw, lh)
        self.close()
        self.cover(x, y, w, h)
        self.drawn += 1

    def container(self, kind, name, box, horizontal):
        x, y, w, h = box
        self.el("rect", x=number(x), y=number(y), width=number(w), height=number(h),
                fill="none" if kind == "lane" else PAPER, stroke=INK, stroke_width="1.5")
        if kind == "participant":
            line = (f"M{number(x + 30)},{number(y)} v{number(h)}" if horizontal
                    else f"M{number(x)},{number(y + 30)} h{number(w)}")
            self.el("path", d=line, stroke=INK, stroke_width="1.5", fill="none")
        if not name:
            return
        if horizontal:  # the name reads bottom to top in the left strip
            lines = _wrap(name, h - 10, 1)
            cx, cy = x + 15, y + h / 2
            self.el("text", lines[0], class_="name", x=number(cx), y=number(cy + 4), fill=INK,
                    font_size="12", text_anchor="middle", transform=f"rotate(-90 {number(cx)} {number(cy)})")
        else:
            self.lines(_wrap(name, w - 10, 1), x + w / 2, y + 7, cls="name")

    def activity(self, element, kind, name, box, stroke, fill, factor, expanded):
        x, y, w, h = box
        width = 4 if kind == "callActivity" else 1.5 if kind in SUBPROCESSES else 2
        self.el("rect", x=number(x), y=number(y), width=number(w), height=number(h), rx="10",
                fill=fill, stroke=stroke, stroke_width=number(width * factor))
        if kind == "transaction":
            self.el("rect", x=number(x + 3), y=number(y + 3), width=number(w - 6), height=number(h - 6),
                    rx="7", fill="none", stroke=stroke)
        if kind in SUBPROCESSES and expanded:
            self.lines(_wrap(name, w - 20, 1), x + w / 2, y + 4)
            return
        if kind in SUBPROCESSES:  # collapsed: the [+] marker at the bottom
            cx, by = x + w / 2, y + h - 4
            self.el("rect", x=number(cx - 7), y=number(by - 14), width="14", height="14",
                    fill="none", stroke=stroke)
            self.el("path", d=f"M{number(cx - 4)},{number(by - 7)} h8 M{number(cx)},{number(by - 11)} v8",
                    stroke=stroke, fill="none")
        marked = self.task_marker(kind, x, y, stroke)
        top = y + 21 if marked else y + 4  # text starts below a marker in the corner
        lines = _wrap(name, w - 10, max(1, int((y + h - top) // 14)))
        self.lines(lines, x + w / 2, max(top, y + h / 2 - len(lines) * 7 - 2))

    def task_marker(self, kind, x, y, stroke) -> bool:
        """The kind's icon in the top left corner; False when the kind has none."""
        ox, oy = x + 6, y + 6
        if kind == "userTask":
            self.el("circle", class_="marker", cx=number(ox + 8), cy=number(oy + 5), r="3.5",
                    fill="none", stroke=stroke)
            self.el("path", class_="marker", fill="none", stroke=stroke,
                    d=f"M{number(ox + 1)},{number(oy + 17)} v-3 q0,-5 7,-5 q7,0 7,5 v3 z")
        elif kind == "scriptTask":
            self.el("path", class_="marker", fill="none", stroke=stroke,
                    d=(f"M{number(ox + 4)},{number(oy)} h11 q-4,4 0,8 q4,4 0,8 h-11 q-4,-4 0,-8 q4,-4 0,-8 z "
                       f"M{number(ox + 5)},{number(oy + 4)} h6 M{number(ox + 6)},{number(oy + 8)} h6 "
                       f"M{number(ox + 5)},{number(oy + 12)} h6"))
        elif kind == "businessRuleTask":
            self.el("rect", class_="marker", x=number(ox), y=number(oy + 1), width="17", height="13",
                    fill="none", stroke=stroke)
            self.el("path", class_="marker", fill="none", stroke=stroke,
                    d=(f"M{number(ox)},{number(oy + 5)} h17 M{number(ox)},{number(oy + 9.5)} h17 "
                       f"M{number(ox + 6)},{number(oy + 5)} v9"))
        elif kind == "serviceTask":
            cx, cy = ox + 8, oy + 8
            teeth = " ".join(f"M{number(cx + 4.5 * math.cos(a))},{number(cy + 4.5 * math.sin(a))} "
                             f"L{number(cx + 7.5 * math.cos(a))},{number(cy + 7.5 * math.sin(a))}"
                             for a in (i * math.pi / 4 for i in range(8)))
            self.el("path", class_="marker", d=teeth, stroke=stroke, stroke_width="2.5", fill="none")
            self.el("circle", class_="marker", cx=number(cx), cy=number(cy), r="4.5", fill=PAPER,
                    stroke=stroke)
            self.el("circle", class_="marker", cx=number(cx), cy=number(cy), r="1.8", fill="none",
                    stroke=stroke)
        elif kind in ("sendTask", "receiveTask"):
            self.envelope(ox + 1, oy + 2, 16, 11, stroke, filled=kind == "sendTask")
        else:
            return False
        return True

    def envelope(self, x, y, w, h, stroke, filled):
        self.el("rect", class_="marker", x=number(x), y=number(y), width=number(w), height=number(h),
                fill=stroke if filled else "none", stroke=stroke)
        self.el("path", class_="marker", fill="none", stroke=PAPER if filled else stroke,
                d=f"M{number(x)},{number(y)} l{number(w / 2)},{number(h / 2)} l{number(w / 2)},{number(-h / 2)}")

    def event(self, element, kind, box, stroke, fill, factor):
        x, y, w, h = box
        cx, cy, r = x + w / 2, y + h / 2, min(w, h) / 2
        width = {"startEvent": 2, "endEvent": 4}.get(kind, 1.5) * factor
        dashed = (kind == "boundaryEvent" and element.get("cancelActivity") == "false") or (
            kind == "startEvent" and element.get("isInterrupting") == "false")
        extra = {"stroke_dasharray": "5 3"} if dashed else {}
        self.el("circle", cx=number(cx), cy=number(cy), r=number(r), fill=fill, stroke=stroke,
                stroke_width=number(width), **extra)
        if kind not in ("startEvent", "endEvent"):  # intermediate: a double ring
            self.el("circle", cx=number(cx), cy=number(cy), r=number(r - 3), fill="none", stroke=stroke,
                    stroke_width=number(width), **extra)
        definitions = {local(d) for d in element if isinstance(d.tag, str)}
        throwing = kind in ("endEvent", "intermediateThrowEvent")
        if "timerEventDefinition" in definitions:
            self.el("circle", class_="marker", cx=number(cx), cy=number(cy), r=number(r * 0.6),
                    fill=PAPER, stroke=stroke, stroke_width="1.5")
            ticks = " ".join(f"M{number(cx + r * 0.5 * math.cos(a))},{number(cy + r * 0.5 * math.sin(a))} "
                             f"L{number(cx + r * 0.6 * math.cos(a))},{number(cy + r * 0.6 * math.sin(a))}"
                             for a in (i * math.pi / 6 for i in range(12)))
            hands = f"M{number(cx)},{number(cy - r * 0.45)} L{number(cx)},{number(cy)} L{number(cx + r * 0.3)},{number(cy)}"
            self.el("path", class_="marker", d=f"{ticks} {hands}", stroke=stroke, fill="none")
        elif "messageEventDefinition" in definitions:
            self.envelope(cx - r * 0.5, cy - r * 0.33, r, r * 0.66, stroke, filled=throwing)
        elif "signalEventDefinition" in definitions:
            self.el("path", class_="marker", stroke=stroke, fill=stroke if throwing else "none",
                    d=(f"M{number(cx)},{number(cy - r * 0.55)} L{number(cx + r * 0.5)},{number(cy + r * 0.35)} "
                       f"L{number(cx - r * 0.5)},{number(cy + r * 0.35)} z"))
        elif "errorEventDefinition" in definitions:
            s = r * 0.5
            self.el("path", class_="marker", stroke=stroke, fill=stroke if throwing else "none",
                    d=(f"M{number(cx - s)},{number(cy + s)} L{number(cx - s * 0.4)},{number(cy - s)} "
                       f"L{number(cx + s * 0.2)},{number(cy + s * 0.2)} L{number(cx + s)},{number(cy - s)} "
                       f"L{number(cx + s * 0.4)},{number(cy + s)} L{number(cx - s * 0.2)},{number(cy - s * 0.2)} z"))
        elif "terminateEventDefinition" in definitions:
            self.el("circle", class_="marker", cx=number(cx), cy=number(cy), r=number(r * 0.55),
                    fill=stroke, stroke="none")

    def gateway(self, element, kind, box, stroke, fill, factor, marker_visible):
        x, y, w, h = box
        cx, cy = x + w / 2, y + h / 2
        self.el("polygon", fill=fill, stroke=stroke, stroke_width=number(2 * factor),
                points=" ".join(f"{number(px)},{number(py)}" for px, py in
                                ((cx, y), (x + w, cy), (cx, y + h), (x, cy))))
        s = min(w, h) * 0.22
        mark = {"stroke": stroke, "stroke_width": "3.5", "fill": "none", "class_": "marker",
                "stroke_linecap": "round"}
        if kind == "exclusiveGateway" and marker_visible != "false":
            self.el("path", d=(f"M{number(cx - s)},{number(cy - s)} L{number(cx + s)},{number(cy + s)} "
                                  f"M{number(cx + s)},{number(cy - s)} L{number(cx - s)},{number(cy + s)}"), **mark)
        elif kind == "parallelGateway":
            s *= 1.3
            self.el("path", d=(f"M{number(cx - s)},{number(cy)} L{number(cx + s)},{number(cy)} "
                                  f"M{number(cx)},{number(cy - s)} L{number(cx)},{number(cy + s)}"), **mark)
        elif kind == "inclusiveGateway":
            self.el("circle", cx=number(cx), cy=number(cy), r=number(s * 1.1), **mark)
        elif kind == "complexGateway":
            s *= 1.3
            d = " ".join(f"M{number(cx - s * math.cos(a))},{number(cy - s * math.sin(a))} "
                         f"L{number(cx + s * math.cos(a))},{number(cy + s * math.sin(a))}"
                         for a in (i * math.pi / 4 for i in range(4)))
            self.el("path", d=d, **mark)
        elif kind == "eventBasedGateway":
            mark.update(stroke_width="1.2")
            self.el("circle", cx=number(cx), cy=number(cy), r=number(s * 1.5), **mark)
            self.el("circle", cx=number(cx), cy=number(cy), r=number(s * 1.25), **mark)
            pts = [(cx + s * 0.8 * math.sin(a), cy - s * 0.8 * math.cos(a))
                   for a in (i * 2 * math.pi / 5 for i in range(5))]
            self.el("polygon", points=" ".join(f"{number(px)},{number(py)}" for px, py in pts), **mark)

    # -- flows -------------------------------------------------------------------------

    def edge(self, di, element, elements):
        kind = local(element)
        if kind not in ("sequenceFlow", "messageFlow", "association"):
            return
        points = []
        for wp in di.findall(f"{{{DI}}}waypoint"):
            try:
                px, py = float(wp.get("x", "")), float(wp.get("y", ""))
            except ValueError:
                continue
            if math.isfinite(px) and math.isfinite(py):
                points.append((px, py))
        if len(points) < 2:
            return
        source = elements.get(element.get("sourceRef") or "")
        is_default = source is not None and source.get("default") == element.get("id")
        conditional = (kind == "sequenceFlow" and not is_default and source is not None
                       and local(source) in TASKS | SUBPROCESSES
                       and element.find(f"{{{BPMN}}}conditionExpression") is not None)
        classes = " ".join(["flow", _kebab(kind)] + ["default"] * is_default
                           + ["conditional"] * conditional)
        self.open("g", class_=classes, data_flow_id=element.get("id"))
        attrs = {"fill": "none", "stroke": INK, "stroke_width": "1.5", "stroke_linejoin": "round",
                 "points": " ".join(f"{number(px)},{number(py)}" for px, py in points)}
        if kind == "sequenceFlow":
            attrs["marker_end"] = f"url(#{ARROW})"
            if conditional:
                attrs["marker_start"] = f"url(#{CONDITION})"
        elif kind == "messageFlow":
            attrs.update(stroke_dasharray="8 5", marker_end=f"url(#{ARROW})")
        else:
            attrs.update(stroke_dasharray="2 4", stroke_width="1")
        self.el("polyline", **attrs)
        (x0, y0), (x1, y1) = points[0], points[1]
        length = math.hypot(x1 - x0, y1 - y0)
        if is_default and length > 0:  # the slash across the start of a default flow
            dx, dy = (x1 - x0) / length, (y1 - y0) / length
            px, py = x0 + dx * 10, y0 + dy * 10
            ax, ay = -dy * 6 + dx * 4, dx * 6 + dy * 4
            self.el("path", class_="marker", stroke=INK, stroke_width="1.5",
                    d=f"M{number(px - ax)},{number(py - ay)} L{number(px + ax)},{number(py + ay)}")
        for px, py in points:
            self.cover(px, py)
        name = (element.get("name") or "").strip()
        if name:
            label = _label_bounds(di)
            if label is None:
                mx, my = points[len(points) // 2 - 1] if len(points) > 2 else points[0]
                nx, ny = points[len(points) // 2]
                label = ((mx + nx) / 2 - 45, (my + ny) / 2 - 16, 90, 14)
            lx, ly, lw, lh = label
            self.lines(_wrap(name, max(lw, 60), max(1, int(lh // 13)), 5.9), lx + lw / 2, ly - 1,
                      size=11, line_h=13)
            self.cover(lx, ly, lw, lh)
        self.close()

    def svg(self, title: str) -> str:
        """The whole document: the drawing fitted into a viewBox with a margin."""
        x0, y0, x1, y1 = self.box
        view = (x0 - MARGIN, y0 - MARGIN, x1 - x0 + 2 * MARGIN, y1 - y0 + 2 * MARGIN)
        body, self.parts = self.parts, []
        self.open("svg", xmlns=SVG_NS, class_="bpmn-diagram", viewBox=" ".join(map(number, view)),
                  width="100%", role="img", aria_label=title,
                  font_family="Arial, Helvetica, sans-serif")
        self.el("title", title)
        self.open("defs")
        self.open("marker", id=ARROW, viewBox="0 0 20 20", refX="19", refY="10", markerWidth="11",
                  markerHeight="11", markerUnits="userSpaceOnUse", orient="auto")
        self.el("path", d="M1,3 L19,10 L1,17 z", fill=INK)
        self.close()
        self.open("marker", id=CONDITION, viewBox="0 0 20 20", refX="0", refY="10",
                  markerWidth="16", markerHeight="16", markerUnits="userSpaceOnUse", orient="auto")
        self.el("path", d="M0,10 L8,5 L16,10 L8,15 z", fill=PAPER, stroke=INK)
        self.close()
        self.close()
        self.parts += body
        self.close()
        return self.markup()
