"""``dealflow worker``: fires due timers, again and again (or once), files the daily
snapshot of the open deals and trains the learned win probability at its first
sweep of each day (UTC), and sweeps the deals for early warnings (M18) every so
often, sending the day's digests after."""

from __future__ import annotations

import os
import time

import click

from engine.cli.common import open_engine
from engine.cli.render import rearmed
from engine.cli.snapshots import summary
from engine.errors import DealflowError


TIMERS_A_BATCH = 100  # due deals a fire_due_timers call takes (engine.service.timers.BATCH a transaction)
BATCHES_A_SWEEP = 50  # then the housekeeping has its turn, so a backlog never starves it


@click.command()
@click.option("--once", is_flag=True,
              help="Fire what is due now, file today's snapshot, train the learned win probability and sweep for "
                   "warnings once, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between sweeps.")
@click.option("--warnings-every", default=3600.0, show_default=True,
              help="Seconds between the warnings' sweeps (0: never).")
@click.option("--snapshots/--no-snapshots", default=True, show_default=True,
              help="File the daily snapshot of the open deals at the first sweep of each day.")
@click.option("--train/--no-train", default=True, show_default=True,
              help="Train the learned win probability on the closed deals at the first sweep of each day.")
@click.option("--now", default=None, metavar="DATETIME",
              help="Run as if it were DATETIME (ISO 8601, e.g. 2026-12-01T09:00:00Z; the clock runs on from "
                   "there): to replay a sweep. Other commands take DEALFLOW_NOW for the same.")
def worker(once: bool, interval: float, warnings_every: float, snapshots: bool, train: bool,
           now: str | None) -> None:
    """Fire due timers, again and again (or once). Several workers may share a database."""
    engine = open_engine(fire_due_timers=False, now=now)  # its own first sweep fires them, and says how many
    idle_days = os.environ.get("DEALFLOW_WARNING_IDLE_DAYS") or 14
    last_sweep = None
    snapshot_day = None
    trained_day = None
    failed = False

    def housekeeping(what: str, step) -> bool:
        """Run a step beside the timers; its failure (an SMTP server down, say) is
        reported in one line and tried again later — it never stops the timers."""
        nonlocal failed
        try:
            step()
            return True
        except DealflowError as error:
            failed = True
            click.echo(f"worker: {what} failed and will be tried again: {error}", err=True)
            return False

    def file_snapshot(today) -> None:
        # Idempotent and safe with other workers: a second worker, or a restart the
        # same day, files nothing twice (engine.service.snapshots).
        click.echo(summary(engine.take_snapshots(today)))

    def train_model() -> None:
        # The learned win probability, retrained on the day's closed deals (issue 13).
        trained = engine.train_win_model(actor=None)
        click.echo(f"learned win probability: {'enabled' if trained.enabled else 'disabled'} ({trained.reason})")

    def sweep() -> None:
        # Two workers may sweep at once: the warnings' (deal, cause) key keeps each single.
        report = engine.sweep_warnings(idle_days=idle_days)
        click.echo(f"warnings: {report.fired} new, {report.cleared} cleared, {report.open} open")

    def digests() -> None:
        click.echo(f"digests: {len(engine.send_warning_digests())} sent or kept")

    def notification_mails() -> None:
        # Each notification is claimed before it is mailed: two workers send it once.
        mailed = engine.send_notification_mails()
        if mailed:
            click.echo(f"notifications: {len(mailed)} mailed or kept")

    def rearm() -> None:
        # Deals an old bug left with their timers unarmed (engine.service.timer_repair):
        # once, at start; silent when nothing disagrees.
        report = engine.rearm_timers()
        if report.changed or report.unreadable:
            click.echo(rearmed(report))

    housekeeping("re-arming the deals' timers", rearm)
    while True:
        fired = batch = engine.fire_due_timers(TIMERS_A_BATCH)
        for _ in range(BATCHES_A_SWEEP - 1):  # a backlog (a worker back after a stop): on at once
            if batch < TIMERS_A_BATCH:
                break
            batch = engine.fire_due_timers(TIMERS_A_BATCH)
            fired += batch
        if fired or once:
            click.echo(f"fired timers on {fired} opportunit{'y' if fired == 1 else 'ies'}")
        today = engine.company_today()  # the snapshot's day is the company's (engine.service.snapshots)
        if snapshots and snapshot_day != today:
            if housekeeping("the daily snapshot", lambda: file_snapshot(today)):
                snapshot_day = today
        if train and trained_day != today and housekeeping("the learned win probability's training", train_model):
            trained_day = today
        housekeeping("the notifications' mail", notification_mails)
        if warnings_every > 0 and (last_sweep is None or time.monotonic() - last_sweep >= warnings_every):
            last_sweep = time.monotonic()
            if housekeeping("the warnings' sweep", sweep):
                housekeeping("the warnings' digest", digests)
        if once:
            if failed:
                raise SystemExit(1)
            return
        if batch < TIMERS_A_BATCH:  # else more are due: the next sweep starts without a pause
            time.sleep(interval)  # polling: the next-timer column is indexed, a sweep is cheap


COMMANDS = [worker]
