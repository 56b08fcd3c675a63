"""How much `dealflow validate` costs on top of the bare library.

One command:  python bench/validate.py [PATH]   (default: methodologies)

Floor, measured in the same run on the same files: SpiffWorkflow 3.2.0 alone
parsing every BPMN and DMN file with its XSD validator and building each process
spec — the least any validation of these files has to do. Dealflow's validation
does that plus YAML with line tracking, JSON Schemas, every expression through the
whitelist checker, reachability and the cross-file checks. The two take turns,
round by round; wall and thread CPU times are both recorded (the CPU time leaves out
waiting for a CPU on a shared machine). Prints both per side and, last,
ratio=X.XX cpu_ratio=X.XX (target <= 3): Dealflow's median / the floor's.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from engine import load_methodologies

ROUNDS = 30


_VALIDATOR = None


def floor(path: Path) -> None:
    # The XSD is compiled once, as Dealflow does, so the floor is not inflated by it.
    global _VALIDATOR
    _VALIDATOR = _VALIDATOR or BpmnValidator()
    parser = CamundaParser(validator=_VALIDATOR)
    parser.add_bpmn_files(sorted(str(p) for p in path.rglob("*.bpmn")))
    parser.add_dmn_files(sorted(str(p) for p in path.rglob("*.dmn")))
    for process_id in parser.get_process_ids():
        parser.get_spec(process_id)


def dealflow(path: Path) -> None:
    result = load_methodologies(str(path))
    if result.problems:
        raise SystemExit(f"{path} is not valid; fix it first:\n" + "\n".join(map(str, result.problems)))


def timed(action, path: Path, times: list[float], cpu: list[float]) -> None:
    start, used = time.perf_counter(), time.thread_time()
    action(path)
    times.append(time.perf_counter() - start)
    cpu.append(time.thread_time() - used)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "methodologies")
    load_before = os.getloadavg()
    floor(path)  # warm up: imports, the XSD, caches that every real run also has
    dealflow(path)
    wall: dict[str, list[float]] = {"floor": [], "dealflow": []}
    cpu: dict[str, list[float]] = {"floor": [], "dealflow": []}
    for _ in range(ROUNDS):  # the two take turns, so that a shared machine's load falls on both alike
        timed(floor, path, wall["floor"], cpu["floor"])
        timed(dealflow, path, wall["dealflow"], cpu["dealflow"])
    load_after = os.getloadavg()
    median = {name: statistics.median(times) for name, times in wall.items()}
    cpu_median = {name: statistics.median(times) for name, times in cpu.items()}
    print(f"files: {path} ({sum(1 for p in path.rglob('*') if p.is_file())} files), {ROUNDS} rounds each, "
          f"taking turns; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"floor    (SpiffWorkflow parse + XSD + specs): best {min(wall['floor']) * 1000:7.1f} ms  "
          f"median {median['floor'] * 1000:7.1f} ms  CPU median {cpu_median['floor'] * 1000:7.1f} ms")
    print(f"dealflow (dealflow validate, in process):     best {min(wall['dealflow']) * 1000:7.1f} ms  "
          f"median {median['dealflow'] * 1000:7.1f} ms  CPU median {cpu_median['dealflow'] * 1000:7.1f} ms")
    print(f"ratio={median['dealflow'] / median['floor']:.2f} "
          f"cpu_ratio={cpu_median['dealflow'] / cpu_median['floor']:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
