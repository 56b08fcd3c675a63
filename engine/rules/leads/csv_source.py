"""CSV lead files: the encoding and the delimiter found, then rows streamed.

Encoding: a byte-order mark says UTF-8 or UTF-16 outright; otherwise the whole file is
checked as strict UTF-8, chunk by chunk (memory stays flat, and a Polish letter on row
90,000 counts as much as one on row 2), and a file that is not UTF-8 is read as
Windows-1250, the code page Polish Excel saves "CSV (rozdzielany przecinkami)" in.
Text that is neither (NUL bytes, cp1250's five undefined bytes) is not a CSV file.

Delimiter: each candidate (; , tab |) parses the first records of the file; the one
giving the header more than one column and the most rows of the header's width wins
(ties in that order: Polish Excel writes ";"). Quoted fields may hold delimiters and
newlines; a row counts as one row however many lines it spans.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Iterator

from engine.rules.leads.errors import file_error
from engine.rules.leads.table import SourceRow, Table, is_blank

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
MAX_LINE = 1024 * 1024  # bytes in one line of a CSV file
NOT_TEXT = "{name} is neither a CSV file nor an XLSX workbook"


def encoding_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(SAMPLE_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if b"\x00" in head:
            raise file_error(NOT_TEXT.format(name=path.name))
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = file.read(CHUNK_BYTES)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1250"
        return "utf-8"


def delimiter_of(sample: str, complete: bool) -> str:
    # A file of one column (names only) has no delimiter: the candidate its values use
    # least, so that "Kowalski, Nowak sp.j." stays one value.
    best, best_score = min(DELIMITERS, key=sample.count), (-1.0, 0)
    for delimiter in DELIMITERS:
        records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r and not is_blank(r)][:50]
        if not complete:
            records = records[:-1]  # the sample may end inside a row
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = records[1:]
        same = sum(len(r) == width for r in body) / len(body) if body else 1.0
        if (same, width) > best_score:
            best, best_score = delimiter, (same, width)
    return best


def open_csv(path: Path) -> Table:
    encoding = found = encoding_of(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as file:
        sample = file.read(SAMPLE_BYTES)  # for the delimiter only; a bad byte is met at its row
    delimiter = delimiter_of(sample, complete=len(sample) < SAMPLE_BYTES)
    if encoding == "utf-16":
        file = path.open("r", encoding=encoding, newline="")
        lines = file
    else:  # decoded line by line, so that a bad byte is named at its own row
        file = path.open("rb")
        if encoding == "utf-8-sig":
            file.read(len(codecs.BOM_UTF8))
            encoding = "utf-8"
        lines = _decoded(file, encoding)
    try:
        reader = csv.reader(lines, delimiter=delimiter)
        number, header = _header(reader, path)
    except BaseException:
        file.close()
        raise
    return Table(kind="csv", header=header, header_row=number, rows=_rows(reader, number, path),
                 close=file.close, encoding=found, delimiter=delimiter)


def _decoded(file, encoding: str) -> Iterator[str]:
    # b"\n" never occurs inside a UTF-8 or cp1250 character: splitting bytes at it is safe.
    # A line is read at most MAX_LINE bytes at a time, so that a file with no line
    # breaks (a binary file slipping through, a hostile upload) is refused, not loaded.
    for line in iter(lambda: file.readline(MAX_LINE + 1), b""):
        if len(line) > MAX_LINE:
            raise csv.Error(f"a line longer than {MAX_LINE // 1024 // 1024} MiB: is this a CSV file?")
        yield line.decode(encoding)


def _records(reader, path: Path, after: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Every record with its number; a broken one (a cell over csv's 128 Ki characters, a
    byte cp1250 does not define) stops the file with its row named."""
    number = after
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise file_error(f"{path.name}: row {number + 1}: {err}") from None
        except UnicodeDecodeError:
            raise file_error(f"{path.name}: row {number + 1}: a byte that is not text "
                                "(save the file as CSV UTF-8)") from None
        number += 1
        yield number, record


def _header(reader, path: Path) -> tuple[int, tuple[str, ...]]:
    for number, record in _records(reader, path):
        if not is_blank(record):
            return number, tuple(record)
    raise file_error(f"{path.name} is empty: it has no header row")


def _rows(reader, after: int, path: Path) -> Iterator[SourceRow]:
    for number, record in _records(reader, path, after):
        if not is_blank(record):
            yield SourceRow(number, tuple(record))
