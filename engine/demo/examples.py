"""Which methodologies the demo deploys: the folder given (``--methodologies PATH``),
else ./methodologies when it exists, else the example methodologies shipped inside
the package — so that ``dealflow demo`` and ``dealflow serve --demo`` work from any
folder, and say which one they use.

The examples are the repository's top-level methodologies/ folder. A regular install
carries a copy as package data (engine/demo/methodologies/, copied by setup.py's build
step); a source checkout or an editable install reads the repository's folder itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine import DealflowError

HERE = Path(__file__).resolve().parent
INSTALLED = HERE / "methodologies"             # package data of a regular install
CHECKOUT = HERE.parents[1] / "methodologies"   # the repository's folder (editable install)
CURRENT = "methodologies"                      # ./methodologies


@dataclass(frozen=True)
class MethodologiesFolder:
    path: str
    why: str  # what chose it, for the one line the demo prints

    def __str__(self) -> str:
        return f"methodologies: {self.path} ({self.why})"


def packaged_examples() -> Path:
    """The example methodologies that ship with Dealflow."""
    for folder in (INSTALLED, CHECKOUT):
        if (folder / "routing").is_dir():
            return folder
    raise DealflowError(f"the packaged example methodologies are missing (looked in {INSTALLED}); "
                        "reinstall Dealflow, or give --methodologies PATH")


def choose_methodologies(given: str | None) -> MethodologiesFolder:
    """``given`` (a missing folder is a DealflowError), else ./methodologies, else the
    packaged examples."""
    if given is not None:
        if not Path(given).is_dir():
            raise DealflowError(f"no methodologies folder at {given}")
        return MethodologiesFolder(given, "--methodologies")
    if Path(CURRENT).is_dir():
        return MethodologiesFolder(CURRENT, "found in the current folder")
    return MethodologiesFolder(str(packaged_examples()),
                               "the packaged examples; --methodologies PATH deploys your own")
