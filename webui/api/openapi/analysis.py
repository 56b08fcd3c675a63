"""The document's analysis reports: the pipeline analysis (M16) and the methodology
comparison."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, MONEY, UNAUTHORIZED, answer, error, nullable, record, ref

RATE = nullable("number", minimum=0, maximum=1)
DAYS = nullable("number", minimum=0)
CURRENCIES = {"type": "array", "description": "One entry per currency: amounts are never added across currencies.",
              "items": ref("CurrencyFigures")}
SCOPE = {"type": "string", "description": "Whose deals are counted: every deal (admins, designers), a manager's "
                                          "and their teams' deals, or a rep's own."}

SCHEMAS = {
    "Outcomes": record({
        "deals": {"type": "integer"}, "open": {"type": "integer"}, "won": {"type": "integer"},
        "lost": {"type": "integer"},
        "win_rate": {**RATE, "description": "won / (won + lost); null while nothing is closed."},
        "interval_low": {**RATE, "description": "The 95 % Wilson interval of the win rate."},
        "interval_high": RATE,
        "median_cycle_days": {**DAYS, "description": "Opened to closed, closed deals only; given by the "
                                                     "methodology comparison, null in the pipeline analysis "
                                                     "(whose sums come grouped from the database)."},
        "average_cycle_days": {**DAYS, "description": "Opened to closed, closed deals only."}}),
    "CurrencyFigures": record({
        "currency": {"type": "string"}, "open_amount": MONEY,
        "weighted": {**MONEY, "description": "The open deals' amount x probability."},
        "won_amount": MONEY, "lost_amount": MONEY,
        "won_average": {"type": ["string", "null"], "pattern": MONEY["pattern"],
                        "description": "The average won deal; null when none was won."}}),
    "PipelineReport": record({
        "group_by": {"type": "string", "enum": ["stage", "methodology", "segment", "rep", "team", "territory",
                                                "industry", "source", "campaign"]},
        "scope": SCOPE, "at": DATETIME, "total": ref("Outcomes"), "currencies": CURRENCIES,
        "groups": {"type": "array", "items": record({"key": {"type": "string"}, "label": {"type": "string"},
                                                     "outcomes": ref("Outcomes"), "currencies": CURRENCIES})},
        "stages": {"type": "array", "description": "Per methodology version, its stages in funnel order.",
                   "items": record({
                       "methodology_id": {"type": "string"}, "version": {"type": "string"},
                       "stage_id": {"type": "string"}, "stage_name": {"type": "string"},
                       "position": {"type": "integer"}, "outcome": {"type": "string", "enum": ["open", "won", "lost"]},
                       "now_in": {"type": "integer"},
                       "currencies": {**CURRENCIES, "description": "The deals in the stage now."},
                       "reached": {"type": "integer", "description": "Deals that ever entered the stage."},
                       "advanced": {"type": "integer", "description": "Of those, deals that went on to a later "
                                                                      "stage other than lost."},
                       "conversion": {**RATE, "description": "advanced / reached; null for closing stages."},
                       "average_days_in_stage": {**DAYS, "description": "The average finished stay."},
                       "stays": {"type": "integer"}})},
        "sources": {"type": "array", "description": "Lead-source effectiveness, per source and campaign.",
                    "items": record({"source": {"type": "string"}, "campaign": {"type": "string"},
                                     "outcomes": ref("Outcomes"), "currencies": CURRENCIES})},
        "trend": {"type": "array", "description": "The open pipeline per day of the daily snapshots (last 90 days), "
                                                  "oldest first, one entry per currency.",
                  "items": record({"day": {"type": "string", "format": "date"}, "currency": {"type": "string"},
                                   "deals": {"type": "integer"}, "open_amount": MONEY, "weighted": MONEY})}}),
    "MethodologyReport": record({
        "scope": SCOPE, "at": DATETIME,
        "rows": {"type": "array", "items": record({
            "methodology_id": {"type": "string"}, "version": {"type": "string"}, "segment_id": {"type": "string"},
            "outcomes": ref("Outcomes"), "currencies": CURRENCIES,
            "stages": {"type": "array", "items": record({
                "stage_id": {"type": "string"}, "stage_name": {"type": "string"}, "reached": {"type": "integer"},
                "advanced": {"type": "integer"}, "conversion": RATE})}})},
        "swaps": {"type": "array", "description": "Per methodology swap of a segment: its deals opened before "
                                                  "against those opened after.",
                  "items": record({"swap_id": {"type": "integer"}, "segment_id": {"type": "string"},
                                   "at": DATETIME, "from": {"type": "string"}, "to": {"type": "string"},
                                   "reversed": {"type": "boolean"}, "before": ref("Outcomes"),
                                   "after": ref("Outcomes")})}}),
}

PATHS = {
    "/reports/pipeline": {"get": {
        "operationId": "pipelineReport",
        "summary": "Pipeline analysis: deals grouped, funnel, time in stage, lead-source effectiveness",
        "description": "Reps see their own deals, managers theirs and their teams', admins and designers all.",
        "parameters": [{"name": "group_by", "in": "query", "description": "Default: stage.",
                        "schema": {"type": "string", "enum": ["stage", "methodology", "segment", "rep", "team",
                                                              "territory", "industry", "source", "campaign"]}}],
        "responses": {"200": answer(ref("PipelineReport"), "The report."),
                      "400": error("An unknown parameter."), "401": UNAUTHORIZED,
                      "422": error("A grouping that is not one of the list.")},
    }},
    "/reports/methodologies": {"get": {
        "operationId": "methodologyReport",
        "summary": "Which methodology sells better: per version and segment, and before and after each swap",
        "description": "Reps see their own deals, managers theirs and their teams', admins and designers all.",
        "responses": {"200": answer(ref("MethodologyReport"), "The report."),
                      "400": error("A query parameter (this report takes none)."), "401": UNAUTHORIZED},
    }},
}
