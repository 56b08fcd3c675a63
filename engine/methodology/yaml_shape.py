"""Refusing a hostile YAML file before anything is built from it.

Three things in YAML cost far more than the file's size, and PyYAML guards none:
aliases (``*name`` repeats everything under ``&name``, so nine lines of nine aliases
each — "billion laughs" — stand for a billion values; an alias inside its own anchor
stands for an endless one), deep nesting (PyYAML's composer and our builder recurse
once per level: 20,000 ``[`` are a RecursionError), and explicit tags (``!!binary``
gives bytes, ``!!set`` a set, ``!!bool maybe`` a crash; none is a value a methodology
file can hold).

``shape_problem`` reads the file's parser events once — a flat stream, in bounded
memory, no tree — keeping the size each anchor expands to, and stops at the first
problem. Aliases stay allowed (``<<: *defaults`` is how designers share settings)
as long as everything they expand to stays under ``MAX_YAML_VALUES``.
"""

from __future__ import annotations

import yaml

from engine.methodology.problems import Problem

MAX_YAML_VALUES = 100_000
MAX_YAML_DEPTH = 50
# Tags that only say what the plain value already is; every other explicit tag is refused.
_HARMLESS_TAGS = frozenset({"tag:yaml.org,2002:str"})
_CORE_TAG_PREFIX = "tag:yaml.org,2002:"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAGGED = frozenset({yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent})
_OPENING = frozenset({yaml.SequenceStartEvent, yaml.MappingStartEvent})
_CLOSING = frozenset({yaml.SequenceEndEvent, yaml.MappingEndEvent})


def shape_problem(path: str, text: str, loader=_Loader) -> Problem | None:
    """The first reason ``text`` is too hostile to build, or None; yaml.MarkedYAMLError
    on a syntax error (the caller explains it). Events are read one by one, so a file
    nested thousands deep is refused at level 51, before PyYAML's own parser (whose
    work grows with the square of the depth) has gone further."""
    values = 0  # every value the file stands for, aliases expanded
    expands_to: dict[str, int] = {}  # anchor -> values under it, once closed
    open_collections: list[tuple[str | None, int]] = []  # (anchor, values before it)
    # The loop runs once per value of every methodology file validated, so the event's
    # kind is compared by identity (the parser makes exactly these classes) and its
    # line is looked up only for a problem.
    for event in yaml.parse(text, Loader=loader):
        kind = type(event)
        if kind in _TAGGED and event.tag is not None and event.tag not in _HARMLESS_TAGS:
            return Problem(path, _line(event), f"the tag {_as_written(event.tag)} is not allowed: methodology "
                                               "files hold plain text, numbers, true/false, lists and mappings; "
                                               "remove it (put text in quotes)")
        if kind is yaml.ScalarEvent:
            values += 1
            if event.anchor is not None:
                expands_to[event.anchor] = 1
        elif kind in _OPENING:
            open_collections.append((event.anchor, values))
            values += 1
            if len(open_collections) > MAX_YAML_DEPTH:
                return too_deep(path, _line(event))
        elif kind in _CLOSING:
            anchor, before = open_collections.pop()
            if anchor is not None:
                expands_to[anchor] = values - before
        elif kind is yaml.AliasEvent:
            if event.anchor in (anchor for anchor, _ in open_collections):
                return Problem(path, _line(event), f"the alias *{event.anchor} is inside its own anchor "
                                                   f"&{event.anchor}, so it would repeat forever; remove it")
            values += expands_to.get(event.anchor, 1)  # an undefined one is the composer's to report
        if values > MAX_YAML_VALUES:
            return Problem(path, _line(event), f"the file stands for more than {MAX_YAML_VALUES} values once "
                                               "its aliases (*name) are expanded; each alias repeats everything "
                                               "under its anchor (&name): use fewer aliases")
    return None


def _line(event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def too_deep(path: str, line: int) -> Problem:
    return Problem(path, line, f"lists and mappings are nested more than {MAX_YAML_DEPTH} levels deep; "
                               "a methodology file needs only a few")


def _as_written(tag: str) -> str:
    """``!!binary`` for ``tag:yaml.org,2002:binary``, as the designer wrote it."""
    return "!!" + tag[len(_CORE_TAG_PREFIX):] if tag.startswith(_CORE_TAG_PREFIX) else tag
