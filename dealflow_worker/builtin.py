"""Workers that need no code, configured per topic (a JSON file) with their secrets in
the environment, never in the file or a methodology:

- ``http``: a request to DEALFLOW_HTTP_BASE_URL (the only host it calls) — method, a
  path and a JSON body templated with the task's variables (``$amount``,
  ``${invoiceNumber}``), DEALFLOW_HTTP_AUTHORIZATION sent as the Authorization header
  if set — and the JSON answer mapped to variables by dotted paths;
- ``email``: a message through DEALFLOW_SMTP_HOST (_PORT, _USER, _PASSWORD, _FROM,
  _STARTTLS — the warning digests' settings), ``to``, ``subject`` and ``body``
  templated the same way.

    {"http":  {"erp-invoice": {"method": "POST", "path": "/invoices",
                               "body": {"deal": "$opportunityId", "amount": "$amount"},
                               "result": {"invoiceNumber": "invoice.number"}}},
     "email": {"order-mail": {"to": "$contactEmail", "subject": "Order $orderNumber",
                              "body": "Thank you, your order $orderNumber is on its way."}}}

A template naming a variable the task does not have fails the task (a failure with its
retries), as does an HTTP error answer or an unreachable server.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from email.message import EmailMessage
from string import Template
from typing import Mapping

from dealflow_worker.client import ExternalTask, Worker


def _values(task: ExternalTask) -> dict:
    return {**{k: ("" if v is None else format(v, "f") if isinstance(v, Decimal) else str(v))
               for k, v in task.variables.items()}, "opportunityId": str(task.opportunity_id)}


def render(template, values: Mapping[str, str]):
    """``template`` (text, or lists and objects of text) with ``$name`` filled in;
    KeyError for a name the task lacks."""
    if isinstance(template, str):
        return Template(template).substitute(values)
    if isinstance(template, list):
        return [render(item, values) for item in template]
    if isinstance(template, dict):
        return {key: render(item, values) for key, item in template.items()}
    return template


def pick(document, path: str):
    """``document``'s value at a dotted path (``invoice.number``, ``items.0.id``)."""
    for part in path.split(".") if path else []:
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def http_handler(config: Mapping, env: Mapping[str, str]):
    base = env.get("DEALFLOW_HTTP_BASE_URL", "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise SystemExit("set DEALFLOW_HTTP_BASE_URL (http:// or https://) for the http worker")

    def handle(task: ExternalTask):
        values = _values(task)
        quoted = {k: urllib.parse.quote(v, safe="") for k, v in values.items()}
        path = render(config.get("path", "/"), quoted)
        if "://" in path or path.startswith("//"):
            raise ValueError(f"path {path!r} leaves DEALFLOW_HTTP_BASE_URL")
        body = render(config["body"], values) if "body" in config else None
        request = urllib.request.Request(
            base + "/" + path.lstrip("/"), method=config.get("method", "POST"),
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": env["DEALFLOW_HTTP_AUTHORIZATION"]}
                        if env.get("DEALFLOW_HTTP_AUTHORIZATION") else {})})
        with urllib.request.urlopen(request, timeout=float(config.get("timeout", 30))) as response:
            text = response.read().decode("utf-8")
        answer = json.loads(text, parse_float=Decimal) if text.strip() else {}
        return {variable: pick(answer, path) for variable, path in config.get("result", {}).items()}

    return handle


def email_handler(config: Mapping, env: Mapping[str, str]):
    host = env.get("DEALFLOW_SMTP_HOST", "").strip()
    if not host:
        raise SystemExit("set DEALFLOW_SMTP_HOST (and _PORT, _USER, _PASSWORD, _FROM) for the email worker")

    def handle(task: ExternalTask):
        values = _values(task)
        message = EmailMessage()
        message["From"] = env.get("DEALFLOW_SMTP_FROM") or "dealflow@localhost"
        message["To"] = render(config["to"], values)
        message["Subject"] = render(config.get("subject", ""), values)
        # One external task, one Message-ID: when the mail went out but the completion
        # did not reach Dealflow, the task is delivered again and mailed again, and the
        # receiving side can tell it is the same mail.
        message["Message-ID"] = f"<dealflow.external-task.{task.id}@{message['From'].rpartition('@')[2] or 'localhost'}>"
        message.set_content(render(config.get("body", ""), values))
        with smtplib.SMTP(host, int(env.get("DEALFLOW_SMTP_PORT") or 25), timeout=30) as smtp:
            if env.get("DEALFLOW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"):
                smtp.starttls()
            if env.get("DEALFLOW_SMTP_USER"):
                smtp.login(env["DEALFLOW_SMTP_USER"], env.get("DEALFLOW_SMTP_PASSWORD", ""))
            smtp.send_message(message)
        return {}

    return handle


KINDS = {"http": http_handler, "email": email_handler}


def register(worker: Worker, config: Mapping, env: Mapping[str, str]) -> None:
    """A handler on ``worker`` for every topic of ``config`` ({kind: {topic: settings}})."""
    for kind, topics in config.items():
        if kind not in KINDS:
            raise SystemExit(f"unknown worker kind {kind!r}; use {', '.join(KINDS)}")
        for topic, settings in topics.items():
            worker.topic(topic, int(settings.get("lock_ms", 60_000)))(KINDS[kind](settings, env))
