"""Notifications (issue 15): a task handed to you, a deal or a partner handed over to
you, a swap that moved your deals. ``notify`` writes the row inside the transaction of
the use case that causes it (so a rolled-back hand-over tells nobody); the user reads
them in the app (their own only) and the worker mails each once when SMTP is
configured — the row is claimed and committed before the mail goes out, so two workers
never send one twice (the warnings' digest does the same, engine.service.warning_digest)."""

from __future__ import annotations

from engine.errors import DealflowError, NotFoundError
from engine.rules import inputs
from engine.rules.deal_query import _whole as whole  # the same words for the same mistake
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.service.warning_digest import SmtpSettings, send_mail
from engine.store import notifications as store
from engine.store import people
from engine.store.models import User
from engine.store.notification_models import Notification
from engine.views import UserView
from engine.views.notifications import MailedNotification, NotificationPage, NotificationView

LISTED = 200  # the page lists the newest this many
MAILED_PER_RUN = 500


def notify(session: Session, user_id: int, kind: str, text: str, now, *, actor_id: int | None = None,
           opportunity_id: int | None = None, task_id: str | None = None, partner_id: int | None = None) -> None:
    """Tell ``user_id`` (not when they did it themselves, ``actor_id``)."""
    if user_id is None or user_id == actor_id:
        return
    store.add(session, user_id, kind, text, now, opportunity_id=opportunity_id, task_id=task_id,
              partner_id=partner_id)


def notifications(ctx: ServiceContext, *, viewer: str, before: object = None,
                  limit: object = None) -> NotificationPage:
    """The viewer's notifications, newest first — ``limit`` of them (at most and by
    default LISTED), older than notification ``before`` when given — how many are
    unread, the ``before`` of the next (older) page, and whether they are mailed."""
    # not given: None; anything else must be a whole number in range (an id: within the column)
    before = None if before is None else whole(before, "before", 1, inputs.MAX_ID)
    limit = LISTED if limit is None else whole(limit, "limit", 1, LISTED)
    with unit_of_work.quick_read(ctx) as session:
        user = people.user(session, viewer)
        rows = store.of_user(session, user.id, limit + 1, before)
        older = rows[limit - 1].id if len(rows) > limit else None
        return NotificationPage(tuple(_view(row) for row in rows[:limit]), store.unread_count(session, user.id),
                                older, bool(user.mail_notifications))


def set_mail(ctx: ServiceContext, *, viewer: str, mail: bool) -> bool:
    """Whether the worker mails the viewer their notifications from now on."""
    def work(session: Session) -> bool:
        people.user(session, viewer).mail_notifications = bool(mail)
        return bool(mail)

    return unit_of_work.run(ctx, work)


def unread_count(ctx: ServiceContext, *, viewer: str | UserView) -> int:
    """``viewer``: a username, or the caller as their login gave them (the layout's
    bell on every page: then the user is not read again)."""
    with unit_of_work.quick_read(ctx) as session:
        user_id = viewer.id if isinstance(viewer, UserView) else people.user(session, viewer).id
        return store.unread_count(session, user_id)


def mark_read(ctx: ServiceContext, notification_id: int, *, viewer: str) -> NotificationView:
    """Mark the viewer's notification read; NotFoundError for anyone else's."""
    def work(session: Session) -> NotificationView:
        user = people.user(session, viewer)
        row = store.mark_read(session, user.id, notification_id, ctx.now())
        if row is None:
            raise NotFoundError(f"no notification {notification_id}")
        return _view(row)

    return unit_of_work.run(ctx, work)


def mark_all_read(ctx: ServiceContext, *, viewer: str) -> int:
    return unit_of_work.run(ctx, lambda session: store.mark_all_read(session, people.user(session, viewer).id,
                                                                    ctx.now()))


def send_mails(ctx: ServiceContext, *, smtp: SmtpSettings | None) -> list[MailedNotification]:
    """Mail each notification not mailed yet (nothing without ``smtp``): claimed and
    committed first, then sent; a failed send gives the claim back and raises. A send
    that failed after the server took the message goes again on the next run, with the
    same Message-ID (``message_id``), so that a duplicate can be recognised."""
    if smtp is None:
        return []
    with unit_of_work.quick_read(ctx) as session:
        todo = [(row.id, row.text, user.username, user.mail_notifications,
                 f"notification.{row.id}.{row.created_at:%Y%m%d%H%M%S%f}") for row in store.unmailed(
            session, MAILED_PER_RUN) for user in (session.get(User, row.user_id),)]
    done = []
    for notification_id, text, username, wanted, key in todo:
        # a user who turned mail off keeps them in the app; claimed all the same, so
        # turning it back on does not mail a backlog
        address = smtp.address_of(username) if wanted else None
        if not unit_of_work.run(ctx, lambda session, i=notification_id, a=address: store.claim_mail(
                session, i, a, ctx.now())):
            continue  # another worker has it
        if address is not None:
            try:
                send_mail(smtp, address, "Dealflow: " + " ".join(text.split())[:120],
                          text + "\n\nSee your notifications in Dealflow.", key=key)
            except DealflowError:
                unit_of_work.run(ctx, lambda session, i=notification_id: store.unclaim_mail(session, i))
                raise
        done.append(MailedNotification(username, address, text))
    return done


def _view(row: Notification) -> NotificationView:
    return NotificationView(row.id, row.kind, row.text, row.created_at, row.read_at, row.opportunity_id,
                            row.task_id, row.partner_id)
