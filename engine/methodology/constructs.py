"""BPMN constructs Dealflow does not run, named at their line.

SpiffWorkflow either crashes on these (a compensation event, a business rule task
without a decision), or parses them and then waits forever (a service task nobody
completes). Data stores it would crash on too are not refused: like Camunda, Dealflow
ignores them at run time (they document where data lives), and engine.runtime.specs
leaves them out of what SpiffWorkflow reads.
Each one is refused here with what to draw instead, before SpiffWorkflow sees it.
"""

from __future__ import annotations

from lxml import etree

from engine.methodology.problems import Problem
from engine.methodology.service_tasks import is_external

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_VENDORS = {"http://camunda.org/schema/1.0/bpmn": "camunda", "http://activiti.org/bpmn": "activiti",
            "http://flowable.org/bpmn": "flowable"}
_ZEEBE = "http://camunda.org/schema/zeebe/1.0"
_IMPLEMENTATIONS = ("class", "expression", "delegateExpression", "type", "topic")
_CATCHING = ("startEvent", "intermediateCatchEvent", "boundaryEvent")
_THROWING = ("intermediateThrowEvent", "endEvent")
_SCRIPT_LANGUAGES = ("", "python", "text/x-python")
# Every element (root.iter() order) marked isForCompensation="true", found by libxml2
# rather than by a Python loop over each element of the file.
_FOR_COMPENSATION = etree.XPath("descendant-or-self::*[@isForCompensation='true']")

# "What to draw instead" for the tasks that need code outside the process.
USER_OR_SCRIPT = ("make it a user task (someone does it and confirms) or a script task "
                  "(a computation in Dealflow's expression language)")


def _b(name: str) -> str:
    return f"{{{BPMN}}}{name}"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def prefix_in_file(el, namespace: str) -> str:
    """The prefix the file itself binds to ``namespace`` (old Camunda files bind
    ``camunda:`` to Activiti's namespace), else the vendor's usual one."""
    found = [p for p, uri in el.nsmap.items() if uri == namespace and p]
    return found[0] if found else _VENDORS.get(namespace, "")


def _implementation(el) -> str:
    """`` (camunda:class="...")`` — how the tool meant to run it, for the message."""
    for namespace in _VENDORS:
        for attribute in _IMPLEMENTATIONS:
            value = el.get(f"{{{namespace}}}{attribute}")
            if value:
                return f" ({prefix_in_file(el, namespace)}:{attribute}=\"{value}\")"
    return ""


def _vendor(el, attribute: str) -> str | None:
    for namespace in _VENDORS:
        value = el.get(f"{{{namespace}}}{attribute}")
        if value is not None:
            return value
    return None


def _has_decision(el) -> bool:
    spiff = el.find(f"{_b('extensionElements')}/{{http://spiffworkflow.org/bpmn/schema/1.0/core}}calledDecisionId")
    return bool((_vendor(el, "decisionRef") or "").strip() or (spiff is not None and (spiff.text or "").strip()))


def _label(el) -> str:
    """``user task 'Task_1'`` — the element as a designer finds it in the modeler."""
    words = {"startEvent": "start event", "endEvent": "end event", "boundaryEvent": "boundary event",
             "intermediateCatchEvent": "intermediate catch event",
             "intermediateThrowEvent": "intermediate throw event"}
    kind = _local(el)
    spaced = "".join(" " + c.lower() if c.isupper() else c for c in kind)
    return f"{words.get(kind, spaced)} '{el.get('id', '')}'"


