"""What running the product in a clone leaves behind must not be committable by `git add -A`."""

import shutil
import subprocess
from pathlib import Path

import pytest

from webui.serve import SECRET_FILE

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not (REPO / ".git").exists() or shutil.which("git") is None,
                    reason="needs a git clone")
def test_the_demo_servers_secret_file_is_ignored_by_git():
    # `dealflow serve --demo` writes its session-signing secret into the working folder.
    result = subprocess.run(["git", "check-ignore", "-q", SECRET_FILE], cwd=REPO)
    assert result.returncode == 0, f"{SECRET_FILE} is not in .gitignore"


def test_the_readme_activates_the_virtualenv_before_its_first_bare_dealflow_command():
    # The quick start installs into .venv without activating it; "Using it" then calls
    # `dealflow …` bare, which a new user's shell does not find.
    text = (REPO / "README.md").read_text(encoding="utf-8")
    using = text.split("## Using it", 1)[1]
    first_bare = using.index("\ndealflow ")
    assert "source .venv/bin/activate" in using[:first_bare]
