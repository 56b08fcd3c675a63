"""What an inbox asks for — text search, filters, sort, page — read from query
parameters (the web page's, a saved filter's and the API's alike), every mistake at
once per field; and the time windows of the due and follow-up filters.

    q              words in the task's name, the deal's title or the partner's name
    stage, methodology          a stage id / a methodology id
    due, follow_up overdue (before now), today, week (from today to the end of Sunday),
                   none (no date set) — days in the company's time zone
    assignee       me, queue (unclaimed in one of my teams' queues), others (held by
                   someone else), or a username
    queue          a team's name: the tasks waiting in (or claimed from) its queue
    sort           a column of SORTS, '-' before it for descending (default: due)
    page, per_page"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo

from engine.errors import FormError
from engine.rules import inputs
from engine.rules.deal_query import _one_of, _whole  # the same words for the same mistakes

DATE_FILTERS = ("overdue", "today", "week", "none")
ASSIGNEE_FILTERS = ("me", "queue", "others")  # or a username
SORTS = ("due", "follow_up", "task", "deal", "partner", "stage", "assignee", "created")
DEFAULT_SORT = "due"
PARAMETERS = ("q", "stage", "methodology", "due", "follow_up", "assignee", "queue", "sort", "page", "per_page")
FILTER_PARAMETERS = PARAMETERS[:-2]  # what a saved filter keeps (not the page)
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 25
MAX_Q = 200


@dataclass(frozen=True)
class InboxQuery:
    q: str = ""
    stage: str | None = None
    methodology: str | None = None
    due: str | None = None
    follow_up: str | None = None
    assignee: str | None = None
    queue: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def as_query(self, **override) -> dict[str, str]:
        """The parameters that give this query again (for links: a page, a sort, a
        saved filter); defaults left out, so the plain inbox is ``{}``."""
        values = {**asdict(self), **override}
        sort = ("-" if values.pop("descending") else "") + values.pop("sort")
        out = {k: str(v) for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)
               and not (k == "per_page" and v == DEFAULT_PER_PAGE)}
        if sort != DEFAULT_SORT:
            out["sort"] = sort
        return out

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTER_PARAMETERS if name != "sort")

    def sort_link(self, column: str) -> dict[str, str]:
        """The parameters that sort by ``column``: ascending, or descending when it is
        sorted ascending already; back to the first page."""
        descending = self.sort == column and not self.descending
        return self.as_query(sort=column, descending=descending, page=1)


def parse(params: Mapping[str, object]) -> InboxQuery:
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

    take("q", lambda v: inputs.text(v, "q", limit=MAX_Q))
    for name in ("stage", "methodology", "queue"):
        take(name, lambda v, name=name: inputs.text(v, name, limit=80))
    take("assignee", lambda v: inputs.text(v, "assignee", limit=80))
    take("due", lambda v: _one_of(v, DATE_FILTERS, "due"))
    take("follow_up", lambda v: _one_of(v, DATE_FILTERS, "follow_up"))
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
    return InboxQuery(**values)  # type: ignore[arg-type]


def window(kind: str, now: datetime, zone: str) -> tuple[datetime | None, datetime | None]:
    """The [low, high) bounds of a due or follow-up filter (None: unbounded), in UTC;
    ``none`` is not a window (no date set) and answers (None, None)."""
    local = now.astimezone(ZoneInfo(zone))
    today = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    if kind == "overdue":
        return None, now
    if kind == "today":
        return _utc(today), _utc(today + timedelta(days=1))
    if kind == "week":  # to the end of Sunday
        return _utc(today), _utc(today + timedelta(days=7 - local.weekday()))
    return None, None


def _utc(moment: datetime) -> datetime:
    # Adding days to an aware time keeps the wall clock: the next midnight in the zone,
    # also across a DST change (a 23 or 25 hour day).
    return moment.astimezone(timezone.utc)
