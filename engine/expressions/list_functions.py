"""Functions that build lists, sets and records from other values, the way Python
scripts commonly do (``zip``, ``enumerate``, ``list(...)``, ``dict(...)``).

Each one takes plain values and returns a new plain value: nothing here hands an
expression a callable, an iterator or a class, so a script can only look at the
result's items. Results are lists (not Python's lazy iterators), sized against the
caps in ``limits`` before they are returned.
"""

from __future__ import annotations

from decimal import Decimal

from engine.expressions.limits import check_item_count
from engine.expressions.values import decimal_to_int, kind

_COLLECTIONS = (list, tuple, set, frozenset, dict, str)


def _items(value: object, name: str) -> list:
    if not isinstance(value, _COLLECTIONS):
        raise TypeError(f"{name}() needs a list, text or record, not {kind(value)}")
    return list(value)


def _zip(*values):
    columns = [_items(v, "zip") for v in values]
    return [tuple(row) for row in zip(*columns)]


def _enumerate(values, start=0):
    if isinstance(start, Decimal) and start.is_finite() and start == start.to_integral_value():
        start = decimal_to_int(start)
    if isinstance(start, bool) or not isinstance(start, int):
        raise TypeError(f"enumerate()'s start must be a whole number, not {kind(start)}")
    return [(start + index, item) for index, item in enumerate(_items(values, "enumerate"))]


def _list(values=()):
    return _items(values, "list")


def _tuple(values=()):
    return tuple(_items(values, "tuple"))


def _set(values=()):
    return set(_items(values, "set"))


def _reversed(values):
    return list(reversed(_items(values, "reversed")))


def _dict(values=None):
    if values is None:
        return {}
    if isinstance(values, dict):
        return dict(values)
    result = {}
    for pair in _items(values, "dict"):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(f"dict() needs a record or a list of (key, value) pairs, "
                            f"but one item is {kind(pair)}"
                            + (f" of {len(pair)} items" if isinstance(pair, (list, tuple)) else ""))
        result[pair[0]] = pair[1]
        check_item_count(len(result))
    return result


def _put(record, key, value):
    if not isinstance(record, dict):
        raise TypeError(f"put() needs a record, not {kind(record)}")
    result = dict(record)
    result[key] = value
    check_item_count(len(result))
    return result


def _merge(*records):
    """One record with the entries of each, a later one's winning; a single list
    argument stands for its items (FEEL's context merge takes either)."""
    if len(records) == 1 and isinstance(records[0], (list, tuple)):
        records = tuple(records[0])
    result: dict = {}
    for record in records:
        if not isinstance(record, dict):
            raise TypeError(f"merge() needs records, not {kind(record)}")
        result.update(record)
        check_item_count(len(result))
    return result


def _concat(*lists):
    """One list of the items of each (FEEL's concatenate)."""
    result: list = []
    for items in lists:
        if not isinstance(items, (list, tuple)):
            raise TypeError(f"concat() needs lists, not {kind(items)}")
        check_item_count(len(result) + len(items))
        result.extend(items)
    return result


# name: (implementation, fewest arguments, most arguments, example, named options)
LIST_FUNCTIONS = {
    "zip": (_zip, 1, None, "zip(names, amounts)", ()),
    "enumerate": (_enumerate, 1, 2, "enumerate(contacts, start=1)", ("start",)),
    "list": (_list, 0, 1, "list(regions)", ()),
    "tuple": (_tuple, 0, 1, "tuple(pair)", ()),
    "set": (_set, 0, 1, "set(regions)", ()),
    "dict": (_dict, 0, 1, "dict(zip(names, amounts))", ()),
    "reversed": (_reversed, 1, 1, "reversed(stages)", ()),
    "put": (_put, 3, 3, "put(customer, 'tier', 'gold')", ()),
    "merge": (_merge, 1, None, "merge(customer, {'tier': 'gold'})", ()),
    "concat": (_concat, 1, None, "concat(open_items, new_items)", ()),
}
