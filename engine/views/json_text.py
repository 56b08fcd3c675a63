"""How a view's moments and amounts read in JSON, for every serialiser the API and
the command line share: UTC moments as ISO 8601 with a Z, money as exact text with
two decimals."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

CENT = Decimal("0.01")


def when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def money(value: Decimal) -> str:
    return format(value.quantize(CENT), "f")
