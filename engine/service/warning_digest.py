"""The warnings' daily digest (M18): each rep, manager and admin with open warnings
nobody has acknowledged gets one a day — by e-mail through SMTP when it is
configured (DEALFLOW_SMTP_HOST …), else kept in the app (the dashboard shows the
latest). One per user and day: the (user, day) unique pair keeps two runs at once
from sending it twice — the row is claimed and committed before the mail goes out.

Users have no e-mail address of their own yet: a username that is an address is
used as it is, others get ``username@DEALFLOW_SMTP_DOMAIN`` (without a domain they
get the in-app digest).
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Mapping

from engine.errors import ConflictError, DealflowError
from engine.rules import warnings as rules
from engine.service import organisation, unit_of_work
from engine.service.context import ServiceContext
from engine.service.warnings import scope_of_user
from engine.store import people
from engine.store import warnings as store
from engine.views.warnings import DigestView

MAX_LISTED = 50  # a digest lists this many warnings, then says how many more


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "dealflow@localhost"
    starttls: bool = False
    domain: str | None = None  # users' addresses: username@domain

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SmtpSettings | None":
        """DEALFLOW_SMTP_HOST (unset: no e-mail), _PORT (25), _USER, _PASSWORD, _FROM,
        _STARTTLS (1/true), _DOMAIN."""
        env = os.environ if env is None else env
        host = env.get("DEALFLOW_SMTP_HOST", "").strip()
        if not host:
            return None
        try:
            port = int(env.get("DEALFLOW_SMTP_PORT") or 25)
        except ValueError:
            raise DealflowError(f"DEALFLOW_SMTP_PORT must be a port number; got {env['DEALFLOW_SMTP_PORT']!r}") \
                from None
        return cls(host=host, port=port, username=env.get("DEALFLOW_SMTP_USER") or None,
                   password=env.get("DEALFLOW_SMTP_PASSWORD") or None,
                   sender=env.get("DEALFLOW_SMTP_FROM") or "dealflow@localhost",
                   starttls=env.get("DEALFLOW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
                   domain=env.get("DEALFLOW_SMTP_DOMAIN") or None)

    def address_of(self, username: str) -> str | None:
        if "@" in username:
            return username
        return f"{username}@{self.domain}" if self.domain else None


def digest_text(display_name: str, day: str, warnings: list[store.WarningRow]) -> str:
    """The digest as plain text: per rule, each deal with what is wrong and what to do."""
    lines = [f"Good morning {display_name},", "",
             f"{len(warnings)} deal warning{'' if len(warnings) == 1 else 's'} wait{'s' if len(warnings) == 1 else ''} "
             f"for you on {day}:"]
    listed = 0
    for rule in rules.RULES + tuple(sorted({w.rule for w in warnings} - set(rules.RULES))):
        mine = [w for w in warnings if w.rule == rule]
        if not mine or listed >= MAX_LISTED:
            continue
        lines += ["", f"{rules.label(rule)} ({len(mine)})"]
        for w in mine[:MAX_LISTED - listed]:
            lines.append(f"- {w.deal_title} ({w.partner_name}, {w.owner_name}): {w.message} {w.advice}")
            listed += 1
    if len(warnings) > listed:
        lines += ["", f"… and {len(warnings) - listed} more on the warnings page."]
    lines += ["", "Acknowledge each on the warnings page once it is in hand."]
    return "\n".join(lines)


def send_digests(ctx: ServiceContext, *, smtp: SmtpSettings | None = None) -> list[DigestView]:
    """Today's digest (the company's day) for each user with unacknowledged open
    warnings who has none yet today; by e-mail when ``smtp`` is given and the user
    has an address."""
    now = ctx.now()
    with unit_of_work.quick_read(ctx) as session:
        day = organisation.company_today(session, now).isoformat()
        todo = []
        for user in people.users(session):
            row = people.find_user(session, user.username, active_only=True)
            if row is None or store.digest_exists(session, row.id, day):
                continue
            scope = scope_of_user(session, row)
            warnings = store.visible(session, scope, include_acknowledged=False, limit=5000)
            if warnings:
                todo.append((row.id, row.username, row.display_name, warnings))
    done = []
    for user_id, username, display_name, warnings in todo:
        text = digest_text(display_name, day, warnings)
        address = smtp.address_of(username) if smtp else None

        def claim(session, user_id=user_id, text=text, ids=[w.id for w in warnings], address=address) -> bool:
            if store.digest_exists(session, user_id, day):
                return False
            store.add_digest(session, user_id, day, text, ids, address, now)
            return True

        try:
            claimed = unit_of_work.run(ctx, claim)
        except ConflictError:  # another run claimed it between our check and insert
            claimed = False
        if not claimed:
            continue
        if address is not None:
            try:
                _send(smtp, address, f"Dealflow: {len(warnings)} deal warning{'' if len(warnings) == 1 else 's'} "
                                     f"on {day}", text, key=f"digest.{user_id}.{day}.{now:%Y%m%d%H%M%S%f}")
            except DealflowError:
                unit_of_work.run(ctx, lambda session, user_id=user_id: store.mark_unsent(session, user_id, day))
                raise
        done.append(DigestView(username, day, text, len(warnings), address))
    return done


def latest_digest(ctx: ServiceContext, *, viewer: str) -> DigestView | None:
    """The viewer's latest in-app digest (an e-mailed one too: it is the same text)."""
    with unit_of_work.quick_read(ctx) as session:
        row = people.user(session, viewer)
        digest = store.latest_digest(session, row.id)
        if digest is None:
            return None
        return DigestView(viewer, digest.day, digest.text, len(digest.warning_ids), digest.sent_to)


def _send(smtp: SmtpSettings, to: str, subject: str, text: str, key: str) -> None:
    send_mail(smtp, to, subject, text, what="the digest", key=key)


def message_id(smtp: SmtpSettings, key: str) -> str:
    """The Message-ID of the mail ``key`` names (one notification, one day's digest),
    the same however often it is sent. Mail is sent after its claim is committed, and a
    send that fails after the server took the message (a timeout on the last reply)
    is given back and sent again: with the same Message-ID, mail servers and clients
    that drop duplicates show it once. ``key`` carries what tells two Dealflow
    installations' mails apart (a creation time), the domain the sender's."""
    domain = smtp.sender.rpartition("@")[2] or smtp.domain or "localhost"
    return f"<dealflow.{key}@{domain}>"


def send_mail(smtp: SmtpSettings, to: str, subject: str, text: str, *, what: str = "the notification",
              key: str | None = None) -> None:
    """One plain-text mail through ``smtp`` (with ``key``'s stable Message-ID);
    DealflowError when it cannot be sent."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, to, subject
    if key is not None:
        message["Message-ID"] = message_id(smtp, key)
    message.set_content(text)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise DealflowError(f"{what} for {to} could not be sent through {smtp.host}:{smtp.port}: {err}; "
                            "it is kept in the app") from err
