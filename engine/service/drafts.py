"""Changing a deployed methodology in the browser (issue 15): a designer or admin
uploads a changed file of the methodology or edits one in a text box, which makes a
*draft*; the draft is checked with the validator ``dealflow validate`` uses (every
problem, as path:line: message), compared with the deployed version, and deployed as
a new version (the catalog's deploy, audited) or discarded. Nothing deployed changes
before the deploy.

Where drafts live: a folder beside the server's methodologies folder (the web app's
METHODOLOGY_DRAFTS_PATH, by default ``<methodologies>-drafts``), one folder per
methodology holding only the files the draft changed and the id of the version it
started from::

    methodologies-drafts/horeca-bant/base                      "7"
    methodologies-drafts/horeca-bant/files/stages/horeca-bant.yaml

Not a table: a draft is working files, readable and copyable with any tool, and it
needs no migration; the deployed versions stay in the database, which alone decides
what runs. One draft per methodology, shared by its designers (the last save of a
file wins, as in a shared folder). A file's path is never taken from the user: an
upload names one of the methodology's deployed files (by its name) or it is refused,
so nothing outside the draft's folder can be written."""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from engine.errors import ConflictError, FormError, MethodologyError, NotFoundError
from engine.methodology.diff import diff_methodologies
from engine.methodology.problems import Problem
from engine.service import designer, unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import admin_events, people, versions
from engine.views import DeployedVersion
from engine.views.drafts import DraftFile, DraftView, TextDiff

MAX_FILE_BYTES = 512 * 1024  # the largest shipped BPMN file is a tenth of it
EDITABLE = (".bpmn", ".yaml", ".yml", ".dmn", ".form")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}\Z")


class _Draft:
    """The draft folder of one methodology (the id checked before it gets here)."""

    def __init__(self, root: str, methodology_id: str):
        self.folder = Path(root) / methodology_id

    def base(self) -> int | None:
        try:
            return int((self.folder / "base").read_text("utf-8").strip())
        except (OSError, ValueError):
            return None

    def files(self) -> dict[str, str]:
        top = self.folder / "files"
        if not top.is_dir():
            return {}
        return {p.relative_to(top).as_posix(): p.read_text("utf-8") for p in sorted(top.rglob("*")) if p.is_file()}

    def saved_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat((self.folder / "at").read_text("utf-8").strip())
        except (OSError, ValueError):
            return None

    def save(self, path: str, text: str | None, base: int, by: str, at: datetime) -> None:
        """Write (or, ``text`` None, drop) one file; the folder goes when nothing is left."""
        target = self.folder / "files" / PurePosixPath(path)
        if text is None:
            target.unlink(missing_ok=True)
        else:
            _write(target, text)
        if not self.files():
            self.remove()
            return
        _write(self.folder / "base", f"{base}\n")
        _write(self.folder / "by", f"{by}\n")
        _write(self.folder / "at", f"{at.isoformat()}\n")

    def deployed(self, files: dict[str, str], version_id: int) -> None:
        """After ``files`` were deployed as ``version_id``: drop what they hold; a file
        saved since stays, as a draft over the new version."""
        left = {p: t for p, t in self.files().items() if files.get(p) != t}
        if not left:
            self.remove()
            return
        for path in self.files().keys() - left.keys():
            (self.folder / "files" / PurePosixPath(path)).unlink(missing_ok=True)
        _write(self.folder / "base", f"{version_id}\n")

    def saved_by(self) -> str | None:
        try:
            return (self.folder / "by").read_text("utf-8").strip() or None
        except OSError:
            return None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write(target: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside it, then renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".saving-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(tmp, target)


def _open(session: Session, drafts: str, methodology_id: str, who: str, what: str):
    """The caller's right first, then the methodology: (its draft, current version id, its files)."""
    designer._require(session, who, what)
    if not _ID.match(methodology_id):
        raise NotFoundError(f"methodology '{methodology_id[:80]}' is not deployed")
    current = versions.current_version_id(session, methodology_id)
    if current is None:
        raise NotFoundError(f"methodology '{methodology_id}' is not deployed")
    return _Draft(drafts, methodology_id), current


def _merged(session: Session, draft: _Draft, current: int) -> tuple[int, dict[str, str], dict[str, str]]:
    """(the version the draft starts from, its files, the draft's files over them)."""
    base = draft.base() or current
    deployed = dict(versions.version_files(session, base))
    changed = {p: t for p, t in draft.files().items() if p in deployed}
    return base, deployed, {**deployed, **changed}


def _check(session: Session, methodology_id: str, deployed: dict[str, str], merged: dict[str, str]):
    """The validator's LoadResult over the draft, and every problem: the validator's,
    plus a methodology id changed and a ``version:`` label already deployed."""
    from engine.service.validation import load_files

    result = load_files({p: t.encode("utf-8") for p, t in merged.items()})
    problems = list(result.problems)
    methodology = result.library.methodologies.get(methodology_id)
    if methodology is None and not problems:
        stage_table = next((p for p in merged if p.startswith("stages/")), sorted(merged)[0])
        problems.append(Problem(stage_table, _line_of(merged[stage_table], "methodology:"),
                                f"the draft must stay methodology '{methodology_id}'"))
    elif methodology is not None and merged != deployed:
        if versions.current_version_id(session, methodology_id, methodology.version) is not None:
            labels = ", ".join(versions.deployed_labels(session, methodology_id))
            problems.append(Problem(methodology.stage_table_path,
                                    _line_of(merged[methodology.stage_table_path], "version:"),
                                    f"version \"{methodology.version}\" is already deployed (deployed: {labels}); "
                                    f"give the changed methodology a new version: label"))
    return result, sorted(set(problems))


def _line_of(text: str, key: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key)), 1)


