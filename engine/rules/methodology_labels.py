"""How a filter offers methodologies, pure: by name rather than id (the value chosen
stays the id, which covers every version of it).

A methodology whose deals or tasks are on several versions says which, so a manager
knows the one choice spans them ("Small deal (1.0, 2.0)"); two methodologies that
share a name are told apart by their ids.
"""

from __future__ import annotations

from typing import Iterable

__all__ = ["methodology_choices"]


def methodology_choices(versions: Iterable[tuple[str, str, str]]) -> tuple[tuple[str, str], ...]:
    """(methodology id, name, version label) of each version in view -> (id, label)
    per methodology, by label. The name is its newest version's (the last given)."""
    names: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for methodology_id, name, label in versions:
        names[methodology_id] = name
        if label not in labels.setdefault(methodology_id, []):
            labels[methodology_id].append(label)
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    shown = {}
    for methodology_id, name in names.items():
        said = [methodology_id] if name in shared else []
        if len(labels[methodology_id]) > 1:
            said.append(", ".join(labels[methodology_id]))
        shown[methodology_id] = f"{name} ({': '.join(said)})" if said else name
    return tuple(sorted(shown.items(), key=lambda item: (item[1].casefold(), item[0])))
