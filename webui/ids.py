"""Ids in URLs: the ``int`` converter of every route, narrowed to the ids a row can
have (1 to engine.rules.inputs.MAX_ID, the INTEGER primary keys). Any other number —
0, 2^31, twenty digits — is a 404 while the URL is matched (JSON under /api/, the
HTML page elsewhere), before any view parses a body or the database sees it (on
PostgreSQL such an id is an integer-out-of-range error, a 500)."""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from engine import MAX_ID, is_record_id


class RecordId(IntegerConverter):
    """``<int:name>`` as the app's routes mean it: a row's id.

    An id out of range raises NotFound itself: werkzeug's ValidationError would make
    a path served by two rules (GET and DELETE of one resource) a 405."""

    def to_python(self, value: str) -> int:
        number = int(value) if len(value) <= 20 else 0
        if not is_record_id(number):
            raise NotFound(f"no such id: {value[:20]}; an id is a whole number from 1 to {MAX_ID}")
        return number
