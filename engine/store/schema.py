"""The whole schema: every table of ``models`` (deals, tasks, methodologies), of
``partner_models`` (partners, activities, lead imports), of ``quota_models``
(settings, quotas, forecast adjustments and submissions), of ``warning_models`` and of
``snapshot_models`` (daily deal snapshots) in one MetaData, which the migrations are
compared against."""

from engine.store import admin_events
from engine.store import (analysis_models, external_task_models, partner_models, quota_models, snapshot_models,
                          warning_models, win_model_models)
from engine.store import message_models
from engine.store import notification_models
from engine.store import inbox_filter_models

# models' Base: importing partner_models and quota_models registers their tables on it.
assert partner_models.Base is quota_models.Base
metadata = partner_models.Base.metadata
assert warning_models.Base.metadata is metadata  # the warnings' tables (M18) are on it too
assert snapshot_models.Base.metadata is metadata  # the daily deal snapshots (M17) too
assert analysis_models.Base.metadata is metadata  # the totals the analysis reports read (issue 13)
assert win_model_models.Base.metadata is metadata  # the learned win probability's models too
assert external_task_models.Base.metadata is metadata  # external tasks and worker tokens too
assert admin_events.Base.metadata is metadata  # the admin screens' audit trail (issue 15) too
assert message_models.Base.metadata is metadata  # message waits and buffered messages too
assert notification_models.Base.metadata is metadata  # the notifications (issue 15) too
assert inbox_filter_models.Base.metadata is metadata  # the inbox's saved filters (issue 15) too
