"""Readers and the table finder on real files: xlsx, ods, csv in several encodings and delimiters."""

from __future__ import annotations

import datetime as dt

import pytest

from core.importing.readers import ReadError, read_file, sniff_delimiter
from core.importing.table import NoTableError, build_table
from tests.import_files import GRANT_HEADER, grants_sheet, write_csv, write_ods, write_xlsx

POSTINGS = [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"],
            ["03-01-2026", "5.32.33", "4.0", "44.792,03", "2006580648", "Bostøtte, januar", "100000"],
            ["04-01-2026", "5.38.50", "4.0", "-1.000,00", "", "Æblegården ølstue", "100001"]]


def test_xlsx_finds_header_under_title_rows_and_skips_totals(tmp_path):
    path = write_xlsx(tmp_path / "g.xlsx", {"Dispo": grants_sheet(), "Opslag": [["a", "b"], [1, 2]]},
                      hidden=("Opslag",), merged={"Dispo": ["A1:I1"]})
    sheets = read_file(path)
    assert [(s.name, s.hidden) for s in sheets] == [("Dispo", False), ("Opslag", True)]
    table = build_table(sheets[0])
    assert table.headers == GRANT_HEADER
    assert table.header_row == 4
    # data rows keep their row numbers in the sheet: 5, 6, 8 and the repeated row 10
    assert [r for r, _ in table.rows] == [5, 6, 8, 10]
    assert table.totals == [(7, "I alt § 85"), (9, "Total")]
    assert table.title == ["Dispositionsregnskab 2026 - Testkommune", "Opdateret 1. marts 2026"]
    assert table.rows[0][1][7] == dt.date(2024, 1, 15)


def test_xlsx_two_row_merged_header(tmp_path):
    rows = [["Bevillinger"], [],
            ["Borger", "", "Bevilling", "", "Periode", ""],
            ["CPR-nr.", "Navn", "Paragraf", "Takst", "Start", "Slut"],
            ["010190-1234", "Anna", "§ 85", 500, "01-01-2026", ""]]
    path = write_xlsx(tmp_path / "two.xlsx", {"Ark1": rows}, merged={"Ark1": ["A3:B3", "C3:D3", "E3:F3"]})
    table = build_table(read_file(path)[0])
    assert table.headers == ["Borger CPR-nr.", "Borger Navn", "Bevilling Paragraf", "Bevilling Takst",
                             "Periode Start", "Periode Slut"]
    assert [r for r, _ in table.rows] == [5]


def test_second_header_row_of_units(tmp_path):
    rows = [["CPR-nr.", "Takst", "Start"], ["", "(kr.)", "dd-mm-åååå"], ["010190-1234", 500, "01-01-2026"]]
    table = build_table(read_file(write_xlsx(tmp_path / "u.xlsx", {"A": rows}))[0])
    assert table.headers == ["CPR-nr.", "Takst (kr.)", "Start dd-mm-åååå"]
    assert [r for r, _ in table.rows] == [3]


def test_ods_is_read(tmp_path):
    path = write_ods(tmp_path / "g.ods", {"Bevillinger": [["Liste"], GRANT_HEADER,
                                                          ["010190-1234", "Anna", "§ 85", "Bostøtten", 512.5,
                                                           "pr. time/uge", 7, dt.date(2024, 1, 15), ""]]})
    sheets = read_file(path)
    table = build_table(sheets[0])
    assert sheets[0].name == "Bevillinger"
    assert table.headers == GRANT_HEADER
    assert table.rows[0][0] == 3
    assert table.rows[0][1][4] == 512.5
    assert table.rows[0][1][7] in (dt.date(2024, 1, 15), dt.datetime(2024, 1, 15))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "p.csv", POSTINGS, delimiter=delimiter, encoding=encoding)
    (sheet,) = read_file(path)
    assert sheet.rows[0] == POSTINGS[0]
    assert sheet.rows[2][5] == "Æblegården ølstue"
    assert sheet.rows[1][3] == "44.792,03"


def test_sniffer_ignores_commas_inside_quotes():
    text = 'Dato;Beløb;Tekst\n01-01-2026;"1.234,50";"a, b"\n02-01-2026;"10,00";"c, d"\n'
    assert sniff_delimiter(text) == ";"


@pytest.mark.parametrize("content,suffix", [(b"", ".xlsx"), (b"\x00\x01garbage\xff" * 50, ".xlsx"),
                                            (b"PK\x03\x04broken zip", ".xlsx"), (b"   \n", ".csv")])
def test_unreadable_files_give_a_danish_error(tmp_path, content, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(ReadError) as ex:
        read_file(path)
    assert path.name in str(ex.value)


def test_a_sheet_without_headers_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", {"Tal": [[1, 2, 3], [4, 5, 6]]})
    with pytest.raises(NoTableError) as ex:
        build_table(read_file(path)[0])
    assert "overskriftsrække" in str(ex.value)
