"""``dealflow diff OLD NEW``: what changed between two versions of a methodology, each
a folder of methodology files or a version deployed in the database (ID@VERSION)."""

from __future__ import annotations

import os

import click

from engine import DealflowError, Methodology, diff_methodologies, load_files, load_methodologies
from engine.cli.common import open_engine


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--methodology", "methodology_id", metavar="ID",
              help="Which methodology of a folder to compare (needed when a folder holds several "
                   "and neither side is ID@VERSION).")
def diff(old: str, new: str, methodology_id: str | None) -> None:
    """Show what changed from OLD to NEW: stages, activities and exit criteria, user
    tasks and their forms, lanes, gateway conditions, questionnaires.

    OLD and NEW are each a methodologies folder (e.g. ./methodologies) or a deployed
    version ID@VERSION (the designer's version label, e.g. key-account@1.0; ID@ is the
    version new deals start on). Prints one change per line (+ added, - removed,
    ~ changed), or "no differences"; exits 0 either way, 1 on an error."""
    wanted = methodology_id or _deployed_id(old) or _deployed_id(new)
    engine = None
    try:
        before, engine = _load(old, wanted, engine)
        after, engine = _load(new, wanted or before.id, engine)
    finally:
        if engine is not None:
            engine.close()
    click.echo("\n".join(str(change) for change in diff_methodologies(before, after)) or "no differences")


def _deployed_id(side: str) -> str | None:
    if "@" in side and not os.path.exists(side):
        return side.partition("@")[0]
    return None


def _load(side: str, wanted: str | None, engine):
    """The methodology ``side`` names, and the engine (opened on first need)."""
    if _deployed_id(side) is not None:
        methodology_id, _, label = side.partition("@")
        if engine is None:
            engine = open_engine()
        files = engine.methodology_files(methodology_id, label or None)
        result = load_files({path: text.encode("utf-8") for path, text in files.items()})
        return _pick(result, methodology_id, side), engine
    if not os.path.exists(side):
        raise DealflowError(f"'{side}' is neither a folder nor ID@VERSION (a deployed methodology version)")
    result = load_methodologies(side)
    if result.problems:
        raise DealflowError(f"{side} has {len(result.problems)} problem(s); run 'dealflow validate {side}'")
    return _pick(result, wanted, side), engine


def _pick(result, wanted: str | None, side: str) -> Methodology:
    methodologies = result.library.methodologies
    if wanted is None:
        if len(methodologies) != 1:
            raise DealflowError(f"{side} holds {len(methodologies)} methodologies "
                                f"({', '.join(sorted(methodologies))}); choose one with --methodology ID")
        return next(iter(methodologies.values()))
    if wanted not in methodologies:
        raise DealflowError(f"{side} has no methodology '{wanted}'"
                            + (f"; it has {', '.join(sorted(methodologies))}" if methodologies else ""))
    return methodologies[wanted]


COMMANDS = [diff]
