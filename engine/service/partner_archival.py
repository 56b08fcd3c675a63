"""Archiving inactive prospects in bulk, undoing it, and deleting a partner (M11).

An archival finds the active prospects nothing happened to for N months
(``engine.store.partner_lists``: no open deal, no deal event, no activity, no history
entry since), locks each, checks again under the locks, and marks them archived in
one transaction: a ``PartnerArchival`` row keeps the ids, and every partner gets an
``archived`` history entry naming it. A dry run says which it would archive and
changes nothing. The undo restores those the archival archived that are still
archived by it (a partner restored or deleted since is left alone), each with a
``restored`` entry.

Deleting is a separate, explicit act of an admin, refused while the partner has deals
or activities (archive those instead: their history must stay).

Who archives which prospect: managers and admins (``policy.may_archive_partners``),
each only the prospects they may archive one by one (``policy.may_edit_partner``: a
manager those of their teams and unowned ones they see; an admin all).
"""

from __future__ import annotations

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.rules import partner_lists as rules
from engine.rules import policy
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.service.visibility import actor_of, known_id
from engine.store import partner_lists as store
from engine.store import partners as partner_store
from engine.store import people
from engine.store.models import User
from engine.store.partner_models import Partner
from engine.store.partners import lock_partner, record_partner_event
from engine.views.partner_lists import ArchivalReport, ArchivalView, ArchivedPartner, DeletedPartner

ARCHIVED, RESTORED = "archived", "restored"


def archive_inactive_prospects(ctx: ServiceContext, *, months: object, actor: str,
                               dry_run: bool = False) -> ArchivalReport:
    """Archive the prospects inactive for ``months`` months (or, ``dry_run``, list them)."""
    count = rules.months(months)
    now = ctx.now()
    cutoff = rules.months_before(now, count)

    def work(session: Session) -> ArchivalReport:
        user = _archivist(session, actor)
        who = actor_of(session, user)
        ids = store.inactive_prospect_ids(session, cutoff, viewer_id=user.id)
        if not dry_run and ids:
            for partner_id in ids:
                lock_partner(session, partner_id)
            ids = store.inactive_prospect_ids(session, cutoff, viewer_id=user.id, among=ids)  # under the locks
        partners = [(p, owner) for p, owner in store.partner_rows(session, ids) if _may_archive(session, who, p)]
        archival_id = None
        if not dry_run and partners:
            row = store.new_archival(session, actor_id=user.id, now=now,
                                     criteria={"months": count, "cutoff": cutoff.isoformat()})
            store.archive_rows(session, [p.id for p, _ in partners], archival_id=row.id, now=now)
            for partner, _ in partners:
                record_partner_event(session, partner.id, ARCHIVED, user.id, now, archival_id=row.id,
                                     months=count)
            row.partner_ids = sorted(p.id for p, _ in partners)
            archival_id = row.id
        return ArchivalReport(archival_id=archival_id, dry_run=dry_run, months=count, cutoff=cutoff,
                              partners=_shown(partners))

    return unit_of_work.run(ctx, work, changed="someone else changed one of these partners at the same time; "
                                                "run the archival again")


def undo_archival(ctx: ServiceContext, archival_id: int, *, actor: str) -> ArchivalReport:
    """Restore the partners archival ``archival_id`` archived and that are still
    archived by it."""
    missing = f"no archival {archival_id}"
    known_id(archival_id, missing)
    now = ctx.now()

    def work(session: Session) -> ArchivalReport:
        user = _archivist(session, actor)
        row = store.archival(session, archival_id, lock=True)
        if row is None or not _may_see_archival(session, user, row.actor_id):
            raise NotFoundError(missing)
        if row.undone_at is not None:
            raise ConflictError(f"archival {archival_id} was undone already")
        restored = []
        for partner_id in store.archived_by(session, archival_id):
            partner = lock_partner(session, partner_id)
            if partner.status != "archived" or partner.archive_batch_id != archival_id:
                continue  # re-checked under the lock: restored or archived again meanwhile
            partner.status, partner.archived_at, partner.archive_batch_id = "active", None, None
            partner.updated_at = now
            record_partner_event(session, partner_id, RESTORED, user.id, now, archival_id=archival_id)
            restored.append(partner_id)
        row.undone_at, row.undone_by_id = now, user.id
        session.flush()
        return ArchivalReport(archival_id=archival_id, dry_run=False, months=None, cutoff=None,
                              partners=_shown(store.partner_rows(session, restored)), undone=True,
                              skipped=len(row.partner_ids or ()) - len(restored))

    return unit_of_work.run(ctx, work)


def archivals(ctx: ServiceContext, *, viewer: str) -> list[ArchivalView]:
    """The latest archivals: a manager's own, every one for an admin."""
    with unit_of_work.quick_read(ctx) as session:
        user = _archivist(session, viewer)
        mine = None if policy.archives_anyones(actor_of(session, user)) else user.id
        return [ArchivalView(id=row.id, at=row.at, by=by, months=(row.criteria or {}).get("months"),
                             count=len(row.partner_ids or ()), undone_at=row.undone_at, undone_by=undone_by)
                for row, by, undone_by in store.archivals(session, mine)]


def delete_partner(ctx: ServiceContext, partner_id: int, *, actor: str) -> DeletedPartner:
    """Delete the partner for good: an admin, and only while it has no deals and no
    activities."""
    missing = f"no partner {partner_id}"
    known_id(partner_id, missing)

    def work(session: Session) -> DeletedPartner:
        user = people.user(session, actor)
        policy.require(policy.may_delete_partner(actor_of(session, user)), "only an admin may delete a partner")
        partner = lock_partner(session, partner_id, missing=missing)
        if store.has_deals(session, partner_id):
            raise ConflictError(f"partner {partner_id} has deals; archive it instead, so their history stays")
        if store.has_activities(session, partner_id):
            raise ConflictError(f"partner {partner_id} has activities; archive it instead, so their history stays")
        deleted = DeletedPartner(id=partner.id, name=partner.name)
        store.delete_partner_rows(session, partner)
        return deleted

    return unit_of_work.run(ctx, work)


# --- shared ---------------------------------------------------------------------------------

def _archivist(session: Session, username: str) -> User:
    user = people.user(session, username)
    if not policy.may_archive_partners(actor_of(session, user)):
        raise PermissionDeniedError("only managers and admins archive partners in bulk")
    return user


def _may_archive(session: Session, who: policy.Actor, partner: Partner) -> bool:
    """``policy.may_edit_partner`` (archive, restore) for this partner; an admin may
    every one, without reading the facts."""
    return policy.archives_anyones(who) or policy.may_edit_partner(who, partner_store.partner_facts(session, partner))


def _may_see_archival(session: Session, user: User, archivist_id: int | None) -> bool:
    return policy.archives_anyones(actor_of(session, user)) or archivist_id == user.id


def _shown(partners) -> tuple[ArchivedPartner, ...]:
    return tuple(ArchivedPartner(id=p.id, name=p.name, city=p.city, owner=owner, created_at=p.created_at)
                 for p, owner in partners)
