"""What a deals list asks for — text search, filters, sort, page — read from query
parameters (the web page's and the API's alike), every mistake at once per field.

    q              words in the title, the partner's name or a buying-center contact's name
    scope          mine (the deals one owns) or team (everything the viewer may see as a
                   manager: engine.rules.report_scope); default mine for a rep, team otherwise
    status         open, won, lost, waiting (open, with no task to do, on a timer)
    stage, methodology, owner, segment     exact ids / username
    close_from, close_to                   expected close date range (YYYY-MM-DD, inclusive)
    amount_min, amount_max                 amount range (in the deal's own currency)
    sort           a column of SORTS, '-' before it for descending; default 'open_first': open
                   deals first, soonest expected close first, then won and lost ones, the most
                   recently expected to close first (what a rep works on, not last year's)
    page, per_page"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping

from engine.errors import FormError
from engine.rules import inputs
from engine.rules.deal_fields import typed_amount

STATUSES = ("open", "won", "lost", "waiting")
SCOPES = ("mine", "team")
SORTS = ("title", "partner", "amount", "currency", "stage", "methodology", "owner", "segment", "status",
         "probability", "close_date", "next_action", "opened", "open_first")
DEFAULT_SORT = "open_first"
MAX_PER_PAGE = 200
MAX_Q = 200


@dataclass(frozen=True)
class DealQuery:
    q: str = ""
    scope: str | None = None
    status: str | None = None
    stage: str | None = None
    methodology: str | None = None
    owner: str | None = None
    segment: str | None = None
    close_from: date | None = None
    close_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1
    per_page: int = 25

    def as_query(self, **override) -> dict[str, str]:
        """The parameters that give this query again (for links: a page, a sort)."""
        values = {**asdict(self), **override}
        sort = ("-" if values.pop("descending") else "") + values.pop("sort")
        out = {k: str(v) for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)
               and not (k == "per_page" and v == 25)}
        if sort != DEFAULT_SORT:
            out["sort"] = sort
        return out


def parse(params: Mapping[str, object]) -> DealQuery:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def take(name, read):
        raw = params.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return
        try:
            values[name] = read(raw.strip() if isinstance(raw, str) else raw)
        except FormError as err:
            errors.update(err.fields)
        except (ValueError, TypeError):
            errors[name] = _EXAMPLES.get(name, "not a value this filter takes")

    take("q", lambda v: inputs.text(v, "q", limit=MAX_Q))
    take("scope", lambda v: _one_of(v, SCOPES, "scope"))
    take("status", lambda v: _one_of(v, STATUSES, "status"))
    for name in ("stage", "methodology", "owner", "segment"):
        take(name, lambda v, name=name: inputs.text(v, name, limit=80))
    take("close_from", lambda v: date.fromisoformat(str(v)[:10]))
    take("close_to", lambda v: date.fromisoformat(str(v)[:10]))
    take("amount_min", lambda v: typed_amount(v, "amount_min"))
    take("amount_max", lambda v: typed_amount(v, "amount_max"))
    take("page", lambda v: _whole(v, "page", 1, 100_000))
    take("per_page", lambda v: _whole(v, "per_page", 1, MAX_PER_PAGE))
    raw_sort = params.get("sort")
    if isinstance(raw_sort, str) and raw_sort.strip():
        column = raw_sort.strip().removeprefix("-")
        if column not in SORTS:
            errors["sort"] = f"sort by one of {', '.join(SORTS)} ('-' before it for descending)"
        else:
            values["sort"], values["descending"] = column, raw_sort.strip().startswith("-")
    if errors:
        raise FormError(errors)
    return DealQuery(**values)  # type: ignore[arg-type]


_EXAMPLES = {"close_from": "a day as YYYY-MM-DD", "close_to": "a day as YYYY-MM-DD"}


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise FormError({field: f"one of {', '.join(allowed)}"})
    return value


def _whole(value: object, field: str, low: int, high: int) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:  # '²' is a digit int() refuses
        raise FormError({field: f"a whole number from {low} to {high}"})
    return int(text)
