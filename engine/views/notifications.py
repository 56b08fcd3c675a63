"""The frozen values of the notifications (issue 15): one as its user sees it, the
page of them, and one the worker mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NotificationView:
    """``kind``: task_assigned, deal_handed_over, partner_handed_over, deals_swapped;
    ``text`` what happened; what it links to (a task, else a deal, else a partner, else
    nothing); ``read_at`` None while unread."""

    id: int
    kind: str
    text: str
    created_at: datetime
    read_at: datetime | None
    opportunity_id: int | None
    task_id: str | None
    partner_id: int | None


@dataclass(frozen=True)
class NotificationPage:
    items: tuple[NotificationView, ...]
    unread: int
    older: int | None = None  # the ``before`` that gives the next, older page; None: this is the last
    mailed: bool = True  # whether the worker mails them to the viewer (when e-mail is configured)


@dataclass(frozen=True)
class MailedNotification:
    username: str
    address: str | None  # None: the user has no address, the notification stays in the app
    text: str
