"""``dealflow worker-token`` and ``dealflow incident``: tokens for external-task
workers (scoped to topics) and the incidents their failures leave (docs/integration.md)."""

from __future__ import annotations

import click

from engine.cli.common import open_engine


@click.group("worker-token")
def worker_token() -> None:
    """Tokens for external-task workers."""


@worker_token.command("create")
@click.argument("name")
@click.option("--topic", "topics", multiple=True, required=True, help="A topic it may fetch (repeat for more).")
def worker_token_create(name: str, topics: tuple[str, ...]) -> None:
    """Print a new worker token for NAME, valid for the --topic topics only and for no
    other route; a worker sends it as 'Authorization: Bearer TOKEN'. Shown only now."""
    click.echo(open_engine().create_worker_token(name, list(topics)))
    click.echo(f"worker token for {name} ({', '.join(topics)}): shown once, store it safely", err=True)


@worker_token.command("list")
def worker_token_list() -> None:
    """Every worker token: name, topics, when made, and whether revoked (never the token)."""
    for t in open_engine().worker_tokens():
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M} UTC" if t.revoked_at else "live"
        click.echo(f"{t.name}  {', '.join(t.topics)}  made {t.created_at:%Y-%m-%d %H:%M} UTC  {state}")


@worker_token.command("revoke")
@click.argument("name")
def worker_token_revoke(name: str) -> None:
    """Revoke every live token of worker NAME at once (a leaked token, a retired worker)."""
    revoked = open_engine().revoke_worker_tokens(name)
    click.echo(f"revoked {revoked} token{'' if revoked == 1 else 's'} of {name}")


@click.group()
def incident() -> None:
    """External tasks whose retries ran out."""


@incident.command("list")
@click.option("--as", "viewer", required=True)
@click.option("--opportunity", "opportunity_id", type=int, default=None)
def incident_list(viewer: str, opportunity_id: int | None) -> None:
    """The incidents of the deals VIEWER may see."""
    for t in open_engine().incidents(viewer=viewer, opportunity_id=opportunity_id):
        click.echo(f"{t.id}  opportunity {t.opportunity_id}  {t.node_id} ({t.topic or 'no topic'}): {t.error_message}")


@incident.command("retry")
@click.argument("incident_id")
@click.option("--as", "actor", required=True)
@click.option("--retries", type=int, default=1, show_default=True)
def incident_retry(incident_id: str, actor: str, retries: int) -> None:
    """Make an incident's task fetchable again (designers and admins), once its cause is fixed."""
    task = open_engine().retry_incident(incident_id, actor=actor, retries=retries)
    click.echo(f"{task.id}: open again on topic {task.topic}, {task.retries} retries")


COMMANDS = [worker_token, incident]
