"""Service, send and business-rule tasks that hand work to the outside: external tasks. Pure.

Dealflow runs no code a methodology names. A task whose work is done outside the
process becomes an *external task*: the token waits there, a worker fetches it over
the API (Camunda 7's external-task protocol), does the work and completes it with
variables. What makes a task external:

- Camunda 7: ``camunda:type="external" camunda:topic="invoice"`` — the topic as written;
- Camunda 8: ``<zeebe:taskDefinition type="invoice" retries="3"/>`` — the job type is
  the topic;
- anything else a modeler may have written — ``camunda:class``,
  ``camunda:delegateExpression``, ``camunda:expression``, a Camunda 7 connector
  (``camunda:connector/camunda:connectorId``) or a Camunda 8 connector job type
  (``io.camunda:http-json:1``) — names code of another engine. It runs only when the
  routing file's ``integration:`` section maps that implementation, as written, or the
  task's id to a topic (``check_mapped``), so a worker can be written for it.
  ``dealflow import-bpmn`` proposes such a mapping for every one (``proposed_topic``),
  as Camunda's own 7-to-8 migration turns delegates into job-worker types.

A service task with no implementation at all is refused at its line.

In Camunda 8 an intermediate message throw event or a message end event with a
``zeebe:taskDefinition`` is a job for a worker, like a service task: an external task
too. An end event's job runs before the process ends there: its external task is
``<end event id>__job`` (engine.runtime.specs draws it in front of the end event), so
the deal enters the end event's stage once the worker is done.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from lxml import etree

from engine.methodology.model import ExternalImplementation
from engine.methodology.problems import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# ExternalImplementation.how of a service task / business rule task drawn without any implementation
NO_IMPLEMENTATION, NO_DECISION = "no implementation", "no decision"
# Old Camunda files bind camunda: to Activiti's namespace; Flowable kept the attributes.
_C7 = (CAMUNDA, "http://activiti.org/bpmn", "http://flowable.org/bpmn")
EXTERNAL_KINDS = ("serviceTask", "sendTask", "businessRuleTask")
JOB_EVENTS = ("intermediateThrowEvent", "endEvent")  # with a message definition and a zeebe:taskDefinition
END_JOB_SUFFIX = "__job"
DEFAULT_RETRIES = 3
# Camunda 8's own connectors: job types a Zeebe connector runtime runs, not a worker topic.
CONNECTOR_PREFIX = "io.camunda:"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _c7(el, name: str) -> str | None:
    for namespace in _C7:
        value = el.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value.strip()
    return None


def implementation_of(el) -> ExternalImplementation | None:
    """How ``el`` (a service, send or business-rule task) says its work is done;
    None when it names nothing (a business rule task with a decision is not external)."""
    if _local(el) in JOB_EVENTS:
        return _job_event(el)
    if _local(el) not in EXTERNAL_KINDS:
        return None
    if _local(el) == "businessRuleTask" and _c7(el, "decisionRef"):
        return None  # a decision table Dealflow evaluates itself
    node_id = el.get("id", "")
    retries = DEFAULT_RETRIES
    definition = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}taskDefinition")
    if definition is not None:
        job_type = (definition.get("type") or "").strip()
        retries = _retries(definition.get("retries"))
        if job_type and not job_type.startswith(CONNECTOR_PREFIX) and not job_type.startswith("="):
            return ExternalImplementation(node_id, el.sourceline or 1, "zeebe:taskDefinition type",
                                          job_type, job_type, retries, _outputs(el))
        if job_type:
            return ExternalImplementation(node_id, el.sourceline or 1, "zeebe:taskDefinition type",
                                          job_type, None, retries, _outputs(el))
    if (_c7(el, "type") or "") == "external":
        topic = _c7(el, "topic") or ""
        return ExternalImplementation(node_id, el.sourceline or 1, "camunda:topic", topic, topic or None,
                                      retries, _outputs(el))
    for attribute in ("class", "delegateExpression", "expression"):
        value = _c7(el, attribute)
        if value:
            return ExternalImplementation(node_id, el.sourceline or 1, f"camunda:{attribute}", value, None,
                                          retries, _outputs(el))
    connector = el.find(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}connector/{{{CAMUNDA}}}connectorId")
    if connector is not None and (connector.text or "").strip():
        return ExternalImplementation(node_id, el.sourceline or 1, "camunda:connectorId",
                                      connector.text.strip(), None, retries, _outputs(el))
    operator = el.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}serviceTaskOperator")
    if operator is not None and (operator.get("id") or "").strip():
        result = (operator.get("resultVariable") or "").strip()
        return ExternalImplementation(node_id, el.sourceline or 1, "spiffworkflow:serviceTaskOperator",
                                      operator.get("id").strip(), None, retries,
                                      tuple(dict.fromkeys((*_outputs(el), *([result] if result else ())))))
    if _bare(el):
        how = NO_DECISION if _local(el) == "businessRuleTask" else NO_IMPLEMENTATION
        return ExternalImplementation(node_id, el.sourceline or 1, how, "", None, retries, _outputs(el))
    return None


def _bare(el) -> bool:
    """A service task, or a business rule task, drawn with no implementation and no
    decision at all (bpmn.io, Signavio): it runs only where the routing maps its id."""
    if _local(el) == "businessRuleTask":
        vendor = any(el.get(f"{{{namespace}}}decisionRef") is not None for namespace in _C7)
        named = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}calledDecision") is not None or \
            el.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}calledDecisionId") is not None
        return not vendor and not named
    return _local(el) == "serviceTask"


def _job_event(el) -> ExternalImplementation | None:
    """A Camunda 8 message throw or end event whose work a worker does (a job type)."""
    definition = el.find(f"{{{BPMN}}}extensionElements/{{{ZEEBE}}}taskDefinition")
    job_type = (definition.get("type") or "").strip() if definition is not None else ""
    if not job_type or el.find(f"{{{BPMN}}}messageEventDefinition") is None:
        return None
    node_id = el.get("id", "") + (END_JOB_SUFFIX if _local(el) == "endEvent" else "")
    named = not job_type.startswith(CONNECTOR_PREFIX) and not job_type.startswith("=")
    return ExternalImplementation(node_id, el.sourceline or 1, "zeebe:taskDefinition type", job_type,
                                  job_type if named else None, _retries(definition.get("retries")), _outputs(el))


def _retries(text: str | None) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return DEFAULT_RETRIES
    return value if 0 <= value <= 100 else DEFAULT_RETRIES


def _outputs(el) -> tuple[str, ...]:
    """Variables the task declares it sets: Camunda 7 output parameters, Zeebe output
    mappings, and a Camunda 8 connector's result headers — ``resultVariable`` (the whole
    response under that name) and ``resultExpression`` (a FEEL context: its keys)."""
    names = [p.get("name") for p in el.iter(f"{{{CAMUNDA}}}outputParameter")]
    names += [o.get("target") for o in el.iter(f"{{{ZEEBE}}}output")]
    for header in el.iter(f"{{{ZEEBE}}}header"):
        if header.get("key") == "resultVariable":
            names.append(header.get("value"))
        elif header.get("key") == "resultExpression":
            names += context_keys(header.get("value") or "")
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


_KEY = re.compile(r'\s*(?:"([^"\\]+)"|([A-Za-z_][A-Za-z0-9_]*))\s*:')


def context_keys(feel_text: str) -> list[str]:
    """The top-level keys of the FEEL contexts an expression gives: ``={a: 1, "b": x}``
    gives a, b; ``=if c then {a: 1} else {a: null, b: 2}`` gives a, b (each branch's)."""
    keys, stack, quoted = [], [], False
    text = feel_text.strip().removeprefix("=")
    for i, char in enumerate(text):
        if quoted:
            quoted = char != '"' or text[i - 1] == "\\"
            continue
        if char == '"':
            quoted = True
        elif char in "{[(":
            stack.append(char)
        elif char in "}])":
            stack = stack[:-1]
        if (char == "{" or char == ",") and stack == ["{"]:  # a key of a top-level context follows
            match = _KEY.match(text, i + 1)
            if match:
                keys.append(match.group(1) or match.group(2))
    return list(dict.fromkeys(keys))


def is_external(el) -> bool:
    return implementation_of(el) is not None


def topic_for(impl: ExternalImplementation, topics: Mapping[str, str]) -> str | None:
    """The topic workers fetch this task by: its own, or the one the routing maps the
    task's id to (an expression says nothing about the work, and one ``${true}`` may
    stand for several), or its implementation (None: unmapped)."""
    return impl.topic or topics.get(impl.node_id) or topics.get(impl.value)


# A bean or class name says what the work is; these suffixes say only how it was coded.
_CODE_SUFFIX = re.compile(r"(JavaDelegate|Delegate)$")
_BEAN = re.compile(r"^[$#]\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")
_TOPIC_MAX = 100  # the routing schema's topic pattern


def proposed_topic(impl: ExternalImplementation, task_name: str) -> tuple[str, str] | None:
    """What ``dealflow import-bpmn`` proposes to map an implementation Dealflow does not
    run to: (the routing key, a readable topic), None when the task names its own topic.

    A delegate bean, class or connector names the work: ``${logger}`` -> ``logger``,
    ``com.x.SendMailDelegate`` -> ``send-mail``, ``http-connector`` -> ``http-connector``,
    ``io.camunda:http-json:1`` -> ``http-json``, keyed by the implementation so every
    task running it shares the topic. An expression (or a job type computed by FEEL)
    says how, not what: the topic comes from the task's name (else its id), keyed by the
    task's id."""
    if impl.how in (NO_IMPLEMENTATION, NO_DECISION):  # drawn without one: named after the task
        return impl.node_id, _slug(task_name if task_name and task_name != impl.node_id else impl.node_id,
                                   impl.node_id)
    if impl.topic is not None or not impl.value:
        return None
    value = impl.value
    if impl.how == "camunda:class":
        return value, _slug(_CODE_SUFFIX.sub("", value.rsplit(".", 1)[-1]), impl.node_id)
    if impl.how == "camunda:delegateExpression" and (bean := _BEAN.match(value)):
        return value, _slug(_CODE_SUFFIX.sub("", bean.group(1)), impl.node_id)
    if impl.how in ("camunda:connectorId", "spiffworkflow:serviceTaskOperator"):
        return value, _slug(value, impl.node_id)
    if impl.how == "zeebe:taskDefinition type" and value.startswith(CONNECTOR_PREFIX):
        name = value.removeprefix(CONNECTOR_PREFIX).split(":", 1)[0]
        return value, _slug(name, impl.node_id)
    return impl.node_id, _slug(task_name if task_name and task_name != impl.node_id else impl.node_id,
                               impl.node_id)


def readable_name(text: str, fallback: str) -> str:
    """``Send mail!`` -> ``send-mail``: a topic or message name (see ``_slug``)."""
    return _slug(text, fallback)


def _slug(text: str, fallback: str) -> str:
    """``SendMail``, ``send_mail`` or ``Send mail!`` -> ``send-mail``: a topic a worker's
    author reads at once (the routing schema's letters, digits, ``_ . : -``)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", text))
    slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:_TOPIC_MAX].rstrip("-")
    return slug or (_slug(fallback, "task") if fallback != text else "task")


def check_mapped(impls: Iterable[ExternalImplementation], path: str, methodology_id: str,
                 topics: Mapping[str, str]) -> list[Problem]:
    """An implementation that is not a topic must be mapped to one by the routing file."""
    problems = []
    for impl in impls:
        if topic_for(impl, topics) is not None:
            continue
        mapping = f"integration: {{{methodology_id}: {{topics: {{{impl.node_id}: TOPIC}}}}}}"
        if impl.how == NO_DECISION:
            problems.append(Problem(path, impl.line, (
                f"business rule task '{impl.node_id}' names no decision: set camunda:decisionRef to the id of a "
                f"decision in a .dmn file under bpmn/, or, if a worker decides, map its id to a topic in the "
                f"routing file — {mapping} (see docs/integration.md)")))
            continue
        if impl.how == NO_IMPLEMENTATION:
            problems.append(Problem(path, impl.line, (
                f"service task '{impl.node_id}' names no implementation; make it an external task a worker "
                "does — camunda:type=\"external\" camunda:topic=\"TOPIC\" (Camunda 7) or "
                "<zeebe:taskDefinition type=\"TOPIC\"/> (Camunda 8), or map its id to a topic in the routing "
                f"file — {mapping}, see docs/integration.md — or a user task (someone does it and confirms)")))
            continue
        if not impl.value:
            problems.append(Problem(path, impl.line, (
                f"external task '{impl.node_id}' names no topic; set camunda:topic=\"TOPIC\" (the topic "
                "workers fetch it by)")))
            continue
        key = proposed_topic(impl, "")[0]  # an expression is mapped by the task's id
        problems.append(Problem(path, impl.line, (
            f"task '{impl.node_id}' runs {impl.how}=\"{impl.value}\", code Dealflow does not run; map it to "
            f"a topic a worker fetches in the routing file — integration: {{{methodology_id}: {{topics: "
            f"{{\"{key}\": TOPIC}}}}}} — or write camunda:type=\"external\" camunda:topic=\"TOPIC\" "
            "(see docs/integration.md)")))
    return problems
