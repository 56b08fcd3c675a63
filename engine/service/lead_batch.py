"""One batch of a lead import: what becomes of each row, and writing it.

For each lead that is not an in-file duplicate (those are counted and reported, the
first row of their group is the one imported), the partners sharing one of its
duplicate keys are looked up — tax id first, then name + city, then e-mail domain;
the oldest partner with the first key that finds one is the match, archived
partners included, so a lead never doubles a partner someone archived:

    no match     a new prospect: the lead's fields, ``source`` the row's or
                 "import <file name>", the owner the import names (or none),
                 ``lead_import_id`` set, history ``imported``; its contact person
                 a PartnerContact                                         created
    a match      the partner's EMPTY fields filled from the lead (a value already
                 there is never overwritten), its keys kept in step, the contact
                 person added unless one of that name is there; what was before
                 is kept in LeadImportChange for a revert, history ``updated``   updated
                 nothing to fill                                          unchanged

The matched partners are row-locked (SQLite: the write lock) by the query that
finds them, and the batch's decisions are taken on what the lock shows. A dry run
decides the same way without writing: what earlier batches would have filled is
kept in ``Progress.filled``, so later rows see it as a real run's would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine.errors import ImportSupersededError
from engine.rules.leads import Lead, Rejected, RejectsWriter, keys, summary_line
from engine.rules.leads.folding import folded
from engine.rules.leads.summary import ImportCounts
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.store import leads as lead_store
from engine.store.partner_models import LeadImportChange, PartnerEvent
from engine.store.partners import email_domain, name_city_key

TAX, NAME, DOMAIN = "tax id", "name and city", "e-mail domain"


# The import is no longer this runner's: reverted, or resumed by another runner, while
# this one was away (the batch it was writing is rolled back).
Superseded = ImportSupersededError


@dataclass(frozen=True)
class Job:
    import_id: int
    actor_id: int | None
    file_name: str
    owner_id: int | None
    dry_run: bool


@dataclass
class Progress:
    """What the import has done so far, as committed."""

    total: int
    processed: int = 0
    counts: dict = field(default_factory=lambda: {name: 0 for name in lead_store.COUNTS})
    kept_row: dict = field(default_factory=dict)      # a duplicate row -> (the kept row, the group's keys)
    matches: list = field(default_factory=list)       # [row, outcome, key, value, kept_row, partner_id]
    more_matches: int = 0
    filled: dict = field(default_factory=dict)        # dry run: partner id -> {column: value} filled
    contacts: dict = field(default_factory=dict)      # dry run: partner id -> folded contact names added
    beat: datetime | None = None                      # the heartbeat this runner wrote last

    @classmethod
    def resumed(cls, total: int, processed: int, stored: dict, beat: datetime | None) -> "Progress":
        """Where an interrupted import stopped: its committed rows and counts."""
        return cls(total=total, processed=processed, beat=beat,
                   counts={name: int(stored.get(name, 0)) for name in lead_store.COUNTS},
                   matches=list(stored.get("matches") or []), more_matches=int(stored.get("more_matches", 0)))

    def stored(self) -> dict:
        return {**self.counts, "matches": self.matches, "more_matches": self.more_matches}


@dataclass
class Plan:
    created: list = field(default_factory=list)       # (lead, card)
    updated: list = field(default_factory=list)       # (lead, partner, values, contact person or None)
    unchanged: int = 0
    matches: list = field(default_factory=list)
    filled: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)


def place(ctx: ServiceContext, job: Job, batch: list, progress: Progress, rejects: RejectsWriter) -> None:
    """Decide and write one batch and its progress in one transaction; then the
    batch's refused rows go to the rejects file."""
    if not batch:
        return
    rejected = [r for r in batch if isinstance(r, Rejected)]
    leads = [r for r in batch if isinstance(r, Lead)]
    duplicates = [lead for lead in leads if lead.row in progress.kept_row]
    placing = [lead for lead in leads if lead.row not in progress.kept_row]

    def work(session):
        plan = decide(session, placing, progress, lock=not job.dry_run)
        now = ctx.now()
        if not job.dry_run:
            write(session, plan, job, now)
        counts, matches, more = _after(progress, plan, duplicates, len(rejected))
        held = lead_store.set_progress(session, job.import_id, progress.processed + len(batch),
                                       {**counts, "matches": matches, "more_matches": more},
                                       beat=now, last_beat=progress.beat)
        if not held:
            raise superseded(job)
        return plan, counts, matches, more, now
    plan, progress.counts, progress.matches, progress.more_matches, progress.beat = unit_of_work.run(ctx, work)
    progress.processed += len(batch)
    if job.dry_run:
        for partner_id, values in plan.filled.items():
            progress.filled.setdefault(partner_id, {}).update(values)
        for partner_id, names in plan.contacts.items():
            progress.contacts.setdefault(partner_id, set()).update(names)
    for item in rejected:
        rejects.add(item)


