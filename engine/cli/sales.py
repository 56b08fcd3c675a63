"""Command line of the Sales Assistant: answering a stage questionnaire, the
manager's probability override, the assistant's view of a deal, and closing a
deal as lost by hand. They join the ``opportunity`` group of opportunities.py (see __init__)."""

from __future__ import annotations

import click

from engine.cli import render
from engine.cli.common import open_engine, pairs


@click.command("assistant")
@click.argument("opportunity_id", type=int)
@click.option("--as", "viewer", required=True, help="Who looks (a username who may see the deal).")
def opportunity_assistant(opportunity_id: int, viewer: str) -> None:
    """What leaving the current stage needs, the questionnaires with their scores
    explained answer by answer, and what makes the probability."""
    click.echo(render.assistant(open_engine().sales_assistant(opportunity_id, viewer=viewer)))


@click.command("answer")
@click.argument("opportunity_id", type=int)
@click.argument("questionnaire")
@click.argument("answers", nargs=-1, required=True, metavar="QUESTION=ANSWER...")
@click.option("--as", "actor", required=True, help="Who answers (a username).")
def opportunity_answer(opportunity_id: int, questionnaire: str, answers: tuple[str, ...], actor: str) -> None:
    """Answer questions of a stage questionnaire (some or all); earlier answers stay."""
    engine = open_engine()
    engine.answer_questionnaire(opportunity_id, questionnaire, pairs(answers, "ANSWERS"), actor=actor)
    click.echo(render.assistant(engine.sales_assistant(opportunity_id, viewer=actor)))


@click.command("probability")
@click.argument("opportunity_id", type=int)
@click.argument("percent", required=False)
@click.option("--reset", is_flag=True, help="Drop the override: the automatic probability applies again.")
@click.option("--reason", default="", help="Why (recorded with the override).")
@click.option("--as", "actor", required=True, help="The deal's manager or an admin.")
def opportunity_probability(opportunity_id: int, percent: str | None, reset: bool, reason: str, actor: str) -> None:
    """Set a deal's probability by hand (it stays until --reset), or reset it."""
    if reset == (percent is not None):
        raise click.UsageError("give either a PERCENT or --reset")
    engine = open_engine()
    if reset:
        deal = engine.reset_probability(opportunity_id, actor=actor)
    else:
        deal = engine.override_probability(opportunity_id, percent, actor=actor, reason=reason)
    click.echo(render.opportunity(deal))


@click.command("lose")
@click.argument("opportunity_id", type=int)
@click.option("--reason-code", default=None,
              help="Why, from the methodology's lost reasons (a wrong one lists them).")
@click.option("--reason", default="", help="In your words (required for reasons such as 'other').")
@click.option("--stage", default=None, help="A lost stage of the methodology (default: its first).")
@click.option("--as", "actor", required=True, help="The deal's owner, its manager or an admin.")
def opportunity_lose(opportunity_id: int, reason_code: str | None, reason: str, stage: str | None,
                     actor: str) -> None:
    """Close an open deal as lost by hand: its open tasks are withdrawn, its timers
    stop. --reason alone is recorded under the reason code 'other'."""
    click.echo(render.opportunity(open_engine().close_as_lost(opportunity_id, actor=actor, reason_code=reason_code,
                                                              reason=reason, stage=stage)))


@click.command("lost-reason")
@click.argument("opportunity_id", type=int)
@click.option("--reason-code", required=True, help="Why, from the methodology's lost reasons.")
@click.option("--reason", default="", help="In your words.")
@click.option("--as", "actor", required=True, help="The deal's owner, its manager or an admin.")
def opportunity_lost_reason(opportunity_id: int, reason_code: str, reason: str, actor: str) -> None:
    """Say why a lost deal was lost (the process lost it without a reason, or a correction)."""
    click.echo(render.opportunity(open_engine().record_lost_reason(opportunity_id, actor=actor,
                                                                   reason_code=reason_code, reason=reason)))


OPPORTUNITY_COMMANDS = [opportunity_assistant, opportunity_answer, opportunity_probability, opportunity_lose,
                        opportunity_lost_reason]
