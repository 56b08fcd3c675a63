"""Lead imports running in the background of the web process.

A page starts an import (``Engine.start_lead_import`` gives its id at once) and hands
it to the app's ``ImportRunner``, which runs ``Engine.run_lead_import`` in a thread
of its own, so the request answers at once and the browser shows the import's page,
which polls its progress (the import commits it every batch, so any worker process
reads it from the database). Whatever the run raises is already recorded on the
import (status failed, with its message), which is what its page shows; the runner
only logs an unexpected error besides.

Limits: the thread lives in the worker that took the request; if that process ends
(a restart, gunicorn's max-requests), the import stops at the last batch it
committed. Its heartbeat then goes stale and after DEALFLOW_LEAD_IMPORT_STALE_MINUTES
its page shows it interrupted, with a button to resume it (a new thread here goes on
after that batch) or to revert what it wrote. Its uploaded file stays for a resume
until the import is done or reverted (then the upload sweep takes it).
``wait`` is for tests and for an orderly shutdown.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask

from engine import Engine
from engine.errors import DealflowError, ImportSupersededError

EXTENSION = "dealflow.lead_runs"
log = logging.getLogger(__name__)


class ImportRunner:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, import_id: int, *, remove_after: Path | None = None) -> None:
        """Run import ``import_id`` in a new thread; delete ``remove_after`` (the
        uploaded file) once it is done."""
        thread = threading.Thread(target=self._run, args=(import_id, remove_after),
                                  name=f"lead-import-{import_id}", daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _run(self, import_id: int, remove_after: Path | None) -> None:
        try:
            self.engine.run_lead_import(import_id)
        except ImportSupersededError:
            return  # resumed by another run, which reads the file: it stays (the sweep takes it later)
        except DealflowError:
            pass  # recorded on the import: its page says why
        except Exception:  # noqa: BLE001 - a thread's error would otherwise vanish
            log.exception("lead import %s failed", import_id)
        if remove_after is not None:
            remove_after.unlink(missing_ok=True)

    def wait(self, timeout: float | None = None) -> None:
        """Until every import started so far has finished."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def runner_of(app: Flask) -> ImportRunner:
    return app.extensions[EXTENSION]


def init_app(app: Flask, engine: Engine) -> None:
    app.extensions[EXTENSION] = ImportRunner(engine)
