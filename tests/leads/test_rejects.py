"""The rejects file and the summary line."""

from __future__ import annotations

from engine.rules.leads import (ImportCounts, Lead, Rejected, RejectsWriter, match_columns, open_table, read_rejects,
                                screen, summary_line, write_rejects)

HEADER = ("Nazwa firmy", "E-mail", "Telefon", "Uwagi")
REFUSED = [
    Rejected(3, (("E-mail", "enter one e-mail address such as jan.kowalski@firma.pl"),),
             ("Łąka \"Pod Różą\"", "nie-ma", "+48 600 123 456", "dzwonić\nrano; pilne")),
    Rejected(9, (("Nazwa firmy", "this field is required"), ("Telefon", "enter a phone number such as +48 600 123 456")),
             ("", "a@b.pl", "=HYPERLINK(\"http://x\")", "-1+cmd|' /C calc'!A0")),
]


def test_the_rejects_file_reads_back_as_written(tmp_path):
    path = tmp_path / "leads.rejects.csv"
    assert write_rejects(path, HEADER, REFUSED) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbfrow,column,reason,Nazwa firmy")  # a BOM for Excel
    assert read_rejects(path) == (HEADER, REFUSED)


def test_values_that_would_run_as_formulas_in_excel_are_written_behind_an_apostrophe(tmp_path):
    path = tmp_path / "rejects.csv"
    write_rejects(path, HEADER, REFUSED)
    text = path.read_text("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-1+cmd" in text
    assert ",+48 600 123 456," in text  # a phone number is left as typed


def test_no_rejects_no_file(tmp_path):
    with RejectsWriter(tmp_path / "r.csv", HEADER) as out:
        pass
    assert out.path is None and out.count == 0 and not (tmp_path / "r.csv").exists()


def test_a_fixed_rejects_file_imports_again_with_its_extra_columns_reported(tmp_path):
    path = tmp_path / "leads.rejects.csv"
    write_rejects(path, HEADER, REFUSED[:1])
    fixed = path.read_text("utf-8-sig").replace("nie-ma", "biuro@laka.pl")
    path.write_text(fixed, "utf-8-sig")
    with open_table(path) as table:
        columns = match_columns(table.header)
        results = list(screen(table.rows, columns))
    assert columns.unknown == ("row", "column", "reason")
    assert results == [Lead(row=2, name='Łąka "Pod Różą"', email="biuro@laka.pl", phone="+48600123456",
                            notes="dzwonić\nrano; pilne")]


def test_the_summary_line():
    counts = ImportCounts(created=12, updated=3, unchanged=40, duplicates=2, rejected=3)
    assert counts.rows == 60
    assert summary_line(counts, "out/leads.rejects.csv") == (
        "created 12, updated 3, unchanged 40, duplicates 2, rejected 3 (rejects: out/leads.rejects.csv)")
    assert summary_line(ImportCounts(created=1)) == "created 1, updated 0, unchanged 0, duplicates 0, rejected 0"
