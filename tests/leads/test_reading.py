"""Reading lead files: encodings, delimiters, quoting, XLSX cells, and files that are neither."""

from __future__ import annotations

import codecs
import zipfile

import pytest

from engine.errors import FormError
from engine.rules.leads import SourceRow, open_table
from tests.leads.files import HEADER, ROWS, SAMPLE_DATE, write_text, write_xlsx

POLISH = "ąęłńóśźż ĄĘŁŃÓŚŹŻ"


def read(path):
    with open_table(path) as table:
        return table, list(table.rows)


@pytest.mark.parametrize("encoding, bom, found", [
    ("utf-8", False, "utf-8"),
    ("utf-8", True, "utf-8-sig"),
    ("cp1250", False, "cp1250"),
    ("utf-16-le", True, "utf-16"),
])
def test_polish_letters_read_right_in_every_encoding_excel_saves(tmp_path, encoding, bom, found):
    path = write_text(tmp_path / "leads.csv", [HEADER, [f"Firma {POLISH}", "", "", "Łódź"]],
                      delimiter=";", encoding=encoding, bom=bom)
    table, rows = read(path)
    assert table.encoding == found
    assert table.header == tuple(HEADER)  # the BOM is not part of the first column's name
    assert rows == [SourceRow(2, (f"Firma {POLISH}", "", "", "Łódź"))]


def test_a_cp1250_letter_far_down_the_file_still_makes_it_cp1250(tmp_path):
    rows = [HEADER] + [["Firma", "", "", "Krakow"]] * 5000 + [["Zakład Łąka", "", "", "Łódź"]]
    path = write_text(tmp_path / "leads.csv", rows, encoding="cp1250")
    assert path.stat().st_size > 64 * 1024  # beyond the sample read for the delimiter
    table, read_rows = read(path)
    assert table.encoding == "cp1250"
    assert read_rows[-1] == SourceRow(5002, ("Zakład Łąka", "", "", "Łódź"))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_found(tmp_path, delimiter):
    path = write_text(tmp_path / "leads.csv", [HEADER, *ROWS], delimiter=delimiter)
    table, rows = read(path)
    assert table.delimiter == delimiter
    assert table.header == tuple(HEADER)
    assert [row.values for row in rows] == [tuple(r) for r in ROWS]


