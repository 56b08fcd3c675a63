"""The façade: one public method per use case, each delegating to the function of
its use-case family (accounts, opportunities, tasks, timers, inbox, sales,
buying_center, closing, segments, methodologies, screens) with this engine's
``ServiceContext``. Each of those owns its transaction through the unit of work.

Callers (the CLI, the web app) parse their input, call one method, and render the
frozen views it returns. Below this line live SQL (engine.store) and SpiffWorkflow
(engine.runtime); above it, neither.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from decimal import Decimal
from typing import Callable, Iterable, Mapping

from engine.errors import DatabaseError
from engine.rules import buying_center as bc_rules
from engine.service import (accounts, activities, buying_center, calendars, closing, inbox, logins, methodologies,
                            opportunities, partners, sales, screens, segments, tasks, timers)
from engine.service import lead_import, lead_imports
from engine.service import partner_archival, partner_lists
from engine.service import handover
from engine.service import deal_waits
from engine.service import timer_repair
from engine.service import deal_edit, deal_forecast, deal_list, deal_page, snapshots
from engine.service import lost_analysis, lost_csv
from engine.service import pipeline_analysis
from engine.service import pipeline as team_pipeline
from engine.service import snapshot_reports
from engine.service import forecast, organisation, quotas
from engine.service import task_revision
from engine.service import warning_digest
from engine.service import administration, designer, drafts
from engine.service import win_model as learned_probability
from engine.service import external_tasks
from engine.service import board as pipeline_board
from engine.service import messages
from engine.service import signals
from engine.service import warnings as deal_warnings
from engine.service.buying_center import KEEP
from engine.service.catalog import Catalog
from engine.service.context import ServiceContext, utc_now
from engine.service.unit_of_work import Retry
from engine.service.token_cache import TokenCache
from engine.store import db
from engine.store.access_epoch import EpochReader
from engine.views.deal_page import DealRecordView, ProcessModelView
from engine.views.deals import DealListPage, RoutingPreview
from engine.views import DeployedVersion, DeployReport, InboxPage, OpportunityView, PipelineView, TaskView, UserView
from engine.views.activities import ActivityView, AgendaView, CalendarFeedView, PlanTarget, WeekView
from engine.views.buying_center import BuyingCenterView, ContactView, RelationshipView
from engine.views.handover import HandOverReport
from engine.views.leads import LeadImportView, LeadPreview
from engine.views.partners import PartnerContactView, PartnerListPage, PartnerView
from engine.views.sales import SalesAssistantView
from engine.views.partner_lists import (ArchivalReport, ArchivalView, DeletedPartner, ListExport, SavedListPage,
                                       SavedListView)
from engine.views.segments import SegmentView, SwapReport, SwapView
from engine.views.swap_options import SwapOptions
from engine.views.lost_analysis import LossPreview, LostReport
from engine.views.pipeline_analysis import MethodologyReport, PipelineReport, ReportFile
from engine.views.forecast import ForecastView, Submission
from engine.views.quotas import QuotaSheet, SplitView
from engine.views.warnings import DigestView, SweepReport, WarningBoard, WarningPage, WarningView
from engine.views.snapshots import SnapshotDay, SnapshotReport
from engine.views.win_model import DealWinProbability, WinModelView
from engine.views.external_tasks import ExternalTaskView, WorkerTokenView, WorkerView
from engine.views.messages import Correlation, DealWaitsView, MessageSent
from engine.views.signals import SignalSent
from engine.views.snapshot_reports import AsOfPipeline, DealChanges
from engine.views.admin import Organisation as AdminOrganisation, TokenRow
from engine.views.designer import MethodologyRow, ValidationReport, VersionDiff
from engine.views.drafts import DraftView
from engine.views.board import BoardView
from engine.views.timer_repair import RearmReport
from engine.service import notifications as notification_service
from engine.views.notifications import MailedNotification, NotificationPage, NotificationView
from engine.service import inbox_work, task_context, task_events
from engine.views.task_events import TaskDetailView, TaskEventView
from engine.views.inbox import BulkReport, SavedFilterView, TaskContext, TaskRevisionView


class Engine:
    """Dealflow's use cases over one database."""

    def __init__(self, database_url: str | None = None, *, clock: Callable[[], datetime] = utc_now,
                 upgrade_schema: bool | None = None, retry: Retry | None = None):
        self.url = db.database_url(database_url)
        self._engine = db.make_engine(self.url)
        embedded = self.url.startswith("sqlite")
        if upgrade_schema if upgrade_schema is not None else embedded:
            db.upgrade(self._engine)
        elif not db.schema_is_current(self._engine):
            raise DatabaseError(
                "the database schema is not up to date; run 'dealflow db upgrade' "
                f"(DEALFLOW_DATABASE_URL={self.url.split('@')[-1]})")
        self.context = ServiceContext(
            sessions=db.session_factory(self._engine), reads=db.read_session_factory(self._engine),
            catalog=Catalog(), clock=clock, retry=retry or Retry(), after_work=(messages.deliver_pending,),
            tokens=None if embedded else TokenCache(EpochReader(self._engine)))
        self.lead_files = lead_import.LeadFiles.for_database(self.url)

    @property
    def _sessions(self):
        return self.context.sessions

    @property
    def _catalog(self) -> Catalog:
        return self.context.catalog

    def close(self) -> None:
        if self.context.tokens is not None:
            self.context.tokens.close()
        self._engine.dispose()

    def now(self) -> datetime:
        """The current moment (UTC) as this engine's clock gives it."""
        return screens.now(self.context)

    # --- methodologies ---------------------------------------------------------------

    def deploy(self, path: str, actor: str | None = None, *, force: bool = False) -> DeployReport:
        return methodologies.deploy(self.context, path, actor, force=force)

    def methodology_files(self, methodology_id: str, version: str | None = None) -> dict[str, str]:
        return methodologies.methodology_files(self.context, methodology_id, version)

    # --- people ----------------------------------------------------------------------

    def create_user(self, username: str, role: str, display_name: str | None = None,
                    password: str | None = None) -> UserView:
        return accounts.create_user(self.context, username, role, display_name, password)

    def set_password(self, username: str, password: str) -> None:
        return accounts.set_password(self.context, username, password)

    def authenticate(self, username: str, password: str, *, address: str | None = None) -> UserView:
        """TooManyAttemptsError while the account or the client ``address`` must wait."""
        return accounts.authenticate(self.context, username, password, address)

    def user_view(self, username: str) -> UserView:
        return accounts.user_view(self.context, username)

    def session_generation(self, username: str) -> int:
        """Part of a new login session's id; ``end_sessions`` counts it up."""
        return logins.session_generation(self.context, username)

    def user_for_session(self, username: str, generation: int) -> UserView:
        """NotFoundError once the user's sessions of that generation have ended."""
        return accounts.user_for_session(self.context, username, generation)

    def end_sessions(self, username: str) -> None:
        """Log the user out everywhere: every session issued so far stops working."""
        logins.end_sessions(self.context, username)

    def create_token(self, username: str) -> str:
        return accounts.create_token(self.context, username)

    def user_for_token(self, token: str) -> UserView:
        return accounts.user_for_token(self.context, token)

    def create_team(self, name: str, manager: str | None, members: list[str]) -> None:
        return accounts.create_team(self.context, name, manager, members)

    def add_team_member(self, team: str, username: str) -> None:
        return accounts.add_team_member(self.context, team, username)

    def list_users(self) -> list[UserView]:
        return accounts.list_users(self.context)

    def display_names(self, usernames: Iterable[str]) -> dict[str, str]:
        """username -> display name of those who exist (screens show people by name)."""
        return accounts.display_names(self.context, usernames)

    def ensure_demo_user(self, username: str, role: str, display_name: str) -> UserView:
        return screens.ensure_demo_user(self.context, username, role, display_name)

    # --- opportunities ---------------------------------------------------------------

    def create_opportunity(self, *, title: str, amount: Decimal | str, currency: str = "PLN",
                           partner: str | None = None, partner_attributes: Mapping[str, object] | None = None,
                           attributes: Mapping[str, object] | None = None, actor: str,
                           owner: str | None = None, partner_id: int | None = None,
                           expected_close_date: object = None,
                           start_form: Mapping[str, object] | None = None) -> OpportunityView:
        """``partner_id`` names the deal's partner (its card lends the deal its name
        and attributes); else ``partner`` names it by name. ``expected_close_date``
        defaults by the methodology's typical cycle, else to the end of the quarter.
        ``start_form`` answers the methodology's start form (the preview's ``start_form``)."""
        return opportunities.create_opportunity(
            self.context, title=title, amount=amount, currency=currency, partner=partner,
            partner_attributes=partner_attributes, attributes=attributes, actor=actor, owner=owner,
            partner_id=partner_id, expected_close_date=expected_close_date, start_form=start_form)

    def show_opportunity(self, opportunity_id: int) -> OpportunityView:
        return opportunities.show_opportunity(self.context, opportunity_id)

    def list_opportunities(self) -> list[OpportunityView]:
        return opportunities.list_opportunities(self.context)

    def opportunity_for(self, opportunity_id: int, *, viewer: str) -> OpportunityView:
        return inbox.opportunity_for(self.context, opportunity_id, viewer=viewer)

    def reassign_opportunity(self, opportunity_id: int, *, to: str, actor: str) -> OpportunityView:
        return opportunities.reassign_opportunity(self.context, opportunity_id, to=to, actor=actor)

    def may_reassign(self, opportunity_id: int, *, viewer: str) -> bool:
        return screens.may_reassign(self.context, opportunity_id, viewer=viewer)

    def diagram_for(self, opportunity_id: int, *, viewer: str) -> str | None:
        return screens.diagram_for(self.context, opportunity_id, viewer=viewer)

    def deal_record(self, opportunity_id: int, *, viewer: str) -> DealRecordView:
        """What the deal's task forms captured (labelled, per stage) and its readable history."""
        return deal_page.deal_record(self.context, opportunity_id, viewer=viewer)

    def process_model(self, opportunity_id: int, *, viewer: str) -> ProcessModelView | None:
        """The deployed BPMN of the deal's methodology version and the nodes to mark."""
        return deal_page.process_model(self.context, opportunity_id, viewer=viewer)

    def set_close_date(self, opportunity_id: int, close_date: object, *, actor: str) -> OpportunityView:
        """Move the deal's expected close date (a date or YYYY-MM-DD); audited before/after."""
        return deal_forecast.set_close_date(self.context, opportunity_id, close_date, actor=actor)

    def preview_opportunity(self, *, title: str, amount: Decimal | str, currency: str = "PLN",
                            partner: str | None = None, attributes: Mapping[str, object] | None = None,
                            actor: str, owner: str | None = None, partner_id: int | None = None,
                            expected_close_date: object = None) -> RoutingPreview:
        """What create_opportunity with these values would decide (segment,
        methodology, team, owner, close date), opening nothing."""
        return opportunities.preview_opportunity(
            self.context, title=title, amount=amount, currency=currency, partner=partner, partner_attributes=None,
            attributes=attributes, actor=actor, owner=owner, partner_id=partner_id,
            expected_close_date=expected_close_date)

    def deals(self, viewer: str, params: Mapping[str, object] | None = None) -> DealListPage:
        """My deals (``scope=mine``) or the team's (``scope=team``, a rep: still theirs),
        searched, filtered, sorted and paged (engine.rules.deal_query), sums per currency."""
        return deal_list.deals(self.context, viewer, params)

    def edit_deal(self, opportunity_id: int, changes: Mapping[str, object], *, actor: str,
                  row_version: object = None) -> OpportunityView:
        """Change a deal's title, partner_id, amount, currency or expected_close_date
        (the fields ``changes`` names); audited with old and new values. ``row_version``:
        refuse (ConflictError) if the deal changed since that version was read."""
        return deal_edit.edit_deal(self.context, opportunity_id, changes, actor=actor, row_version=row_version)

    def set_forecast_category(self, opportunity_id: int, category: object, *, actor: str) -> OpportunityView:
        """The rep's forecast-category override (commit, best_case, pipeline, omitted);
        None or ``none`` clears it. Audited: who, when, from -> to."""
        return deal_forecast.set_forecast_category(self.context, opportunity_id, category, actor=actor)

    def close_as_lost(self, opportunity_id: int, *, actor: str, reason_code: str | None = None, reason: str = "",
                      stage: str | None = None) -> OpportunityView:
        return closing.close_as_lost(self.context, opportunity_id, actor=actor, reason_code=reason_code,
                                     reason=reason, stage=stage)

    # --- tasks and the inbox ---------------------------------------------------------

    def list_tasks(self, user: str | None = None) -> list[TaskView]:
        return tasks.list_tasks(self.context, user)

    def complete_task(self, task_id: str, *, actor: str, data: Mapping[str, object],
                      view: bool = True) -> OpportunityView | None:
        return tasks.complete_task(self.context, task_id, actor=actor, data=data, view=view)

    def complete_activity(self, task_id: str, *, actor: str, note: str | None = None) -> OpportunityView:
        return tasks.complete_activity(self.context, task_id, actor=actor, note=note)

    def reassign_task(self, task_id: str, *, to: str, actor: str) -> OpportunityView:
        return tasks.reassign_task(self.context, task_id, to=to, actor=actor)

    def task_events(self, task_id: str, *, viewer: str) -> tuple[TaskEventView, ...]:
        """The error and escalation boundary events that can still catch on the task now
        (a raised non-interrupting escalation cannot); taking one is for who may work it."""
        return task_events.task_events(self.context, task_id, viewer=viewer)

    def task_detail(self, task_id: str, *, viewer: str) -> TaskDetailView:
        """The task with what the viewer may do and its boundary events, read together."""
        return task_events.task_detail(self.context, task_id, viewer=viewer)

    def raise_task_event(self, task_id: str, *, kind: str, code: object, actor: str, message: object = "",
                         variables: Mapping[str, object] | None = None,
                         view: bool = True) -> OpportunityView | None:
        """End a user task through its boundary event catching this error or escalation
        (a non-interrupting escalation leaves it open); permission as for completing it."""
        return task_events.raise_task_event(self.context, task_id, kind=kind, code=code, actor=actor,
                                            message=message, variables=variables, view=view)

    def inbox(self, username: str | UserView, params: Mapping[str, object] | None = None, *,
              stage: str | None = None, methodology: str | None = None, page: int = 1, per_page: int = 25,
              saved_filters: bool = True) -> InboxPage:
        """The user's ready tasks searched, filtered, sorted and paged as ``params`` ask
        (engine.rules.inbox_query: q, stage, methodology, due, follow_up, assignee, queue,
        sort, page, per_page), with their saved filters (none with ``saved_filters=False``).
        ``username`` may be the caller as ``user_for_token`` gave them (no user query then)."""
        return inbox.inbox(self.context, username, params, stage=stage, methodology=methodology, page=page,
                           per_page=per_page, saved_filters=saved_filters)

    def bulk_claim(self, task_ids: Iterable[object], *, actor: str) -> BulkReport:
        return inbox_work.bulk_claim(self.context, task_ids, actor=actor)

    def bulk_hand_over(self, task_ids: Iterable[object], *, to: object, actor: str) -> BulkReport:
        return inbox_work.bulk_hand_over(self.context, task_ids, to=to, actor=actor)

    def set_follow_up(self, task_id: str, day: object, *, actor: str) -> TaskView:
        return inbox_work.set_follow_up(self.context, task_id, day, actor=actor)

    def saved_inbox_filters(self, username: str) -> tuple[SavedFilterView, ...]:
        """The user's own saved inbox filters, by name."""
        return inbox_work.saved_filters(self.context, username)

    def save_inbox_filter(self, name: object, params: Mapping[str, object], *, actor: str) -> SavedFilterView:
        return inbox_work.save_filter(self.context, name, params, actor=actor)

    def delete_inbox_filter(self, filter_id: int, *, actor: str) -> None:
        inbox_work.delete_filter(self.context, filter_id, actor=actor)

    def task_context(self, task_id: str, *, viewer: str) -> TaskContext:
        return task_context.task_context(self.context, task_id, viewer=viewer)

    def task(self, task_id: str, *, viewer: str) -> TaskView:
        return inbox.task(self.context, task_id, viewer=viewer)

    def task_revision(self, task_id: str, *, viewer: str) -> TaskRevisionView:
        """A completed task's answers as last given, and whether the viewer may revise them now."""
        return task_revision.task_revision(self.context, task_id, viewer=viewer)

    def revise_task(self, task_id: str, *, actor: str, data: Mapping[str, object]) -> OpportunityView:
        """Replace a completed task's answers until its stage is left (engine.rules.revision)."""
        return task_revision.revise_task(self.context, task_id, actor=actor, data=data)

    def claim_task(self, task_id: str, *, actor: str) -> TaskView:
        return inbox.claim_task(self.context, task_id, actor=actor)

    def release_task(self, task_id: str, *, actor: str) -> TaskView:
        return inbox.release_task(self.context, task_id, actor=actor)

    def pipeline(self, username: str) -> PipelineView:
        """The manager's open deals per methodology, stages per version, sums per currency."""
        return team_pipeline.pipeline(self.context, username)

    # --- timers and errors -----------------------------------------------------------

    def fire_due_timers(self, limit: int = 100) -> int:
        return timers.fire_due_timers(self.context, limit)

    def rearm_timers(self, *, dry_run: bool = False, every_deal: bool = False) -> RearmReport:
        """Re-arm the open or won deals whose next timer or next action disagrees with their
        workflow's waiting timers (by default those showing an error, where old bugs left
        them; ``dry_run``: change nothing, say which) — engine.service.timer_repair."""
        return timer_repair.rearm_timers(self.context, dry_run=dry_run, every_deal=every_deal)

    def take_snapshots(self, day: object = None) -> SnapshotReport:
        """File every open deal's snapshot under ``day`` (default: the company's today); idempotent,
        safe with several processes (engine.service.snapshots). A future day: FormError."""
        return snapshots.take_snapshots(self.context, day)

    def deals_as_of(self, day: object, *, viewer: str) -> SnapshotDay:
        """The open deals as the snapshot of ``day`` (or the latest day before it) has them."""
        return snapshots.deals_as_of(self.context, day, viewer=viewer)

    def retry(self, opportunity_id: int, *, actor: str, upgrade: bool = False) -> OpportunityView:
        return timers.retry(self.context, opportunity_id, actor=actor, upgrade=upgrade)

    # --- the Sales Assistant ---------------------------------------------------------

    def answer_questionnaire(self, opportunity_id: int, questionnaire_id: str, answers: Mapping[str, object],
                             *, actor: str) -> OpportunityView:
        return sales.answer_questionnaire(self.context, opportunity_id, questionnaire_id, answers, actor=actor)

    def override_probability(self, opportunity_id: int, probability: object, *, actor: str,
                             reason: str = "") -> OpportunityView:
        return sales.override_probability(self.context, opportunity_id, probability, actor=actor, reason=reason)

    def reset_probability(self, opportunity_id: int, *, actor: str) -> OpportunityView:
        return sales.reset_probability(self.context, opportunity_id, actor=actor)

    def sales_assistant(self, opportunity_id: int, *, viewer: str) -> SalesAssistantView:
        return sales.sales_assistant(self.context, opportunity_id, viewer=viewer)

    # --- the buying center -----------------------------------------------------------

    def buying_center(self, opportunity_id: int, *, viewer: str) -> BuyingCenterView:
        return buying_center.buying_center(self.context, opportunity_id, viewer=viewer)

    def buying_center_svg(self, opportunity_id: int, *, viewer: str) -> str:
        return buying_center.buying_center_svg(self.context, opportunity_id, viewer=viewer)

    def contact(self, contact_id: int, *, viewer: str) -> ContactView:
        return buying_center.contact(self.context, contact_id, viewer=viewer)

    def add_contact(self, opportunity_id: int, *, actor: str, name: object = None, job_title: object = "",
                    role: object = None, influence: object = bc_rules.DEFAULT_INFLUENCE,
                    attitude: object = "neutral", notes: object = "",
                    partner_contact_id: object = None) -> ContactView:
        """``partner_contact_id``: a contact person of the deal's partner (fills name and job title)."""
        return buying_center.add_contact(self.context, opportunity_id, actor=actor, name=name, job_title=job_title,
                                         role=role, influence=influence, attitude=attitude, notes=notes,
                                         partner_contact_id=partner_contact_id)

    def update_contact(self, contact_id: int, *, actor: str, name: object = KEEP, job_title: object = KEEP,
                       role: object = KEEP, influence: object = KEEP, attitude: object = KEEP,
                       notes: object = KEEP) -> ContactView:
        return buying_center.update_contact(self.context, contact_id, actor=actor, name=name, job_title=job_title,
                                            role=role, influence=influence, attitude=attitude, notes=notes)

    def remove_contact(self, contact_id: int, *, actor: str) -> ContactView:
        return buying_center.remove_contact(self.context, contact_id, actor=actor)

    def add_relationship(self, opportunity_id: int, *, actor: str, from_contact: object, to_contact: object,
                         kind: object, strength: object = bc_rules.DEFAULT_STRENGTH) -> RelationshipView:
        return buying_center.add_relationship(self.context, opportunity_id, actor=actor, from_contact=from_contact,
                                              to_contact=to_contact, kind=kind, strength=strength)

    def remove_relationship(self, relationship_id: int, *, actor: str) -> RelationshipView:
        return buying_center.remove_relationship(self.context, relationship_id, actor=actor)

    # --- segments --------------------------------------------------------------------

    def list_segments(self, *, viewer: str | None) -> list[SegmentView]:
        return segments.list_segments(self.context, viewer=viewer)

    def list_swaps(self, segment_id: str | None = None) -> list[SwapView]:
        return segments.list_swaps(self.context, segment_id)

    def methodology_choices(self) -> list[str]:
        return segments.methodology_choices(self.context)

    def methodology_names(self) -> dict[str, str]:
        """Each deployed methodology's id -> its name, to show instead of the id."""
        return segments.methodology_names(self.context)

    def swap_segment(self, segment_id: str, methodology: str, *, version: str | None = None,
                     stage_map: Mapping[str, str] | None = None, dry_run: bool = False,
                     actor: str) -> SwapReport:
        return segments.swap_segment(self.context, segment_id, methodology, version=version, stage_map=stage_map,
                                     dry_run=dry_run, actor=actor)

    def reverse_swap(self, swap_id: int, *, actor: str) -> SwapReport:
        return segments.reverse_swap(self.context, swap_id, actor=actor)

    def swap_options(self, segment_id: str, methodology: str, *, version: str | None = None,
                     viewer: str) -> SwapOptions:
        """Read only: the stages (by name, with open-deal counts) and deals a manager maps
        when swapping ``segment_id`` to ``methodology``; 403 for reps and designers."""
        return segments.swap_options(self.context, segment_id, methodology, version=version, viewer=viewer)

    # --- activities and calendars ----------------------------------------------------

    def plan_activity(self, *, actor: str, partner_id: int | None, opportunity_id: int | None = None, kind: object,
                      subject: object, starts_at: object, duration_minutes: object = 30, owner: str | None = None,
                      notes: object = "", zone: str | None = None) -> ActivityView:
        """Plan a call, meeting, e-mail, visit or task with a partner (on one of its
        open deals, if given; None: the deal's partner); ``starts_at`` aware, or local
        text read in ``zone``."""
        return activities.plan_activity(self.context, actor=actor, partner_id=partner_id,
                                        opportunity_id=opportunity_id, kind=kind, subject=subject,
                                        starts_at=starts_at, duration_minutes=duration_minutes, owner=owner,
                                        notes=notes, zone=zone)

    def log_done_activity(self, *, actor: str, partner_id: int | None, opportunity_id: int | None = None, kind: object,
                          subject: object, starts_at: object, duration_minutes: object = 30, outcome: object = "",
                          notes: object = "", owner: str | None = None, zone: str | None = None) -> ActivityView:
        """Record an activity already done (a call just made), with its outcome."""
        return activities.log_done_activity(self.context, actor=actor, partner_id=partner_id,
                                            opportunity_id=opportunity_id, kind=kind, subject=subject,
                                            starts_at=starts_at, duration_minutes=duration_minutes,
                                            outcome=outcome, notes=notes, owner=owner, zone=zone)

    def reschedule_activity(self, activity_id: int, *, actor: str, starts_at: object,
                            duration_minutes: object = None, zone: str | None = None) -> ActivityView:
        return activities.reschedule_activity(self.context, activity_id, actor=actor, starts_at=starts_at,
                                              duration_minutes=duration_minutes, zone=zone)

    def record_activity_outcome(self, activity_id: int, *, actor: str, outcome: object,
                                notes: object = "") -> ActivityView:
        return activities.record_activity_outcome(self.context, activity_id, actor=actor, outcome=outcome,
                                                  notes=notes)

    def cancel_activity(self, activity_id: int, *, actor: str, reason: object = "") -> ActivityView:
        return activities.cancel_activity(self.context, activity_id, actor=actor, reason=reason)

    def activity(self, activity_id: int, *, viewer: str) -> ActivityView:
        return activities.activity(self.context, activity_id, viewer=viewer)

    def activities_for_partner(self, partner_id: int, *, viewer: str) -> list[ActivityView]:
        return activities.activities_for_partner(self.context, partner_id, viewer=viewer)

    def activities_for_deal(self, opportunity_id: int, *, viewer: str) -> list[ActivityView]:
        return activities.activities_for_deal(self.context, opportunity_id, viewer=viewer)

    def plan_targets(self, *, viewer: str) -> list[PlanTarget]:
        """The partners and open deals a plan-activity form offers the viewer."""
        return activities.plan_targets(self.context, viewer=viewer)

    def agenda(self, username: str, *, viewer: str, days: object = 7, zone: str | None = None) -> AgendaView:
        """Overdue items, then today and the next ``days - 1`` days in ``zone``."""
        return calendars.agenda(self.context, username, viewer=viewer, days=days, zone=zone)

    def week(self, username: str | None = None, *, team: str | None = None, viewer: str, start: object = None,
             zone: str | None = None) -> WeekView:
        """The Monday-to-Sunday week holding ``start`` of a rep, or of each member of ``team``."""
        return calendars.week(self.context, username, team=team, viewer=viewer, start=start, zone=zone)

    def calendar_feed_url_token(self, username: str, *, actor: str, rotate: bool = False) -> str:
        """The secret token of the user's feed URL: the current one, or a new one
        (when there is none, or with ``rotate``, replacing the old one)."""
        return calendars.calendar_feed_url_token(self.context, username, actor=actor, rotate=rotate)

    def revoke_calendar_feed(self, username: str, *, actor: str) -> int:
        return calendars.revoke_calendar_feed(self.context, username, actor=actor)

    def calendar_feed_status(self, username: str, *, viewer: str) -> CalendarFeedView:
        return calendars.calendar_feed_status(self.context, username, viewer=viewer)

    def calendar_feed(self, token: str, *, base_url: str = "") -> bytes:
        """The token's calendar as RFC 5545 text; NotFoundError for a wrong or revoked token."""
        return calendars.calendar_feed(self.context, token, base_url=base_url)

    # --- partners --------------------------------------------------------------------

    def partners(self, viewer: str, criteria: Mapping[str, object] | None = None, *, page: int = 1,
                 per_page: int = 25) -> PartnerListPage:
        """``criteria``: a PartnerCriteria (engine.rules.partners) or query parameters
        (text or q, kind, territory, channel, industry, owner, source, status)."""
        return partners.partners(self.context, viewer, criteria, page=page, per_page=per_page)

    def partner(self, partner_id: int, *, viewer: str) -> PartnerView:
        return partners.partner(self.context, partner_id, viewer=viewer)

    def create_partner(self, *, actor: str, owner: str | None = None, **card: object) -> PartnerView:
        return partners.create_partner(self.context, actor=actor, owner=owner, **card)

    def update_partner(self, partner_id: int, *, actor: str, **changes: object) -> PartnerView:
        return partners.update_partner(self.context, partner_id, actor=actor, **changes)

    def archive_partner(self, partner_id: int, *, actor: str) -> PartnerView:
        return partners.archive_partner(self.context, partner_id, actor=actor)

    def restore_partner(self, partner_id: int, *, actor: str) -> PartnerView:
        return partners.restore_partner(self.context, partner_id, actor=actor)

    def add_partner_contact(self, partner_id: int, *, actor: str, name: object, function: object = "",
                            email: object = None, phone: object = None) -> PartnerContactView:
        return partners.add_partner_contact(self.context, partner_id, actor=actor, name=name, function=function,
                                            email=email, phone=phone)

    def partner_contact(self, contact_id: int, *, viewer: str) -> PartnerContactView:
        return partners.partner_contact(self.context, contact_id, viewer=viewer)

    def update_partner_contact(self, contact_id: int, *, actor: str, **changes: object) -> PartnerContactView:
        """``changes``: name, function, email, phone, active (a bool)."""
        return partners.update_partner_contact(self.context, contact_id, actor=actor, **changes)

    # --- lead import -----------------------------------------------------------------

    def preview_leads(self, path: str | Path, *, maps: Iterable[str] = (), actor: str,
                      file_name: str | None = None) -> LeadPreview:
        """The file's first rows and column mapping, every problem as a message (never raises
        for the file or the maps; PermissionDeniedError for a rep)."""
        return lead_import.preview_leads(self.context, path, maps=maps, actor=actor, file_name=file_name)

    def start_lead_import(self, path: str | Path, *, file_name: str, maps: Iterable[str] = (), actor: str,
                          dry_run: bool = False, owner: str | None = None) -> int:
        """Checks the file and the maps (FormError), records the import as running; its id.
        ``owner``: the rep new partners go to (default: none, an unassigned pool)."""
        return lead_import.start_lead_import(self.context, path, file_name=file_name, maps=maps, actor=actor,
                                             dry_run=dry_run, owner=owner, files=self.lead_files)

    def run_lead_import(self, import_id: int) -> LeadImportView:
        """Does the import started as ``import_id``, committing progress every batch. A failure
        is recorded on the import (status failed) and raised."""
        return lead_import.run_lead_import(self.context, import_id, files=self.lead_files)

    def import_leads(self, path: str | Path, *, maps: Iterable[str] = (), actor: str, dry_run: bool = False,
                     file_name: str | None = None, owner: str | None = None) -> LeadImportView:
        import_id = self.start_lead_import(path, file_name=file_name or Path(path).name, maps=maps, actor=actor,
                                           dry_run=dry_run, owner=owner)
        return self.run_lead_import(import_id)

    def lead_import(self, import_id: int, *, viewer: str) -> LeadImportView:
        return lead_imports.lead_import(self.context, import_id, viewer=viewer)

    def lead_imports(self, *, viewer: str) -> list[LeadImportView]:
        """The imports the viewer may see, newest first."""
        return lead_imports.lead_imports(self.context, viewer=viewer)

    def revert_lead_import(self, import_id: int, *, actor: str) -> LeadImportView:
        return lead_imports.revert_lead_import(self.context, import_id, actor=actor)

    def resume_lead_import(self, import_id: int, *, actor: str) -> int:
        """Hands an interrupted import (its worker not heard of for long) to a new run; then
        ``run_lead_import(import_id)`` goes on after its last committed batch."""
        return lead_imports.resume_lead_import(self.context, import_id, actor=actor)

    def lead_rejects_file(self, import_id: int, *, viewer: str) -> Path:
        """The rejects file to send for download; NotFoundError when the import refused no row."""
        return lead_imports.lead_rejects_file(self.context, import_id, viewer=viewer, files=self.lead_files)

    def lead_upload_path(self, file_name: str) -> Path:
        """A fresh server-chosen path to save an uploaded lead file at (its suffix kept);
        uploads abandoned long ago are removed first (``sweep_lead_uploads``)."""
        self.sweep_lead_uploads()
        return self.lead_files.upload_path(file_name)

    def sweep_lead_uploads(self) -> list[Path]:
        """Uploaded lead files older than DEALFLOW_LEAD_UPLOAD_HOURS (default 24) that no
        running or interrupted import reads, deleted; which."""
        return lead_imports.sweep_uploads(self.context, files=self.lead_files)

    # --- call and mailing lists, archiving inactive prospects (M11) --------------------

    def save_partner_list(self, *, name: str, purpose: str, criteria: Mapping[str, object],
                          actor: str) -> SavedListView:
        return partner_lists.save_partner_list(self.context, name=name, purpose=purpose, criteria=criteria,
                                               actor=actor)

    def rename_partner_list(self, list_id: int, *, name: str, actor: str) -> SavedListView:
        return partner_lists.rename_partner_list(self.context, list_id, name=name, actor=actor)

    def delete_partner_list(self, list_id: int, *, actor: str) -> SavedListView:
        return partner_lists.delete_partner_list(self.context, list_id, actor=actor)

    def partner_lists(self, *, viewer: str) -> list[SavedListView]:
        return partner_lists.partner_lists(self.context, viewer=viewer)

    def partner_list(self, list_id: int, *, viewer: str) -> SavedListPage:
        return partner_lists.partner_list(self.context, list_id, viewer=viewer)

    def export_partner_list(self, list_id: int, *, format: str, viewer: str) -> ListExport:
        """The list's every line as a file: ``format`` csv or xlsx."""
        return partner_lists.export_partner_list(self.context, list_id, format=format, viewer=viewer)

    def archive_inactive_prospects(self, *, months: int, actor: str, dry_run: bool = False) -> ArchivalReport:
        return partner_archival.archive_inactive_prospects(self.context, months=months, actor=actor,
                                                           dry_run=dry_run)

    def undo_archival(self, archival_id: int, *, actor: str) -> ArchivalReport:
        return partner_archival.undo_archival(self.context, archival_id, actor=actor)

    def partner_archivals(self, *, viewer: str) -> list[ArchivalView]:
        return partner_archival.archivals(self.context, viewer=viewer)

    def delete_partner(self, partner_id: int, *, actor: str) -> DeletedPartner:
        return partner_archival.delete_partner(self.context, partner_id, actor=actor)

    # --- hand-over ---------------------------------------------------------------------

    def hand_over_partner(self, partner_id: int, *, to: str, actor: str, closed_deals: str = "stay",
                          open_deals: bool = True, others_open_deals: bool = False,
                          activities: bool = True, dry_run: bool = False) -> HandOverReport:
        """``dry_run``: only what would move (for a confirmation step); nothing changes."""
        return handover.hand_over_partner(self.context, partner_id, to=to, actor=actor, closed_deals=closed_deals,
                                          open_deals=open_deals, others_open_deals=others_open_deals,
                                          activities=activities, dry_run=dry_run)
    # --- lost reasons and the lost-deal report (M13) ---

    def record_lost_reason(self, opportunity_id: int, *, actor: str, reason_code: str | None,
                           reason: str = "") -> OpportunityView:
        return closing.record_lost_reason(self.context, opportunity_id, actor=actor, reason_code=reason_code,
                                          reason=reason)

    def preview_loss(self, opportunity_id: int, *, actor: str, reason_code: str | None = None, reason: str = "",
                     stage: str | None = None) -> LossPreview:
        return closing.preview_loss(self.context, opportunity_id, actor=actor, reason_code=reason_code,
                                    reason=reason, stage=stage)

    def lost_report(self, *, viewer: str, since: object = None, until: object = None, methodology: object = None,
                    segment: object = None, rep: object = None) -> LostReport:
        return lost_analysis.lost_report(self.context, viewer=viewer, since=since, until=until,
                                         methodology=methodology, segment=segment, rep=rep)

    def lost_report_csv(self, *, viewer: str, **filters: object) -> str:
        """The same report as CSV text, one row per deal (engine.service.lost_csv)."""
        return lost_csv.report_csv(self.lost_report(viewer=viewer, **filters))

    # --- pipeline analysis and the methodology comparison (M16) ---

    def pipeline_report(self, *, viewer: str, group_by: object = None) -> PipelineReport:
        """The viewer's deals (engine.rules.report_scope) grouped by ``group_by`` (one
        of engine.service.pipeline_analysis.GROUPS; default stage), with the funnel,
        time in stage and lead-source effectiveness."""
        return pipeline_analysis.pipeline_report(self.context, viewer=viewer, group_by=group_by)

    def pipeline_report_file(self, *, viewer: str, format: object, group_by: object = None,
                             table: object = None) -> ReportFile:
        """The same as CSV (one table) or XLSX (every table)."""
        return pipeline_analysis.report_file(self.pipeline_report(viewer=viewer, group_by=group_by), format, table)

    def methodology_report(self, *, viewer: str) -> MethodologyReport:
        """Per methodology version and segment: win rate with its 95 % interval, cycle
        length, average won amount, stage conversion; before and after each swap."""
        return pipeline_analysis.methodology_report(self.context, viewer=viewer)

    def methodology_report_file(self, *, viewer: str, format: object, table: object = None) -> ReportFile:
        return pipeline_analysis.report_file(self.methodology_report(viewer=viewer), format, table)

    # --- reports over the daily snapshots (M17) ---

    def pipeline_report_as_of(self, *, viewer: str, as_of: object, group_by: object = None) -> AsOfPipeline:
        """The viewer's open deals as the snapshot of ``as_of`` (or the last day before
        it with one) had them, grouped by one of engine.views.snapshot_reports.AS_OF_GROUPS."""
        return snapshot_reports.pipeline_as_of(self.context, viewer=viewer, as_of=as_of, group_by=group_by)

    def pipeline_as_of_file(self, *, viewer: str, as_of: object, format: object, group_by: object = None,
                            table: object = None) -> ReportFile:
        return snapshot_reports.report_file(
            self.pipeline_report_as_of(viewer=viewer, as_of=as_of, group_by=group_by), format, table)

    def deal_changes(self, *, viewer: str, since: object = None, as_of: object = None,
                     period: object = None) -> DealChanges:
        """What moved in the viewer's pipeline due by the end of ``period`` (default:
        the fiscal quarter of the end day) between the snapshot of ``since`` (default:
        a week before the end) and that of ``as_of`` (default: the live deals now)."""
        return snapshot_reports.deal_changes(self.context, viewer=viewer, since=since, as_of=as_of, period=period)

    def deal_changes_file(self, *, viewer: str, format: object, since: object = None, as_of: object = None,
                          period: object = None, table: object = None) -> ReportFile:
        return snapshot_reports.report_file(
            self.deal_changes(viewer=viewer, since=since, as_of=as_of, period=period), format, table)

    # --- quotas (M14) -------------------------------------------------------------------

    def fiscal_year_start(self) -> int:
        """The fiscal year's first month (1-12; default 1, January)."""
        return organisation.fiscal_year_start(self.context)

    def set_fiscal_year_start(self, month: object, *, actor: str) -> int:
        return organisation.set_fiscal_year_start(self.context, month, actor=actor)

    def company_time_zone(self) -> str:
        """The company's time zone (IANA name; default UTC): which day a won deal counts on."""
        return organisation.time_zone(self.context)

    def company_today(self) -> date:
        """Which day it is now for the company (its time zone's; UTC until one is set)."""
        return organisation.today(self.context)

    def set_company_time_zone(self, name: object, *, actor: str) -> str:
        return organisation.set_time_zone(self.context, name, actor=actor)

    def set_quota(self, username: str, period: object, amount: object, *, actor: str, currency: object = None,
                  note: object = "") -> SplitView:
        """Commit a person's quota from above (a new version each time)."""
        return quotas.set_quota(self.context, username, period, amount, actor=actor, currency=currency, note=note)

    def split_quota(self, manager: str, period: object, parts: Mapping[str, object] | None, *, actor: str,
                    currency: object = None, commit: bool = False, note: object = "") -> SplitView:
        """Save a split of ``manager``'s quota among their direct reports as the actor's
        draft, or commit it (``parts`` None: commit the actor's draft)."""
        return quotas.split_quota(self.context, manager, period, parts, actor=actor, currency=currency,
                                  commit=commit, note=note)

    def quota_sheet(self, *, viewer: str, period: object = None, manager: str | None = None) -> QuotaSheet:
        return quotas.quota_sheet(self.context, viewer=viewer, period=period, manager=manager)

    # --- early warnings (M18) -----------------------------------------------------------

    def sweep_warnings(self, *, idle_days: object = 14, actor: str | None = None) -> SweepReport:
        """Raise the warnings open deals deserve now (once per cause), clear those whose
        cause went away. ``actor``: an admin asking; None: the worker."""
        return deal_warnings.sweep(self.context, idle_days=idle_days, actor=actor)

    def warnings(self, *, viewer: str | UserView, include_cleared: bool = False,
                 include_acknowledged: bool = True) -> list[WarningView]:
        return deal_warnings.list_warnings(self.context, viewer=viewer, include_cleared=include_cleared,
                                           include_acknowledged=include_acknowledged)

    def warnings_page(self, *, viewer: str | UserView, include_cleared: bool = False, include_acknowledged: bool = True,
                      page: object = 1, per_page: object = None) -> WarningPage:
        """One page (at most 1000) of the viewer's warnings, newest first, and their total."""
        return deal_warnings.warnings_page(self.context, viewer=viewer, include_cleared=include_cleared,
                                           include_acknowledged=include_acknowledged, page=page, per_page=per_page)

    def warning_board(self, *, viewer: str, page: object = 1, per_page: object = None) -> WarningBoard:
        """The dashboard, a page (default 500 warnings) at a time; counts of all."""
        return deal_warnings.board(self.context, viewer=viewer, page=page, per_page=per_page)

    def deal_warnings(self, opportunity_id: int, *, viewer: str) -> list[WarningView]:
        return deal_warnings.for_deal(self.context, opportunity_id, viewer=viewer)

    def acknowledge_warning(self, warning_id: int, *, actor: str) -> WarningView:
        return deal_warnings.acknowledge(self.context, warning_id, actor=actor)

    def send_warning_digests(self, *, env: Mapping[str, str] | None = None) -> list[DigestView]:
        """Today's digest for each user with unacknowledged warnings: by e-mail when
        DEALFLOW_SMTP_HOST is set in ``env`` (default: the environment), else in the app."""
        return warning_digest.send_digests(self.context, smtp=warning_digest.SmtpSettings.from_env(env))

    def latest_warning_digest(self, *, viewer: str) -> DigestView | None:
        return warning_digest.latest_digest(self.context, viewer=viewer)

    # --- the forecast (M15) -------------------------------------------------------------

    def forecast_file(self, *, viewer: str, format: object, period: object = None,
                      user: str | None = None) -> ReportFile:
        """The forecast against quota (per person and currency) as a CSV or XLSX download."""
        return forecast.forecast_file(self.context, viewer=viewer, period=period, user=user, fmt=format)

    def forecast(self, *, viewer: str, period: object = None, user: str | None = None) -> ForecastView:
        """``user``'s forecast (default: the viewer's) with everyone below them, rolled up."""
        return forecast.forecast(self.context, viewer=viewer, period=period, user=user)

    def adjust_forecast(self, *, actor: str, user: str, period: object, category: object, amount: object,
                        note: object, currency: object = "PLN") -> ForecastView:
        """A manager's figure for a direct report's category, with a note (the computed one stays)."""
        return forecast.adjust_forecast(self.context, actor=actor, user=user, period=period, category=category,
                                        amount=amount, note=note, currency=currency)

    def submit_forecast(self, *, actor: str, period: object = None) -> Submission:
        """Store the actor's forecast of the period as an immutable snapshot."""
        return forecast.submit_forecast(self.context, actor=actor, period=period)

    # --- external tasks: workers over the API (docs/integration.md) ------------------------

    def create_worker_token(self, name: str, topics: list[str], *, actor: str | None = None) -> str:
        """A worker's token for ``topics`` (shown once); ``actor``: a designer or admin."""
        return external_tasks.create_worker_token(self.context, name, topics, actor=actor)

    def worker_tokens(self) -> list[WorkerTokenView]:
        return external_tasks.worker_tokens(self.context)

    def revoke_worker_tokens(self, name: str, *, actor: str | None = None) -> int:
        """Revoke every live token of worker ``name``; ``actor``: a designer or admin."""
        return external_tasks.revoke_worker_tokens(self.context, name, actor=actor)

    def worker_for_token(self, token: str) -> WorkerView:
        return external_tasks.worker_for_token(self.context, token)

    def fetch_and_lock(self, worker: WorkerView, worker_id: str, max_tasks: int, topics: list[tuple[str, int]],
                       wait_ms: int = 0) -> list[ExternalTaskView]:
        """Lock up to ``max_tasks`` open tasks of ``topics`` (name, lock ms) for ``worker_id``;
        ``wait_ms``: long polling."""
        return external_tasks.fetch_and_lock(self.context, worker, worker_id, max_tasks, topics, wait_ms)

    def complete_external_task(self, worker: WorkerView, task_id: str, worker_id: str,
                               variables: Mapping[str, object]) -> None:
        return external_tasks.complete(self.context, worker, task_id, worker_id, variables)

    def fail_external_task(self, worker: WorkerView, task_id: str, worker_id: str, message: str, retries: int,
                           retry_timeout_ms: int = 0) -> None:
        return external_tasks.failure(self.context, worker, task_id, worker_id, message, retries, retry_timeout_ms)

    def bpmn_error(self, worker: WorkerView, task_id: str, worker_id: str, code: str, message: str = "",
                   variables: Mapping[str, object] | None = None) -> None:
        return external_tasks.bpmn_error(self.context, worker, task_id, worker_id, code, message, variables)

    def extend_lock(self, worker: WorkerView, task_id: str, worker_id: str, new_duration_ms: int) -> None:
        return external_tasks.extend_lock(self.context, worker, task_id, worker_id, new_duration_ms)

    def deal_waits(self, *, viewer: str, opportunity_id: int) -> DealWaitsView:
        """What the deal's process waits for from outside: messages and workers' tasks."""
        return deal_waits.deal_waits(self.context, viewer, opportunity_id)

    def incidents(self, *, viewer: str, opportunity_id: int | None = None) -> list[ExternalTaskView]:
        return external_tasks.incidents(self.context, viewer, opportunity_id)

    def retry_incident(self, incident_id: str, *, actor: str, retries: int = 1) -> ExternalTaskView:
        return external_tasks.retry_incident(self.context, incident_id, actor=actor, retries=retries)


    # --- the learned win probability (issue 13) ----------------------------------------

    def train_win_model(self, *, actor: str | None) -> WinModelView:
        """Backtests and trains on the closed deals; enabled only if it beats the stage
        table on the held-out ones. ``actor`` None: the worker."""
        return learned_probability.train(self.context, actor=actor)

    def win_model(self, *, viewer: str | None = None) -> WinModelView | None:
        """The model in force (None: never trained)."""
        return learned_probability.model(self.context, viewer=viewer)

    def win_probability(self, opportunity_id: int, *, viewer: str) -> DealWinProbability:
        """The deal's learned probability, explained per factor, when the model is enabled."""
        return learned_probability.deal_probability(self.context, opportunity_id, viewer=viewer)

    # --- the methodology and users-and-teams screens (issue 15) -------------------------

    def methodologies_overview(self, *, viewer: str) -> list[MethodologyRow]:
        """Each deployed methodology with its versions (designers and admins)."""
        return designer.methodologies_overview(self.context, viewer=viewer)

    def validate_methodologies(self, path: str, *, viewer: str) -> ValidationReport:
        """Every problem of the files under ``path`` as path:line: message; nothing stored."""
        return designer.validate_folder(self.context, path, viewer=viewer)

    def deploy_as(self, path: str, *, actor: str) -> DeployReport:
        """``deploy`` for a designer or admin of the web app; audited."""
        return designer.deploy_folder(self.context, path, actor=actor)

    def version_diff(self, methodology_id: str, old: int, new: int, *, viewer: str) -> VersionDiff:
        """What changed between two version numbers of one methodology."""
        return designer.version_diff(self.context, methodology_id, old, new, viewer=viewer)

    def methodology_draft(self, drafts_path: str, methodology_id: str, *, viewer: str,
                          editing: str | None = None) -> DraftView:
        """The methodology's draft in ``drafts_path`` (or its deployed files), checked and compared."""
        return drafts.draft(self.context, drafts_path, methodology_id, viewer=viewer, editing=editing)

    def save_draft_file(self, drafts_path: str, methodology_id: str, name: str, data: bytes | str, *,
                        actor: str) -> str:
        """One uploaded or edited file of the methodology into its draft; returns its path."""
        return drafts.save_file(self.context, drafts_path, methodology_id, name, data, actor=actor)

    def deploy_draft(self, drafts_path: str, methodology_id: str, *, actor: str,
                     folder: str | None = None) -> DeployedVersion:
        """The draft as the methodology's new version (audited); the draft is gone, and
        its changed files are written into ``folder`` (the methodologies folder) where it
        holds them."""
        return drafts.deploy(self.context, drafts_path, methodology_id, actor=actor, folder=folder)

    def discard_draft(self, drafts_path: str, methodology_id: str, *, actor: str) -> bool:
        """Throw the methodology's draft away; True when there was one."""
        return drafts.discard(self.context, drafts_path, methodology_id, actor=actor)

    def worker_tokens_for(self, *, viewer: str) -> list[WorkerTokenView]:
        """``worker_tokens`` for a designer or admin of the web app."""
        return designer.worker_tokens(self.context, viewer=viewer)

    def create_worker_token_as(self, name: str, topics: list[str], *, actor: str) -> str:
        """``create_worker_token`` for the web: a designer or admin, checked before the input."""
        return designer.create_worker_token(self.context, name, topics, actor=actor)

    def organisation_overview(self, *, viewer: str) -> AdminOrganisation:
        """Users with roles and teams, teams with manager and members, recent changes (admins)."""
        return administration.organisation(self.context, viewer=viewer)

    def admin_create_user(self, username: str, role: str, display_name: str | None = None,
                          password: str | None = None, *, actor: str) -> UserView:
        """A new user (an admin asking); without ``password`` they cannot log in yet."""
        return administration.create_user(self.context, username, role, display_name, password, actor=actor)

    def set_role(self, username: str, role: str, *, actor: str) -> str:
        return administration.set_role(self.context, username, role, actor=actor)

    def admin_add_team_member(self, team: str, username: str, *, actor: str) -> None:
        return administration.add_team_member(self.context, team, username, actor=actor)

    def remove_team_member(self, team: str, username: str, *, actor: str) -> None:
        return administration.remove_team_member(self.context, team, username, actor=actor)

    def api_tokens(self, username: str, *, viewer: str) -> list[TokenRow]:
        """A user's API tokens (never the secret), newest first."""
        return administration.tokens(self.context, username, viewer=viewer)

    def admin_create_token(self, username: str, *, actor: str) -> str:
        """A new API token for ``username``, returned once."""
        return administration.create_token(self.context, username, actor=actor)

    def revoke_token(self, username: str, token_id: int, *, actor: str) -> None:
        return administration.revoke_token(self.context, username, token_id, actor=actor)

    # --- the pipeline board (issue 15) ---------------------------------------------------

    def board(self, viewer: str, params: Mapping[str, object] | None = None, *,
              cards_per_column: int | None = pipeline_board.CARDS_PER_COLUMN) -> BoardView:
        """The viewer's deals as a kanban per methodology version (engine.service.board):
        columns in stage order, won and lost last; cards with the moves the process
        allows (the first ``cards_per_column`` of each column; None: all); totals and
        weighted totals per column per currency over every deal. Read-only."""
        return pipeline_board.board(self.context, viewer, params, cards_per_column=cards_per_column)

    # --- messages (issue 14, docs/integration.md) ------------------------------------

    def send_message(self, message: str, correlation: Correlation | None = None,
                     variables: Mapping[str, object] | None = None, *, buffer_seconds: int | None = None,
                     actor: str | None = None, worker: WorkerView | None = None,
                     deal: Mapping[str, object] | None = None) -> MessageSent:
        """Deliver ``message`` to the deals ``correlation`` names that wait for it (or
        open a deal at a message start event, or keep it ``buffer_seconds``); sent by
        ``actor`` (a designer or admin; None: the command line) or a ``worker`` token
        naming the topic ``message:NAME``. NotFoundError when nothing takes it."""
        return messages.send_message(self.context, message, correlation or Correlation(), variables or {},
                                     buffer_seconds=buffer_seconds, actor=actor, worker=worker, deal=deal)

    def waiting_messages(self, opportunity_id: int) -> tuple[str, ...]:
        """The names of the messages deal ``opportunity_id`` waits for now."""
        return messages.waiting_messages(self.context, opportunity_id)

    def send_signal(self, signal: str, variables: Mapping[str, object] | None = None, *,
                    actor: str | None = None, worker: WorkerView | None = None) -> SignalSent:
        """Broadcast ``signal`` to every open deal waiting for it (engine.service.signals);
        sent by ``actor`` (a designer or admin; None: the command line) or a ``worker``
        token naming the topic ``signal:NAME``. Reaching no deal is not an error."""
        return signals.send_signal(self.context, signal, variables, actor=actor, worker=worker)

    def waiting_signals(self, opportunity_id: int) -> tuple[str, ...]:
        """The names of the signals deal ``opportunity_id`` waits for now."""
        return signals.waiting_signals(self.context, opportunity_id)


    # --- notifications (issue 15) --------------------------------------------------------

    def notifications(self, *, viewer: str, before: object = None, limit: object = None) -> NotificationPage:
        """The viewer's own notifications, newest first, a page at a time (``before``:
        the previous page's ``older``), how many are unread, whether they are mailed;
        FormError for a ``before`` or ``limit`` that is not a whole number in range."""
        return notification_service.notifications(self.context, viewer=viewer, before=before, limit=limit)

    def set_notification_mail(self, *, viewer: str, mail: bool) -> bool:
        """Whether the viewer's notifications are mailed to them (they stay in the app)."""
        return notification_service.set_mail(self.context, viewer=viewer, mail=mail)

    def unread_notification_count(self, *, viewer: str | UserView) -> int:
        return notification_service.unread_count(self.context, viewer=viewer)

    def mark_notification_read(self, notification_id: int, *, viewer: str) -> NotificationView:
        """NotFoundError for a notification that is not the viewer's."""
        return notification_service.mark_read(self.context, notification_id, viewer=viewer)

    def mark_all_notifications_read(self, *, viewer: str) -> int:
        return notification_service.mark_all_read(self.context, viewer=viewer)

    def send_notification_mails(self, *, env: Mapping[str, str] | None = None) -> list[MailedNotification]:
        """Mail each notification once (the worker), when DEALFLOW_SMTP_HOST is set."""
        return notification_service.send_mails(self.context, smtp=warning_digest.SmtpSettings.from_env(env))


def default_engine() -> Engine:
    """The engine for DEALFLOW_DATABASE_URL (or the SQLite default)."""
    return Engine(os.environ.get("DEALFLOW_DATABASE_URL"))
