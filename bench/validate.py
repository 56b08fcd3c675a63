"""How much `dealflow validate` costs on top of the bare library.

One command:  python bench/validate.py [PATH]   (default: methodologies)

Floor, measured in the same run on the same files: SpiffWorkflow 3.2.0 alone
parsing every BPMN and DMN file with its XSD validator and building each process
spec — the least any validation of these files has to do. Dealflow's validation
does that plus YAML with line tracking, JSON Schemas, every expression through the
whitelist checker, reachability and the cross-file checks. Prints both times per
run and, last, ratio=X.XX (Dealflow / floor).
"""

from __future__ import annotations

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


def best_and_median(action, path: Path) -> tuple[float, float]:
    action(path)  # warm up: imports, the XSD, caches that every real run also has
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "methodologies")
    floor_best, floor_median = best_and_median(floor, path)
    ours_best, ours_median = best_and_median(dealflow, path)
    print(f"files: {path} ({sum(1 for p in path.rglob('*') if p.is_file())} files), {ROUNDS} rounds each")
    print(f"floor    (SpiffWorkflow parse + XSD + specs): best {floor_best * 1000:7.1f} ms  median {floor_median * 1000:7.1f} ms")
    print(f"dealflow (dealflow validate, in process):     best {ours_best * 1000:7.1f} ms  median {ours_median * 1000:7.1f} ms")
    print(f"ratio={ours_median / floor_median:.2f}")


if __name__ == "__main__":
    main()