def check_constructs(path: str, root) -> list[Problem]:
    """Every construct of the document that Dealflow refuses, at its line."""
    problems: list[Problem] = []

    def refuse(el, message: str) -> None:
        problems.append(Problem(path, el.sourceline or 1, message))

    names = {el.get("id"): el.get("name") or el.get("id")
             for kind in ("signal", "error", "escalation", "message") for el in root.iter(_b(kind))}
    # Data stores are documentation, as in Camunda: ignored (engine.runtime.specs drops them).
    # Service tasks all wait for a worker; one drawn without an implementation needs the
    # routing to map it to a topic (service_tasks.check_mapped).
    for el in root.iter(_b("businessRuleTask")):
        if is_external(el) and not _has_decision(el):
            continue  # done by a worker, like a service task
        if el.find(f"{_b('extensionElements')}/{{{_ZEEBE}}}calledDecision") is not None and \
                not (_vendor(el, "decisionRef") or "").strip():
            continue  # the Camunda 8 way: engine.methodology.zeebe checks it
        if not _has_decision(el):
            refuse(el, f"business rule task '{el.get('id')}'{_implementation(el)} names no decision: set "
                       "camunda:decisionRef to the id of a decision in a .dmn file under bpmn/")
        elif "{" in (_vendor(el, "decisionRef") or ""):
            refuse(el, f"business rule task '{el.get('id')}': decisionRef \"{_vendor(el, 'decisionRef')}\" is an "
                       "expression; write the decision's id")
    for el in root.iter(_b("callActivity")):
        called = (el.get("calledElement") or "").strip()
        zeebe = el.find(f"{_b('extensionElements')}/{{{_ZEEBE}}}calledElement")
        case = _vendor(el, "caseRef")
        if not called and case:
            refuse(el, f"call activity '{el.get('id')}' calls the CMMN case '{case}' (camunda:caseRef); Dealflow "
                       "runs BPMN processes only: draw the case's steps as a process in a .bpmn file under bpmn/ "
                       "and name it in calledElement")
        elif not called and not (zeebe is not None and (zeebe.get("processId") or "").strip()):
            refuse(el, f"call activity '{el.get('id')}' names no process: set calledElement (or Camunda 8's "
                       "zeebe:calledElement processId) to the id of a process in a .bpmn file under bpmn/")
        # an expression naming the process: engine.methodology.zeebe says what to write
    for el in root.iter(_b("complexGateway")):
        refuse(el, f"complex gateway '{el.get('id')}' is not supported; use an inclusive gateway (every "
                   "flow whose condition holds) or an exclusive gateway (the first that holds)")
    for el in _FOR_COMPENSATION(root):
        if el.get("isForCompensation") == "true":
            refuse(el, f"{_label(el)} is a compensation handler, and Dealflow does not run compensation; "
                       "draw the undo steps as ordinary tasks after an exclusive gateway that checks "
                       "what went wrong")
    for definition in root.iter(_b("compensateEventDefinition")):
        refuse(definition.getparent(),
               f"{_label(definition.getparent())} is a compensation event, and Dealflow does not run "
               "compensation; draw the undo steps as ordinary tasks after an exclusive gateway that "
               "checks what went wrong")
    problems += _unmatched_messages(path, root, names)
    for definition in root.iter(_b("conditionalEventDefinition")):
        event = definition.getparent()
        refuse(event, f"{_label(event)} is a conditional event, which Dealflow does not run; test the "
                      "condition with an exclusive gateway after the step that changes the data")
    problems += _unthrown(path, root, names)
    for cycle in root.iter(_b("timeCycle")):
        event = cycle.getparent().getparent()
        if _local(event) == "startEvent" and _local(event.getparent()) == "process":
            refuse(event, f"{_label(event)} starts the process again and again on a timer cycle, but a Dealflow "
                          "process starts once, when an opportunity is opened; use a plain start event (and a "
                          "timer event after it to wait)")
    return problems


def _messages(root):
    """(element, message ref, catches?) for every message event, send and receive task."""
    for el in root.iter(_b("sendTask"), _b("receiveTask")):
        if not is_external(el):  # a send task with an implementation is an external task
            yield el, el.get("messageRef"), _local(el) == "receiveTask"
    for definition in root.iter(_b("messageEventDefinition")):
        event = definition.getparent()
        if not is_external(event):  # a Camunda 8 throw with a job type: a worker does it
            yield event, definition.get("messageRef"), _local(event) in _CATCHING


def _unmatched_messages(path: str, root, names: dict) -> list[Problem]:
    """Messages run (docs/integration.md): a catch waits for a message thrown in the
    same deal, sent by another deal's throw or over the API (POST /api/v1/messages); a
    top-level message start event opens a new deal. What a sender names is the
    message's name — its id when it has none, as Camunda Modeler often saves it
    (engine.runtime.specs) — so every message event needs a messageRef to a
    bpmn:message."""
    declared = {el.get("id"): el for el in root.iter(_b("message")) if el.get("id")}
    problems = []
    for el, ref, catches in _messages(root):
        verb = "waits for" if catches else "sends"
        if not ref:
            # A deal whose process starts on a message nobody can name would never open by one (Camunda
            # refuses to deploy it too); opened by hand, it needs no message at all.
            opened = _local(el) == "startEvent" and _local(el.getparent()) == "process"
            problems.append(Problem(path, el.sourceline or 1, (
                f"{_label(el)} {verb} a message but names none; declare <bpmn:message id=\"Message_1\" "
                "name=\"order-confirmed\"/> and set messageRef=\"Message_1\""
                + (" — or, if someone opens the deal (by hand or POST /api/v1/opportunities), remove the "
                   "messageEventDefinition: a plain start event" if opened else ""))))
        elif ref not in declared:
            known = ", ".join(sorted(declared)) or "none"
            problems.append(Problem(path, el.sourceline or 1, (
                f"{_label(el)} {verb} message '{ref}', which no bpmn:message of this file declares "
                f"(declared: {known}); fix messageRef or add <bpmn:message id=\"{ref}\" name=\"...\"/>")))
    return problems


