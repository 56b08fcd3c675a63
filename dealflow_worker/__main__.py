"""``python -m dealflow_worker CONFIG.json [--worker-id ID] [--once]``: the built-in
workers (dealflow_worker.builtin) for the topics CONFIG names, against DEALFLOW_URL
with DEALFLOW_WORKER_TOKEN."""

from __future__ import annotations

import argparse
import json
import os
import socket

from dealflow_worker import builtin
from dealflow_worker.client import Worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dealflow_worker", description=__doc__)
    parser.add_argument("config", help="JSON: {\"http\": {topic: {...}}, \"email\": {topic: {...}}}")
    parser.add_argument("--worker-id", default=f"{socket.gethostname()}-{os.getpid()}")
    parser.add_argument("--once", action="store_true", help="fetch once (no waiting) and stop")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = json.load(handle)
    worker = Worker.from_env(args.worker_id)
    builtin.register(worker, config, os.environ)
    if args.once:
        worker.run_once(wait_ms=0)
    else:
        worker.run()


if __name__ == "__main__":
    main()