def draft(ctx: ServiceContext, drafts: str, methodology_id: str, *, viewer: str,
          editing: str | None = None) -> DraftView:
    """The methodology's draft (or its current files, ready to change) with every problem
    beside its file and the differences from the deployed version it started from."""
    with unit_of_work.read(ctx) as session:
        draft_, current = _open(session, drafts, methodology_id, viewer, "change methodologies")
        base, deployed, merged = _merged(session, draft_, current)
        result, problems = _check(session, methodology_id, deployed, merged)
        row = designer._rows(ctx, session)[methodology_id]
        _, before = ctx.catalog.version(session, base)
        by = draft_.saved_by()
        by_name = {u.username: u.display_name for u in people.users(session)}.get(by, by)
    by_version = {v.version_id: v for v in row.versions}
    after = result.library.methodologies.get(methodology_id)
    lines = ()
    if after is not None and not problems:
        names = designer._names(before) | designer._names(after)
        lines = tuple(designer.DiffLine(c.op, designer._section(c.subject), designer._readable(c.subject, names),
                                        c.detail) for c in diff_methodologies(before, after))
    texts = tuple(TextDiff(p, text_diff(deployed[p], merged[p])) for p in sorted(merged) if merged[p] != deployed[p])
    shown = editing if editing in merged else next((p for p in sorted(merged) if p.startswith("stages/")),
                                                   sorted(merged)[0])
    files = tuple(DraftFile(p, merged[p] != deployed[p],
                            tuple(str(x) for x in problems if x.path == p)) for p in sorted(merged))
    return DraftView(methodology_id, row.name, by_version[base], by_version[current], bool(texts),
                     by_name if texts else None,
                     draft_.saved_at() if texts else None,
                     files, tuple(str(p) for p in problems), shown, merged[shown], lines, texts, MAX_FILE_BYTES)


def text_diff(old: str, new: str) -> tuple[str, ...]:
    """A unified diff of two texts, three lines of context, without the file header."""
    return tuple(line.rstrip("\n") for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), lineterm="", n=3))[2:]


def save_file(ctx: ServiceContext, drafts: str, methodology_id: str, name: str, data: bytes | str, *,
              actor: str) -> str:
    """One file of the methodology into its draft, uploaded (``name`` is the upload's
    file name: one of the methodology's files) or edited (``name`` its path); its
    problems do not stop the save. Returns the file's path. FormError (field ``file``)
    for another file, one too large or not UTF-8 text."""
    with unit_of_work.quick_read(ctx) as session:
        draft_, current = _open(session, drafts, methodology_id, actor, "change methodologies")
        base = draft_.base() or current
        deployed = versions.version_files(session, base)
    path = _known(name, deployed, methodology_id)
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_FILE_BYTES:
        raise FormError({"file": f"{path} is {size // 1024} KiB; a file may have at most "
                                 f"{MAX_FILE_BYTES // 1024} KiB"})
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormError({"file": f"{name} is not UTF-8 text; save it as UTF-8 and upload it again"}) from None
    text = data.replace("\r\n", "\n").replace("\r", "\n")  # a browser's text box sends CRLF
    draft_.save(path, None if text == deployed[path] else text, base, actor, ctx.now())
    return path


