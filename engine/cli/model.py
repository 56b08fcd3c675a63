"""``dealflow model``: the learned win probability (issue 13) — train it on the
closed deals (the worker also does once a day) and show the model in force with
its backtest against the stage table and Odoo's naive Bayes."""

from __future__ import annotations

import json

import click

from engine.cli.common import open_engine
from engine.views.win_model import ESTIMATE_LABELS, ESTIMATES, WinModelView
from engine.views.win_model_json import model_json


@click.group("model")
def model() -> None:
    """The learned win probability."""


@model.command("train")
@click.option("--as", "actor", required=True, help="An admin or a designer.")
def train(actor: str) -> None:
    """Backtest and train on the closed deals; enabled only if it beats the stage table."""
    click.echo(summary(open_engine().train_win_model(actor=actor)))


@model.command("show")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def show(fmt: str) -> None:
    """The model in force: when and on what it was trained, its Brier scores and calibration."""
    view = open_engine().win_model()
    if fmt == "json":
        click.echo(json.dumps(model_json(view), indent=2))
    elif view is None:
        click.echo("no model trained yet; run 'dealflow model train --as ADMIN'")
    else:
        click.echo(summary(view))
        for name in ESTIMATES:
            if name in view.calibration:
                click.echo(f"\n{ESTIMATE_LABELS[name]}: Brier {view.brier[name]:.4f}")
                click.echo("  predicted   deals  mean predicted   won")
                for row in view.calibration[name]:
                    click.echo(f"  {row.low:.1f}-{row.high:.1f}  {row.deals:6.1f}  {row.predicted:14.3f}"
                               f"  {row.observed:.3f}")


def summary(view: WinModelView) -> str:
    state = "enabled" if view.enabled else "disabled"
    brier = " ".join(f"{name}={view.brier[name]:.4f}" for name in ESTIMATES if name in view.brier)
    return (f"learned win probability {state}: {view.reason}\n"
            f"trained {view.trained_at:%Y-%m-%d %H:%M} UTC by {view.trained_by or 'the worker'} on "
            f"{view.deals_used} closed deals (backtest: {view.train_deals} before the cut, "
            f"{view.held_out_deals} held out)" + (f"\nbrier {brier}" if brier else ""))


COMMANDS = [model]
