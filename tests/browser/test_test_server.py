"""The browser tests' own server (``serve``): a response body is closed before the
server sends it, so that a browser dropping the connection mid-load cannot leave the
file behind a static response open (see ``_closing_before_sending``)."""

from __future__ import annotations

import threading
import urllib.request

from tests.browser.conftest import serve


def test_a_response_body_is_closed_before_its_first_byte_reaches_the_client():
    closed = threading.Event()

    class Body:
        def __iter__(self):
            yield b"x" * 1000

        def close(self):
            closed.set()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "1000")])
        return Body()

    url, stop = serve(app)
    try:
        with urllib.request.urlopen(url) as response:
            # Werkzeug alone closes the body only after draining the socket (>= 10 ms
            # after the last byte is written), and not at all when that drain fails.
            closed_when_received = closed.is_set()
            assert response.read() == b"x" * 1000
    finally:
        stop()
    assert closed_when_received
