"""What the façade returns: frozen, plain values, so callers (CLI, web) never touch
the database session or lazy-load anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from engine.rules import policy


@dataclass(frozen=True)
class UserView:
    """A user; the ``may_*`` flags are what engine.rules.policy decides from the role
    alone, so screens show a link or a choice without comparing role names."""

    id: int
    username: str
    display_name: str
    role: str
    teams: tuple[str, ...] = ()
    # The ids of ``teams``, in the same order, where the use case that made the view
    # read them (the API's token check: the inbox then needs no query for them); None
    # where it did not.
    team_ids: tuple[int, ...] | None = field(default=None, compare=False)

    @property
    def may_see_pipeline(self) -> bool:
        return policy.may_see_pipeline(self._actor)

    @property
    def may_see_reports(self) -> bool:
        """The lost-deal report (M13)."""
        return policy.may_see_lost_report(self._actor)

    @property
    def may_swap(self) -> bool:
        """See the segments, swap a segment's methodology, reverse a swap."""
        return policy.may_swap(self._actor)

    @property
    def may_create_deals(self) -> bool:
        return policy.may_create_deal(self._actor)

    @property
    def may_create_partners(self) -> bool:
        return policy.may_create_partner(self._actor)

    @property
    def may_see_partners(self) -> bool:
        """Some partners at all (designers see none: a card holds personal data)."""
        return not policy.partner_scope(self._actor).nothing

    @property
    def may_own_deals(self) -> bool:
        """A deal may be handed to this user as its owner."""
        return policy.may_own_deals(self.role)

    @property
    def may_take_tasks(self) -> bool:
        """A task may be handed to this user."""
        return policy.may_take_tasks(self.role)

    @property
    def plans_activities(self) -> bool:
        """Offered in the week calendar's list of people."""
        return policy.plans_activities(self.role)

    @property
    def may_import_leads(self) -> bool:
        """Import lead files (the lead import page)."""
        return policy.may_import_leads(self._actor)

    @property
    def may_keep_partner_lists(self) -> bool:
        """Save call and mailing lists (the Lists page)."""
        return policy.may_keep_partner_lists(self._actor)

    @property
    def may_see_quotas(self) -> bool:
        """The quota and forecast pages (M14, M15): reps, managers and admins."""
        return policy.may_use_quotas(self._actor)

    @property
    def may_deploy(self) -> bool:
        """The methodology screens: versions, validate, deploy, diff (designers, admins)."""
        return policy.may_deploy(self._actor)

    @property
    def may_administer(self) -> bool:
        """The users-and-teams screen (admins)."""
        return policy.may_administer(self._actor)

    @property
    def may_archive_partners(self) -> bool:
        """Archive inactive prospects in bulk, and undo it."""
        return policy.may_archive_partners(self._actor)

    @property
    def _actor(self) -> policy.Actor:
        return policy.Actor(self.id, policy.Role.of(self.role))


@dataclass(frozen=True)
class FieldView:
    id: str
    label: str
    type: str
    required: bool
    default: str | None
    minimum: str | None
    maximum: str | None
    choices: tuple[tuple[str, str], ...]
    help: str = ""


@dataclass(frozen=True)
class TaskView:
    id: str
    opportunity_id: int
    opportunity_title: str
    node_id: str
    name: str
    instructions: str
    lane: str | None
    assignee: str | None
    candidate_team: str | None
    status: str
    due_at: datetime | None
    created_at: datetime
    stage_name: str | None
    form: tuple[FieldView, ...] = ()
    completed_by: str | None = None
    completed_at: datetime | None = None
    stage_id: str | None = None
    methodology_id: str | None = None
    claimable: bool = False  # waits in a team queue, nobody has claimed it
    kind: str = "workflow"  # workflow: a step of the process; activity: a Sales Assistant suggestion
    required: bool = False  # an activity the deal cannot leave its stage without
    note: str | None = None  # what was written when an activity was marked done
    partner_name: str | None = None  # the deal's partner (set by the inbox)
    follow_up_at: datetime | None = None  # when its holder means to look at it again
    # What the viewer it was read for may do with it (engine.rules.policy decides;
    # set by the inbox and the task page, False elsewhere):
    may_claim: bool = False  # take it from the queue (policy.may_claim)
    may_work: bool = False  # complete it (policy.may_work)
    may_release: bool = False  # put it back into its queue (policy.may_release)


