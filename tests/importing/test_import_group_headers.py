"""Headers over two rows: group words above the header row, and sub-headers under it, with or
without merge information (xlsx keeps merged ranges; ods as read, csv and 'centre across
selection' do not). The two rows become one heading per column when together they name the
fields better than the first alone; a title above the table or a group heading under it is not
mistaken for a header row. Expected values are worked out from the rows written here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.importing.batches import import_file
from core.importing.matching import header_score
from core.importing.fields import KINDS
from core.importing.readers import read_file
from core.importing.table import build_table
from core.register.grants import list_grants
from tests.import_files import write_csv, write_ods, write_xlsx

D = dt.date
GRANT = ["0101901234", "Anna Hansen", "§ 108", "Engen", 2000.5, "døgn", D(2026, 3, 1), D(2026, 9, 30), D(2026, 6, 1)]


def _write(fmt: str, tmp_path, rows, merged=None):
    if fmt == "xlsx":
        return write_xlsx(tmp_path / "g.xlsx", {"Bevillinger": rows}, merged={"Bevillinger": merged or []})
    if fmt == "ods":
        return write_ods(tmp_path / "g.ods", {"Bevillinger": rows})
    return write_csv(tmp_path / "g.csv", [["" if v is None else v.strftime("%d-%m-%Y") if isinstance(v, dt.date)
                                           else str(v).replace(".", ",") if isinstance(v, float) else str(v)
                                           for v in r] for r in rows])


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_group_words_above_the_header_without_merge_information(db, tmp_path, fmt):
    # 'Beløb' alone is no grant's field, 'Fra'/'Til' under 'Bevilling' are its period, 'Dato' under
    # 'Opfølgning' its follow-up date: only the group row says so (no merged ranges in any format here)
    rows = [["Bevillinger 2026"], ["", "", "", "", "Takst", "", "Bevilling", "", "Opfølgning"],
            ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Beløb", "Enhed", "Fra", "Til", "Dato"], GRANT]
    res = import_file(db, _write(fmt, tmp_path, rows), "grants")
    assert res["rejected"] == [] and res["imported"] == 1
    assert {k: res["mapping"][k] for k in ("rate", "unit", "start", "end", "followup_date")} == {
        "rate": "Takst Beløb", "unit": "Takst Enhed", "start": "Bevilling Fra", "end": "Bevilling Til",
        "followup_date": "Opfølgning Dato"}
    [g] = list_grants(db)
    assert (g.section, g.unit, g.rates[0].rate, g.start, g.end, g.followup_date) == (
        "§ 108", "døgn", Decimal("2000.5"), D(2026, 3, 1), D(2026, 9, 30), D(2026, 6, 1))


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_sub_headers_under_a_header_without_blank_or_merged_cells(db, tmp_path, fmt):
    # every upper cell is filled: 'Borger' over 'CPR-nr.', 'Bevilling' over 'Til', 'Takst' over 'kr.'
    rows = [["Borger", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Start", "Bevilling"],
            ["CPR-nr.", "", "", "", "kr.", "", "", "Til"], GRANT[:8]]
    table = build_table(read_file(_write(fmt, tmp_path, rows))[0])
    assert table.headers == ["Borger CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst kr.", "Enhed", "Start",
                             "Bevilling Til"]
    assert [r for r, _ in table.rows] == [3]
    res = import_file(db, _write(fmt, tmp_path, rows), "grants")
    assert res["imported"] == 1 and res["mapping"]["end"] == "Bevilling Til"
    [g] = list_grants(db)
    assert (g.cpr, g.start, g.end) == ("010190-1234", D(2026, 3, 1), D(2026, 9, 30))


def test_a_group_word_spans_only_known_short_sub_headers(tmp_path):
    # 'Borger' over 'Personnummer', blank over 'Sagsnr': a case number is no part of the person
    rows = [["Borger", "", "", "Periode", ""], ["Personnummer", "Sagsnr", "Leverandør", "Fra", "Til"],
            ["0101901234", "40101", "Engen", "01-03-2026", "30-09-2026"]]
    table = build_table(read_file(_write("csv", tmp_path, rows))[0])
    assert table.headers == ["Borger Personnummer", "Sagsnr", "Leverandør", "Periode Fra", "Periode Til"]


@pytest.mark.parametrize("above", [["Eksempel Kommune", "", "", "Social og Sundhed"], ["Bevillinger 2026"],
                                   ["Borgeroplysninger", "", "Oplysninger om indsatsen", ""]])
def test_titles_above_the_header_stay_titles(tmp_path, above):
    # nothing the header does not already name: the row above is a title, not a group row
    rows = [above, ["CPR-nr.", "Navn", "Paragraf", "Startdato"], ["0101901234", "Anna", "§ 85", "01-03-2026"]]
    table = build_table(read_file(_write("csv", tmp_path, rows))[0])
    assert table.headers == ["CPR-nr.", "Navn", "Paragraf", "Startdato"]
    assert table.title == [" ".join(v for v in above if v)]


@pytest.mark.parametrize("header, field", [("Bevilget Til dato", "end"), ("Bevilget Fra dato", "start"),
                                           ("Borger Fornavn", "first_name"), ("Bevilling §", "section"),
                                           ("Bevilling Lev. navn", "provider"), ("Bevilling START_DATO", "start")])
def test_a_group_word_before_a_sub_header_names_the_sub_headers_field(header, field):
    grants = KINDS["grants"]
    scores = {f.name: header_score(f, header) for f in grants.fields}
    best = max(scores, key=scores.get)
    assert best == field and scores[field] >= 0.8, scores


# ---------------------------------------------------------------- merged cells in ods

def test_merged_cells_of_an_ods_header_are_read(tmp_path):
    # as LibreOffice writes them: a spanned cell, then covered cells; calamine itself reports none for ods
    rows = [["Bevillinger 2026"], [], ["Borger", "", "Periode", ""], ["CPR-nr.", "Navn", "Startdato", "Ophørsdato"],
            ["0101901234", "Anna", "01-03-2026", "30-09-2026"]]
    path = write_ods(tmp_path / "g.ods", {"Ark": rows, "Andet": [["A", "B"], ["x", "y"]]},
                     merged={"Ark": ["A1:D1", "A3:B3", "C3:D3"], "Andet": ["A1:B1"]})
    sheets = {s.name: s for s in read_file(path)}
    assert sorted(sheets["Ark"].merged) == [((0, 0), (0, 3)), ((2, 0), (2, 1)), ((2, 2), (2, 3))]
    assert sheets["Andet"].merged == [((0, 0), (0, 1))]
    # the merge says 'Periode' spans 'Ophørsdato' too (a long header no group word spreads over by itself)
    assert build_table(sheets["Ark"]).headers == ["Borger CPR-nr.", "Borger Navn", "Periode Startdato",
                                                  "Periode Ophørsdato"]


def test_an_ods_header_merged_down_over_two_rows(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Bevilling", ""],
            ["", "", "", "", "", "Fra", "Til"],
            ["0101901234", "Anna Hansen", "§ 108", "Engen", 2000.5, D(2026, 3, 1), D(2026, 9, 30)]]
    path = write_ods(tmp_path / "g.ods", {"Ark": rows}, merged={"Ark": ["A1:A2", "B1:B2", "F1:G1"]})
    res = import_file(db, path, "grants")
    assert (res["mapping"]["start"], res["mapping"]["end"], res["imported"]) == ("Bevilling Fra", "Bevilling Til", 1)
    [g] = list_grants(db)
    assert (g.start, g.end, g.rates[0].rate) == (D(2026, 3, 1), D(2026, 9, 30), Decimal("2000.5"))