def catches_messages(root) -> bool:
    """Whether the document waits for any message (its variables then come from outside)."""
    return any(catches for _, _, catches in _messages(root))


def _unthrown(path: str, root, names: dict) -> list[Problem]:
    """Error and escalation catches need a throw in the same file: nothing outside a
    process can send one to Dealflow — except the person doing a user task, who may end
    it through its error or escalation boundary event (as Camunda's task forms do), and
    an external task's worker, who may report an error. A signal may come from outside
    (POST /api/v1/signals, docs/integration.md), so a signal catch needs only a name."""
    problems = []
    # A worker may report a BPMN error on an external task (engine.methodology.service_tasks).
    external = {el.get("id") for kind in ("serviceTask", "sendTask", "businessRuleTask")
                for el in root.iter(_b(kind)) if is_external(el)}
    user_tasks = {el.get("id") for el in root.iter(_b("userTask"))}
    thrown: dict[str, set] = {}
    for kind in ("signal", "error", "escalation"):
        for definition in root.iter(_b(f"{kind}EventDefinition")):
            if _local(definition.getparent()) in _THROWING:
                thrown.setdefault(kind, set()).add(definition.get(f"{kind}Ref"))
    for kind in ("signal", "error", "escalation"):
        for definition in root.iter(_b(f"{kind}EventDefinition")):
            event = definition.getparent()
            if _local(event) not in _CATCHING:
                continue
            ref = definition.get(f"{kind}Ref")
            in_event_subprocess = event.getparent().get("triggeredByEvent") == "true"
            if _local(event) == "startEvent" and not in_event_subprocess:
                problems.append(Problem(path, event.sourceline, (
                    f"{_label(event)} starts on a {kind}, but a Dealflow process starts when an opportunity "
                    "is opened; use a plain start event")))
                continue
            if kind == "error" and event.get("attachedToRef") in external:
                continue
            if event.get("attachedToRef") in user_tasks:
                continue  # the person doing the task may end it this way (engine.service.task_events)
            throws = thrown.get(kind, set())
            if kind == "signal" and ref is not None:
                continue  # thrown here or sent from outside
            if kind == "signal" and not throws:
                problems.append(Problem(path, event.sourceline, (
                    f"{_label(event)} waits for a signal but names none, so nothing can send it; declare "
                    '<bpmn:signal id="Signal_1" name="contract-cancelled"/> and set signalRef="Signal_1" '
                    "(a signal is sent by a throw event or from outside: POST /api/v1/signals)")))
                continue
            if (ref in throws) or (ref is None and throws) or None in throws:
                continue
            what = f"{kind} '{names.get(ref, ref)}'" if ref else ("an " if kind[0] in "aeiou" else "a ") + kind
            problems.append(Problem(path, event.sourceline, (
                f"{_label(event)} waits for {what}, which nothing in this file throws (Dealflow runs no "
                "code that could); throw it from an intermediate throw event or end event, or remove the catch")))
    return problems


def script_language_problem(path: str, el, kind: str) -> Problem | None:
    """A script in another language (Groovy, JavaScript) or in an outside file."""
    if kind != "scriptTask":
        return None
    resource = _vendor(el, "resource")
    if resource:
        return Problem(path, el.sourceline, f"script task '{el.get('id')}' runs the file {resource}; write "
                                            "the script inside the task, in Dealflow's expression language")
    result_variable = _vendor(el, "resultVariable")
    if result_variable:
        # Camunda stores the script's last value there; Dealflow's scripts assign by name,
        # so the attribute would be ignored and the variable never set.
        return Problem(path, el.sourceline, (
            f"script task '{el.get('id')}' has resultVariable=\"{result_variable}\", which Dealflow does not "
            f"read; assign it in the script instead ({result_variable} = ...) and remove the attribute"))
    language = (el.get("scriptFormat") or "").strip()
    if language.lower() not in _SCRIPT_LANGUAGES:
        return Problem(path, el.sourceline, f"script task '{el.get('id')}' is written in {language}; Dealflow "
                                            "runs scripts in its own expression language (Python-like, e.g. "
                                            "discount = amount * 0.1): rewrite it and set scriptFormat=\"python\"")
    return None