@dataclass(frozen=True)
class StageChangeView:
    from_stage: str | None
    to_stage: str
    to_stage_name: str
    probability: int
    changed_by: str | None
    changed_at: datetime


@dataclass(frozen=True)
class EventView:
    kind: str
    actor: str | None
    at: datetime
    data: dict


@dataclass(frozen=True)
class LostReasonChoice:
    """One of the methodology's lost reasons (M13), as a form offers it."""

    id: str
    label: str
    needs_note: bool = False


@dataclass(frozen=True)
class OpportunityView:
    id: int
    title: str
    partner_name: str
    amount: Decimal
    currency: str
    attributes: dict
    segment_id: str
    team: str | None
    owner: str
    manager: str | None
    methodology_id: str
    methodology_label: str
    methodology_version_id: int
    stage_id: str | None
    stage_name: str | None
    stage_entered_at: datetime | None
    probability: int
    expected_revenue: Decimal
    next_action_at: datetime | None
    status: str
    lost_reason: str | None
    error_message: str | None
    opened_by: str | None
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    next_timer_at: datetime | None
    open_tasks: tuple[TaskView, ...] = ()
    completed_tasks: tuple[TaskView, ...] = ()
    stage_history: tuple[StageChangeView, ...] = ()
    events: tuple[EventView, ...] = field(default=())
    probability_auto: int = 0  # what stage and score say; ``probability`` is it unless overridden
    probability_override: int | None = None
    score: int | None = None  # the last questionnaire's score, 0-100 (of the methodology version it follows)
    score_class: str | None = None
    score_exact: Decimal | None = None  # that score to one decimal (show it with engine.rules.score_format)
    # What the viewer may do to the deal (set by Engine.opportunity_for, from
    # engine.rules.policy; False where no viewer was named).
    may_reassign: bool = False
    may_close: bool = False
    may_override_probability: bool = False
    may_retry: bool = False
    # While error_message is set: what ``retry`` runs again — its kind ("complete",
    # "task_error", "task_escalation", "timers", "engine") and, for a person's step,
    # the task (a step on another parallel branch may have succeeded since).
    failed_step_kind: str | None = None
    failed_task_id: str | None = None
    # While error_message is set: whether the deal's timers wait for that retry (a
    # timer's or the engine's failed step, or a timer that failed behind a person's),
    # so no other branch moves on time meanwhile (engine.rules.failed_steps).
    timers_held: bool = False
    # While error_message is set: what the failure displaced, beside the error (a person's
    # earlier failed step still waiting for its retry, whose answers are now only in the
    # history); None when it displaced nothing (engine.service.step_errors).
    error_note: str | None = None
    # The label of the newest deployed version of the deal's methodology when it is not
    # the deal's own and the deal has an error (a retry may move it there); else None.
    newer_version: str | None = None
    partner_id: int | None = None  # the partner's card: /partners/<id>
    # Set while the deal is open and its amount takes the partner past its credit
    # limit (engine.rules.partners.credit_position), for the rep and the manager.
    credit_warning: str | None = None
    # Why it was lost (M13): the code from the methodology's list and its label;
    # ``lost_reason`` above is the free text beside it. The choices are the list.
    lost_reason_code: str | None = None
    lost_reason_label: str | None = None
    lost_reason_choices: tuple[LostReasonChoice, ...] = ()
    # The forecast (M15): the day it is expected to close; while open, the category
    # it counts in (the rep's override, else what its probability gives through the
    # methodology's ranges, described in ``forecast_ranges``) and who overrode it.
    expected_close_date: date | None = None
    forecast_category: str | None = None
    forecast_category_derived: str | None = None
    forecast_category_override: str | None = None
    forecast_override_by: str | None = None
    forecast_override_at: datetime | None = None
    forecast_ranges: str = ""
    may_set_forecast: bool = False
    # Where a failed step stopped, as a designer finds it: "exclusive gateway 'Accepted?' (Gateway_Result)".
    error_at: str | None = None
    # Issue 15: whether the viewer may edit title, partner, amount, currency and close
    # date (engine.service.deal_edit), and the row version an edit may name (If-Match).
    may_edit: bool = False
    row_version: int = 0
    # The methodology's name as its version spells it ("Key-account sales"), shown with
    # methodology_label rather than the id.
    methodology_name: str = ""

    def failed_on(self, task_id: str, kind: str = "complete") -> bool:
        """Whether the deal's error is that of ``kind`` ("complete", "task_error",
        "task_escalation") on task ``task_id`` — what the person who just did it is
        told — and not a step of another parallel branch that failed before."""
        return self.error_message is not None and (self.failed_step_kind, self.failed_task_id) == (kind, task_id)

    @property
    def others_go_on(self) -> bool:
        """Whether the process has open work besides its failed step: a step of it (not
        a suggested activity) other than the failed one waits, or a timer will fire
        (none while they are held). In a process without parallel branches, or once
        the others are done, nothing goes on meanwhile."""
        return self.next_timer_at is not None or any(
            t.kind == "workflow" and t.id != self.failed_task_id for t in self.open_tasks)

    @property
    def lost_reason_missing(self) -> bool:
        """Lost (by the process) without a reason, or with one that needs a note and
        none: its page (and its owner's inbox) asks for it."""
        if self.status != "lost":
            return False
        if self.lost_reason_code is None:
            return True
        chosen = next((c for c in self.lost_reason_choices if c.id == self.lost_reason_code), None)
        return chosen is not None and chosen.needs_note and not self.lost_reason  # a code since unlisted counts


