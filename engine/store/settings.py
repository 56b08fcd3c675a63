"""Company-wide settings an admin changes (``company_settings``): the fiscal year's
first month, which every quota and forecast period is computed on, and the
company's time zone, which decides on which day (so in which period) a deal won
at a given UTC moment counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.quota_models import CompanySetting

FISCAL_YEAR_START = "fiscal_year_start_month"
TIME_ZONE = "company_time_zone"  # an IANA name (engine.rules.time_zones); absent: UTC


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(CompanySetting.value).where(CompanySetting.key == key))


def put(session: Session, key: str, value: str, *, by: int | None, at: datetime) -> None:
    row = session.get(CompanySetting, key, with_for_update=True)
    if row is None:
        session.add(CompanySetting(key=key, value=value, updated_by_id=by, updated_at=at))
    else:
        row.value, row.updated_by_id, row.updated_at = value, by, at
