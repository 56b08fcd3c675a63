"""Plain-text rendering for the command line: the façade's views, and a validated
library for ``dealflow describe``."""

from __future__ import annotations

from datetime import datetime

from engine import Library, Methodology
from engine.views import OpportunityView, TaskView


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def task_line(task: TaskView) -> str:
    who = task.assignee or (f"queue {task.candidate_team}" if task.candidate_team else "-")
    return (f"{task.id}  #{task.opportunity_id} {task.opportunity_title[:32]:<32}  {task.name[:36]:<36}  "
            f"{who:<16} due {when(task.due_at)}")


def task_form(task: TaskView) -> str:
    lines = []
    for f in task.form:
        extra = []
        if f.required:
            extra.append("required")
        if f.choices:
            extra.append("one of " + ", ".join(c[0] for c in f.choices))
        if f.minimum is not None:
            extra.append(f"min {f.minimum}")
        if f.maximum is not None:
            extra.append(f"max {f.maximum}")
        if f.default is not None:
            extra.append(f"default {f.default}")
        lines.append(f"      {f.id}={f.type}  {f.label}" + (f" ({'; '.join(extra)})" if extra else ""))
    return "\n".join(lines)


def _lost_because(o: OpportunityView) -> str:
    if o.lost_reason_missing:
        return f" (reason missing: 'dealflow opportunity lost-reason {o.id} --reason-code CODE --as USER')"
    said = " — ".join(t for t in (o.lost_reason_label, o.lost_reason) if t)
    return f" ({said})" if said else ""


def _forecast(o: OpportunityView) -> str:
    """``; forecast commit (set by hand by rep1; by probability: pipeline)``."""
    if o.forecast_category is None:
        return ""
    if o.forecast_category_override:
        return (f"; forecast {o.forecast_category} (set by hand by {o.forecast_override_by or '-'}; "
                f"by probability: {o.forecast_category_derived})")
    return f"; forecast {o.forecast_category} ({o.forecast_ranges})"


def opportunity(o: OpportunityView) -> str:
    lines = [
        f"Opportunity #{o.id}: {o.title}",
        f"  partner        {o.partner_name}" + (f" (#{o.partner_id})" if o.partner_id else ""),
        f"  amount         {o.amount} {o.currency}",
        f"  stage          {o.stage_name or '-'} (since {when(o.stage_entered_at)})",
        f"  probability    {o.probability} %" + (f" (set by hand; automatic {o.probability_auto} %)"
                                                   if o.probability_override is not None else ""),
        f"  expected       {o.expected_revenue} {o.currency}",
        f"  close date     {o.expected_close_date or '-'}" + _forecast(o),
        f"  status         {o.status}" + _lost_because(o),
        f"  next action    {when(o.next_action_at)}",
        f"  owner          {o.owner}; manager {o.manager or '-'}; team {o.team or '-'}; segment {o.segment_id}",
        f"  methodology    {o.methodology_id} {o.methodology_label} (version {o.methodology_version_id})",
        f"  opened         {when(o.opened_at)} by {o.opened_by or '-'}",
    ]
    if o.closed_at:
        lines.append(f"  closed         {when(o.closed_at)} by {o.closed_by or 'the engine'}")
    if o.credit_warning:
        lines.append(f"  CREDIT         {o.credit_warning}")
    if o.error_message:
        where = f"at {o.error_at}: " if o.error_at else ""
        lines.append(f"  ERROR          {where}{o.error_message} — fix it, then "
                     f"'dealflow opportunity retry {o.id} --as USER [--upgrade]'")
        if o.error_note:
            lines.append(f"  note           {o.error_note}")
        lines.append(f"  retry runs     {o.failed_step_kind}" + (f" on task {o.failed_task_id}" if o.failed_task_id else ""))
        lines.append("  timers         " + (f"held until the retry: {timers_held_because(o)}" if o.timers_held
                                            else "fire as usual on the other branches"))
    if o.score is not None:
        lines.append(f"  score          {o.score} (class {o.score_class}) — 'dealflow opportunity assistant {o.id}' explains it")
    if o.attributes:
        lines.append("  attributes     " + ", ".join(f"{k}={v}" for k, v in sorted(o.attributes.items())))
    lines.append("")
    lines.append("  Stage history:")
    for change in o.stage_history:
        lines.append(f"    {when(change.changed_at)}  {change.from_stage or '(start)'} -> {change.to_stage} "
                     f"({change.to_stage_name}, {change.probability} %) by {change.changed_by or 'the engine'}")
    lines.append("")
    lines.append("  Open tasks:" if o.open_tasks else "  Open tasks: none")
    for task in o.open_tasks:
        who = task.assignee or f"queue {task.candidate_team}"
        kind = " [suggested activity" + (", required]" if task.required else "]") if task.kind == "activity" else ""
        lines.append(f"    {task.id}  {task.name}{kind} — {who}")
        if task.form:
            lines.append(task_form(task))
    if o.completed_tasks:
        lines.append("")
        lines.append("  Completed tasks:")
        for task in o.completed_tasks:
            lines.append(f"    {when(task.completed_at)}  {task.name} by {task.completed_by}")
    return "\n".join(lines)


