"""Deployed methodologies and routing: storing new versions, and reading them back.

A version row keeps the files it was made of; the engine rebuilds the methodology
from them (and its workflow spec from the stored spec text) once per process and
caches both by version id — versions are immutable, so the cache never goes stale.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from engine.errors import MethodologyError, NotFoundError
from engine.methodology.model import LaneRole, Methodology, Routing
from engine.methodology.problems import Problem
from engine.rules.routing import task_roles
from engine.runtime.workflow import ProcessRunner
from engine.service.unit_of_work import Session
from engine.views import DeployedVersion, DeployReport
from engine.store import versions


@dataclass(frozen=True)
class VersionInfo:
    """The small, immutable facts of a deployed version (its row also holds the
    files and the spec, which are large and read only once per process)."""

    id: int
    methodology_id: str
    label: str
    content_hash: str


class Catalog:
    def __init__(self):
        self._lock = Lock()
        self._methodologies: dict[int, Methodology] = {}
        self._runners: dict[int, ProcessRunner] = {}
        self._routing: dict[int, Routing] = {}
        self._versions: dict[int, VersionInfo] = {}

    # --- deploying -------------------------------------------------------------------

    def deploy(self, session: Session, result, root: str, actor: str | None, now: datetime,
               force: bool = False) -> DeployReport:
        files_by_path = {f.path: f for f in result.files}
        deployed, clashes = [], []
        for methodology in result.library.methodologies.values():
            files = {_relative(p, root): files_by_path[p].data.decode("utf-8") for p in methodology.files}
            existing = versions.find_version(session, methodology.id, methodology.content_hash)
            if existing is not None:
                current = versions.current_version_id(session, methodology.id)
                if current is not None and current != existing.id:
                    existing.activation = versions.next_activation(session)  # redeployed: current again
                deployed.append(DeployedVersion(methodology.id, existing.label, existing.id,
                                                existing.content_hash, new=False,
                                                number=versions.version_number(session, existing)))
                continue
            previous_id = versions.current_version_id(session, methodology.id)
            previous = versions.version_files(session, previous_id) if previous_id is not None else {}
            changed = changed_files(previous, files)
            same_label = versions.current_version_id(session, methodology.id, methodology.version)
            if same_label is not None and not force:
                # "1.0" must always mean one set of files: a changed methodology needs a new label.
                clashes.append(_label_clash(methodology, files_by_path[methodology.stage_table_path].data,
                                            changed_files(versions.version_files(session, same_label), files)))
                continue
            runner = ProcessRunner.from_files(
                {p: d.encode("utf-8") for p, d in files.items() if p.endswith((".bpmn", ".bpmn20.xml", ".bpmn2"))},
                {p: d.encode("utf-8") for p, d in files.items() if p.endswith(".dmn")},
                methodology.process.id,
                {p: d.encode("utf-8") for p, d in files.items() if p.endswith(".form")})
            row = versions.add_version(
                session, methodology_id=methodology.id, label=methodology.version,
                content_hash=methodology.content_hash, process_id=methodology.process.id, files=files,
                spec=runner.spec_text(), deployed_at=now, deployed_by=actor)
            deployed.append(DeployedVersion(methodology.id, row.label, row.id, row.content_hash, new=True,
                                            number=versions.version_number(session, row), changed=changed))
        if clashes:
            raise MethodologyError(clashes)
        for routing in result.library.routing:
            for segment in routing.segments:
                if segment.methodology_version:
                    versions.current_version_id(session, segment.methodology,
                                                segment.methodology_version) or _unpinnable(
                        routing, segment)
        routing_files = {_relative(f.path, root): f.data.decode("utf-8")
                         for f in result.files if f.kind == "routing"}
        routing_changed = False
        if routing_files:
            digest = hashlib.sha256(repr(sorted(routing_files.items())).encode("utf-8")).hexdigest()
            newest = versions.newest_routing(session)
            if newest is None or newest.content_hash != digest:
                versions.add_routing(session, digest, routing_files, now)
                routing_changed = True
        return DeployReport(tuple(deployed), routing_changed)

    # --- reading back ----------------------------------------------------------------

    def version(self, session: Session, version_id: int) -> tuple[VersionInfo, Methodology]:
        with self._lock:
            info = self._versions.get(version_id)
            methodology = self._methodologies.get(version_id)
        if info is None:
            facts = versions.version_facts(session, version_id)
            if facts is None:
                raise NotFoundError(f"no methodology version {version_id}")
            info = VersionInfo(version_id, *facts)
        if methodology is None:
            methodology = _load(versions.version_files(session, version_id), info.methodology_id)
        with self._lock:
            self._versions[version_id] = info
            self._methodologies[version_id] = methodology
        return info, methodology

    def newest(self, session: Session, methodology_id: str, label: str | None = None):
        """The current version: the one deployed last (optionally with this label)."""
        version_id = versions.current_version_id(session, methodology_id, label)
        if version_id is None:
            wanted = f"{methodology_id}@{label}" if label else methodology_id
            raise NotFoundError(f"methodology '{wanted}' is not deployed; run 'dealflow deploy'")
        return self.version(session, version_id)

    def runner(self, session: Session, version_id: int) -> ProcessRunner:
        with self._lock:
            runner = self._runners.get(version_id)
        if runner is None:
            runner = ProcessRunner.from_spec_text(versions.version_spec(session, version_id))
            with self._lock:
                self._runners[version_id] = runner
        return runner

    def routing(self, session: Session, routing_id: int | None = None) -> Routing:
        """The routing rules deployed last; ``routing_id``: their id, when the caller
        read it already in this transaction (with its lock: ``lock_opportunity_of_task``)."""
        if routing_id is None:
            routing_id = versions.newest_routing_id(session)
        if routing_id is None:
            raise NotFoundError("no routing rules are deployed; run 'dealflow deploy'")
        with self._lock:
            routing = self._routing.get(routing_id)
        if routing is None:
            from engine.service.validation import load_files

            files = versions.routing_files(session, routing_id)
            result = load_files({p: d.encode("utf-8") for p, d in files.items()})
            routing = result.library.routing[0]
            with self._lock:
                self._routing[routing_id] = routing
        return routing

    def lanes(self, session: Session, methodology_id: str, routing_id: int | None = None) -> dict[str, LaneRole]:
        # A dict of lanes that also carries the groups/users maps tasks may name.
        return task_roles(self.routing(session, routing_id), methodology_id)


def _unpinnable(routing: Routing, segment) -> None:
    raise NotFoundError(
        f"{routing.path}: segment '{segment.id}' pins {segment.methodology}@{segment.methodology_version}, "
        f"which has never been deployed; deploy that version first or remove '@{segment.methodology_version}'")


def changed_files(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    """The files added, changed or removed between two versions, by path."""
    return tuple(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)))


def _label_clash(methodology: Methodology, stage_table: bytes, changed: tuple[str, ...]) -> Problem:
    lines = stage_table.decode("utf-8", "replace").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("version:")), 1)
    return Problem(methodology.stage_table_path, line,
                   f"version \"{methodology.version}\" of '{methodology.id}' is already deployed with other "
                   f"files (changed: {', '.join(changed) or 'none'}): raise the version: label, or deploy "
                   f"with --force to store these files as another \"{methodology.version}\"")


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root) if os.path.isdir(root) else os.path.basename(path)


def _load(files: dict[str, str], methodology_id: str) -> Methodology:
    from engine.service.validation import load_files

    result = load_files({p: d.encode("utf-8") for p, d in files.items()})
    methodology = result.library.methodologies.get(methodology_id)
    if methodology is None:
        raise MethodologyError(result.problems)
    return methodology
