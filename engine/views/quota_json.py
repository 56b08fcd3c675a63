"""Quotas as JSON (amounts as exact strings, datetimes ISO 8601 UTC): the one shape
``dealflow quota show --format json`` prints and the API answers (webui/api/quotas.py;
the schemas are in webui/api/openapi/quotas.py)."""

from __future__ import annotations

from engine.views.quotas import PeriodView, QuotaSheet, QuotaView, SplitView


def period_json(p: PeriodView) -> dict:
    return {"name": p.name, "kind": p.kind, "start": p.start.isoformat(), "last_day": p.last_day.isoformat(),
            "previous": p.previous, "next": p.next}


def quota_json(q: QuotaView | None) -> dict | None:
    return None if q is None else {"username": q.username, "amount": str(q.amount), "currency": q.currency,
                                   "source": q.source, "version": q.version, "from_user": q.from_user}


def split_json(v: SplitView) -> dict:
    return {"kind": v.kind, "manager": v.manager, "period": v.period.name, "status": v.status,
            "version": v.version, "currency": v.currency, "total": str(v.total), "note": v.note,
            "author": v.author, "created_at": v.created_at.isoformat(), "warning": v.warning,
            "lines": [{"username": line.username, "amount": str(line.amount)} for line in v.lines]}


def sheet_json(s: QuotaSheet) -> dict:
    return {"period": period_json(s.period),
            "fiscal_year_start_month": s.fiscal_year_start_month, "manager": s.manager,
            "manager_quota": quota_json(s.manager_quota), "own_quota": quota_json(s.own_quota),
            "managers": list(s.managers), "may_split": s.may_split, "may_set": s.may_set,
            "reports": [{"username": r.username, "display_name": r.display_name, "is_manager": r.is_manager,
                         "quota": quota_json(r.quota),
                         "draft_amount": None if r.draft_amount is None else str(r.draft_amount)}
                        for r in s.reports],
            "draft": split_json(s.draft) if s.draft else None,
            "history": [split_json(v) for v in s.history]}
