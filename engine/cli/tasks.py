"""``dealflow task``: the inbox's tasks, completing one, and handing one over."""

from __future__ import annotations

import click

from engine.cli import render
from engine.cli.common import data_and_pairs, fail, open_engine


@click.group()
def task() -> None:
    """Tasks in the inbox."""


@task.command("list")
@click.option("--user", "username", default=None, help="Only the tasks this user may work.")
def task_list(username: str | None) -> None:
    """READY tasks, earliest due first."""
    tasks = open_engine().list_tasks(username)
    for t in tasks:
        click.echo(render.task_line(t))
    click.echo(f"{len(tasks)} task(s)", err=True)


@task.command("complete")
@click.argument("task_id")
@click.argument("values", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--as", "actor", required=True, help="Who completes it (a username).")
@click.option("--data", "data_json", default=None, help="The form's data as a JSON object.")
def task_complete(task_id: str, values: tuple[str, ...], actor: str, data_json: str | None) -> None:
    """Complete a task with its form's data, then run the process to its next step."""
    deal = open_engine().complete_task(task_id, actor=actor, data=data_and_pairs(values, data_json))
    click.echo(render.opportunity(deal))
    if deal.failed_on(task_id):
        # The process failed right after the task: nothing was saved but the error, and a
        # script calling this command must not read success.
        fail(f"the task stays open: the process failed at {deal.error_at}: {deal.error_message}")


@task.command("reassign")
@click.argument("task_id")
@click.option("--to", "to", required=True, help="Who should do it (a username).")
@click.option("--as", "actor", required=True, help="The deal's manager or an admin.")
def task_reassign(task_id: str, to: str, actor: str) -> None:
    """Give one open task to a specific user."""
    click.echo(render.opportunity(open_engine().reassign_task(task_id, to=to, actor=actor)))


COMMANDS = [task]
