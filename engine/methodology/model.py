"""A methodology as plain, immutable data — what the validator produces and the
engine runs. Nothing here reads files or knows SpiffWorkflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping


def frozen_map(items: dict | None = None) -> Mapping:
    return MappingProxyType(dict(items or {}))


# --- BPMN, as far as Dealflow needs to know it -----------------------------------

# What every deal's process starts with: the deal's own values (engine.rules.routing).
DEAL_VARIABLES = frozenset({"territory", "channel", "industry", "source", "amount", "currency", "partner"})


@dataclass(frozen=True)
class FormField:
    """One field of a user task's generated form (``camunda:formField``)."""

    id: str
    label: str
    type: str  # string, long, boolean, date, enum, or a custom type name
    line: int
    default: str | None = None
    required: bool = False
    minimum: str | None = None  # as written; "min"/"minlength" constraints
    maximum: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # enum (value id, label) pairs
    help: str = ""  # guidance shown beside the field (a questionnaire question's help)
    pattern: str | None = None  # a regular expression the whole text must match (Camunda Forms)
    hidden_when: str | None = None  # an expression over the form's values; hidden fields are ignored

    # An id may be a dotted path (auction.endDate, as Camunda Forms' keys): the value is
    # then the field endDate of the record auction in the task data (engine.rules.forms).
    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.id.split("."))

    @property
    def variable(self) -> str:
        """The process variable the field sets: its id, or the record its path starts with."""
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class ExternalImplementation:
    """How a service, send or business-rule task has its work done outside the process
    (engine.methodology.service_tasks): an external task's topic, or the other engine's
    implementation the routing file maps to one."""

    node_id: str
    line: int
    how: str  # as the modeler wrote it: camunda:topic, zeebe:taskDefinition type, camunda:class...
    value: str  # the topic, job type, class name or expression as written
    topic: str | None  # None: the routing's integration section must map ``value``
    retries: int = 3
    outputs: tuple[str, ...] = ()  # variables it declares it sets


@dataclass(frozen=True)
class FlowNode:
    """A task, event or gateway; ``kind`` is the BPMN element's local name."""

    id: str
    kind: str
    name: str
    line: int
    lane: str | None = None
    parent: str | None = None  # id of the enclosing subprocess, if any
    documentation: str = ""
    form: tuple[FormField, ...] = ()
    attached_to: str | None = None  # for boundary events
    interrupting: bool = True  # a boundary event with cancelActivity="false" starts a side branch
    decision_ref: str | None = None  # for business rule tasks
    due_date: str | None = None  # camunda:dueDate as written: P3D, or a date-time
    default_flow: str | None = None  # a gateway's default sequence flow
    # Explicit assignment of a user task (camunda:/activiti:/flowable: attributes):
    # literal names the routing file maps, or INITIATOR for the opportunity's owner.
    assignee: str | None = None
    candidate_users: tuple[str, ...] = ()
    candidate_groups: tuple[str, ...] = ()
    # Assignment written as an expression (camunda:candidateGroups="${approverGroups}"):
    # (attribute, Dealflow expression) pairs, evaluated from the task's data when it is
    # reached; each name it gives is mapped through the routing like a literal one.
    assignment_expressions: tuple[tuple[str, str], ...] = ()
    external: ExternalImplementation | None = None  # an external task's implementation

    @property
    def assigned(self) -> bool:
        """Whether the task names who works it, besides its lane."""
        return bool(self.assignee or self.candidate_users or self.candidate_groups or self.assignment_expressions)


# ``${initiator}``, ``#{initiator}`` and Flowable's ``$INITIATOR`` as read from a file.
INITIATOR = "${initiator}"


@dataclass(frozen=True)
class SequenceFlow:
    id: str
    source: str
    target: str
    line: int
    condition: str | None = None


@dataclass(frozen=True)
class BpmnProcess:
    id: str
    name: str
    path: str
    line: int
    executable: bool
    nodes: Mapping[str, FlowNode]
    flows: tuple[SequenceFlow, ...]
    lanes: tuple[str, ...]
    # Variables its file's expressions and multi-instance collections read: what a worker
    # completing an external task may set (engine.service.external_tasks)
    reads: frozenset[str] = frozenset()

    @property
    def user_tasks(self) -> tuple[FlowNode, ...]:
        return tuple(n for n in self.nodes.values() if n.kind == "userTask")

    @property
    def start_form(self) -> tuple[FormField, ...]:
        """The fields of its start events' forms (Camunda's start form): asked when a
        deal is opened, their values the process's first variables. A field named like
        a value every deal has (``amount``, ``territory``…) is not asked: the deal's own
        value answers it."""
        return tuple(f for n in self.nodes.values() if n.kind == "startEvent" and n.parent is None for f in n.form
                     if f.id not in DEAL_VARIABLES)


