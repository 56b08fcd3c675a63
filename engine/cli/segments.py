"""``dealflow segment``: the segments of the routing rules, and swapping the
methodology a segment follows (with a dry run), and reversing a swap."""

from __future__ import annotations

import click

from engine import parse_stage_map
from engine.cli import render
from engine.cli.common import open_engine
from engine.views.segments import SwapReport


@click.group()
def segment() -> None:
    """Segments and the methodology each follows."""


@segment.command("list")
def segment_list() -> None:
    """Each segment with its methodology@version now, who chose it, and its open deals;
    then the swaps, newest first."""
    engine = open_engine()
    segments = engine.list_segments(viewer=None)
    click.echo(f"{'SEGMENT':<22} {'METHODOLOGY':<28} {'SET BY':<16} {'OPEN':>5}")
    for s in segments:
        chosen = "routing file" if s.chosen_by == "routing" else ("swap, pinned" if s.pinned else "swap")
        click.echo(f"{s.id:<22} {s.methodology:<28} {chosen:<16} {s.open_deals:>5}")
    swaps = engine.list_swaps()
    if swaps:
        click.echo("\nSwaps:")
    for w in swaps:
        note = (f"reverses #{w.reverses_id}" if w.reverses_id else
                f"reversed by #{w.reversed_by_id}" if w.reversed_by_id else "")
        click.echo(f"#{w.id:<4} {render.when(w.at)}  {w.segment_id}: {w.from_methodology or '-'} -> "
                   f"{w.to_methodology}  moved {w.moved}, not moved {w.not_moved}  by {w.by or '-'}  {note}".rstrip())


@segment.command("swap")
@click.argument("segment_id", metavar="SEGMENT")
@click.argument("methodology", metavar="METHODOLOGY[@VERSION]")
@click.option("--map", "maps", multiple=True, metavar="OLD_STAGE=NEW_STAGE",
              help="Where deals in OLD_STAGE go (default: the stage with the same id); repeat for more.")
@click.option("--dry-run", is_flag=True, help="Only show how many deals would move where, and which cannot.")
@click.option("--as", "actor", required=True, help="The manager or admin who swaps (a username).")
def segment_swap(segment_id: str, methodology: str, maps: tuple[str, ...], dry_run: bool, actor: str) -> None:
    """Make SEGMENT follow METHODOLOGY (newest version, or exactly @VERSION): new deals
    start on it at once, open deals move to the mapped stage keeping their history."""
    name, _, version = methodology.partition("@")
    report = open_engine().swap_segment(segment_id, name, version=version or None, stage_map=parse_stage_map(maps),
                                    dry_run=dry_run, actor=actor)
    click.echo(report_text(report))


@segment.command("reverse")
@click.argument("swap_id", type=int)
@click.option("--as", "actor", required=True, help="The manager or admin who reverses it.")
def segment_reverse(swap_id: int, actor: str) -> None:
    """Undo swap SWAP_ID: the segment follows its old methodology again and the deals
    it moved go back (exactly as they were, if nobody touched them since)."""
    click.echo(report_text(open_engine().reverse_swap(swap_id, actor=actor)))


def report_text(report: SwapReport) -> str:
    if report.dry_run:
        head = f"dry run: {report.segment_id}: {report.from_methodology} -> {report.to_methodology}; nothing changed"
        verb = "would move"
    else:
        what = f"swap #{report.swap_id}" + (f" (reverses #{report.reverses_id})" if report.reverses_id else "")
        head = f"{what}: {report.segment_id}: {report.from_methodology} -> {report.to_methodology}"
        verb = "moved"
    lines = [head, f"{report.moved} deal(s) {verb}:"]
    lines += [f"  {m.count:>6}  {m.from_stage or '-'} -> {m.to_stage}" for m in report.moves]
    if report.not_moved:
        lines.append(f"{report.not_moved_count} deal(s) cannot move:")
        for item in report.not_moved:
            ids = ", ".join(f"#{i}" for i in item.opportunity_ids[:10])
            more = f" and {len(item.opportunity_ids) - 10} more" if len(item.opportunity_ids) > 10 else ""
            lines.append(f"  {len(item.opportunity_ids):>6}  {item.reason}: {ids}{more}")
    return "\n".join(lines)


COMMANDS = [segment]
