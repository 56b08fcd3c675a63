"""The document's analysis reports: the pipeline analysis (M16), the open pipeline
as of a past day and the deal changes (M17), and the methodology comparison."""

from __future__ import annotations

from webui.api.openapi.parts import DATETIME, MONEY, UNAUTHORIZED, answer, error, nullable, record, ref

RATE = nullable("number", minimum=0, maximum=1)
DAYS = nullable("number", minimum=0)
CURRENCIES = {"type": "array", "description": "One entry per currency: amounts are never added across currencies.",
              "items": ref("CurrencyFigures")}
SCOPE = {"type": "string", "description": "Whose deals are counted: every deal (admins, designers), a manager's "
                                          "and their teams' deals, or a rep's own."}

SIGNED = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$",
          "description": "An exact amount that may be negative (what a waterfall step takes away)."}
DAY = {"type": "string", "format": "date"}
AMOUNTS = {"type": "array", "description": "One entry per currency: amounts are never added across currencies.",
           "items": ref("AmountFigures")}
NOTE = nullable("string", description="Set when a day asked for has no snapshot of its own: the report read the "
                                      "last day before it that has one.")
AS_OF_GROUPS = ["stage", "category", "methodology", "segment", "rep", "team"]
STEP_NAMES = ["new", "moved_in", "pulled_in", "increased", "decreased", "won", "lost", "pushed", "moved_out"]
STATE = nullable("object", properties={
    "stage": {"type": "string"}, "amount": MONEY, "currency": {"type": "string"}, "category": {"type": "string"},
    "close_date": nullable("string", format="date")},
    required=["stage", "amount", "currency", "category", "close_date"], additionalProperties=False,
    description="The deal at that side; null when it was not open in scope then.")

SCHEMAS = {
    "AmountFigures": record({"currency": {"type": "string"}, "deals": {"type": "integer"}, "amount": SIGNED,
                             "weighted": {**SIGNED, "description": "amount x probability."}}),
    "AsOfPipeline": record({
        "as_of": {**DAY, "description": "The day asked for."},
        "day": {**DAY, "description": "The snapshot day read: as_of, or the last day before it with a snapshot."},
        "note": NOTE, "group_by": {"type": "string", "enum": AS_OF_GROUPS}, "scope": SCOPE, "currencies": AMOUNTS,
        "groups": {"type": "array", "items": record({"key": {"type": "string"}, "label": {"type": "string"},
                                                     "deals": {"type": "integer"}, "currencies": AMOUNTS})}},
        "The open deals as that day's snapshot had them; only the groupings a snapshot keeps."),
    "DealChanges": record({
        "since": DAY, "since_asked": DAY,
        "until": nullable("string", format="date", description="The end snapshot's day; null: the live deals."),
        "until_asked": nullable("string", format="date"),
        "period": {"type": "string", "description": "The pipeline compared: the deals due by this period's end."},
        "period_end": DAY, "scope": SCOPE, "at": DATETIME, "note": NOTE, "start": AMOUNTS, "end": AMOUNTS,
        "waterfall": {"type": "array", "description": "Per currency: start, the steps that moved something, end; "
                                                      "each step moves the running total from before to after.",
                      "items": record({"currency": {"type": "string"},
                                       "step": {"type": "string", "enum": ["start", *STEP_NAMES, "end"]},
                                       "label": {"type": "string"}, "deals": {"type": "integer"}, "amount": SIGNED,
                                       "before": SIGNED, "after": SIGNED})},
        "changes": {"type": "array", "items": record({
            "change": {"type": "string"}, "label": {"type": "string"}, "deals": {"type": "integer"},
            "amounts": {"type": "array", "items": record({"currency": {"type": "string"}, "amount": SIGNED})}})},
        "deals": {"type": "array", "items": record({
            "id": {"type": "integer"}, "title": {"type": "string"}, "owner": {"type": "string"},
            "step": nullable("string", enum=[*STEP_NAMES, None]),
            "changes": {"type": "array", "items": {"type": "string"}}, "before": STATE, "after": STATE})}}),
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
                                                              "territory", "industry", "source", "campaign",
                                                              "category"]}},
                       {"name": "as_of", "in": "query", "schema": DAY,
                        "description": "The open pipeline as the daily snapshot of this day had it (an AsOfPipeline); "
                                       "group_by then one of " + ", ".join(AS_OF_GROUPS) + "."}],
        "responses": {"200": answer({"oneOf": [ref("PipelineReport"), ref("AsOfPipeline")]},
                                    "The report (with as_of: the open pipeline of that day)."),
                      "400": error("An unknown parameter."), "401": UNAUTHORIZED,
                      "422": error("A grouping that is not one of the list; with as_of: a day that is not "
                                   "YYYY-MM-DD, before the first snapshot or not come yet (fields.as_of).")},
    }},
    "/reports/changes": {"get": {
        "operationId": "dealChanges",
        "summary": "Deal changes: what moved in the pipeline since a day, as a waterfall per currency, with the deals",
        "description": "Compares the daily snapshot of since with that of as_of (or the live deals). Reps see their "
                       "own deals, managers theirs and their teams', admins and designers all.",
        "parameters": [
            {"name": "since", "in": "query", "schema": DAY, "description": "Default: a week before the end."},
            {"name": "as_of", "in": "query", "schema": DAY, "description": "Default: the deals as they are now."},
            {"name": "period", "in": "query", "schema": {"type": "string", "examples": ["2027-Q1", "FY2027"]},
             "description": "The pipeline compared is the deals due by its end; default: the end day's fiscal "
                            "quarter."}],
        "responses": {"200": answer(ref("DealChanges"), "The changes."),
                      "400": error("An unknown or empty parameter."), "401": UNAUTHORIZED,
                      "422": error("A day that is not YYYY-MM-DD, before the first snapshot or not come yet, or a "
                                   "period that is not one (fields name which).")},
    }},
    "/reports/methodologies": {"get": {
        "operationId": "methodologyReport",
        "summary": "Which methodology sells better: per version and segment, and before and after each swap",
        "description": "Reps see their own deals, managers theirs and their teams', admins and designers all.",
        "responses": {"200": answer(ref("MethodologyReport"), "The report."),
                      "400": error("A query parameter (this report takes none)."), "401": UNAUTHORIZED},
    }},
}