@dataclass(frozen=True)
class ExpressionSite:
    """An expression or script written inside a BPMN or DMN file."""

    path: str
    line: int
    where: str  # "condition of sequence flow 'Flow_1'" — for messages
    source: str
    is_script: bool = False
    node: str | None = None  # the flow node that evaluates it (a condition: its gateway), where known


@dataclass(frozen=True)
class IoMapping:
    """An element's input and output mappings (Camunda 8's ``zeebe:ioMapping``): each a
    target (a variable or a path of names, ``customer.name``) and an expression of
    Dealflow's language. Inputs are assigned before the element runs and are its own
    (the variable goes back to what it was afterwards, unless the element changed it);
    outputs are assigned after it. ``propagate`` False: a call activity gives back only
    its outputs, not the called process's data."""

    inputs: tuple[tuple[str, str], ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()
    propagate: bool = True


# --- the YAML kinds ------------------------------------------------------------

@dataclass(frozen=True)
class Activity:
    """A Sales Assistant suggestion: becomes a task when the opportunity enters its stage."""

    id: str
    title: str
    role: str  # a lane of the process: routing decides who gets it
    guidance: str = ""
    due: str | None = None  # ISO 8601 duration from entering the stage
    required: bool = False


@dataclass(frozen=True)
class ExitCriteria:
    """What must hold before an opportunity may leave a stage; besides these, every
    required activity of the stage must be done."""

    fields: tuple[str, ...] = ()  # opportunity fields or form-field ids that need a value
    answered: tuple[str, ...] = ()  # "questionnaire" or "questionnaire/group"
    buying_center: tuple[str, ...] = ()  # roles someone in the buying center must have


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    probability: int
    outcome: str  # open | won | lost
    description: str
    entered_at: tuple[str, ...]
    position: int  # 0-based order in the table
    activities: tuple[Activity, ...] = ()
    exit_criteria: ExitCriteria = ExitCriteria()
    # Days a deal may stay in this stage before it is "rotting" (an early warning,
    # engine.rules.warnings); None: no limit.
    max_days_in_stage: int | None = None
    # A lost stage's reason when the process knows it (a "not qualified" end): a code
    # of the methodology's lost_reasons, recorded when the process ends the deal here
    # without a form giving one, so that nobody is asked what the process decided.
    lost_reason: str | None = None
    # (deal field, form field) pairs: a task completed in this stage with that form
    # field sets the deal's amount or expected close date (``sets:`` in the table).
    sets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BuyingCenterRole:
    id: str
    name: str
    description: str = ""


# Used when a stage table does not list its own roles (Miller Heiman's buying
# influences and the usual CRM contact roles, see docs/methodology-format.md).
DEFAULT_BUYING_CENTER_ROLES = (
    BuyingCenterRole("economic_buyer", "Economic buyer", "Approves the money; can veto."),
    BuyingCenterRole("decision_maker", "Decision maker", "Makes the final choice."),
    BuyingCenterRole("user", "User", "Will use what is bought; judges its effect on their work."),
    BuyingCenterRole("technical_evaluator", "Technical evaluator", "Screens the offer; can say no, not yes."),
    BuyingCenterRole("coach", "Coach / champion", "Guides us through the sale and sells for us inside."),
    BuyingCenterRole("gatekeeper", "Gatekeeper", "Controls access to the others."),
)


@dataclass(frozen=True)
class LostReason:
    """One answer to "why was this deal lost?" (M13); ``needs_note``: the rep must
    say more in the free text beside it (the usual "other")."""

    id: str
    label: str
    needs_note: bool = False


# Used when a stage table does not list its own lost reasons (the usual CRM list:
# Odoo's crm.lost.reason, Pipedrive's admin list; see docs/methodology-format.md).
DEFAULT_LOST_REASONS = (
    LostReason("price", "Price too high"),
    LostReason("competitor", "Chose a competitor"),
    LostReason("no_budget", "No budget"),
    LostReason("no_decision", "No decision / status quo"),
    LostReason("timing", "Bad timing / postponed"),
    LostReason("lost_contact", "Lost contact"),
    LostReason("other", "Other", needs_note=True),
)


@dataclass(frozen=True)
class ForecastRanges:
    """How a deal's probability becomes a forecast category (M15; the rule is
    engine.rules.forecast_categories). ``mode`` ``binary`` is SugarCRM's
    include/exclude: at or above ``commit`` a deal is committed, below it is only
    pipeline. ``buckets``: commit at or above ``commit``, best case at or above
    ``best_case``, pipeline at or above ``pipeline``, omitted below that.
    ``typical_cycle_days``: how long a deal of this methodology usually takes —
    a new deal's default expected close date (None: the end of the quarter)."""

    mode: str = "buckets"
    commit: int = 85
    best_case: int | None = 70
    pipeline: int = 0
    typical_cycle_days: int | None = None


# SugarCRM's default buckets (ForecastsDefaults: include 85-100, upside 70-84,
# exclude below): the company-wide default for a stage table without 'forecast'.
DEFAULT_FORECAST_RANGES = ForecastRanges()


@dataclass(frozen=True)
class Answer:
    id: str
    text: str
    points: Decimal


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    weight: Decimal
    answers: tuple[Answer, ...]
    help: str = ""
    group: str | None = None


@dataclass(frozen=True)
class ScoreClass:
    id: str
    name: str
    min_score: Decimal
    probability: int | None = None
    probability_adjustment: int | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str
    methodology: str
    name: str
    path: str
    task: str | None
    stage: str | None
    questions: tuple[Question, ...]
    classes: tuple[ScoreClass, ...]  # sorted by min_score, highest first
    description: str = ""


@dataclass(frozen=True)
class LaneRole:
    """Who works a lane: ``kind`` is owner, owner_manager, team_queue, user or team."""

    kind: str
    name: str | None = None  # the user or team for kinds user and team


@dataclass(frozen=True)
class AmountBand:
    """A segment's amount threshold, in the one currency it names: ``at_least`` (or
    more) and ``below`` (less than), either may be absent. Dealflow keeps no exchange
    rates, so a deal in another currency is never in the band."""

    currency: str
    at_least: Decimal | None = None
    below: Decimal | None = None

    def admits(self, amount: Decimal, currency: str) -> bool:
        return (currency == self.currency and (self.at_least is None or amount >= self.at_least)
                and (self.below is None or amount < self.below))

    def __str__(self) -> str:
        parts = ([f"at least {self.at_least}"] if self.at_least is not None else []) + \
            ([f"below {self.below}"] if self.below is not None else [])
        return f"{' and '.join(parts)} {self.currency}"


@dataclass(frozen=True)
class Segment:
    id: str
    name: str
    when: str | None  # None: matches every opportunity
    methodology: str
    methodology_version: str | None
    team: str
    assignment: str
    territory_map: Mapping[str, str] = field(default_factory=frozen_map)
    description: str = ""
    amount: AmountBand | None = None  # None: any amount in any currency


@dataclass(frozen=True)
class Routing:
    id: str
    path: str
    lanes: Mapping[str, Mapping[str, LaneRole]]  # methodology id -> lane -> role
    segments: tuple[Segment, ...]
    description: str = ""
    # methodology id -> BPMN candidate group / user name -> role (camunda:candidateGroups, ...)
    groups: Mapping[str, Mapping[str, LaneRole]] = field(default_factory=frozen_map)
    users: Mapping[str, Mapping[str, LaneRole]] = field(default_factory=frozen_map)
    # methodology id -> implementation as the BPMN writes it -> topic (engine.methodology.service_tasks)
    topics: Mapping[str, Mapping[str, str]] = field(default_factory=frozen_map)


@dataclass(frozen=True)
class Methodology:
    id: str
    version: str
    name: str
    description: str
    process: BpmnProcess
    stages: tuple[Stage, ...]
    questionnaires: tuple[Questionnaire, ...]
    stage_table_path: str
    content_hash: str  # sha256 over every file the methodology is made of
    buying_center_roles: tuple[BuyingCenterRole, ...] = DEFAULT_BUYING_CENTER_ROLES
    lost_reasons: tuple[LostReason, ...] = DEFAULT_LOST_REASONS
    forecast: ForecastRanges = DEFAULT_FORECAST_RANGES
    # The DMN files whose decisions its process calls: part of its content (and its hash),
    # so that changing another methodology's decision table leaves this one unchanged.
    decision_files: tuple[str, ...] = ()
    # The Camunda Forms (.form) its user tasks name, likewise.
    form_files: tuple[str, ...] = ()
    # The BPMN files of the processes its call activities call (and those they call): a
    # called process runs within the same deal, so it is deployed with the methodology.
    called_files: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Every file the methodology is made of (its content), sorted."""
        return tuple(sorted({self.stage_table_path, self.process.path, *self.called_files, *self.decision_files,
                             *self.form_files, *(q.path for q in self.questionnaires)}))

    def lost_reason(self, reason_id: str) -> LostReason | None:
        return next((r for r in self.lost_reasons if r.id == reason_id), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def questionnaire(self, questionnaire_id: str) -> Questionnaire | None:
        return next((q for q in self.questionnaires if q.id == questionnaire_id), None)

    def questionnaire_for_task(self, node_id: str) -> Questionnaire | None:
        return next((q for q in self.questionnaires if q.task == node_id), None)

    def stage_of_node(self, node_id: str) -> Stage | None:
        for stage in self.stages:
            if node_id in stage.entered_at:
                return stage
        return None


@dataclass(frozen=True)
class Library:
    """Everything valid that one methodologies folder defines."""

    methodologies: Mapping[str, Methodology]
    routing: tuple[Routing, ...]
