"""GET /reports/lost: the lost-deal report (M13) as JSON — per methodology version,
where deals died and why, per rep and segment, and each deal with the work done
before. Documented in webui/api/openapi/reports.py."""

from __future__ import annotations

from flask import jsonify, request

from webui.api.blueprint import bp, facade, username
from webui.api.shapes import money, when
from webui.errors import HttpError

PARAMS = {"from": "since", "to": "until", "methodology": "methodology", "segment": "segment", "rep": "rep"}


@bp.get("/reports/lost")
def lost_report():
    unknown = {name: "unknown parameter; use " + ", ".join(PARAMS) for name in request.args if name not in PARAMS}
    unknown.update({name: "give a day (YYYY-MM-DD) or leave the parameter out"
                    for name in ("from", "to") if request.args.get(name) == ""})
    if unknown:
        raise HttpError(400, "bad query parameters; see fields", unknown)
    filters = {PARAMS[name]: value for name, value in request.args.items() if value}
    return jsonify(lost_report_json(facade().lost_report(viewer=username(), **filters)))


def lost_report_json(r) -> dict:
    """The LostReport schema."""
    f = r.filters
    return {
        "filters": {"from": f.since and f.since.isoformat(), "to": f.until and f.until.isoformat(),
                    "methodology": f.methodology, "segment": f.segment, "rep": f.rep},
        "count": r.count, "amounts": _amounts(r.amounts), "missing_reasons": r.missing_reasons,
        "everything": r.everything,
        "methodologies": [{
            "methodology_id": m.methodology_id, "version": m.version_label, "count": m.count,
            "amounts": _amounts(m.amounts), "median_days_open": m.median_days_open,
            "by_stage": _rows(m.by_stage), "by_reason": _rows(m.by_reason),
            "matrix": [{"stage_id": c.stage_id, "reason_code": c.reason_code, "count": c.count} for c in m.matrix],
        } for m in r.methodologies],
        "by_rep": _rows(r.by_rep), "by_segment": _rows(r.by_segment),
        "deals": [{
            "id": d.id, "title": d.title, "partner_name": d.partner_name, "owner": d.owner,
            "segment_id": d.segment_id, "methodology_id": d.methodology_id, "version": d.version_label,
            "amount": money(d.amount), "currency": d.currency, "stage_before_id": d.stage_before_id,
            "stage_before_name": d.stage_before_name, "reason_code": d.reason_code,
            "reason_label": d.reason_label, "reason": d.reason, "opened_at": when(d.opened_at),
            "closed_at": when(d.closed_at), "days_open": d.days_open,
            "work": [{"source": w.source, "kind": w.kind, "name": w.name, "done_at": when(w.done_at),
                      "by": w.by, "note": w.note} for w in d.work],
        } for d in r.deals],
    }


def _amounts(amounts) -> list[dict]:
    return [{"currency": a.currency, "total": money(a.total)} for a in amounts]


def _rows(rows) -> list[dict]:
    return [{"key": row.key, "label": row.label, "count": row.count, "amounts": _amounts(row.amounts)}
            for row in rows]
