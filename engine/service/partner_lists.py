"""Call and mailing lists (M11): a saved partner filter (the partner list's criteria,
``engine.rules.partners.PartnerCriteria``) with a name and a purpose, shown and
exported as CSV or XLSX.

A list is its owner's: they (and admins) see, rename and delete it. What it holds is
decided when it is read, by the partner list's own search
(``engine.store.partners.search_partners``) for whoever reads it: a list shared by
an admin's export never shows a rep's partners to another rep, and a partner
archived since drops out of a list of active ones. A mailing list keeps only the
partners someone can be written to (``engine.rules.partner_lists.entries``).
"""

from __future__ import annotations

from typing import Mapping

from engine.errors import NotFoundError
from engine.rules import inputs, partner_export, policy
from engine.rules import partner_lists as rules
from engine.rules.partners import criteria as parse_criteria
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.service.visibility import actor_of, known_id
from engine.store import partner_lists as store
from engine.store import people
from engine.store.models import User
from engine.store.partner_models import SavedPartnerList
from engine.store.partners import search_partners
from engine.views.partner_lists import ListExport, SavedListPage, SavedListView

SHOWN = 200  # lines a list's page shows; the export has them all


def save_partner_list(ctx: ServiceContext, *, name: object, purpose: object, criteria: Mapping[str, object],
                      actor: str) -> SavedListView:
    """Save the partner list's ``criteria`` (its query parameters) as a call or
    mailing list of ``actor``."""
    fields = _checked(name=name, purpose=purpose, criteria=criteria)
    now = ctx.now()

    def work(session: Session) -> SavedListView:
        user = _keeper(session, actor)
        row = store.add_list(session, owner_id=user.id, now=now, **fields)
        return _view(session, user, row, user.username)

    return unit_of_work.run(ctx, work)


def rename_partner_list(ctx: ServiceContext, list_id: int, *, name: object, actor: str) -> SavedListView:
    new_name = rules.list_name(name)

    def work(session: Session) -> SavedListView:
        user, row = _changeable(session, list_id, actor)
        row.name = new_name
        session.flush()
        return _view(session, user, row, people.username(session, row.owner_id) or "")

    return unit_of_work.run(ctx, work)


def delete_partner_list(ctx: ServiceContext, list_id: int, *, actor: str) -> SavedListView:
    """Delete the saved list (the partners stay as they are); what it was."""
    def work(session: Session) -> SavedListView:
        user, row = _changeable(session, list_id, actor)
        gone = _view(session, user, row, people.username(session, row.owner_id) or "")
        store.delete_list(session, row)
        return gone

    return unit_of_work.run(ctx, work)


def partner_lists(ctx: ServiceContext, *, viewer: str) -> list[SavedListView]:
    """The viewer's saved lists by name (an admin's: everyone's)."""
    with unit_of_work.quick_read(ctx) as session:
        user = _keeper(session, viewer)
        mine = None if policy.archives_anyones(actor_of(session, user)) else user.id
        return [_view(session, user, row, owner) for row, owner in store.saved_lists(session, mine)]


def partner_list(ctx: ServiceContext, list_id: int, *, viewer: str) -> SavedListPage:
    """The list with the first SHOWN of its lines, as they are now for the viewer."""
    with unit_of_work.read(ctx) as session:
        user, row, view = _visible(session, list_id, viewer)
        lines = _entries(session, user, row)
        return SavedListPage(list=view, entries=tuple(lines[:SHOWN]), total=len(lines))


def export_partner_list(ctx: ServiceContext, list_id: int, *, format: object, viewer: str) -> ListExport:
    """Every line of the list as a CSV or XLSX file."""
    kind = rules.export_format(format)
    with unit_of_work.read(ctx) as session:
        user, row, view = _visible(session, list_id, viewer)
        lines = _entries(session, user, row)
    if kind == "csv":
        content, content_type = partner_export.csv_bytes(lines), partner_export.CSV_TYPE
    else:
        content, content_type = partner_export.xlsx_bytes(lines, view.name), partner_export.XLSX_TYPE
    return ListExport(file_name=rules.file_name(view.name, kind), content_type=content_type, content=content,
                      rows=len(lines))


# --- shared ---------------------------------------------------------------------------------

def _checked(*, name: object, purpose: object, criteria: Mapping[str, object]) -> dict:
    """The list's columns, every problem in one FormError."""
    fields = inputs.Fields()
    checked_name = fields.check(rules.list_name, name)
    checked_purpose = fields.check(rules.purpose, purpose)
    if not isinstance(criteria, Mapping):
        fields.refuse("criteria", "send the partner list's filters as names and values")
        found = None
    else:
        found = fields.check(parse_criteria, criteria)
    fields.done()
    return {"name": checked_name, "purpose": checked_purpose, "criteria": found.as_query()}


def _keeper(session: Session, username: str) -> User:
    user = people.user(session, username)
    policy.require(policy.may_keep_partner_lists(actor_of(session, user)),
                   "only reps, managers and admins keep call and mailing lists")
    return user


def _visible(session: Session, list_id: int, viewer: str) -> tuple[User, SavedPartnerList, SavedListView]:
    missing = f"no partner list {list_id}"
    known_id(list_id, missing)
    user = _keeper(session, viewer)
    row = store.saved_list(session, list_id)
    if row is None or not policy.may_change_partner_list(actor_of(session, user), row.owner_id):
        raise NotFoundError(missing)  # another's list: as if there were none
    return user, row, _view(session, user, row, people.username(session, row.owner_id) or "")


def _changeable(session: Session, list_id: int, actor: str) -> tuple[User, SavedPartnerList]:
    missing = f"no partner list {list_id}"
    known_id(list_id, missing)
    user = _keeper(session, actor)
    row = store.saved_list(session, list_id, lock=True)
    if row is None or not policy.may_change_partner_list(actor_of(session, user), row.owner_id):
        raise NotFoundError(missing)
    return user, row


def _entries(session: Session, user: User, row: SavedPartnerList) -> list[rules.ListEntry]:
    found = search_partners(session, parse_criteria(row.criteria or {}), user.id, per_page=None)
    return rules.entries(store.partner_facts(session, [p.id for p in found.items]), row.purpose)


def _view(session: Session, user: User, row: SavedPartnerList, owner: str) -> SavedListView:
    return SavedListView(id=row.id, name=row.name, purpose=row.purpose, criteria=dict(row.criteria or {}),
                         owner=owner, created_at=row.created_at,
                         may_change=policy.may_change_partner_list(actor_of(session, user), row.owner_id))
