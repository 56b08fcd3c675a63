"""Writing SVG: the one escaper and a small element writer that both diagrams use.

Every attribute value and text a diagram writes goes through ``escape``: markup in a
name (from an untrusted BPMN file or typed by a user) stays text, a quote cannot
leave its attribute, and the control characters XML 1.0 does not allow are dropped,
so the output always parses. Nothing else writes markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SVG_NS", "SvgWriter", "escape", "number"]

SVG_NS = "http://www.w3.org/2000/svg"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = re.compile(r"[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: object) -> str:
    """Text or an attribute value made safe for XML: ``& < > " '`` become entities and
    control characters XML does not allow are dropped."""
    text = str(text)
    if _SPECIAL.search(text) is None:  # most names: nothing to do
        return text
    text = _CONTROL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def number(value: float, digits: int = 2) -> str:
    """A coordinate as short text: rounded to ``digits`` places, whole numbers without '.0'."""
    rounded = round(float(value), digits)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


@lru_cache(maxsize=128)
def attribute_name(keyword: str) -> str:
    """A Python keyword argument as an SVG attribute: ``class_`` -> class,
    ``stroke_width`` -> stroke-width."""
    return keyword.rstrip("_").replace("_", "-")


class SvgWriter:
    """Elements written in order, attributes given as keyword arguments
    (``class_="node"``, ``data_node_id="Task_1"``); every value and text escaped."""

    def __init__(self):
        self.parts: list[str] = []
        self.stack: list[str] = []

    @staticmethod
    def _attrs(attrs: dict) -> str:
        return "".join(f' {attribute_name(k)}="{escape(v)}"' for k, v in attrs.items())

    def open(self, tag: str, **attrs) -> None:
        self.parts.append(f"<{tag}{self._attrs(attrs)}>")
        self.stack.append(tag)

    def close(self) -> None:
        self.parts.append(f"</{self.stack.pop()}>")

    def el(self, tag: str, text: object | None = None, **attrs) -> None:
        """One element: empty, or holding ``text``."""
        if text is None:
            self.parts.append(f"<{tag}{self._attrs(attrs)}/>")
        else:
            self.parts.append(f"<{tag}{self._attrs(attrs)}>{escape(text)}</{tag}>")

    def markup(self) -> str:
        """Everything written, once every element opened is closed."""
        assert not self.stack, f"unclosed elements: {self.stack}"
        return "".join(self.parts)
