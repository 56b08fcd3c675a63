"""Importing a lead file (M11): preview it, start an import, run it.

A run reads the file twice, streamed, never holding its rows:

1. every row is screened (``rules.leads.screen``) and spooled, pickled, to a
   temporary file while its duplicate keys go to ``group_duplicates``; this counts
   the data rows (``total_rows``, refused past DEALFLOW_MAX_LEAD_ROWS) and finds the
   file's duplicate groups, whose first row is kept and the others counted as
   duplicates and reported — not merged into the kept row (``lead_batch``);
2. the spooled results are placed ``BATCH`` rows at a time, each batch one
   transaction that also commits the progress (``processed_rows``, the counts), so a
   poll from another process sees it move; a refused row goes to the rejects file
   once its batch is committed.

A dry run does the same reading and deciding, writes no partner, and records its
numbers on its import row (status done, ``dry_run``): the numbers equal a real
run's, since the deciding sees what the earlier batches would have written.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from itertools import islice
from pathlib import Path
from typing import IO, Iterable, Iterator

from engine.errors import ConflictError, DealflowError, FormError, NotFoundError
from engine.rules import policy
from engine.rules.leads import (Lead, RejectsWriter, group_duplicates, match_columns, open_table, parse_overrides,
                                screen)
from engine.rules.leads.errors import FILE, MAP
from engine.rules.leads.fields import FIELDS, LABELS, field_named
from engine.service import lead_batch, lead_imports, unit_of_work
from engine.service.lead_imports import importer
from engine.service.context import ServiceContext
from engine.service.lead_files import LeadFiles
from engine.store import leads as lead_store
from engine.store import people
from engine.store.models import User
from engine.views.leads import (IGNORED, MAPPED, UNKNOWN, LeadColumn, LeadField, LeadImportView, LeadPreview,
                                LeadProblem)

BATCH = 500            # rows per transaction
HEARTBEAT_ROWS = 10_000  # rows read between two heartbeats while the file is read
PREVIEW_ROWS = 10
DEFAULT_MAX_ROWS = 1_000_000
NO_NAME = "no column holds the company name: map one, e.g. \"Firma=name\""


def max_rows() -> int:
    try:
        return max(1, int(os.environ.get("DEALFLOW_MAX_LEAD_ROWS") or DEFAULT_MAX_ROWS))
    except ValueError:
        return DEFAULT_MAX_ROWS


# --- preview ----------------------------------------------------------------------------

def preview_leads(ctx: ServiceContext, path: str | Path, *, maps: Iterable[str], actor: str,
                  file_name: str | None = None) -> LeadPreview:
    with unit_of_work.quick_read(ctx) as session:
        importer(session, actor)
    maps = tuple(maps)
    name = Path(file_name or Path(path).name).name
    fields = tuple(LeadField(field, LABELS[field]) for field in FIELDS)
    problems: list[LeadProblem] = []
    try:
        overrides = parse_overrides(maps)
    except FormError as err:
        problems += _problems(err)
        overrides = {}
    try:
        with open_table(path) as table:
            header = table.header
            rows = tuple((row.number, row.values) for row in islice(table.rows, PREVIEW_ROWS))
            kind, encoding, delimiter = table.kind, table.encoding, table.delimiter
    except FormError as err:
        return LeadPreview(file_name=name, kind=None, encoding=None, delimiter=None, header=(), rows=(),
                           columns=(), fields=fields, problems=tuple(problems + _problems(err)), maps=maps)
    columns, mapping_problems = _columns(header, overrides)
    problems += mapping_problems
    if not mapping_problems and not any(c.field == "name" for c in columns):
        problems.append(LeadProblem(MAP, NO_NAME))
    return LeadPreview(file_name=name, kind=kind, encoding=encoding, delimiter=delimiter, header=header,
                       rows=rows, columns=columns, fields=fields, problems=tuple(problems), maps=maps)


def _problems(err: FormError) -> list[LeadProblem]:
    return [LeadProblem(about, message) for about, message in err.fields.items()]


def _columns(header: tuple[str, ...], overrides: dict) -> tuple[tuple[LeadColumn, ...], list[LeadProblem]]:
    """Each column's field as the import would map it; with the maps' problems, each
    column as its own name alone says."""
    try:
        mapped = match_columns(header, overrides)
    except FormError as err:
        problems = _problems(err)
    else:
        chosen = dict(mapped.fields)
        ignored = set(mapped.ignored)
        return tuple(LeadColumn(i, name, chosen.get(i), MAPPED if i in chosen else
                                IGNORED if (name.strip() or f"column {i + 1}") in ignored else UNKNOWN)
                     for i, name in enumerate(header)), []
    columns = []
    for i, name in enumerate(header):
        field = field_named(name) if name.strip() else None
        columns.append(LeadColumn(i, name, field, MAPPED if field else UNKNOWN))
    return tuple(columns), problems


# --- start and run ----------------------------------------------------------------------

def start_lead_import(ctx: ServiceContext, path: str | Path, *, file_name: str, maps: Iterable[str], actor: str,
                      dry_run: bool, owner: str | None, files: LeadFiles) -> int:
    maps = tuple(maps)
    overrides = parse_overrides(maps)
    path = Path(path)
    with open_table(path) as table:
        columns = match_columns(table.header, overrides)
    if "name" not in dict(columns.fields).values():
        raise FormError({MAP: NO_NAME})
    digest = lead_imports.sha256_of(path)

    def work(session):
        user = importer(session, actor)
        owner_id = _owner(session, owner, user)
        row = lead_store.add_import(
            session, file_name=(Path(file_name).name or path.name)[:300], sha256=digest, actor_id=user.id,
            now=ctx.now(), mapping={"columns": {columns.names[f]: f for _, f in columns.fields}, "maps": list(maps),
                                    "source": str(path.resolve()), "dry_run": bool(dry_run),
                                    "owner_id": owner_id})
        return row.id
    return unit_of_work.run(ctx, work)


def _owner(session, owner: str | None, actor: User) -> int | None:
    """New partners' owner: a rep of the importing manager's teams (any rep for an
    admin); None leaves them unassigned."""
    if not owner:
        return None
    row = people.user(session, owner)
    if not policy.may_own_deals(row.role):
        raise FormError({"owner": f"'{row.username}' is a {row.role}; partners go to reps"})
    if actor.role != policy.Role.ADMIN.value and not lead_store.shares_team(session, actor.id, row.id):
        raise FormError({"owner": f"'{row.username}' is in none of your teams"})
    return row.id


def run_lead_import(ctx: ServiceContext, import_id: int, *, files: LeadFiles) -> LeadImportView:
    def claim(session):
        # Under the import's row lock: two callers racing to run one import, one wins.
        row = lead_store.find_import(session, import_id, lock=True)
        if row.status != "running" or row.mapping.get("claimed"):
            raise ConflictError(f"lead import {import_id} has run already ({row.status})")
        row.mapping = {**row.mapping, "claimed": True}
        row.heartbeat_at = ctx.now()
        job = lead_batch.Job(import_id=row.id, actor_id=row.actor_id, file_name=row.file_name,
                             owner_id=row.mapping.get("owner_id"), dry_run=bool(row.mapping.get("dry_run")))
        # A resumed import goes on after the rows it committed (a dry run, which
        # committed nothing but its numbers, starts again).
        done = 0 if job.dry_run else row.processed_rows
        progress = lead_batch.Progress.resumed(row.total_rows or 0, done, row.counts if done else {},
                                               row.heartbeat_at)
        return job, Path(row.mapping["source"]), tuple(row.mapping.get("maps") or ()), progress
    job, source, maps, progress = unit_of_work.run(ctx, claim)
    try:
        _run(ctx, job, source, maps, files, progress)
    except lead_batch.Superseded:
        raise  # the import is someone else's now: not this run's to mark failed
    except DealflowError as err:
        lead_imports.fail(ctx, import_id, _message(err))
        raise
    except Exception as err:
        lead_imports.fail(ctx, import_id, f"the import failed: {type(err).__name__}")
        raise
    return lead_imports.view_of(ctx, import_id)


def _message(err: DealflowError) -> str:
    if isinstance(err, FormError):
        return "; ".join(f"{about}: {message}" for about, message in err.fields.items())
    return str(err)


def _run(ctx: ServiceContext, job: lead_batch.Job, source: Path, maps: tuple[str, ...], files: LeadFiles,
         progress: lead_batch.Progress) -> None:
    if not source.is_file():
        raise NotFoundError(f"the file of lead import {job.import_id} is gone")
    skip = progress.processed

    def beat() -> None:
        lead_batch.beat(ctx, job, progress)
    with tempfile.TemporaryFile() as spool:
        with open_table(source) as table:
            columns = match_columns(table.header, parse_overrides(maps))
            header, delimiter = table.header, table.delimiter or ","
            counter = _Counter()
            groups = group_duplicates(_spooled(screen(table.rows, columns), spool, counter, max_rows(), beat))
        progress.total = counter.rows
        for group in groups:
            for row in group.rows[1:]:
                progress.kept_row[row] = (group.rows[0], group.keys)
        lead_batch.commit_progress(ctx, job, progress)
        spool.seek(0)
        with RejectsWriter(files.rejects_path(job.import_id), header, delimiter) as rejects:
            results = _unspooled(spool)
            for result in islice(results, skip):  # committed before the import was interrupted
                if not isinstance(result, Lead):
                    rejects.add(result)  # the rejects file is written anew, whole
            batch: list = []
            for result in results:
                batch.append(result)
                if len(batch) == BATCH:
                    lead_batch.place(ctx, job, batch, progress, rejects)
                    batch = []
            lead_batch.place(ctx, job, batch, progress, rejects)
            rejects_path = rejects.path
    lead_batch.finish(ctx, job, progress, rejects_path)


class _Counter:
    rows = 0


def _spooled(results, spool: IO[bytes], counter: _Counter, limit: int, beat) -> Iterator[Lead]:
    """Each result pickled to ``spool``; the leads passed on (to group_duplicates);
    the heartbeat every HEARTBEAT_ROWS rows."""
    for result in results:
        counter.rows += 1
        if counter.rows > limit:
            raise FormError({FILE: f"the file has more than {limit:,} rows; split it "
                                   "(DEALFLOW_MAX_LEAD_ROWS sets the limit)"})
        if counter.rows % HEARTBEAT_ROWS == 0:
            beat()
        pickle.dump(result, spool, pickle.HIGHEST_PROTOCOL)
        if isinstance(result, Lead):
            yield result


def _unspooled(spool: IO[bytes]) -> Iterator:
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return
