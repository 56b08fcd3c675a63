"""The shipped sample lead file (methodologies/samples/leads.csv), read as the import will."""

from __future__ import annotations

from pathlib import Path

from engine.rules.leads import Lead, Rejected, group_duplicates, match_columns, open_table, screen

SAMPLE = Path(__file__).resolve().parents[2] / "methodologies" / "samples" / "leads.csv"


def test_the_sample_has_its_bad_rows_rejected_and_its_duplicates_grouped():
    with open_table(SAMPLE) as table:
        columns = match_columns(table.header)
        results = list(screen(table.rows, columns))
    assert (table.encoding, table.delimiter, columns.unknown) == ("utf-8", ";", ())
    rejected = {r.row: r.problems for r in results if isinstance(r, Rejected)}
    assert rejected == {
        15: (("Nazwa firmy", "this field is required"),),
        16: (("NIP", "the NIP's check digit does not match (a typo?)"),),
        17: (("E-mail", "enter one e-mail address such as jan.kowalski@firma.pl"),),
        18: (("Telefon", "enter a phone number such as +48 600 123 456"),),
        19: (("Kod pocztowy", "enter a Polish postal code such as 00-950 (if Excel dropped a leading zero, "
                              "format the column as text)"),),
    }
    leads = [r for r in results if isinstance(r, Lead)]
    assert len(leads) == 15
    assert [g.rows for g in group_duplicates(leads)] == [(2, 9, 11), (3, 10)]
