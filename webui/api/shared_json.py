"""A JSON answer whose repeated parts are encoded once, byte for byte what ``jsonify``
answers.

The inbox's first page repeats a handful of forms over its 25 tasks (tasks at the
same step share one form), and the forms are half its bytes: encoding each distinct
one once, then splicing its text in wherever it appears, halves the page's encoding
(docs/benchmarks.md, load-cpu). The parts are encoded by the app's own JSON provider
with the same settings as the whole (sorted keys, ASCII, its ``default``), so each
part's text is exactly the text it has inside the whole; where they are marked, a
string of a random nonce stands in while the rest is encoded. An indented answer
(debug mode, or ``JSON compact = False``) indents a part by its depth, so it is
encoded whole, as ``jsonify`` does."""

from __future__ import annotations

import secrets
from typing import Iterable

from flask import Response, current_app


def jsonify_sharing(document: dict, holders: Iterable[dict], key: str) -> Response:
    """``jsonify(document)``, where each dict of ``holders`` (inside ``document``)
    holds under ``key`` a value that other holders may hold too, the same object:
    each such object is encoded once."""
    provider = current_app.json
    compact = getattr(provider, "compact", None)
    if compact is False or (compact is None and current_app.debug):
        return provider.response(document)  # indented: a part's text depends on its depth
    nonce = secrets.token_hex(8)
    marks: dict[int, str] = {}  # id of a shared value -> its number; the values live in document
    texts: list[str] = []
    originals: list[tuple[dict, object]] = []
    try:
        for holder in holders:
            value = holder[key]
            number = marks.get(id(value))
            if number is None:
                number = marks[id(value)] = len(texts)
                texts.append(provider.dumps(value, separators=(",", ":")))
            originals.append((holder, value))
            holder[key] = f"shared-{nonce}-{number}"
        text = provider.dumps(document, separators=(",", ":"))
    finally:
        for holder, value in originals:  # the document as it was given
            holder[key] = value
    # Spliced by splitting at the marks: a third of re.sub's time with a function per
    # match (0.33 -> 0.23 ms for the inbox's first page, docs/benchmarks.md, load-web).
    pieces = text.split(f'"shared-{nonce}-')
    parts = [pieces[0]]
    for piece in pieces[1:]:
        number, _, rest = piece.partition('"')
        parts += (texts[int(number)], rest)
    parts.append("\n")
    return current_app.response_class("".join(parts), mimetype=provider.mimetype)
