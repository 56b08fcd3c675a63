"""The one build step pyproject.toml cannot say: the example methodologies (the
repository's top-level methodologies/ folder, which stays where it is) ship inside
the package as engine/demo/methodologies/, so that an installed Dealflow runs
``dealflow demo`` from any folder. An editable install reads the repository's
folder instead (engine/demo/examples.py), so nothing is copied for it."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

EXAMPLES = Path(__file__).resolve().parent / "methodologies"


class BuildWithExamples(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib, "engine", "demo", "methodologies")
            shutil.rmtree(target, ignore_errors=True)  # build/ outlives a build: no file removed since
            shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithExamples})
