"""Lead imports after the fact: seeing one or the list, its rejects file, reverting it.

A revert (one transaction, the import row locked first, so a second revert waits
and is then refused) undoes the import's changes, the last first:

    a partner it created     deleted with its contacts and history when nothing
                             else refers to it; archived (kept, with its history
                             ``import_reverted``) when a deal, an activity, a buying
                             center or a later change does
    a partner it updated     each field it filled is emptied again unless someone
                             changed it since (kept); a contact person it added is
                             removed unless a buying center names them

The import keeps its row: status ``reverted``, who and when, and in its counts
what the revert did ({deleted, archived, restored, kept}).

An import whose worker died (a restart of the web process, a killed command) would
stay "running" forever: its runner writes a heartbeat with each batch (and while it
reads the file), and a running import not heard of for DEALFLOW_LEAD_IMPORT_STALE_MINUTES
(default 10) is shown as ``interrupted``. Its manager (or an admin) may then revert
what it wrote, or resume it: the file is read again (it must be the same file, still
there) and the import goes on after the last batch it committed, with the counts it
had. A runner that comes back after that finds the import no longer its own and stops
without writing (``lead_batch.Superseded``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from engine.errors import ConflictError, NotFoundError
from engine.rules import policy
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.lead_batch import summary
from engine.service.lead_files import LeadFiles, setting
from engine.store import leads as lead_store
from engine.store import people
from engine.store.partner_models import LeadImport, Partner, PartnerEvent
from engine.views.leads import LeadImportView, LeadMatch

CHUNK = 500
DEFAULT_STALE_MINUTES = 10
INTERRUPTED = "interrupted"


def stale_after() -> timedelta:
    """How long a running import may go unheard of before it counts as interrupted."""
    return timedelta(minutes=max(setting("DEALFLOW_LEAD_IMPORT_STALE_MINUTES", DEFAULT_STALE_MINUTES), 0.1))


def interrupted(row: LeadImport, now: datetime) -> bool:
    return row.status == "running" and (row.heartbeat_at is None or now - row.heartbeat_at > stale_after())


def importer(session, username: str):
    """The user, if they may import leads; PermissionDeniedError otherwise."""
    row = people.user(session, username)
    policy.require(policy.may_import_leads(policy.Actor(row.id, row.role)),
                   f"only managers and admins may import leads; '{row.username}' is a {row.role}")
    return row


def _visible(session, import_id: int, user) -> LeadImport:
    row = lead_store.find_import(session, import_id)
    if not policy.may_see_lead_import(policy.Actor(user.id, user.role), row.actor_id):
        raise NotFoundError(f"no lead import {import_id}")
    return row


def lead_import(ctx: ServiceContext, import_id: int, *, viewer: str) -> LeadImportView:
    with unit_of_work.quick_read(ctx) as session:
        user = importer(session, viewer)
        return _view(session, _visible(session, import_id, user), user, ctx.now())


def lead_imports(ctx: ServiceContext, *, viewer: str) -> list[LeadImportView]:
    with unit_of_work.quick_read(ctx) as session:
        user = importer(session, viewer)
        mine = None if user.role == policy.Role.ADMIN.value else user.id
        now = ctx.now()
        return [_view(session, row, user, now) for row in lead_store.imports(session, mine)]


def view_of(ctx: ServiceContext, import_id: int) -> LeadImportView:
    """The import as its own actor sees it (no policy check: the caller ran it)."""
    with unit_of_work.quick_read(ctx) as session:
        row = lead_store.find_import(session, import_id)
        user = people.find_user(session, people.username(session, row.actor_id) or "")
        return _view(session, row, user, ctx.now())


def lead_rejects_file(ctx: ServiceContext, import_id: int, *, viewer: str, files: LeadFiles) -> Path:
    with unit_of_work.quick_read(ctx) as session:
        row = _visible(session, import_id, importer(session, viewer))
    # The path is the server's own folder and the import's own name, never the stored text.
    path = files.rejects_dir / files.rejects_name(import_id)
    if not row.rejects_path or not path.is_file():
        raise NotFoundError(f"lead import {import_id} has no rejects file")
    return path


def fail(ctx: ServiceContext, import_id: int, message: str) -> None:
    def work(session):
        row = lead_store.find_import(session, import_id, lock=True)
        row.status = "failed"
        row.error = message[:2000]
        row.finished_at = ctx.now()
    unit_of_work.run(ctx, work)


def _view(session, row: LeadImport, viewer, now: datetime) -> LeadImportView:
    counts = dict(row.counts or {})
    dry_run = bool((row.mapping or {}).get("dry_run"))
    rejects_name = Path(row.rejects_path).name if row.rejects_path else None
    raw = counts.get("matches") or []
    partner_ids = {m[5] for m in raw if m[5] is not None}
    names = lead_store.partner_names(session, partner_ids)
    matches = tuple(LeadMatch(row=m[0], outcome=m[1], key=m[2], value=m[3], kept_row=m[4], partner_id=m[5],
                              partner_name=names.get(m[5])) for m in raw)
    users = lead_store.usernames(session, (row.actor_id, row.reverted_by_id))
    stopped = interrupted(row, now)
    may = viewer is not None and policy.may_revert_lead_import(policy.Actor(viewer.id, viewer.role), row.actor_id)
    may_revert = may and (row.status in ("done", "failed") or stopped) and not dry_run
    may_resume = may and stopped and Path((row.mapping or {}).get("source") or "").is_file()
    return LeadImportView(
        id=row.id, file_name=row.file_name, status=INTERRUPTED if stopped else row.status, dry_run=dry_run,
        total_rows=row.total_rows,
        processed_rows=row.processed_rows, **{name: int(counts.get(name, 0)) for name in lead_store.COUNTS},
        summary=summary(counts, rejects_name), rejects_file=rejects_name, matches=matches,
        more_matches=int(counts.get("more_matches", 0)), error=row.error, started_at=row.started_at,
        finished_at=row.finished_at, actor=users.get(row.actor_id), reverted_at=row.reverted_at,
        reverted_by=users.get(row.reverted_by_id), may_revert=may_revert, revert=counts.get("revert"),
        heartbeat_at=row.heartbeat_at, may_resume=may_resume)


# --- resume -------------------------------------------------------------------------------

def resume_lead_import(ctx: ServiceContext, import_id: int, *, actor: str) -> int:
    """Hand an interrupted import to a new run (``run_lead_import`` then goes on after
    its last committed batch); its id. Refused unless it is interrupted and its file is
    still there, unchanged."""
    def work(session):
        user = importer(session, actor)
        _visible(session, import_id, user)
        row = lead_store.find_import(session, import_id, lock=True)
        policy.require(policy.may_revert_lead_import(policy.Actor(user.id, user.role), row.actor_id),
                       f"only the manager who started lead import {import_id} or an admin may resume it")
        now = ctx.now()
        if not interrupted(row, now):
            state = "still running" if row.status == "running" else row.status
            raise ConflictError(f"lead import {import_id} is not interrupted ({state}); only an interrupted "
                                "import can be resumed")
        source = Path(row.mapping.get("source") or "")
        if not source.is_file():
            raise ConflictError(f"the file of lead import {import_id} is gone: revert the import, or import "
                                "the file again")
        if sha256_of(source) != row.file_sha256:
            raise ConflictError(f"the file of lead import {import_id} changed since it started: revert the "
                                "import, or import the file again")
        # A fresh heartbeat: a runner that was only slow, not dead, now stops at its next batch.
        row.mapping = {**row.mapping, "claimed": False, "resumes": int(row.mapping.get("resumes", 0)) + 1}
        row.heartbeat_at = now
        return row.id
    return unit_of_work.run(ctx, work)


def sweep_uploads(ctx: ServiceContext, *, files: LeadFiles) -> list[Path]:
    """Abandoned uploads deleted (see lead_files); the files running or interrupted
    imports read are kept, to be resumed."""
    with unit_of_work.quick_read(ctx) as session:
        keep = {str(Path(source).resolve()) for source in lead_store.running_sources(session)}
    return files.sweep(ctx.now(), keep)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- revert -------------------------------------------------------------------------------

def revert_lead_import(ctx: ServiceContext, import_id: int, *, actor: str) -> LeadImportView:
    def work(session):
        user = importer(session, actor)
        _visible(session, import_id, user)
        row = lead_store.find_import(session, import_id, lock=True)
        if row.status == "reverted":
            raise ConflictError(f"lead import {import_id} was reverted already")
        now = ctx.now()
        if row.status == "running" and not interrupted(row, now):
            raise ConflictError(f"lead import {import_id} is still running")
        if (row.mapping or {}).get("dry_run"):
            raise ConflictError(f"lead import {import_id} was a dry run: it changed nothing")
        tally = {"deleted": 0, "archived": 0, "restored": 0, "kept": 0}
        changes = lead_store.changes(session, import_id)
        created = [c for c in changes if c.action == "created"]
        for start in range(0, len(created), CHUNK):
            _undo_created(session, created[start:start + CHUNK], user.id, import_id, now, tally)
        for change in (c for c in changes if c.action == "updated"):
            _undo_updated(session, change, user.id, import_id, now, tally)
        row.status = "reverted"
        row.reverted_at = now
        row.reverted_by_id = user.id
        row.counts = {**(row.counts or {}), "revert": tally}
        session.flush()
        return _view(session, row, user, ctx.now())
    return unit_of_work.run(ctx, work)


def _undo_created(session, changes, actor_id: int, import_id: int, now, tally: dict) -> None:
    partners = lead_store.lock_partners(session, (c.partner_id for c in changes))
    keep = lead_store.referenced(session, partners)
    for partner_id in keep:
        partner: Partner = partners[partner_id]
        if partner.status != "archived":
            partner.status = "archived"
            partner.archived_at = now
            partner.updated_at = now
        lead_store.insert_rows(session, PartnerEvent, [lead_store.new_event(partner_id=partner_id, kind="import_reverted", actor_id=actor_id, now=now,
                                         lead_import_id=import_id, archived=True)])
    lead_store.delete_partners(session, set(partners) - keep)
    tally["archived"] += len(keep)
    tally["deleted"] += len(set(partners) - keep)


def _undo_updated(session, change, actor_id: int, import_id: int, now, tally: dict) -> None:
    partner = lead_store.lock_partners(session, [change.partner_id]).get(change.partner_id)
    if partner is None:
        return
    before, written = change.before.get("fields", {}), change.before.get("set", {})
    restore, kept = {}, []
    for column in before:
        if column in lead_store.KEY_COLUMNS:
            continue  # follow the columns they are made of
        if getattr(partner, column) == written.get(column):
            restore[column] = before[column]
        else:
            kept.append(column)
    if restore:
        lead_store.fill(partner, restore, now)
    removed = lead_store.delete_contacts(session, change.before.get("contacts", []))
    tally["restored"] += len(restore)
    tally["kept"] += len(kept)
    lead_store.insert_rows(session, PartnerEvent, [lead_store.new_event(partner_id=partner.id, kind="import_reverted", actor_id=actor_id, now=now,
                                     lead_import_id=import_id, restored=sorted(restore), kept=sorted(kept),
                                     contacts_removed=removed)])
