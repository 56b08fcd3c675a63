"""Fixtures of the screen tests: the engine with every user's password 'demo', and
the app over it (CSRF off; test_pages_auth.py turns it on)."""

import pytest

from tests.conftest import make_engine
from tests.webui.pages_support import make_app, with_passwords


@pytest.fixture
def engine(db_url, clock):
    engine = with_passwords(make_engine(db_url, clock))
    yield engine
    engine.close()


@pytest.fixture
def app(engine):
    return make_app(engine)
