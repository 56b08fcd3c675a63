import inspect

import engine


def test_the_public_api_is_exactly_what_all_lists():
    public = {name for name in dir(engine)
              if not name.startswith("_") and not inspect.ismodule(getattr(engine, name))}
    assert public == set(engine.__all__)


def test_every_exported_name_resolves():
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def test_every_deliberate_error_is_a_dealflow_error():
    for error in (engine.MethodologyError, engine.ExpressionError, engine.ExpressionLimitError):
        assert issubclass(error, engine.DealflowError)
