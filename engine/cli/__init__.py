"""The ``dealflow`` command line. Each command parses its arguments, calls the engine's
public API, and prints; a user's mistake is one line on stderr and exit code 1 (click's
usage errors exit 2), never a traceback (group.py maps the engine's errors).

This module only builds the group and registers its parts, one module per command
group:

    methodologies  validate, describe, schema, deploy
    diff           what changed between two versions of a methodology
    import_bpmn    a BPMN file from another tool -> a starting methodology
    import_leads   ``import leads``: a lead file into partners; ``import list``, ``import revert``
    db             the database schema
    people         users, teams, API tokens
    opportunities  opening, showing and handing over deals (sales: the Sales Assistant's;
                   deal_forecast: a deal's close date and forecast category)
    tasks          the inbox's tasks
    task_events    ``task error``/``task escalate``: ending a task through its boundary event
    segments       segments and swapping their methodology
    partners       business partners and their contact persons (dealflow partner ...)
    handover       handing a partner to another rep (dealflow partner hand-over)
    activities     activities with partners; calendar feed links
    partner_lists  call and mailing lists, their export; archiving inactive prospects, deleting a partner
    worker         firing due timers and the daily snapshot
    external_tasks ``worker-token create`` (external-task workers' tokens), ``incident list``/``retry``
    snapshots      the daily snapshot of the open deals, by hand
    demo           the command-line walk-through
    reports        the lost-deal report
    quotas         quotas split down the hierarchy (quota ...), the fiscal calendar (fiscal-year)
    warnings       early warnings: sweep, list, ack, digest
    forecast       the forecast rolled up the hierarchy, adjusting and submitting it
    model          the learned win probability: train, show
    simulate       simulate and test: a methodology proved on a throw-away database
    messages       ``message send``: a message to the deals waiting for it
    signals        ``signal send``: a signal to every deal waiting for it

Other packages contribute commands through the ``dealflow.commands`` entry points
(webui contributes ``dealflow serve``); see group.py.
"""

from __future__ import annotations

import click

from engine.cli import external_tasks
from engine.cli import (activities, analysis, db, deal_forecast, demo, diff, forecast, handover, import_bpmn,
                        import_leads, methodologies, opportunities, partner_lists, partners, people, quotas, reports,
                        sales, segments, snapshots, tasks, warnings, worker)
from engine.cli import model
from engine.cli import simulate
from engine.cli import messages
from engine.cli import signals
from engine.cli import task_events
from engine.cli.group import DealflowGroup


@click.group(cls=DealflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dealflow")
def main() -> None:
    """Dealflow runs declarative sales methodologies: BPMN 2.0 for the flow, YAML for
    stage tables, questionnaires and routing rules."""


for _part in (methodologies, diff, import_bpmn, import_leads, db, people, opportunities, tasks, segments, partners,
              handover, worker, snapshots, demo, activities, reports, quotas, warnings, forecast, model,
              external_tasks, simulate, messages, signals):
    for _command in _part.COMMANDS:
        main.add_command(_command)
main.add_command(opportunities.opportunity, "deal")  # the word the web app uses: dealflow deal edit ...
for _command in task_events.TASK_COMMANDS:
    tasks.task.add_command(_command)
for _command in analysis.REPORT_COMMANDS:
    reports.report.add_command(_command)
for _command in sales.OPPORTUNITY_COMMANDS + deal_forecast.OPPORTUNITY_COMMANDS:
    opportunities.opportunity.add_command(_command)
for _command in handover.PARTNER_COMMANDS + partner_lists.PARTNER_COMMANDS:
    partners.partner.add_command(_command)