def test_a_file_of_one_column_keeps_commas_inside_its_values(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Nazwa firmy\nKowalski, Nowak sp.j.\nAcme; Inc\nBeta, Gamma\n", encoding="utf-8")
    table, rows = read(path)
    assert table.header == ("Nazwa firmy",)
    assert [row.values for row in rows] == [("Kowalski, Nowak sp.j.",), ("Acme; Inc",), ("Beta, Gamma",)]


def test_a_semicolon_file_with_commas_in_its_values_is_read_by_semicolons(tmp_path):
    path = write_text(tmp_path / "leads.csv", [HEADER, ["Kowalski, Nowak i S-ka", "", "a@b.pl", "Kraków, Nowa Huta"]],
                      delimiter=";")
    table, rows = read(path)
    assert table.delimiter == ";"
    assert rows[0].values[0] == "Kowalski, Nowak i S-ka"


def test_quoted_values_keep_delimiters_quotes_and_newlines_and_count_as_one_row(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text('Firma;Uwagi\n"Bar ""Pod Lipą""; Kraków";"dzwonić\nrano"\n\nDruga;x\n', encoding="utf-8")
    table, rows = read(path)
    assert rows == [SourceRow(2, ('Bar "Pod Lipą"; Kraków', "dzwonić\nrano")),
                    SourceRow(4, ("Druga", "x"))]  # the blank row 3 is counted, not yielded


def test_blank_rows_before_the_header_are_skipped_and_counted(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("\n;;\nFirma;NIP\nAcme;\n", encoding="utf-8")
    table, rows = read(path)
    assert (table.header_row, table.header) == (3, ("Firma", "NIP"))
    assert rows == [SourceRow(4, ("Acme", ""))]


def test_rows_are_streamed_not_read_at_once(tmp_path):
    path = write_text(tmp_path / "leads.csv", [HEADER] + [["Firma", "", "", "X"]] * 100)
    with open_table(path) as table:
        assert iter(table.rows) is table.rows  # a generator: one row at a time
        assert next(table.rows).number == 2


def test_xlsx_cells_read_as_the_text_a_person_sees(tmp_path):
    path = write_xlsx(tmp_path / "leads.xlsx", [
        ["Nazwa firmy", "NIP", "Telefon", "Kod", "Data", "Aktywny", "Kwota"],
        ["Łąka Sp. z o.o.", 5261041147, 600123456.0, "03-001", SAMPLE_DATE, True, 12.5],
    ])
    table, rows = read(path)
    assert table.kind == "xlsx" and table.header[0] == "Nazwa firmy"
    assert rows == [SourceRow(2, ("Łąka Sp. z o.o.", "5261041147", "600123456", "03-001", "2026-12-04", "TRUE", "12.5"))]


def test_xlsx_row_numbers_are_the_sheets_own_and_hidden_sheets_are_skipped(tmp_path):
    path = write_xlsx(tmp_path / "leads.xlsx", [HEADER, ROWS[0], [], ROWS[1]], title_rows=2, hidden_first=True)
    table, rows = read(path)
    assert (table.header_row, table.header) == (3, tuple(HEADER))
    assert [row.number for row in rows] == [4, 6]
    assert rows[1].values == tuple(ROWS[1])


def test_an_xlsx_file_is_known_by_its_content_not_its_name(tmp_path):
    path = write_xlsx(tmp_path / "leads.csv", [HEADER, ROWS[0]])
    table, rows = read(path)
    assert table.kind == "xlsx" and rows[0].values == tuple(ROWS[0])


def zip_of_text(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return path


@pytest.mark.parametrize("name, make, message", [
    ("leads.csv", lambda p: p.write_bytes(b""), "leads.csv is empty"),
    ("leads.csv", lambda p: p.write_bytes(b"\n\n  \n"), "leads.csv is empty: it has no header row"),
    ("leads.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
     "leads.pdf is neither a CSV file nor an XLSX workbook"),
    ("photo.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
     "photo.png is neither a CSV file nor an XLSX workbook"),
    ("old.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
     "old.xls is an old Excel .xls file: save it as .xlsx or CSV UTF-8"),
    ("leads.xlsx", zip_of_text, "leads.xlsx is not a readable XLSX workbook"),
])
def test_a_file_that_is_neither_csv_nor_xlsx_is_one_clear_error(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(FormError) as caught:
        open_table(path)
    assert list(caught.value.fields) == ["file"]
    assert caught.value.fields["file"].startswith(message) and "\n" not in caught.value.fields["file"]


def test_a_missing_file_is_a_lead_file_error(tmp_path):
    with pytest.raises(FormError, match="file: .*nothing.csv: No such file"):
        open_table(tmp_path / "nothing.csv")


def test_a_byte_cp1250_does_not_define_stops_the_file_at_its_row(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("Firma;Miasto\nŁąka;Łódź\n".encode("cp1250") + b"Zla\x98;X\n")
    with open_table(path) as table:
        assert table.encoding == "cp1250"
        with pytest.raises(FormError, match="file: leads.csv: row 3: a byte that is not text"):
            list(table.rows)


def test_utf16_without_a_bom_is_not_taken_for_text(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("Firma\tMiasto\r\n".encode("utf-16-le"))
    assert not path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    with pytest.raises(FormError, match="neither a CSV file nor an XLSX workbook"):
        open_table(path)


def test_a_line_longer_than_a_mebibyte_stops_the_file_instead_of_being_loaded(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"Firma;Miasto\nAcme;" + b"x" * (1024 * 1024 + 10) + b"\n")
    with open_table(path) as table:
        with pytest.raises(FormError, match="file: leads.csv: row 2: a line longer than 1 MiB: is this a CSV file"):
            list(table.rows)


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from engine.rules.leads import xlsx_source
    path = write_xlsx(tmp_path / "big.xlsx", [HEADER, *ROWS])
    with open_table(path) as table:
        assert table.header == tuple(HEADER)
    monkeypatch.setattr(xlsx_source, "MAX_UNPACKED", 1000)
    with pytest.raises(FormError, match="file: big.xlsx unpacks to more than .*: split it into smaller files"):
        open_table(path)
