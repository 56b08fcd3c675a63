"""The façade: one public method per use case, each owning its transaction.

Callers (the CLI, the web app) parse their input, call one method, and render the
frozen views it returns. Below this line live SQL (engine.store) and SpiffWorkflow
(engine.runtime); above it, neither.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Callable, Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import (ConflictError, DealflowError, FormError, MethodologyError, NotFoundError,
                     PermissionDeniedError)
from engine.rules import policy
from engine.rules.forms import validate_form
from engine.methodology.model import FormField
from engine.rules.routing import Candidate, RoutingError, choose_owner, choose_segment, routing_variables
from engine.errors import TaskNotReadyError
from engine.store import db
from engine.service.catalog import Catalog
from engine.store.models import (AssignmentCursor, InboxTask, Opportunity, Team, User)
from engine.store.events import record_event
from engine.rules.progress import expected_revenue
from engine.service.progress import apply_step
from engine.store import inbox, opportunities, people
from engine.service.accounts import AccountUseCases
from engine.service.buying_center import BuyingCenterUseCases
from engine.service.closing import ClosingUseCases
from engine.service.inbox import InboxUseCases
from engine.service.methodologies import MethodologyUseCases
from engine.service.sales import SalesUseCases
from engine.service.screens import WebUseCases
from engine.service.segments import SegmentUseCases
from engine.views import DeployReport, OpportunityView, TaskView

def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Engine(AccountUseCases, InboxUseCases, WebUseCases, SalesUseCases, BuyingCenterUseCases, SegmentUseCases,
             MethodologyUseCases, ClosingUseCases):
    """Dealflow's use cases over one database."""

    def __init__(self, database_url: str | None = None, *, clock: Callable[[], datetime] = utc_now,
                 upgrade_schema: bool | None = None):
        self.url = db.database_url(database_url)
        self._engine = db.make_engine(self.url)
        self._sessions = db.session_factory(self._engine)
        self._reads = db.read_session_factory(self._engine)
        self._clock = clock
        embedded = self.url.startswith("sqlite")
        if upgrade_schema if upgrade_schema is not None else embedded:
            db.upgrade(self._engine)
        elif not db.schema_is_current(self._engine):
            raise db.DatabaseError(
                "the database schema is not up to date; run 'dealflow db upgrade' "
                f"(DEALFLOW_DATABASE_URL={self.url.split('@')[-1]})")
        self._catalog = Catalog()

    def close(self) -> None:
        self._engine.dispose()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        return now.astimezone(timezone.utc)

    # --- methodologies ---------------------------------------------------------------

    def deploy(self, path: str, actor: str | None = None) -> DeployReport:
        """Validate the methodology files under ``path`` and store what changed as new,
        immutable versions; running opportunities stay on the version they started on."""
        from engine.service.validation import load_methodologies

        result = load_methodologies(path)
        if result.problems:
            raise MethodologyError(result.problems)
        with self._sessions() as session, session.begin():
            return self._catalog.deploy(session, result, path, actor, self._now())

    # --- opportunities ---------------------------------------------------------------

    def create_opportunity(self, *, title: str, amount: Decimal | str, currency: str = "PLN",
                           partner: str, partner_attributes: Mapping[str, object] | None = None,
                           attributes: Mapping[str, object] | None = None, actor: str,
                           owner: str | None = None) -> OpportunityView:
        """Route a new opportunity to its segment, methodology, team and owner, and
        start its methodology's process."""
        amount = _money(amount)
        attributes = dict(attributes or {})
        partner_attributes = dict(partner_attributes or {})
        now = self._now()
        with self._sessions() as session, session.begin():
            actor_row = people.user(session, actor)
            routing = self._catalog.routing(session)
            variables = routing_variables(amount, currency, attributes, partner_attributes)
            segment = choose_segment(routing, variables)
            version, methodology = self._segment_methodology(session, segment)  # a swap wins
            team = people.find_team(session, segment.team)
            if team is None:
                raise RoutingError(f"segment '{segment.id}' names team '{segment.team}', which does not "
                                   "exist; create it with 'dealflow team create'")
            owner_row = (people.user(session, owner) if owner
                         else self._choose_owner(session, segment, team, attributes.get("territory")))
            opportunity = Opportunity(
                title=title, partner_name=partner, partner=partner_attributes, amount=amount,
                currency=currency, attributes=attributes, segment_id=segment.id, team_id=team.id,
                owner_id=owner_row.id, manager_id=team.manager_id, methodology_version_id=version.id,
                probability=0, probability_auto=0, expected_revenue=expected_revenue(amount, 0), status="open",
                opened_by_id=actor_row.id, opened_at=now, workflow_state="")
            session.add(opportunity)
            session.flush()
            record_event(session, opportunity, "opened", actor_row.id, now, segment=segment.id,
                         methodology=methodology.id, version=version.label, owner=owner_row.username)
            runner = self._catalog.runner(session, version.id)
            state, result = runner.start(dict(variables), now)
            apply_step(session, opportunity, methodology, self._catalog.lanes(session, methodology.id),
                       state, result, actor_row.id, now)
            if result.error is not None:
                opportunity.workflow_state = state
            session.flush()
            return opportunities.opportunity_view(session, opportunity.id, self._catalog)

    def _choose_owner(self, session: Session, segment, team: Team, territory) -> User:
        candidates = people.candidates(session, team.id, policy.OWNER_ROLES)
        cursor = session.get(AssignmentCursor, segment.id)
        chosen: Candidate = choose_owner(segment, candidates, territory=territory,
                                         last_user_id=cursor.last_user_id if cursor else None)
        if segment.assignment == "round_robin":
            if cursor is None:
                session.add(AssignmentCursor(segment_id=segment.id, last_user_id=chosen.user_id))
            else:
                cursor.last_user_id = chosen.user_id
        return session.get(User, chosen.user_id)

    def show_opportunity(self, opportunity_id: int) -> OpportunityView:
        with self._sessions() as session:
            return opportunities.opportunity_view(session, opportunity_id, self._catalog)

    def list_opportunities(self) -> list[OpportunityView]:
        with self._sessions() as session:
            ids = opportunities.opportunity_ids(session)
            return [opportunities.opportunity_view(session, i, self._catalog, detail=False) for i in ids]

    def reassign_opportunity(self, opportunity_id: int, *, to: str, actor: str) -> OpportunityView:
        """Hand a deal to another rep (M12): its open tasks of the old owner go with it;
        history, data and completed work stay as they are."""
        now = self._now()
        try:
            with self._sessions() as session, session.begin():
                actor_row = people.user(session, actor)
                opportunity = opportunities.lock_opportunity(session, opportunity_id)
                self._check_manages(actor_row, opportunity)
                new_owner = people.user(session, to)
                if new_owner.role != "rep":
                    raise DealflowError(f"'{to}' is a {new_owner.role}, not a rep; a deal's owner is a rep")
                old_owner_id = opportunity.owner_id
                if new_owner.id == old_owner_id:
                    raise ConflictError(f"opportunity {opportunity_id} is already owned by '{to}'")
                moved = opportunities.reassign_open_tasks(session, opportunity.id, old_owner_id, new_owner.id)
                opportunity.owner_id = new_owner.id
                record_event(session, opportunity, "reassigned", actor_row.id, now,
                             from_owner=people.username(session, old_owner_id), to_owner=to, tasks=moved)
        except StaleDataError:
            raise ConflictError("someone else changed this opportunity at the same time") from None
        return self.show_opportunity(opportunity_id)

    def reassign_task(self, task_id: str, *, to: str, actor: str) -> OpportunityView:
        """Give one open task (also one waiting in a team queue) to a specific user."""
        now = self._now()
        try:
            with self._sessions() as session, session.begin():
                actor_row = people.user(session, actor)
                task = session.get(InboxTask, task_id)
                if task is None:
                    raise NotFoundError(f"no task '{task_id}'")
                opportunity = opportunities.lock_opportunity(session, task.opportunity_id)
                self._check_manages(actor_row, opportunity)
                if task.status != "ready":
                    raise ConflictError(f"task '{task_id}' is no longer ready (it is {task.status})")
                new_assignee = people.user(session, to)
                before = people.username(session, task.assignee_id) if task.assignee_id else None
                task.assignee_id, task.candidate_team_id = new_assignee.id, None
                record_event(session, opportunity, "reassigned", actor_row.id, now, task=task_id,
                             name=task.name, from_assignee=before, to_assignee=to)
                session.flush()
                opportunity_id = opportunity.id
        except StaleDataError:
            raise ConflictError("someone else changed this opportunity at the same time") from None
        return self.show_opportunity(opportunity_id)

    @staticmethod
    def _check_manages(actor_row: User, opportunity: Opportunity) -> None:
        if actor_row.role != "admin" and actor_row.id != opportunity.manager_id:
            raise PermissionDeniedError(f"only the deal's manager or an admin may reassign "
                                        f"opportunity {opportunity.id}; '{actor_row.username}' may not")

    # --- tasks -----------------------------------------------------------------------

    def list_tasks(self, user: str | None = None) -> list[TaskView]:
        """READY tasks: all of them, or those a user may work (assigned to them, queued
        for one of their teams, or on a deal they manage)."""
        with self._sessions() as session:
            worker = None if user is None else people.actor_facts(session, people.user(session, user))
            if worker is not None and policy.inbox_scope(worker).everything:
                worker = None  # an admin works every task
            return inbox.ready_tasks(session, self._catalog, worker)

    def complete_task(self, task_id: str, *, actor: str, data: Mapping[str, object]) -> OpportunityView:
        """Check the task is still ready, the actor may complete it and the data fits its
        form; then run the workflow to its next wait state, all in one transaction.

        If another step of the same opportunity committed first (its version counter
        moved — on SQLite, where nothing is row-locked, that is how two users working
        on one deal meet), the whole use case runs again on what is now stored: a
        different task still completes, the same task is then no longer ready."""
        now = self._now()
        attempts = 3  # two users on one deal: the second run always sees the first's commit
        for attempt in range(1, attempts + 1):
            try:
                with self._sessions() as session, session.begin():
                    task = session.get(InboxTask, task_id)
                    if task is None:
                        raise NotFoundError(f"no task '{task_id}'")
                    actor_row = people.user(session, actor)
                    opportunity = opportunities.lock_opportunity(session, task.opportunity_id)
                    if task.status != "ready":
                        raise ConflictError(f"task '{task_id}' is no longer ready (it is {task.status})")
                    if not policy.may_work(people.actor_facts(session, actor_row), inbox.task_facts(task),
                                           opportunities.deal_facts(opportunity)):
                        raise PermissionDeniedError(f"user '{actor}' may not complete task '{task_id}'")
                    fields = tuple(FormField(**f) for f in task.form)
                    clean, errors = validate_form(fields, data)
                    if errors:
                        raise FormError(errors)
                    if task.kind == "activity":
                        self._complete_activity(session, opportunity, task, actor_row, clean, now)
                    else:
                        self._run_completion(session, opportunity, task, actor_row, clean, now)
                    opportunity_id = opportunity.id
                break
            except StaleDataError:
                if attempt == attempts:
                    raise ConflictError("someone else changed this opportunity at the same time; "
                                        "reload it and try again") from None
            except IntegrityError:
                raise ConflictError("someone else completed this task at the same time") from None
        return self.show_opportunity(opportunity_id)

    def _run_completion(self, session: Session, opportunity: Opportunity, task: InboxTask, actor_row: User,
                        clean: dict, now: datetime) -> None:
        version, methodology = self._catalog.version(session, opportunity.methodology_version_id)
        runner = self._catalog.runner(session, version.id)
        variables = self._score_task(session, opportunity, methodology, task, clean, actor_row, now)
        try:
            state, result = runner.complete(opportunity.workflow_state, task.id, {**clean, **variables}, now)
        except TaskNotReadyError as err:
            raise ConflictError(str(err)) from None
        if result.error is None:
            self._check_exit(session, opportunity, methodology, result, lambda: {**runner.data(state), **clean})
            if clean.get("lost_reason"):
                # By convention a form field named lost_reason records why a deal was lost.
                opportunity.lost_reason = str(clean["lost_reason"])
            task.status = "completed"
            task.completed_by_id = actor_row.id
            task.completed_at = now
            record_event(session, opportunity, "task_completed", actor_row.id, now,
                         task=task.id, node=task.node_id, name=task.name, data=clean)
            opportunity.failed_step = None
        else:
            # Nothing of the step is kept; remember it so that retry can run it again.
            opportunity.failed_step = {"kind": "complete", "task": task.id, "actor": actor_row.id,
                                       "data": clean}
        apply_step(session, opportunity, methodology, self._catalog.lanes(session, methodology.id),
                   state, result, actor_row.id, now)

    # --- timers and errors -----------------------------------------------------------

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire the timers that are due, one opportunity per transaction; returns how
        many opportunities moved. Safe with several workers on one database: each
        picks a due opportunity no other worker holds, and the version counter
        catches the rest."""
        fired = 0
        for _ in range(limit):
            now = self._now()
            try:
                with self._sessions() as session, session.begin():
                    opportunity = opportunities.next_due_opportunity(session, now)
                    if opportunity is None:
                        break
                    opportunity_id = opportunity.id
                    version, methodology = self._catalog.version(session, opportunity.methodology_version_id)
                    runner = self._catalog.runner(session, version.id)
                    due = opportunity.next_timer_at
                    state, result = runner.fire_due_timers(opportunity.workflow_state, now)
                    if result.error is None:
                        record_event(session, opportunity, "timer_fired", None, now, due=due.isoformat())
                        opportunity.failed_step = None
                    else:
                        opportunity.failed_step = {"kind": "timers"}
                    apply_step(session, opportunity, methodology, self._catalog.lanes(session, methodology.id),
                               state, result, None, now)
                    if result.error is not None:
                        opportunity.next_timer_at = None  # retried by hand, not fired again and again
                fired += 1
            except StaleDataError:
                continue  # another worker fired it first
            except DealflowError as err:
                # This opportunity cannot be run at all (e.g. its stored state does not
                # load): park it with the error, so the sweep goes on with the others.
                self._park(opportunity_id, err, now)
        return fired

    def _park(self, opportunity_id: int, err: DealflowError, now: datetime) -> None:
        with self._sessions() as session, session.begin():
            opportunity = opportunities.lock_opportunity(session, opportunity_id)
            opportunity.error_message = str(err)
            opportunity.next_timer_at = None
            opportunity.failed_step = {"kind": "timers"}
            record_event(session, opportunity, "error", None, now, message=str(err))

    def retry(self, opportunity_id: int, *, actor: str, upgrade: bool = False) -> OpportunityView:
        """Run the step that failed on an opportunity again — after the data was fixed
        or, with ``upgrade``, on the newest version of its methodology after the
        designer fixed it (the opportunity moves to that version)."""
        now = self._now()
        try:
            with self._sessions() as session, session.begin():
                actor_row = people.user(session, actor)
                opportunity = opportunities.lock_opportunity(session, opportunity_id)
                if opportunity.error_message is None:
                    raise ConflictError(f"opportunity {opportunity_id} has no error to retry")
                if actor_row.role not in ("admin", "designer") and actor_row.id != opportunity.manager_id:
                    raise PermissionDeniedError(f"user '{actor}' may not retry opportunity {opportunity_id}")
                if upgrade:
                    self._upgrade_version(session, opportunity, actor_row, now)
                record_event(session, opportunity, "retried", actor_row.id, now,
                             step=(opportunity.failed_step or {}).get("kind"))
                step = opportunity.failed_step or {"kind": "engine"}
                if step["kind"] == "complete":
                    task = session.get(InboxTask, step["task"])
                    fields = tuple(FormField(**f) for f in task.form)
                    clean, _ = validate_form(fields, step["data"])  # stored as JSON text: re-type it
                    worker = session.get(User, step["actor"])
                    self._run_completion(session, opportunity, task, worker, clean, now)
                else:
                    version, methodology = self._catalog.version(session, opportunity.methodology_version_id)
                    runner = self._catalog.runner(session, version.id)
                    state, result = runner.retry(opportunity.workflow_state, now)
                    opportunity.failed_step = None if result.error is None else step
                    apply_step(session, opportunity, methodology, self._catalog.lanes(session, methodology.id),
                               state, result, actor_row.id, now)
        except StaleDataError:
            raise ConflictError("someone else changed this opportunity at the same time") from None
        return self.show_opportunity(opportunity_id)

    def _upgrade_version(self, session: Session, opportunity: Opportunity, actor_row: User,
                         now: datetime) -> None:
        current, methodology = self._catalog.version(session, opportunity.methodology_version_id)
        newest, _ = self._catalog.newest(session, current.methodology_id)
        if newest.id == current.id:
            raise ConflictError(f"version {current.label} is the newest of '{current.methodology_id}'; "
                                "deploy the fixed methodology first")
        opportunity.methodology_version_id = newest.id
        record_event(session, opportunity, "version_changed", actor_row.id, now,
                     from_version=current.id, to_version=newest.id, label=newest.label)


def _money(value: Decimal | str) -> Decimal:
    if isinstance(value, float):
        raise DealflowError("amounts are exact: pass a Decimal or text, not a float")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DealflowError(f"amount {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise DealflowError(f"amount {value!r} must be a number of at least 0")
    if amount != amount.quantize(Decimal("0.01")):
        raise DealflowError(f"amount {value!r} has more than two decimal places")
    return amount


def default_engine() -> Engine:
    """The engine for DEALFLOW_DATABASE_URL (or the SQLite default)."""
    return Engine(os.environ.get("DEALFLOW_DATABASE_URL"))
