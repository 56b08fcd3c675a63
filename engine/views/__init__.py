"""The frozen values the façade returns; templates and the CLI read only these."""

from engine.views.opportunities import (DeployedVersion, DeployReport, EventView, FieldView, InboxPage,
                                        OpportunityView, PipelineStage, PipelineView, StageChangeView,
                                        TaskView, UserView)

__all__ = ["DeployReport", "DeployedVersion", "EventView", "FieldView", "InboxPage", "OpportunityView",
           "PipelineStage", "PipelineView", "StageChangeView", "TaskView", "UserView"]
