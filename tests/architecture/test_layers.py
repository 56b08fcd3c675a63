"""The import rule of docs/architecture.md, held by reading the source.

Every module under engine/ and webui/ is parsed with ``ast``; every import counts,
at module level and inside functions alike (a lazy import is still a dependency), and
for the layers even one only for type checkers.

    pure core   engine.errors, engine.methodology, engine.expressions, engine.rules,
                engine.drawing, engine.views: imports nothing of Dealflow outside the core
    runtime     engine.runtime: the core (and SpiffWorkflow, which nobody else imports)
    store       engine.store: the core (and SQLAlchemy, Alembic)
    service     engine.service: the core, runtime and store
    public API  engine (the package's __init__): the core and the service
    demo        engine.demo: seeds and walks demo deals through the public API alone
    adapters    engine.cli and webui: only ``engine``, engine.views and engine.errors
                (and engine.demo, which both serve) besides their own modules; nothing
                in engine imports webui

SQLAlchemy is imported only by engine.store and by the unit of work that opens
sessions (engine.service.unit_of_work, engine.service.context). A failure names every
offending ``module:line -> imported`` at once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "webui")

CORE = ("engine.errors", "engine.methodology", "engine.expressions", "engine.rules", "engine.drawing",
        "engine.views")
ADAPTER_MAY_IMPORT = ("engine", "engine.views", "engine.errors")  # `engine` is the package itself
SESSION_MODULES = ("engine.service.unit_of_work", "engine.service.context")

# Frameworks, each allowed in the named places only (other libraries, e.g. lxml, are free).
FRAMEWORKS = {
    "SpiffWorkflow": ("engine.runtime",),
    "sqlalchemy": ("engine.store",) + SESSION_MODULES,
    "alembic": ("engine.store",),
    "psycopg": ("engine.store",),
    "click": ("engine.cli", "webui"),  # Flask's own command line is click
    "flask": ("webui",),
    "flask_login": ("webui",),
    "flask_wtf": ("webui",),
    "wtforms": ("webui",),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    target: str  # the module imported (``from a import b`` gives a.b when that is a module)
    typing_only: bool = False  # under ``if TYPE_CHECKING:``: read by type checkers, never run

    def __str__(self) -> str:
        return f"{self.module}:{self.line} -> {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    return {module_name(path): path
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


MODULES = source_modules()


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imports_of(module: str, path: Path) -> list[Import]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text("utf-8"), str(path))
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node.test)
                   for statement in node.body for inner in ast.walk(statement)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name, id(node) in typing_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved so it is judged too (see the test below)
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append(Import(module, node.lineno, candidate if candidate in MODULES else base,
                                    id(node) in typing_only))
    return sorted(set(found), key=lambda i: (i.line, i.target))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


IMPORTS = {module: imports_of(module, path) for module, path in MODULES.items()}


def layer(module: str) -> str:
    if under(module, *CORE):
        return "core"
    for name in ("runtime", "store", "service", "cli"):
        if under(module, f"engine.{name}"):
            return name
    if under(module, "engine.demo"):
        return "demo"
    if module == "engine":
        return "public API"
    if under(module, "webui"):
        return "webui"
    return "engine (outside every layer)"


def may_import(importer: str, target: str) -> bool:
    """The rule for imports of Dealflow's own modules."""
    kind = layer(importer)
    if not under(target, *PACKAGES):
        return True
    if kind in ("cli", "webui", "demo"):
        own = {"cli": ("engine.cli", "engine.demo"), "webui": ("webui", "engine.demo"), "demo": ("engine.demo",)}
        return under(target, *own[kind]) or target == "engine" or under(target, *ADAPTER_MAY_IMPORT[1:])
    allowed = {"core": ("core",), "runtime": ("core", "runtime"), "store": ("core", "store"),
               "service": ("core", "runtime", "store", "service"),
               "public API": ("core", "service")}.get(kind, ())
    return layer(target) in allowed


def may_use_framework(importer: str, target: str) -> bool:
    top = target.split(".")[0]
    return top not in FRAMEWORKS or under(importer, *FRAMEWORKS[top])


def test_the_source_is_found():
    assert {"engine", "engine.errors", "engine.service", "webui"} <= set(MODULES)
    assert sum(len(found) for found in IMPORTS.values()) > 200


