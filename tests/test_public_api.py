"""The public API (engine/__init__.py), tested as such — httpx's test_exported_members shape."""

import inspect
import subprocess
import sys

import pytest

import engine
import engine.errors
import engine.views


def test_the_public_api_is_exactly_what_all_lists():
    public = {name for name in dir(engine)
              if not name.startswith("_") and not inspect.ismodule(getattr(engine, name))}
    assert public == set(engine.__all__)


def test_every_name_in_all_is_importable_from_engine():
    for name in engine.__all__:
        namespace: dict = {}
        exec(f"from engine import {name}", namespace)  # noqa: S102 - the import statement itself is the test
        assert namespace[name] is getattr(engine, name) is not None


def test_all_lists_no_name_twice():
    assert len(engine.__all__) == len(set(engine.__all__))


def test_every_public_error_class_of_engine_errors_is_exported():
    errors = {name for name, value in vars(engine.errors).items()
              if inspect.isclass(value) and issubclass(value, BaseException) and not name.startswith("_")}
    assert errors >= {"DealflowError", "FormError", "NotFoundError", "PermissionDeniedError", "ConflictError"}
    assert errors <= set(engine.__all__), f"not exported: {sorted(errors - set(engine.__all__))}"
    assert all(getattr(engine, name) is getattr(engine.errors, name) for name in errors)


def test_every_deliberate_error_is_a_dealflow_error():
    errors = [getattr(engine, name) for name in engine.__all__
              if inspect.isclass(getattr(engine, name)) and issubclass(getattr(engine, name), BaseException)]
    assert len(errors) >= 14
    assert all(issubclass(error, engine.DealflowError) for error in errors)


def test_every_view_is_exported_from_engine_and_engine_views():
    views = {name for module in ("buying_center", "opportunities", "sales", "segments")
             for name, value in vars(__import__(f"engine.views.{module}", fromlist=["_"])).items()
             if inspect.isclass(value) and value.__module__ == f"engine.views.{module}"}
    assert {"OpportunityView", "BuyingCenterView", "SalesAssistantView", "SwapReport"} <= views
    assert views == set(engine.views.__all__)
    assert views <= set(engine.__all__)


def test_the_engine_is_the_facade():
    from engine.service import Engine
    assert engine.Engine is Engine
    assert callable(engine.load_methodologies)


# Importing any engine.* module runs engine/__init__ (the whole public API) first, so these
# two entry points, which import `engine` and then their own modules, cover every order.
@pytest.mark.parametrize("module", ["engine.cli", "webui"])
def test_importing_an_entry_point_first_in_a_fresh_interpreter_meets_no_import_circle(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}; import engine; engine.Engine"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_every_error_dealflow_raises_on_purpose_is_declared_in_engine_errors():
    """The one hierarchy: no module declares its own subclass of a Dealflow error."""
    import ast
    from pathlib import Path

    errors = {name for name, value in vars(engine.errors).items()
              if inspect.isclass(value) and issubclass(value, engine.DealflowError)}
    root = Path(engine.__file__).resolve().parents[1]
    elsewhere = []
    for path in sorted([*(root / "engine").rglob("*.py"), *(root / "webui").rglob("*.py")]):
        if path == root / "engine" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                         for base in node.bases}
                if bases & errors:
                    elsewhere.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    assert elsewhere == []
