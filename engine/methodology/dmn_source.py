"""Reading DMN 1.1–1.3 files: the decisions they define, the variables they set, and
every expression in their decision tables (input expressions, rule cells turned into
the expression SpiffWorkflow's DMN engine evaluates, outputs), each at its line.
The XML is parsed by ``bpmn_source.parse_xml`` (no entities, nothing fetched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from engine.methodology.model import ExpressionSite
from engine.methodology.problems import Problem

__all__ = ["DMN_NAMESPACES", "DmnFacts", "dmn_test_as_expression", "read_dmn"]

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
)


@dataclass
class DmnFacts:
    path: str
    decisions: dict[str, int] = field(default_factory=dict)  # decision id -> line
    expressions: list[ExpressionSite] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outputs: set[str] = field(default_factory=set)  # the variables the decisions set
    without_table: set[str] = field(default_factory=set)  # decisions drawn without a decision table


def read_dmn(path: str, tree: etree._ElementTree) -> DmnFacts:
    facts = DmnFacts(path=path)
    root = tree.getroot()
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "definitions" or ns not in DMN_NAMESPACES:
        facts.problems.append(Problem(path, root.sourceline or 1,
                                      "not a DMN file: expected <definitions> in a DMN 1.1–1.3 namespace"))
        return facts
    for decision in root.findall(f"{{{ns}}}decision"):
        did = decision.get("id", "")
        facts.decisions[did] = decision.sourceline
        tables = decision.findall(f"{{{ns}}}decisionTable")
        if not tables:
            facts.without_table.add(did)
        for table in tables:
            _decision_table(facts, ns, did, table)
    return facts


# Hit policies SpiffWorkflow's DMN engine would silently run as "the first rule that
# matches" although they mean something else; each refused with what to write instead.
_UNRUN_HIT_POLICIES = {
    "PRIORITY": "it returns the match whose output comes first in the output's list of values",
    "OUTPUT ORDER": "it returns every match sorted by the output's list of values",
}


def _hit_policy_problem(facts: DmnFacts, decision_id: str, table) -> None:
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    aggregation = table.get("aggregation")
    if policy in _UNRUN_HIT_POLICIES:
        facts.problems.append(Problem(
            facts.path, table.sourceline,
            f"decision '{decision_id}' has hit policy {policy}, which Dealflow does not run "
            f"({_UNRUN_HIT_POLICIES[policy]}): order the rules by priority and use hit policy FIRST, "
            "or RULE ORDER for every match in the rules' order"))
    elif policy == "COLLECT" and aggregation:
        facts.problems.append(Problem(
            facts.path, table.sourceline,
            f"decision '{decision_id}' collects with aggregation {aggregation}, which Dealflow does not run "
            "(it would give the list of matches, not their "
            f"{aggregation.lower()}): remove aggregation=\"{aggregation}\" and compute it from the list in a "
            f"script task, e.g. total = {'len' if aggregation.upper() == 'COUNT' else aggregation.lower()}(result)"))


def _decision_table(facts: DmnFacts, ns: str, decision_id: str, table) -> None:
    _hit_policy_problem(facts, decision_id, table)
    facts.outputs |= {out.get("name") for out in table.findall(f"{{{ns}}}output") if out.get("name")}
    inputs = []
    for inp in table.findall(f"{{{ns}}}input"):
        text_el = inp.find(f"{{{ns}}}inputExpression/{{{ns}}}text")
        text = (text_el.text or "").strip() if text_el is not None else ""
        inputs.append(text)
        if text_el is not None:
            facts.expressions.append(ExpressionSite(
                facts.path, text_el.sourceline, f"input expression of decision '{decision_id}'", text))
    for row, rule in enumerate(table.findall(f"{{{ns}}}rule"), start=1):
        for column, entry in enumerate(rule.findall(f"{{{ns}}}inputEntry")):
            text_el = entry.find(f"{{{ns}}}text")
            text = (text_el.text or "").strip() if text_el is not None else ""
            if not text or text == "-" or column >= len(inputs):
                continue
            facts.expressions.append(ExpressionSite(
                facts.path, text_el.sourceline, f"rule {row} of decision '{decision_id}'",
                dmn_test_as_expression(inputs[column], text)))
        for entry in rule.findall(f"{{{ns}}}outputEntry"):
            text_el = entry.find(f"{{{ns}}}text")
            text = (text_el.text or "").strip() if text_el is not None else ""
            if text:
                facts.expressions.append(ExpressionSite(
                    facts.path, text_el.sourceline, f"output of rule {row} of decision '{decision_id}'", text))


def dmn_test_as_expression(input_expr: str, test: str) -> str:
    """The expression SpiffWorkflow's DMN engine evaluates for one input cell.

    Mirrors its rules: ``?`` stands for the input; a cell starting with an operator
    (``> 10``) is appended to the input; anything else is compared with ``==``.
    """
    if "?" in test:
        return re.sub(r"\?(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)", f"({input_expr})", test)
    if re.match(r"^\s*(<=|>=|<|>|==|!=|not\s+in\b|in\b)", test):
        return f"({input_expr}) {test}"
    return f"({input_expr}) == ({test})"
