"""The learned win probability's table (issue 13): one row per training, never
updated; the newest row is the model in force. Shares ``models.Base``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base
from engine.store.types import UtcDateTime


class WinModel(Base):
    """A trained model: its coefficients (engine.rules.win_model.LogisticModel's
    record), what it was trained on, and how it, the stage table and Odoo's naive
    Bayes did on the held-out deals — which decides ``enabled``, with ``reason``."""

    __tablename__ = "win_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime)
    trained_by: Mapped[str | None] = mapped_column(String(80))  # None: the worker
    model: Mapped[dict | None] = mapped_column(JSON)  # None: too few deals to train one
    deals_used: Mapped[int] = mapped_column(Integer)  # closed deals the served model learned from
    train_deals: Mapped[int] = mapped_column(Integer)  # the backtest's: closed before the cut
    held_out_deals: Mapped[int] = mapped_column(Integer)  # closed from the cut on
    cut_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    brier_stage_table: Mapped[float | None] = mapped_column(Float)
    brier_naive_bayes: Mapped[float | None] = mapped_column(Float)
    brier_learned: Mapped[float | None] = mapped_column(Float)
    calibration: Mapped[dict] = mapped_column(JSON, default=dict)  # estimate -> bins
    enabled: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
