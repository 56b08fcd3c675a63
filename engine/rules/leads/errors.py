"""How the lead import's pure core refuses a whole file: ``FormError`` from the one tree.

What stops a file before any row is looked at is the person's input not fitting the
import "form" — the file they chose and the column mapping they gave — so it is a
``FormError`` whose fields name what to fix, as the CLI and the web page already show
one (``error: NAME: message``; a message beside the form's field):

    file          the file is missing, empty, neither CSV nor a spreadsheet, or
                  broken at a row
    map           an override not written COLUMN=field
    <column>      an override naming a column the file lacks or a field Dealflow
                  does not know, or a second column meaning a field another holds
"""

from __future__ import annotations

from engine.errors import FormError

FILE = "file"
MAP = "map"


def file_error(message: str) -> FormError:
    return FormError({FILE: message})
