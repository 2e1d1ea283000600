"""Finance extracts with a posting period instead of a date: each posting is dated the last
day of its period."""

from __future__ import annotations

import datetime as dt

import pytest

from core.importing.batches import import_file
from core.importing.parsers import ParseError, parse_period
from tests.import_files import write_csv, write_xlsx
from tests.importing.test_import_samples import content


@pytest.mark.parametrize("raw, expected", [
    ("2026-03", (3, 2026)), ("03-2026", (3, 2026)), ("202603", (3, 2026)), (202603.0, (3, 2026)),
    ("marts 2026", (3, 2026)), ("Periode 2026 03", (3, 2026)), ("3", (3, None)), (12, (12, None)),
    (dt.date(2026, 3, 17), (3, 2026)), ("17-03-2026", (3, 2026)),
])
def test_a_period_is_read_in_the_forms_finance_systems_write(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["13", "2026-13", "Q1 2026", "", None])
def test_what_is_no_period_is_refused_in_danish(raw):
    with pytest.raises(ParseError):
        parse_period(raw)


def test_postings_with_a_period_column_are_dated_the_last_day_of_the_period(db, tmp_path):
    rows = [["Periode", "Funktion", "Art", "Beløb", "CPR-nr.", "Tekst"],
            ["2026-01", "5.38.50", "4.0", "1.000,00", "010190-1234", "Ophold januar"],
            ["02-2026", "5.38.50", "4.0", "1.000,00", "010190-1234", "Ophold februar"],
            ["202612", "5.38.50", "4.0", "1.000,00", "010190-1234", "Ophold december"],
            ["2026-13", "5.38.50", "4.0", "1.000,00", "010190-1234", "Fejl"]]
    res = import_file(db, write_csv(tmp_path / "opus_perioder.csv", rows))
    assert res["kind"] == "postings" and res["mapping"]["period"] == "Periode"
    assert res["imported"] == 3
    assert [(r["row"], r["column"], r["value"]) for r in res["rejected"]] == [(5, "Periode", "2026-13")]
    dates = [r[0] for r in db.execute("SELECT date FROM postings ORDER BY date")]
    assert dates == ["2026-01-31", "2026-02-28", "2026-12-31"]


def test_a_bare_month_number_takes_the_year_the_file_names(db, tmp_path):
    rows = [["Bogføringsperiode", "Konto", "Beløb"], [3, "5.38.50", 500], [2, "5.38.50", 250]]
    res = import_file(db, write_xlsx(tmp_path / "udtræk_2027.xlsx", {"Posteringer": rows}))
    assert (res["imported"], res["rejected"]) == (2, [])
    assert [r[0] for r in db.execute("SELECT date FROM postings ORDER BY date")] == ["2027-02-28", "2027-03-31"]


def test_a_bare_month_number_without_any_year_is_rejected_and_nothing_is_stored(db, tmp_path):
    rows = [["Periode", "Konto", "Beløb"], [3, "5.38.50", 500]]
    before = content(db)
    res = import_file(db, write_xlsx(tmp_path / "udtræk.xlsx", {"Posteringer": rows}))
    assert res["imported"] == 0
    assert len(res["rejected"]) == 1 and "intet år" in res["rejected"][0]["reason"]
    assert content(db) == before
