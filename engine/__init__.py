"""Dealflow: a workflow engine for declarative sales methodologies.

The public API; everything else is internal and may change. The command line and the
web interface import only this package, ``engine.views`` and ``engine.errors``:

    Engine                 the façade: every use case (engine.service)
    views                  the frozen values Engine returns (engine.views)
    errors                 the one exception hierarchy (engine.errors)
    methodologies          load_methodologies, load_files, LoadResult, Library,
                           Methodology, Problem; diff_methodologies, Change;
                           plan_import, ImportPlan; schema_text, SCHEMA_KINDS
    testing methodologies  read_scenario, Scenario (scenario files), duration_length, sample_answers
                           (what a tester types into a form when told nothing)
    input contracts        parse_stage_map (a swap's --map), CONTACT_FIELDS and
                           RELATIONSHIP_FIELDS (what a buying-center form sends);
                           PARTNER_FIELDS, PARTNER_CONTACT_FIELDS, PARTNER_KINDS and
                           PARTNER_FILTERS (a partner's card, its contact persons,
                           the partner list's query parameters);
                           MAX_ID and is_record_id (which ids can name a row),
                           unstorable and shown_name (text no column can hold)
"""

from engine.errors import (BpmnImportError, ConflictError, DatabaseError, DealflowError, ExitCriteriaError,
                           ExpressionError, ExpressionLimitError, FormError, HierarchyCycleError,
                           ImportSupersededError, MethodologyError, NotFoundError,
                           PermissionDeniedError, RoutingError, TaskNotReadyError, TooManyAttemptsError,
                           WorkflowError)
from engine.methodology.diff import Change, diff_methodologies
from engine.methodology.importer import ImportPlan, plan_import
from engine.methodology.model import Library, Methodology
from engine.methodology.problems import Problem
from engine.methodology.schemas import KINDS as SCHEMA_KINDS
from engine.methodology.schemas import schema_text
from engine.methodology.scenarios import Scenario, read_scenario
from engine.methodology.timers import fixed_length as duration_length
from engine.rules.sample_answers import sample_answers
from engine.rules.buying_center import CONTACT_FIELDS, RELATIONSHIP_FIELDS
from engine.rules.inputs import MAX_ID, is_record_id, shown_name, unstorable
from engine.rules.partners import CARD_FIELDS as PARTNER_FIELDS
from engine.rules.partners import CONTACT_FIELDS as PARTNER_CONTACT_FIELDS
from engine.rules.partners import CRITERIA_FIELDS as PARTNER_FILTERS
from engine.rules.partners import KINDS as PARTNER_KINDS
from engine.rules.swap_plan import parse_stage_map
from engine.service import Engine
from engine.service.validation import LoadResult, load_files, load_methodologies
from engine.views import (BuyingCenterView, ContactView, CriterionView, CurrencyTotal, PipelineMethodology, DeployedVersion, DeployReport, EventView,
                          FieldView, InboxPage, LostReasonChoice, NotMoved, OpportunityView, PipelineStage, PipelineView,
                          QuestionnaireView, QuestionScoreView, RelationshipKindView, RelationshipView, RoleView,
                          SalesAssistantView, ScoreView, SegmentView, StageChangeView, StageMoveCount, SwapReport,
                          SwapView, TaskView, UserView)

__all__ = [
    # the façade
    "Engine",
    # errors
    "BpmnImportError", "ConflictError", "DatabaseError", "DealflowError", "ExitCriteriaError", "ExpressionError",
    "ExpressionLimitError", "FormError", "HierarchyCycleError", "ImportSupersededError", "MethodologyError",
    "NotFoundError", "PermissionDeniedError",
    "RoutingError", "TaskNotReadyError", "TooManyAttemptsError", "WorkflowError",
    # views
    "BuyingCenterView", "ContactView", "CriterionView", "DeployReport", "DeployedVersion", "EventView",
    "FieldView", "InboxPage", "LostReasonChoice", "NotMoved", "OpportunityView", "PipelineStage", "PipelineView",
    "CurrencyTotal", "PipelineMethodology",
    "QuestionScoreView", "QuestionnaireView", "RelationshipKindView", "RelationshipView", "RoleView",
    "SalesAssistantView", "ScoreView", "SegmentView", "StageChangeView", "StageMoveCount", "SwapReport",
    "SwapView", "TaskView", "UserView",
    # methodologies
    "Change", "ImportPlan", "Library", "LoadResult", "Methodology", "Problem", "SCHEMA_KINDS",
    "diff_methodologies", "load_files", "load_methodologies", "plan_import", "schema_text",
    # testing methodologies
    "Scenario", "duration_length", "read_scenario", "sample_answers",
    # input contracts
    "CONTACT_FIELDS", "RELATIONSHIP_FIELDS", "PARTNER_FIELDS", "PARTNER_CONTACT_FIELDS", "PARTNER_KINDS",
    "PARTNER_FILTERS", "parse_stage_map", "MAX_ID", "is_record_id", "shown_name", "unstorable",
]
