"""A database URL that cannot be used is one line naming it (never its password), from
the installed command, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import DatabaseError
from engine.store import db


@pytest.mark.parametrize("url, says", [
    ("bogus", "'bogus' is not a database URL Dealflow can use"),
    ("mysql://someone:secret@host/db", "'mysql://host/db' is not a database URL Dealflow can use"),
    ("postgresql+psycopg://postgres:secret@127.0.0.1:1/x", "cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/x"),
    ("sqlite:////nonexistent-folder/x.db", "cannot reach the database sqlite:////nonexistent-folder/x.db"),
])
def test_an_unusable_database_url_is_one_line_from_the_command(tmp_path, url, says):
    env = {**os.environ, "DEALFLOW_DATABASE_URL": url}
    done = subprocess.run([str(Path(sys.executable).parent / "dealflow"), "opportunity", "list"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {says}"), done.stderr
    assert "secret" not in done.stderr


def test_the_store_raises_the_error_tree_for_an_unreadable_url():
    with pytest.raises(DatabaseError, match="is not a database URL"):
        db.make_engine("not a url")
