"""The HTTP side (``WorkerClient``: one method per route of /api/v1/external-tasks, and
/api/v1/messages) and the loop (``Worker``: a handler per topic, fetch-and-lock, complete or report)."""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping

log = logging.getLogger("dealflow_worker")


class ApiError(Exception):
    """Dealflow answered an error: ``status`` and its JSON (``{"error", "message", "fields"}``)."""

    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body
        super().__init__(f"{status}: {body.get('message', body)}")


class BpmnError(Exception):
    """Raise from a handler for a business outcome the process models (an error
    boundary event with this ``code``), as opposed to a technical failure."""

    def __init__(self, code: str, message: str = "", variables: Mapping[str, object] | None = None):
        self.code, self.message, self.variables = code, message, dict(variables or {})
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class ExternalTask:
    id: str
    topic: str
    activity_id: str
    opportunity_id: int
    retries: int
    variables: dict

    @classmethod
    def from_json(cls, item: dict) -> ExternalTask:
        return cls(item["id"], item["topicName"], item["activityId"], item["opportunityId"], item["retries"],
                   {name: v.get("value") for name, v in item["variables"].items()})


def _json_default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


class WorkerClient:
    """Dealflow's external-task routes, called with a worker token."""

    def __init__(self, base_url: str, token: str, worker_id: str, timeout: float = 90.0):
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token, self.worker_id, self.timeout = token, worker_id, timeout

    def _post(self, path: str, body: dict):
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(body, default=_json_default).encode("utf-8"), method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            try:
                payload = json.loads(err.read().decode("utf-8") or "{}")
            except ValueError:
                payload = {"message": err.reason}
            raise ApiError(err.code, payload) from None
        return json.loads(text, parse_float=Decimal) if text else None

    def fetch_and_lock(self, topics: Mapping[str, int], max_tasks: int = 10, wait_ms: int = 0) -> list[ExternalTask]:
        body = {"workerId": self.worker_id, "maxTasks": max_tasks, "asyncResponseTimeout": wait_ms,
                "topics": [{"topicName": t, "lockDuration": ms} for t, ms in topics.items()]}
        return [ExternalTask.from_json(item) for item in self._post("/external-tasks/fetch-and-lock", body)]

    def complete(self, task_id: str, variables: Mapping[str, object] | None = None) -> None:
        self._post(f"/external-tasks/{task_id}/complete", {"workerId": self.worker_id, "variables": dict(variables or {})})

    def failure(self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0) -> None:
        self._post(f"/external-tasks/{task_id}/failure", {"workerId": self.worker_id, "errorMessage": message[:4000],
                                                          "retries": max(retries, 0), "retryTimeout": retry_timeout_ms})

    def bpmn_error(self, task_id: str, code: str, message: str = "", variables: Mapping[str, object] | None = None):
        self._post(f"/external-tasks/{task_id}/bpmn-error", {"workerId": self.worker_id, "errorCode": code,
                                                             "errorMessage": message, "variables": dict(variables or {})})

    def extend_lock(self, task_id: str, new_duration_ms: int) -> None:
        self._post(f"/external-tasks/{task_id}/extend-lock", {"workerId": self.worker_id,
                                                              "newDuration": new_duration_ms})

    def send_message(self, name: str, *, business_key: str | None = None, opportunity_id: int | None = None,
                     correlation_keys: Mapping[str, object] | None = None,
                     variables: Mapping[str, object] | None = None, buffer_seconds: int | None = None) -> dict:
        """POST /messages (the token needs the topic ``message:NAME``): the answer,
        ``{"deliveredTo", "opened", "bufferedId", "expiresAt"}``; ApiError 404 when
        nothing waits and no ``buffer_seconds`` was given."""
        body: dict = {"messageName": name, "processVariables": dict(variables or {})}
        for key, value in (("businessKey", business_key), ("opportunityId", opportunity_id),
                           ("correlationKeys", dict(correlation_keys) if correlation_keys else None),
                           ("bufferSeconds", buffer_seconds)):
            if value is not None:
                body[key] = value
        return self._post("/messages", body)


Handler = Callable[[ExternalTask], "Mapping[str, object] | None"]


class Worker:
    """Handlers per topic over one client: ``run_once`` fetches, handles and reports."""

    def __init__(self, client: WorkerClient, *, retry_timeout_ms: int = 60_000, wait_ms: int = 20_000):
        self.client = client
        self.retry_timeout_ms, self.wait_ms = retry_timeout_ms, wait_ms
        self._handlers: dict[str, tuple[Handler, int]] = {}

    @classmethod
    def from_env(cls, worker_id: str, env: Mapping[str, str] | None = None, **options) -> Worker:
        """A worker for DEALFLOW_URL with the token in DEALFLOW_WORKER_TOKEN."""
        env = os.environ if env is None else env
        missing = [name for name in ("DEALFLOW_URL", "DEALFLOW_WORKER_TOKEN") if not env.get(name)]
        if missing:
            raise SystemExit(f"set {' and '.join(missing)} (the Dealflow address and a token from "
                             "'dealflow worker-token create NAME --topic TOPIC')")
        return cls(WorkerClient(env["DEALFLOW_URL"], env["DEALFLOW_WORKER_TOKEN"], worker_id), **options)

    def topic(self, name: str, lock_ms: int = 60_000) -> Callable[[Handler], Handler]:
        """Decorator: ``handler(task)`` does the work of topic ``name`` and returns the
        variables to complete it with; a task stays locked ``lock_ms`` meanwhile."""
        def register(handler: Handler) -> Handler:
            self._handlers[name] = (handler, lock_ms)
            return handler
        return register

    def run_once(self, max_tasks: int = 10, wait_ms: int | None = None) -> int:
        """Fetch once (long polling up to ``wait_ms``), handle what came; how many came."""
        topics = {name: lock for name, (_, lock) in self._handlers.items()}
        tasks = self.client.fetch_and_lock(topics, max_tasks, self.wait_ms if wait_ms is None else wait_ms)
        for task in tasks:
            self._handle(task)
        return len(tasks)

    def run(self, stop: Callable[[], bool] = lambda: False, *, max_backoff_s: float = 60.0) -> None:
        """Fetch and handle until ``stop()``; an unreachable or restarting Dealflow is
        waited for (backing off up to ``max_backoff_s``), never the end of the loop."""
        backoff = 1.0
        while not stop():
            try:
                self.run_once()
                backoff = 1.0
            except (ApiError, OSError) as err:  # urllib's URLError is an OSError
                log.warning("fetching failed, trying again in %.0f s: %s", backoff, err)
                time.sleep(backoff)
                backoff = min(backoff * 2, max_backoff_s)

    def _handle(self, task: ExternalTask) -> None:
        handler, _ = self._handlers[task.topic]
        try:
            variables = handler(task) or {}
        except BpmnError as err:
            self.client.bpmn_error(task.id, err.code, err.message, err.variables)
            return
        except Exception as err:  # noqa: BLE001 — whatever the handler raised is the failure to report
            log.warning("task %s (%s) failed: %s", task.id, task.topic, err)
            self.client.failure(task.id, f"{type(err).__name__}: {err}", task.retries - 1, self.retry_timeout_ms)
            return
        try:
            self.client.complete(task.id, variables)
        except ApiError as err:
            # Dealflow refused the answer (e.g. a variable the process does not read): the
            # work is done, so running the handler again would repeat its side effects
            # (an e-mail, an invoice). No retries: an incident a person looks at.
            log.warning("task %s (%s): the answer was refused: %s", task.id, task.topic, err)
            self.client.failure(task.id, f"the worker's answer was refused: {err}", 0, 0)