def test_the_rule_tells_right_from_wrong():
    assert may_import("engine.rules.scoring", "engine.methodology.model")
    assert not may_import("engine.rules.scoring", "engine.store.models")
    assert not may_import("engine.methodology.bpmn_source", "engine.runtime.specs")
    assert may_import("engine.store.progress", "engine.rules.progress")
    assert not may_import("engine.store.progress", "engine.runtime.workflow")
    assert may_import("engine.service.facade", "engine.runtime.workflow")
    assert not may_import("engine.service.facade", "engine.cli")
    assert may_import("engine", "engine.service") and not may_import("engine", "engine.cli")
    assert may_import("engine.cli.diff", "engine") and may_import("engine.cli.diff", "engine.views.segments")
    assert not may_import("engine.cli.diff", "engine.methodology.diff")
    assert not may_import("engine.cli.ops", "webui") and not may_import("engine.service.screens", "webui")
    assert may_import("webui.segments", "engine.errors") and not may_import("webui.segments", "engine.rules.swap_plan")
    assert not may_use_framework("engine.methodology.bpmn_source", "SpiffWorkflow.bpmn.parser")
    assert may_use_framework("engine.runtime.specs", "SpiffWorkflow.bpmn.parser")
    assert not may_use_framework("engine.service.catalog", "sqlalchemy.orm")
    assert may_use_framework("engine.service.unit_of_work", "sqlalchemy.orm.exc")
    assert not may_use_framework("engine.rules.forms", "flask")


def test_function_level_relative_and_from_imports_are_all_read(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("from engine.rules import scoring\nfrom engine.views import UserView\n"
                      "def f():\n    import sqlalchemy.orm\n    from . import svg\n"
                      "if TYPE_CHECKING:\n    from engine.service import Engine\n", "utf-8")
    found = imports_of("engine.drawing.m", source)
    assert [str(i) for i in found] == [
        "engine.drawing.m:1 -> engine.rules.scoring", "engine.drawing.m:2 -> engine.views",
        "engine.drawing.m:4 -> sqlalchemy.orm", "engine.drawing.m:5 -> engine.drawing.svg",
        "engine.drawing.m:7 -> engine.service"]
    assert [i.typing_only for i in found] == [False, False, False, False, True]


LAYERS = ("core", "runtime", "store", "service", "public API", "demo", "cli", "webui")


def test_every_module_is_in_a_layer():
    assert [m for m in MODULES if layer(m) not in LAYERS] == []


@pytest.mark.parametrize("importer", LAYERS)
def test_imports_of_dealflow_modules_point_one_way(importer):
    wrong = [f"{i} ({importer} may not import {layer(i.target)})"
             for module, found in IMPORTS.items() if layer(module) == importer
             for i in found if not may_import(i.module, i.target)]
    assert not wrong, f"imports against the layers in {importer}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("importer", LAYERS)
def test_frameworks_are_imported_only_where_they_belong(importer):
    wrong = [f"{i} (only {', '.join(FRAMEWORKS[i.target.split('.')[0]])} may import it)"
             for module, found in IMPORTS.items() if layer(module) == importer
             for i in found if not may_use_framework(i.module, i.target)]
    assert not wrong, f"frameworks imported outside their place in {importer}:\n" + "\n".join(wrong)


def test_imports_inside_dealflow_are_absolute():
    relative = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                relative.append(f"{module}:{node.lineno} -> {'.' * node.level}{node.module or ''}")
    assert not relative, "relative imports:\n" + "\n".join(relative)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_modules_import_each_other_in_a_circle(package):
    """Circles that run: an import only for type checkers (``if TYPE_CHECKING:``) never
    executes, so it closes no circle; it still counts for the layers above."""
    graph = nx.DiGraph()
    lines: dict[tuple[str, str], int] = {}
    for found in IMPORTS.values():
        for i in found:
            if i.target in MODULES and i.target != i.module and not i.typing_only:
                graph.add_edge(i.module, i.target)
                lines.setdefault((i.module, i.target), i.line)
    circles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1 and any(under(m, package) for m in component):
            cycle = nx.find_cycle(graph.subgraph(component))
            edges = sorted(graph.subgraph(component).edges)
            circles.append(" -> ".join([f"{a}:{lines[a, b]}" for a, b in cycle] + [cycle[0][0]])
                           + f"  ({len(component)} modules, {len(edges)} imports among them: "
                           + ", ".join(f"{a}:{lines[a, b]} -> {b}" for a, b in edges) + ")")
    assert not circles, "modules that import each other in a circle:\n" + "\n".join(sorted(circles))
