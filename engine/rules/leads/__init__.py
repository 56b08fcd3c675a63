"""The lead import's pure core (M11): a CSV or XLSX file -> clean leads, rejected rows
and duplicate groups. No database, no web: the service decides what to create or
update from what this package gives it.

    reading       open_table(path): CSV or XLSX told apart by content; rows streamed
    csv_source    CSV: UTF-8 (with or without BOM), UTF-16, Windows-1250; the delimiter
    xlsx_source   XLSX through python-calamine; cells as the text a person sees
    table         SourceRow(number, values) and the open Table
    fields        the lead's fields and their English and Polish column names
    folding       case, accents (ł too) and punctuation folded away for comparing
    columns       header -> ColumnMap: synonyms, COLUMN=field overrides, unknown columns
    values        e-mail, phone, country, postal code, tax id (python-stdnum), REGON
    validation    a row -> Lead (frozen, normalised) or Rejected (column, reason)…
    duplicates    the keys (tax id; name + city; e-mail domain) and in-file groups
    rejects       the rejects file: row, column, reason, the original values
    summary       "created N, updated N, unchanged N, duplicates N, rejected N (rejects: PATH)"
    errors        a file or columns that cannot be imported as given: FormError(file, map, column)

A whole import, in this order::

    with open_table(path) as table:
        columns = match_columns(table.header, parse_overrides(maps))
        for result in screen(table.rows, columns):
            ...   # Lead: look its keys up; Rejected: RejectsWriter.add
"""

from engine.rules.leads.columns import ColumnMap, match_columns, parse_overrides
from engine.rules.leads.duplicates import DuplicateGroup, company_name, group_duplicates, keys
from engine.rules.leads.fields import FIELDS
from engine.rules.leads.reading import open_table
from engine.rules.leads.rejects import RejectsWriter, read_rejects, write_rejects
from engine.rules.leads.summary import ImportCounts, summary_line
from engine.rules.leads.table import SourceRow, Table
from engine.rules.leads.validation import Lead, Rejected, screen, validate_row

__all__ = [
    "ColumnMap", "DuplicateGroup", "FIELDS", "ImportCounts", "Lead", "RejectsWriter",
    "Rejected", "SourceRow", "Table", "company_name", "group_duplicates", "keys", "match_columns",
    "open_table", "parse_overrides", "read_rejects", "screen", "summary_line", "validate_row",
    "write_rejects",
]
