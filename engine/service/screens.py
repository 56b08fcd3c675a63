"""Use cases the web screens need beyond the inbox's: the engine's own "now", so pages
mark overdue work by the same clock the inbox counts with; who may hand over a deal;
a deal's BPMN diagram with its position; and demo accounts."""

from __future__ import annotations

from datetime import datetime

from werkzeug.security import generate_password_hash

from engine.rules import inputs
from engine.service import accounts, deal_page, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import people
from engine.store.models import Opportunity, User
from engine.views import UserView

DEMO_PASSWORD = "demo"


def now(ctx: ServiceContext) -> datetime:
    """The current moment (UTC) as this engine's clock gives it."""
    return ctx.now()


def may_reassign(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> bool:
    """Whether ``viewer`` may hand this deal or its tasks to someone else: the
    deal's manager or an admin (the rule reassign_opportunity enforces)."""
    with unit_of_work.read(ctx) as session:
        actor = people.user(session, viewer)
        opportunity = session.get(Opportunity, opportunity_id) if inputs.is_record_id(opportunity_id) else None
        return opportunity is not None and visibility.manages(session, actor, opportunity)


def diagram_for(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> str | None:
    """The deal's process diagram as SVG text, its open tasks marked current and
    its completed ones done; None when there is no renderer or it cannot draw
    the file. NotFoundError unless the viewer may see the deal."""
    try:
        from engine.drawing.bpmn_diagram import render_svg
    except ImportError:
        return None
    model = deal_page.process_model(ctx, opportunity_id, viewer=viewer)
    if model is None:
        return None
    try:
        return render_svg(model.xml.encode("utf-8"), model.process_id, current=set(model.current),
                          done=set(model.done))
    except ValueError:
        return None


def ensure_demo_user(ctx: ServiceContext, username: str, role: str, display_name: str) -> UserView:
    """The demo account ``username`` with the password 'demo': created if missing;
    an existing account without a password (from 'dealflow demo') gets it. An
    account with a password of its own keeps it."""
    def work(session: Session) -> UserView:
        user = people.find_user(session, username)
        if user is None:
            user = User(username=username, display_name=display_name, role=role, active=True,
                        password_hash=generate_password_hash(DEMO_PASSWORD, method="scrypt"),
                        created_at=ctx.now())
            session.add(user)
            session.flush()
        elif not user.password_hash:
            user.password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
        return accounts.view_of(session, user)

    return unit_of_work.run(ctx, work)