def _known(name: str, deployed: dict[str, str], methodology_id: str) -> str:
    """The methodology's file ``name`` means: its exact path, or a unique file name."""
    if name in deployed and name.endswith(EDITABLE):
        return name
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    matches = [p for p in deployed if p.rsplit("/", 1)[-1] == base and p.endswith(EDITABLE)]
    if len(matches) == 1 and "/" not in name and "\\" not in name:
        return matches[0]
    known = ", ".join(p.rsplit("/", 1)[-1] for p in sorted(deployed))
    raise FormError({"file": f"'{base[:100] or name[:100]}' is not a file of {methodology_id} "
                             f"(its files: {known}); upload a changed copy of one of them"})


def deploy(ctx: ServiceContext, drafts: str, methodology_id: str, *, actor: str,
           folder: str | None = None) -> DeployedVersion:
    """The draft as a new version of its methodology, audited; then the draft is gone
    (a file saved meanwhile stays, as a draft over the new version). MethodologyError
    with every problem when the draft has any; ConflictError when another version was
    deployed after the draft began, or the draft changes nothing.

    ``folder``: the methodologies folder the server deploys from. The changed files
    are written into it once the version is stored (``written`` names them), so that
    the folder and the newest version agree and a later deploy of the folder keeps
    the change rather than making the folder's older text current again. Only files
    the folder already holds are written: a methodology deployed from elsewhere is
    not copied into it piecemeal."""
    with unit_of_work.read(ctx) as session:
        draft_, current = _open(session, drafts, methodology_id, actor, "deploy methodologies")
        base, deployed, merged = _merged(session, draft_, current)
        result, problems = _check(session, methodology_id, deployed, merged)
    if merged == deployed:
        raise ConflictError(f"the draft of {methodology_id} changes nothing: there is nothing to deploy")
    if problems:
        raise MethodologyError(problems)
    now = ctx.now()

    def work(session: Session) -> DeployedVersion:
        if versions.current_version_id(session, methodology_id) != base:
            raise ConflictError(f"another version of {methodology_id} was deployed after this draft began; "
                                f"discard the draft and make the change again")
        report = ctx.catalog.deploy(session, result, ".", actor, now)  # "." : the paths are relative already
        deployed_ = next(v for v in report.versions if v.methodology_id == methodology_id)
        admin_events.record(session, "methodologies_deployed", actor_id=people.user_id(session, actor), at=now,
                            subject=f"{methodology_id}@{deployed_.label} (from the web's draft)",
                            routing_changed=False)
        return deployed_

    done = unit_of_work.run(ctx, work, duplicate="someone else deployed the same files at the same time")
    draft_.deployed(merged, done.version_id)
    if folder is None:
        return done
    return dataclasses.replace(done, written=_into_folder(folder, {p: t for p, t in merged.items()
                                                                  if deployed.get(p) != t}))


def _into_folder(folder: str, files: dict[str, str]) -> tuple[str, ...]:
    """Write ``files`` (path relative to the methodologies folder -> text) over the
    folder's copies, each whole or not at all; the paths written. A path the folder
    has no file at, or one leading out of it, is skipped."""
    root = Path(folder).resolve()
    written = []
    for path, text in sorted(files.items()):
        target = (root / PurePosixPath(path)).resolve()
        if root not in target.parents or not target.is_file():
            continue
        try:
            _write(target, text)
        except OSError:
            continue  # a read-only folder: the version is deployed all the same; the page says what was not written
        written.append(path)
    return tuple(written)


def discard(ctx: ServiceContext, drafts: str, methodology_id: str, *, actor: str) -> bool:
    """Throw the draft away; True when there was one."""
    with unit_of_work.quick_read(ctx) as session:
        draft_, _ = _open(session, drafts, methodology_id, actor, "change methodologies")
    existed = bool(draft_.files())
    draft_.remove()
    return existed
