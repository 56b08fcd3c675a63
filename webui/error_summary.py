"""The error summary a page shows first after a failed post (issue 15): which forms were
refused and why, each linking to its form. The page renders _error_summary.html with
``error_summary`` and ``summary_url``; static/form_errors.js focuses the summary and puts
``summary_url`` — the page's own address, never the form's — back in the address bar,
so that a reload shows the page instead of sending the form again."""

from __future__ import annotations

from typing import Iterable


def summary(forms: Iterable[tuple[str, str, dict | None]]) -> list[tuple[str, str, list[str]]]:
    """(anchor, what, messages) of each (anchor, what, field errors) that has errors."""
    return [(anchor, what, messages(errors)) for anchor, what, errors in forms if errors]


def messages(errors: dict) -> list[str]:
    """``{field: message}`` as "field: message" lines ("form" is the form as a whole)."""
    return [message if name == "form" else f"{str(name).replace('_', ' ')}: {message}"
            for name, message in errors.items()]
