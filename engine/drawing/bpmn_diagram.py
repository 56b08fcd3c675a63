"""A BPMN file's diagram (its BPMN DI) drawn as SVG, with a deal's position marked.

Pure: BPMN bytes in, SVG text out; the file is parsed with the hardened parser of
``bpmn_source``. This module picks the process's diagram and the drawing order;
``bpmn_shapes`` draws each element. Every attribute value and text is written through
``engine.drawing.svg``'s one escaper, so a name from the (untrusted) file stays text,
never markup. The output
holds no scripts, no external references and no stylesheet, only presentation
attributes, so it can be inlined in a page or served as a file; ids are prefixed
``dealflow-`` so inlining one diagram per page is safe.

Every flow node is a ``<g class="node <category> <kind> [current|done]"
data-node-id="...">``; lanes, pools and flows carry ``data-lane-id``,
``data-participant-id`` and ``data-flow-id``. A file without DI for the process
gives a small SVG that says so (class ``no-diagram``); nothing is laid out
automatically. DI that is odd (no bounds, an unknown ``bpmnElement``, a flow with
fewer than two waypoints) is skipped element by element.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.drawing.bpmn_shapes import BPMNDI, SUBPROCESSES, BpmnDrawing, area, local
from engine.drawing.svg import SVG_NS, SvgWriter
from engine.methodology.bpmn_source import BPMN, parse_xml

__all__ = ["NO_DI_MESSAGE", "render_svg"]

NO_DI_MESSAGE = ("This BPMN file has no diagram layout (BPMN DI); "
                 "draw it in a modeler to see it here.")


def render_svg(bpmn: bytes, process_id: str | None = None, *,
               current: Iterable[str] = (), done: Iterable[str] = ()) -> str:
    """The diagram of ``process_id`` (default: the file's first process) as SVG text.

    ``current`` nodes (READY tasks, waiting timers) are drawn in a strong colour
    with class ``current``; ``done`` nodes in a subtle one with class ``done``.
    Raises ValueError when the XML does not parse or has no such process.
    """
    tree, problems = parse_xml("diagram.bpmn", bpmn)
    if tree is None:
        raise ValueError(f"cannot draw the diagram: {problems[0].message}")
    root = tree.getroot()
    process = _process(root, process_id)
    plane = _plane(root, process)
    if plane is None:
        return _message_svg()
    elements = {el.get("id"): el for el in root.iter(f"{{{BPMN}}}*") if el.get("id")}
    current, done = set(current), set(done)
    drawing = BpmnDrawing()
    shapes, edges = [], []
    for di in plane.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge"):
        element = elements.get(di.get("bpmnElement") or "")
        if element is None:
            continue
        (shapes if di.tag.endswith("Shape") else edges).append((di, element))
    # Containers first (the largest underneath), then flows, then nodes, boundary events last.
    shapes.sort(key=lambda pair: (_layer(local(pair[1])), -area(pair[0])))
    for di, element in shapes:
        if _layer(local(element)) < 3:
            drawing.shape(di, element, current, done)
    for di, element in edges:
        drawing.edge(di, element, elements)
    for di, element in shapes:
        if _layer(local(element)) >= 3:
            drawing.shape(di, element, current, done)
    if not drawing.drawn:
        return _message_svg()
    return drawing.svg(process.get("name") or process.get("id"))


def _process(root, process_id):
    processes = root.findall(f"{{{BPMN}}}process")
    for process in processes:
        if process_id is None or process.get("id") == process_id:
            return process
    if process_id is None:
        raise ValueError("this BPMN file defines no process to draw")
    known = ", ".join(repr(p.get("id")) for p in processes) or "none"
    raise ValueError(f"this BPMN file has no process {process_id!r}; processes in it: {known}")


def _plane(root, process):
    """The BPMNPlane that draws the process itself or a collaboration it takes part in."""
    pid = process.get("id")
    owners = {pid}
    for participant in root.iter(f"{{{BPMN}}}participant"):
        if participant.get("processRef") == pid:
            owners.add(participant.getparent().get("id"))
    planes = list(root.iter(f"{{{BPMNDI}}}BPMNPlane"))
    for plane in planes:
        if plane.get("bpmnElement") in owners:
            return plane
    if len(planes) == 1 and not planes[0].get("bpmnElement"):
        return planes[0]
    return None


def _layer(kind: str) -> int:
    if kind in SUBPROCESSES:
        return 2
    return {"participant": 0, "lane": 1, "boundaryEvent": 4}.get(kind, 3)



def _message_svg() -> str:
    out = SvgWriter()
    out.open("svg", xmlns=SVG_NS, class_="bpmn-diagram no-diagram", viewBox="0 0 640 60",
             width="100%", role="img", aria_label=NO_DI_MESSAGE)
    out.el("rect", x="0.5", y="0.5", width="639", height="59", rx="6", fill="#f8f9fa",
           stroke="#ced4da")
    out.el("text", NO_DI_MESSAGE, x="320", y="35", fill="#495057", text_anchor="middle",
           font_size="14", font_family="Arial, Helvetica, sans-serif")
    out.close()
    return out.markup()


