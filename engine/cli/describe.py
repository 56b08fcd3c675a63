"""A plain-text description of validated methodologies, for ``dealflow describe``."""

from __future__ import annotations

from engine.methodology.model import LaneRole, Library, Methodology


def describe_library(library: Library) -> str:
    blocks = [_methodology(m, library) for m in library.methodologies.values()]
    for routing in library.routing:
        lines = [f"Routing '{routing.id}' ({routing.path}) — first matching segment wins:"]
        for s in routing.segments:
            version = f"@{s.methodology_version}" if s.methodology_version else ""
            lines.append(f"  {s.id:<20} {s.when or '(every other opportunity)'}")
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


def _role(role: LaneRole) -> str:
    return f"{role.kind} {role.name}" if role.name else role.kind
