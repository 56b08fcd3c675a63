"""Use cases the web screens need beyond the inbox's (part of the façade, mixed into
engine.service.Engine): the engine's own "now", so pages mark overdue work by the
same clock the inbox counts with; who may hand over a deal; a deal's BPMN diagram
with its position; and demo accounts."""

from __future__ import annotations

from datetime import datetime

from werkzeug.security import generate_password_hash

from engine.store import opportunities, people, versions
from engine.store.models import Opportunity, User
from engine.views import UserView

DEMO_PASSWORD = "demo"


class WebUseCases:
    def now(self) -> datetime:
        """The current moment (UTC) as this engine's clock gives it."""
        return self._now()

    def may_reassign(self, opportunity_id: int, *, viewer: str) -> bool:
        """Whether ``viewer`` may hand this deal or its tasks to someone else: the
        deal's manager or an admin (the rule reassign_opportunity enforces)."""
        with self._sessions() as session:
            actor = people.user(session, viewer)
            opportunity = session.get(Opportunity, opportunity_id)
            return opportunity is not None and (actor.role == "admin" or actor.id == opportunity.manager_id)

    def diagram_for(self, opportunity_id: int, *, viewer: str) -> str | None:
        """The deal's process diagram as SVG text, its open tasks marked current and
        its completed ones done; None when there is no renderer or it cannot draw
        the file. NotFoundError unless the viewer may see the deal."""
        try:
            from engine.drawing.bpmn_diagram import render_svg
        except ImportError:
            return None
        with self._sessions() as session:
            _, opportunity = self._visible_opportunity(session, viewer, opportunity_id)
            _, methodology = self._catalog.version(session, opportunity.methodology_version_id)
            files = versions.version_files(session, opportunity.methodology_version_id)
            tasks = opportunities.task_states(session, opportunity_id)
        bpmn = (files or {}).get(methodology.process.path)
        if bpmn is None:
            return None
        current = {node for node, status in tasks if status == "ready"}
        done = {node for node, status in tasks if status == "completed"} - current
        try:
            return render_svg(bpmn.encode("utf-8"), methodology.process.id, current=current, done=done)
        except ValueError:
            return None

    def ensure_demo_user(self, username: str, role: str, display_name: str) -> UserView:
        """The demo account ``username`` with the password 'demo': created if missing;
        an existing account without a password (from 'dealflow demo') gets it. An
        account with a password of its own keeps it."""
        with self._sessions() as session, session.begin():
            user = people.find_user(session, username)
            if user is None:
                user = User(username=username, display_name=display_name, role=role, active=True,
                            password_hash=generate_password_hash(DEMO_PASSWORD, method="scrypt"),
                            created_at=self._now())
                session.add(user)
                session.flush()
            elif not user.password_hash:
                user.password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
            return self._user_view(session, user)
