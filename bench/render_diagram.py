"""How much drawing a deal's BPMN diagram costs on top of reading the file.

One command:  python bench/render_diagram.py [BPMN]   (default: the seed funnel)

Floor, measured in the same run on the same file: lxml parsing the BPMN bytes
into a tree — the least any drawing of the file has to do. Dealflow's drawing
(engine.drawing.bpmn_diagram.render_svg) parses too, then lays out every shape
and edge from the file's diagram interchange, escapes the names and writes the
SVG with the current node marked. Prints both times and, last, ratio=X.XX.
This replaces a timed test (50 ms) that failed on a loaded machine: speed is
measured here, against a floor, not asserted in the suite.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from lxml import etree

from engine.drawing.bpmn_diagram import render_svg

ROUNDS = 200
DEFAULT = Path(__file__).resolve().parent.parent / "methodologies/bpmn/seed002-funnel.bpmn"


def median_seconds(action) -> float:
    action()  # warm up
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    source = path.read_bytes()
    floor = median_seconds(lambda: etree.fromstring(source))
    ours = median_seconds(lambda: render_svg(source, current={"Task_Negotiate"}))
    print(f"file: {path.name} ({len(source)} bytes), {ROUNDS} rounds each, medians")
    print(f"floor    (lxml parse):          {floor * 1000:7.3f} ms")
    print(f"dealflow (render_svg, marked):  {ours * 1000:7.3f} ms")
    print(f"ratio={ours / floor:.2f}")


if __name__ == "__main__":
    main()