def _after(progress: Progress, plan: Plan, duplicates: list, rejected: int) -> tuple[dict, list, int]:
    counts = dict(progress.counts)
    counts["created"] += len(plan.created)
    counts["updated"] += len(plan.updated)
    counts["unchanged"] += plan.unchanged
    counts["duplicates"] += len(duplicates)
    counts["rejected"] += rejected
    found = list(plan.matches)
    for lead in duplicates:
        kept, shared = progress.kept_row[lead.row]
        own = [key for key in keys(lead) if key in shared] or list(shared)
        found.append([lead.row, "duplicate", own[0][0], own[0][1], kept, None])
    found.sort(key=lambda match: match[0])
    room = max(0, lead_store.MAX_MATCHES - len(progress.matches))
    return counts, progress.matches + found[:room], progress.more_matches + max(0, len(found) - room)


def decide(session, leads: list[Lead], progress: Progress, *, lock: bool) -> Plan:
    plan = Plan()
    if not leads:
        return plan
    wanted = {lead.row: _db_keys(lead) for lead in leads}
    found = lead_store.partners_matching(
        session, {v for ks in wanted.values() for k, v in ks if k == TAX},
        {v for ks in wanted.values() for k, v in ks if k == NAME},
        {v for ks in wanted.values() for k, v in ks if k == DOMAIN}, lock=lock)
    first: dict[tuple[str, str], object] = {}
    for partner in found:  # oldest first: the first partner with a key keeps it
        for key in ((TAX, partner.tax_id), (NAME, partner.name_city_key), (DOMAIN, partner.email_domain)):
            if key[1]:
                first.setdefault(key, partner)
    names = lead_store.contact_names(session, {p.id for p in found})
    for lead in leads:
        hit = next(((key, first[key]) for key in wanted[lead.row] if key in first), None)
        if hit is None:
            plan.created.append((lead, _card(lead)))
            continue
        (kind, value), partner = hit
        earlier = {**progress.filled.get(partner.id, {}), **plan.filled.get(partner.id, {})}
        values = {column: getattr(lead, column) for column in lead_store.CARD_FIELDS
                  if getattr(lead, column) and not earlier.get(column, getattr(partner, column))}
        contact = lead.contact_person
        if contact:
            known = (names.get(partner.id, set()) | progress.contacts.get(partner.id, set())
                     | plan.contacts.get(partner.id, set()))
            if folded(contact) in known:
                contact = None
            else:
                plan.contacts.setdefault(partner.id, set()).add(folded(contact))
        if values or contact:
            plan.filled.setdefault(partner.id, {}).update(values)
            plan.updated.append((lead, partner, values, contact))
            outcome = "updated"
        else:
            plan.unchanged += 1
            outcome = "unchanged"
        plan.matches.append([lead.row, outcome, kind, value, None, partner.id])
    return plan


def _db_keys(lead: Lead) -> list[tuple[str, str]]:
    """The lead's keys as the partners' columns hold them, in the order they decide."""
    found = []
    if lead.tax_id:
        found.append((TAX, lead.tax_id))
    found.append((NAME, name_city_key(lead.name, lead.city)))
    domain = email_domain(lead.email)
    if domain:
        found.append((DOMAIN, domain))
    return found


