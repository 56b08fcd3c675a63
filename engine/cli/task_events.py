"""``dealflow task error`` and ``dealflow task escalate``: end a user task through its
error boundary event, or raise an escalation through its escalation boundary event,
instead of completing it."""

from __future__ import annotations

import click

from engine.cli import render
from engine.cli.common import data_and_pairs, fail, open_engine


def _run(task_id: str, kind: str, code: str, actor: str, message: str, variables: dict) -> None:
    engine = open_engine()
    offered = {(e.kind, e.code): e for e in engine.task_events(task_id, viewer=actor)}
    deal = engine.raise_task_event(task_id, kind=kind, code=code, actor=actor, message=message, variables=variables)
    click.echo(render.opportunity(deal))
    if deal.failed_on(task_id, f"task_{kind}"):  # the process failed right after the boundary event: nothing was kept
        fail(f"the task stays open: the process failed at {deal.error_at}: {deal.error_message}; once the "
             f"methodology is fixed, 'dealflow opportunity retry {deal.id} --upgrade --as MANAGER' reports it again")
    taken = offered.get((kind, code)) or offered.get((kind, ""))
    if taken is not None:
        click.echo(f"{kind} '{taken.name}' taken" + ("" if taken.interrupting else "; the task stays open"), err=True)


@click.command("error")
@click.argument("task_id")
@click.argument("code")
@click.argument("values", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--as", "actor", required=True, help="Who reports it (a username who may complete the task).")
@click.option("--message", default="", help="Why, kept in the deal's history.")
@click.option("--data", "data_json", default=None, help="Variables for the error's branch, as a JSON object.")
def task_error(task_id: str, code: str, values: tuple[str, ...], actor: str, message: str,
               data_json: str | None) -> None:
    """End a task through its error boundary event catching CODE (e.g. "Customer withdrew")."""
    _run(task_id, "error", code, actor, message, data_and_pairs(values, data_json))


@click.command("escalate")
@click.argument("task_id")
@click.argument("code")
@click.argument("values", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--as", "actor", required=True, help="Who raises it (a username who may complete the task).")
@click.option("--data", "data_json", default=None, help="Variables for the escalation's branch, as a JSON object.")
def task_escalate(task_id: str, code: str, values: tuple[str, ...], actor: str, data_json: str | None) -> None:
    """Raise the escalation CODE through the task's escalation boundary event (a
    non-interrupting one leaves the task open)."""
    _run(task_id, "escalation", code, actor, "", data_and_pairs(values, data_json))


TASK_COMMANDS = [task_error, task_escalate]
