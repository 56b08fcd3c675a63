"""The sales organisation's manager hierarchy, of any depth, read from the teams
(M14, M15): a manager's direct reports are the members of the teams they manage
(``Team.manager_id``); a manager of managers is one whose team has managers among
its members. Quotas are split down it and forecasts rolled up it.

A person may be in several teams, even of several managers; a rollup counts each
person once (``members_under``), so a rep in two of a director's teams is not
added twice. A cycle (A reports to B who reports to A) has no top and no rollup:
``Hierarchy.of`` refuses it, naming the people in it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, TypeVar

from engine.errors import HierarchyCycleError

T = TypeVar("T")


@dataclass(frozen=True)
class Hierarchy:
    """``reports``: manager id -> their direct reports' ids (sorted)."""

    reports: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, teams: Iterable[tuple[int | None, Iterable[int]]],
           names: Mapping[int, str] | None = None) -> "Hierarchy":
        """From (manager id, member ids) per team; HierarchyCycleError on a cycle
        (``names``, user id -> username, make its message readable)."""
        reports: dict[int, set[int]] = defaultdict(set)
        for manager_id, members in teams:
            if manager_id is None:
                continue
            reports[manager_id].update(m for m in members if m != manager_id)
        hierarchy = cls({m: tuple(sorted(r)) for m, r in reports.items() if r})
        cycle = hierarchy.cycle()
        if cycle:
            shown = " -> ".join((names or {}).get(p, str(p)) for p in cycle + (cycle[0],))
            raise HierarchyCycleError(cycle, f"the teams make a manager report to themselves: {shown} "
                                             "(each manages a team the next is a member of); change a team")
        return hierarchy

    def direct_reports(self, user_id: int) -> tuple[int, ...]:
        return self.reports.get(user_id, ())

    def is_manager(self, user_id: int) -> bool:
        return bool(self.reports.get(user_id))

    def managers_of(self, user_id: int) -> tuple[int, ...]:
        """Whose direct report the user is (usually one manager)."""
        return tuple(sorted(m for m, r in self.reports.items() if user_id in r))

    def members_under(self, user_id: int) -> tuple[int, ...]:
        """Everyone below the user, at any depth, each once, nearest levels first."""
        seen, order, frontier = {user_id}, [], [user_id]
        while frontier:
            following = []
            for person in frontier:
                for report in self.direct_reports(person):
                    if report not in seen:
                        seen.add(report)
                        order.append(report)
                        following.append(report)
            frontier = following
        return tuple(order)

    def is_above(self, upper: int, lower: int) -> bool:
        """Whether ``upper`` is ``lower``'s manager, or their manager's, at any depth."""
        return lower != upper and lower in self.members_under(upper)

    def tops(self) -> tuple[int, ...]:
        """The managers nobody manages: the roots of the rollups."""
        below = {r for reports in self.reports.values() for r in reports}
        return tuple(sorted(m for m in self.reports if m not in below))

    def cycle(self) -> tuple[int, ...]:
        """The people of one cycle (each reports to the previous), or () when none."""
        state: dict[int, int] = {}  # 1 = on the current path, 2 = done
        for root in sorted(self.reports):
            if state.get(root):
                continue
            path, stack = [], [(root, iter(self.direct_reports(root)))]
            state[root], path = 1, [root]
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                elif state.get(child) == 1:
                    return tuple(path[path.index(child):])
                elif not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(self.direct_reports(child))))
        return ()


def rollup(hierarchy: Hierarchy, root: int, own: Mapping[int, T], add: Callable[[T, T], T], zero: T) -> T:
    """The sum of ``own`` figures of ``root`` and everyone under them, each person
    once (people without figures count as ``zero``)."""
    total = own.get(root, zero)
    for member in hierarchy.members_under(root):
        total = add(total, own.get(member, zero))
    return total