def timers_held_because(o: OpportunityView) -> str:
    """Why the deal's timers wait for its retry (``o.timers_held``; engine.rules.failed_steps)."""
    if o.failed_step_kind == "timers":
        return "a timer's step failed, and would fail again at every sweep"
    if o.failed_task_id is not None:
        return "a timer's step failed behind the failed step of a person, and waits for it"
    return "the engine's step failed (a start, a worker's answer or a message)"


def rearmed(report) -> str:
    """What ``Engine.rearm_timers`` found (engine.views.timer_repair.RearmReport): a
    first line of counts, then one line per deal re-armed (a dry run: to be)."""
    which = "open or won deals" if report.every_deal else "open or won deals showing an error"
    verb = "would re-arm" if report.dry_run else "re-armed"
    lines = [f"checked {report.checked} {which}; {verb} {len(report.changed)}"
             + ("" if report.changed else " (every stored next timer agrees with its workflow)")]
    for deal in report.changed:
        lines.append(f"  #{deal.opportunity_id} {deal.title}: next timer {when(deal.next_timer_before)} -> "
                     f"{when(deal.next_timer_after)}; next action {when(deal.next_action_before)} -> "
                     f"{when(deal.next_action_after)}")
    for deal_id, why in report.unreadable:
        lines.append(f"  #{deal_id} not checked: {why}")
    return "\n".join(lines)


def assistant(a) -> str:
    """The Sales Assistant's view of a deal: checklist, questionnaires, probability."""
    lines = [f"Sales Assistant — opportunity #{a.opportunity_id}, stage {a.stage_name or '-'}"]
    if a.stage_description:
        lines.append(f"  {a.stage_description}")
    probability = f"  probability    {a.probability} %"
    if a.probability_override is not None:
        probability += (f" set by hand by {a.probability_override_by} at {when(a.probability_override_at)}; "
                        f"automatic {a.probability_auto} %")
    lines.append(probability)
    if a.checklist:
        lines.append("  To leave this stage:")
        lines += [f"    [{'x' if c.met else ' '}] {c.label}" for c in a.checklist]
    for q in a.questionnaires:
        where = f"task '{q.task_name or q.task}'" if q.task else f"stage {q.stage_name or q.stage}"
        lines.append(f"  Questionnaire {q.id} ({q.name}, answered in {where}):")
        if q.score is None:
            lines.append("    not answered yet")
            continue
        lines.append(f"    score {q.score.score} of 100, class {q.score.class_id} ({q.score.class_name}), "
                     f"which {q.score.class_effect}")
        for s in q.score.questions:
            lines.append(f"    {s.contribution:>5} of {s.possible:>5}  {s.text} — {s.answer_text or 'not answered'}")
    return "\n".join(lines)


# --- dealflow describe ----------------------------------------------------------------


def library(library: Library) -> str:
    """Each methodology (stages, lanes, questionnaires), then each routing file's segments."""
    blocks = [_methodology(m, library) for m in library.methodologies.values()]
    for routing in library.routing:
        lines = [f"Routing '{routing.id}' ({routing.path}) — first matching segment wins:"]
        for s in routing.segments:
            version = f"@{s.methodology_version}" if s.methodology_version else ""
            condition = " and ".join(filter(None, (s.when, s.amount and f"amount {s.amount}")))
            lines.append(f"  {s.id:<20} {condition or '(every other opportunity)'}")
            lines.append(f"  {'':<20} -> {s.methodology}{version}, team {s.team}, assignment {s.assignment}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _methodology(m: Methodology, library: Library) -> str:
    p = m.process
    lines = [
        f"Methodology '{m.id}' version {m.version}: {m.name}",
        f"  stage table {m.stage_table_path}; process '{p.id}' in {p.path}",
        f"  {len(p.nodes)} flow nodes, {len(p.user_tasks)} user tasks, lanes: {', '.join(p.lanes)}",
        f"  content hash {m.content_hash[:12]}",
        "",
        f"  {'#':>2}  {'stage':<24} {'name':<40} {'prob.':>5}  {'outcome':<7} entered at",
    ]
    for s in m.stages:
        lines.append(f"  {s.position + 1:>2}  {s.id:<24} {s.name:<40} {s.probability:>4}%  "
                     f"{s.outcome:<7} {', '.join(s.entered_at)}")
    for routing in library.routing:
        roles = routing.lanes.get(m.id)
        if roles:
            lines.append("")
            lines.append(f"  lanes (routing '{routing.id}'): " +
                         "; ".join(f"{lane} -> {_role(r)}" for lane, r in roles.items()))
    for q in m.questionnaires:
        target = f"task {q.task}" if q.task else f"stage {q.stage}"
        classes = ", ".join(f"{c.id} >= {c.min_score}" for c in q.classes)
        lines.append(f"  questionnaire '{q.id}' at {target}: {len(q.questions)} questions; classes {classes}")
    return "\n".join(lines)


def _role(role) -> str:
    return f"{role.kind} {role.name}" if role.name else role.kind
