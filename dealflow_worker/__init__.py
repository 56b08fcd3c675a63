"""A small client for Dealflow's external tasks (docs/integration.md): a worker fetches
the tasks of its topics, runs one function per topic and completes them — or reports
a failure (fetched again until its retries run out, then an incident on the deal) or
a BPMN error (the task's error boundary event takes the deal on).

    from dealflow_worker import BpmnError, Worker

    worker = Worker.from_env("erp-1")      # DEALFLOW_URL, DEALFLOW_WORKER_TOKEN

    @worker.topic("invoice")
    def invoice(task):
        if task.variables["amount"] > limit:
            raise BpmnError("NO_CREDIT", "over the credit limit")
        return {"invoiceNumber": erp.create_invoice(task.variables)}

    worker.run()

Only the standard library; secrets come from the environment. Built-in workers that
need no code: ``dealflow_worker.builtin`` (an HTTP call, an e-mail), run with
``python -m dealflow_worker``.
"""

from dealflow_worker.client import ApiError, BpmnError, ExternalTask, Worker, WorkerClient

__all__ = ["ApiError", "BpmnError", "ExternalTask", "Worker", "WorkerClient"]
