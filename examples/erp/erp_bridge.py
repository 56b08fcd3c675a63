"""A sample ERP bridge: reads the ERP's order events, one JSON object a line, and
posts each to Dealflow as a message correlated by the ERP order number.

    {"event": "order-confirmed", "order": "ZA/2026/0042"}
    {"event": "invoiced", "order": "ZA/2026/0042", "invoice_amount": "1250.00"}
    {"event": "payment-received", "order": "ZA/2026/0042", "paid_amount": "1250.00"}

Run it where the ERP drops its export (a file, a pipe, a queue consumer's stdout):

    DEALFLOW_URL=http://dealflow:8000 DEALFLOW_WORKER_TOKEN=... \\
        python examples/erp/erp_bridge.py < erp-events.jsonl

The token comes from ``dealflow worker-token create erp --topic message:order-confirmed
--topic message:order-cancelled --topic message:delivered --topic message:invoiced
--topic message:payment-received``. Every message is buffered for a day: the ERP may
confirm an order before the rep has recorded its number, and the deal takes the
message as soon as it starts to wait for it. One line per event goes to stdout
(delivered, buffered, or why it was refused); the exit status is 1 if any event was
refused, so that the caller can keep the input for another try.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Iterable, TextIO

from dealflow_worker import ApiError, WorkerClient

BUFFER_SECONDS = 24 * 3600
# Which fields of each event the process reads: order-to-cash.bpmn compares them as
# decimal(paid_amount) >= decimal(invoice_amount), so amounts may come as text ("1250.00").
VARIABLES = {"invoiced": ("invoice_amount",), "payment-received": ("paid_amount",)}


def forward(client: WorkerClient, lines: Iterable[str], out: TextIO) -> int:
    """Posts each event; how many were refused."""
    refused = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            name, order = event["event"], event["order"]
            variables = {key: event[key] for key in VARIABLES.get(name, ()) if key in event}
            answer = client.send_message(name, correlation_keys={"order_number": order}, variables=variables,
                                         buffer_seconds=BUFFER_SECONDS)
        except (ValueError, KeyError, TypeError) as err:
            refused += 1
            print(f"line {number}: not an ERP event ({type(err).__name__}: {err})", file=out)
            continue
        except ApiError as err:
            refused += 1
            print(f"line {number}: {name} for {order} refused: {err}", file=out)
            continue
        if answer["deliveredTo"]:
            print(f"line {number}: {name} for {order} delivered to deal(s) "
                  f"{', '.join(map(str, answer['deliveredTo']))}", file=out)
        else:
            print(f"line {number}: {name} for {order} buffered until {answer['expiresAt']}", file=out)
    return refused


def main() -> int:
    missing = [name for name in ("DEALFLOW_URL", "DEALFLOW_WORKER_TOKEN") if not os.environ.get(name)]
    if missing:
        print(f"set {' and '.join(missing)}", file=sys.stderr)
        return 2
    client = WorkerClient(os.environ["DEALFLOW_URL"], os.environ["DEALFLOW_WORKER_TOKEN"], "erp-bridge")
    return 1 if forward(client, sys.stdin, sys.stdout) else 0


if __name__ == "__main__":
    sys.exit(main())