@dataclass(frozen=True)
class DeployedVersion:
    methodology_id: str
    label: str
    version_id: int
    content_hash: str
    new: bool
    number: int = 0  # which version of its methodology this is: 1, 2, ...
    changed: tuple[str, ...] = ()  # for a new version: the files that differ from the one before
    written: tuple[str, ...] = ()  # deployed from a web draft: the files written into the methodologies folder


@dataclass(frozen=True)
class DeployReport:
    versions: tuple[DeployedVersion, ...]
    routing_changed: bool


@dataclass(frozen=True)
class InboxPage:
    """One page of a user's inbox: their tasks, their teams' queues and, for a
    manager, the tasks on the deals they are responsible for."""

    tasks: tuple[TaskView, ...]
    total: int
    page: int
    per_page: int
    mine: int  # counts over the whole inbox, not only this page
    queued: int
    team: int
    overdue: int
    stages: tuple[tuple[str, str], ...]  # (id, name) of the stages the inbox's tasks are in
    methodologies: tuple[str, ...]
    methodology_choices: tuple[tuple[str, str], ...] = ()  # (id, name) to filter by: rules.methodology_labels
    query: object = None  # the engine.rules.inbox_query.InboxQuery it answers
    queues: tuple[str, ...] = ()  # the viewer's teams: the queue filter's choices
    saved: tuple = ()  # the viewer's saved filters (engine.views.inbox.SavedFilterView)
    may_hand_over: bool = False  # some task on this page may be handed over by the viewer

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class CurrencyTotal:
    """One currency's sums; amounts in different currencies are never added."""

    currency: str
    amount: Decimal
    expected_revenue: Decimal  # amount x probability


@dataclass(frozen=True)
class PipelineStage:
    """One stage of one methodology version: its open deals' count and sums."""

    stage_id: str | None
    stage_name: str
    count: int
    totals: tuple[CurrencyTotal, ...]
    methodology_id: str = ""
    methodology_version_id: int = 0
    version_label: str = ""


@dataclass(frozen=True)
class PipelineMethodology:
    """One methodology's part of the pipeline: its stages per version in funnel order
    (two versions after a swap or a redeploy), its deals in the same order."""

    methodology_id: str
    name: str
    stages: tuple[PipelineStage, ...]
    opportunities: tuple[OpportunityView, ...]
    totals: tuple[CurrencyTotal, ...]
    several_versions: bool = False


@dataclass(frozen=True)
class PipelineView:
    methodologies: tuple[PipelineMethodology, ...]
    totals: tuple[CurrencyTotal, ...] = ()  # over every methodology, per currency

    @property
    def stages(self) -> tuple[PipelineStage, ...]:
        return tuple(s for m in self.methodologies for s in m.stages)

    @property
    def opportunities(self) -> tuple[OpportunityView, ...]:
        return tuple(d for m in self.methodologies for d in m.opportunities)
