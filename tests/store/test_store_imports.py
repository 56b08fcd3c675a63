"""engine/store imports only the pure core (and itself): no runtime, no service, no adapters."""

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "engine" / "store"
ALLOWED = ("engine.errors", "engine.methodology", "engine.expressions", "engine.rules", "engine.views",
           "engine.drawing", "engine.store")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports; a relative import as its dots (not the house style)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def wrong(name: str) -> bool:
    if name.startswith("."):
        return True
    if name.split(".")[0] not in ("engine", "webui"):
        return False  # the standard library, SQLAlchemy, Alembic...
    return not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)


def test_the_store_imports_only_the_pure_core():
    found = sorted(f"{path.relative_to(STORE.parents[1])}: {name}"
                   for path in STORE.rglob("*.py") for name in imported(path) if wrong(name))
    assert not found


def test_the_check_sees_what_it_must_refuse():
    assert wrong("engine.runtime.workflow") and wrong("engine.service") and wrong("engine") and wrong("webui")
    assert wrong(".models") and wrong("engine.storex")
    assert not wrong("engine.rules.policy") and not wrong("engine.store.models") and not wrong("sqlalchemy.orm")