def _card(lead: Lead) -> dict:
    return {column: getattr(lead, column) for column in lead_store.CARD_FIELDS if getattr(lead, column)}


def write(session, plan: Plan, job: Job, now) -> None:
    """The batch's new partners, filled fields, contact persons, history and import
    changes: each kind of row in one multi-row INSERT."""
    ids = lead_store.insert_partners(session, [
        lead_store.new_partner(name=lead.name, card={"source": f"import {job.file_name}"[:120], **card},
                               owner_id=job.owner_id, actor_id=job.actor_id, import_id=job.import_id, now=now)
        for lead, card in plan.created])
    events, changes, contacts = [], [], []
    for (lead, _), partner_id in zip(plan.created, ids):
        events.append(lead_store.new_event(partner_id=partner_id, kind="imported", actor_id=job.actor_id, now=now,
                                           lead_import_id=job.import_id, row=lead.row, file=job.file_name))
        changes.append(lead_store.new_change(import_id=job.import_id, partner_id=partner_id, row=lead.row,
                                             action="created", before={}))
        if lead.contact_person:
            contacts.append(lead_store.new_contact(partner_id=partner_id, name=lead.contact_person,
                                                   email=lead.email, phone=lead.phone, now=now))
    lead_store.insert_contacts(session, contacts)
    added = dict(zip([lead.row for lead, _, _, contact in plan.updated if contact], lead_store.insert_contacts(
        session, [lead_store.new_contact(partner_id=partner.id, name=contact, email=lead.email, phone=lead.phone,
                                         now=now)
                  for lead, partner, _, contact in plan.updated if contact])))
    for lead, partner, values, contact in plan.updated:
        before = lead_store.fill(partner, values, now) if values else {}
        written = {column: getattr(partner, column) for column in before}
        changes.append(lead_store.new_change(
            import_id=job.import_id, partner_id=partner.id, row=lead.row, action="updated",
            before={"fields": before, "set": written, "contacts": [added[lead.row]] if lead.row in added else []}))
        events.append(lead_store.new_event(partner_id=partner.id, kind="updated", actor_id=job.actor_id, now=now,
                                           lead_import_id=job.import_id, row=lead.row, fields=sorted(values),
                                           **({"contact_added": contact} if contact else {})))
    session.flush()  # the filled partners, their version counted up
    lead_store.insert_rows(session, PartnerEvent, events)
    lead_store.insert_rows(session, LeadImportChange, changes)


def superseded(job: Job) -> Superseded:
    return Superseded(f"lead import {job.import_id} was reverted or resumed elsewhere; this run stopped")


def commit_progress(ctx: ServiceContext, job: Job, progress: Progress) -> None:
    def work(session):
        now = ctx.now()
        if not lead_store.set_progress(session, job.import_id, progress.processed, progress.stored(),
                                       beat=now, last_beat=progress.beat, total=progress.total):
            raise superseded(job)
        return now
    progress.beat = unit_of_work.run(ctx, work)


def beat(ctx: ServiceContext, job: Job, progress: Progress) -> None:
    """The heartbeat alone (while the file is read, before any batch)."""
    def work(session):
        now = ctx.now()
        if not lead_store.heartbeat(session, job.import_id, beat=now, last_beat=progress.beat):
            raise superseded(job)
        return now
    progress.beat = unit_of_work.run(ctx, work)


def finish(ctx: ServiceContext, job: Job, progress: Progress, rejects: Path | None) -> None:
    def work(session):
        row = lead_store.find_import(session, job.import_id, lock=True)
        if row.status != "running" or row.heartbeat_at != progress.beat:
            raise superseded(job)
        row.status = "done"
        row.finished_at = row.heartbeat_at = ctx.now()
        row.processed_rows = progress.processed
        row.total_rows = progress.total
        row.counts = progress.stored()
        row.rejects_path = str(rejects) if rejects is not None else None
    unit_of_work.run(ctx, work)


def summary(counts: dict, rejects_name: str | None) -> str:
    return summary_line(ImportCounts(**{name: int(counts.get(name, 0)) for name in lead_store.COUNTS}),
                        rejects_name)
