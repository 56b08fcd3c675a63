"""The lost-deal report as CSV (M13): one row per lost deal, with the stage before
lost, the reason and the work done before it. Every text cell that a spreadsheet
would run as a formula is neutralised, as the lead import's rejects file does."""

from __future__ import annotations

import csv
import io

from engine.rules.leads.rejects import neutralised
from engine.views.lost_analysis import LostReport

HEADER = ("deal_id", "title", "partner", "owner", "segment", "methodology", "version", "amount", "currency",
          "stage_before_lost", "reason_code", "reason", "note", "opened_at", "closed_at", "days_open",
          "work_done")


def report_csv(report: LostReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for d in report.deals:
        work = "; ".join(f"{w.done_at.date().isoformat() if w.done_at else '?'} {w.kind}: {w.name}"
                         for w in d.work)
        writer.writerow([d.id, *(neutralised(text) for text in (
            d.title, d.partner_name, d.owner, d.segment_id, d.methodology_id, d.version_label)),
            str(d.amount), d.currency, neutralised(d.stage_before_name), d.reason_code or "",
            neutralised(d.reason_label), neutralised(d.reason or ""), d.opened_at.isoformat(),
            d.closed_at.isoformat(), d.days_open, neutralised(work)])
    return out.getvalue()
