"""The frozen values the façade returns; templates and the CLI read only these."""

from engine.views.buying_center import (BuyingCenterView, ContactView, RelationshipKindView, RelationshipView,
                                        RoleView)
from engine.views.opportunities import (DeployedVersion, DeployReport, EventView, FieldView, InboxPage, LostReasonChoice,
                                        CurrencyTotal, OpportunityView, PipelineMethodology, PipelineStage,
                                        PipelineView, StageChangeView,
                                        TaskView, UserView)
from engine.views.sales import CriterionView, QuestionnaireView, QuestionScoreView, SalesAssistantView, ScoreView
from engine.views.segments import NotMoved, SegmentView, StageMoveCount, SwapReport, SwapView

__all__ = [
    # opportunities, tasks, the inbox and deployments
    "DeployReport", "DeployedVersion", "EventView", "FieldView", "InboxPage", "LostReasonChoice", "OpportunityView",
    "CurrencyTotal", "PipelineMethodology", "PipelineStage", "PipelineView", "StageChangeView", "TaskView", "UserView",
    # the buying center
    "BuyingCenterView", "ContactView", "RelationshipKindView", "RelationshipView", "RoleView",
    # the Sales Assistant: exit criteria, questionnaires and scores
    "CriterionView", "QuestionScoreView", "QuestionnaireView", "SalesAssistantView", "ScoreView",
    # segments and methodology swaps
    "NotMoved", "SegmentView", "StageMoveCount", "SwapReport", "SwapView",
]
