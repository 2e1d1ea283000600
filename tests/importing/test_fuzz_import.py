"""The importers fed malformed files through the CLI: random bytes named like spreadsheets,
truncated zips, empty files, huge cells, formulas, error cells, dates out of range, every
column type swapped, and a very long file. Always: no bug, a clear Danish message when
refused, and the database unchanged unless rows were really imported. Also arbitrary
cell contents through core's import directly: every row imported or rejected with a reason.
"""

import csv
import datetime as dt
import io
import json
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.errors import DispoError
from core.importing.batches import commit, prepare
from core.store.storage import open_db
from tests.dbcontent import content
from tests.fuzzing import (BIG_ROWS, FUZZ, POSTINGS_HEADER, assert_clear_refusal, assert_no_bug, postings_rows,
                           run_cli)
from tests.import_files import GRANT_HEADER, write_xlsx

SPREADSHEET_SUFFIXES = [".xlsx", ".xlsm", ".xls", ".ods", ".csv"]
GRANTS_HEADER = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Start", "Slut", "Konto"]


@pytest.fixture
def fresh(tmp_path_factory, _demo_template):
    """A new copy of the demo for each example: returns (database path, a folder for input files)."""

    def make():
        folder = tmp_path_factory.mktemp("case")
        path = folder / "kommune.sqlite"
        shutil.copy(_demo_template, path)
        return path, folder

    return make


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


VALID_XLSX = _xlsx([POSTINGS_HEADER, ["03-01-2026", 1, "5.38.50", "4.0", "1.234,50", "0101801234", "Tekst", 1]])


def garbage():
    return st.one_of(
        st.binary(max_size=4000),
        st.just(b""),
        st.integers(1, len(VALID_XLSX) - 1).map(lambda n: VALID_XLSX[:n]),  # truncated zip
        st.binary(min_size=1, max_size=500).map(lambda b: b"PK\x03\x04" + b),  # a zip header, then junk
        st.binary(min_size=1, max_size=500).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),  # old .xls
    )


@FUZZ
@given(data=garbage(), suffix=st.sampled_from(SPREADSHEET_SUFFIXES),
       kind=st.sampled_from([None, "grants", "postings", "budget", "occupancy", "vum"]))
def test_garbage_files_are_refused_and_change_nothing(fresh, data, suffix, kind):
    db_path, folder = fresh()
    source = folder / f"udtraek{suffix}"
    source.write_bytes(data)
    before = content(db_path)
    args = ["--db", db_path, "import", source] + (["--kind", kind] if kind else [])
    code, _, err = run_cli(*args)
    assert_no_bug(code, err)
    if code != 0:
        assert_clear_refusal(code, err)
    assert content(db_path) == before


# What a cell of a municipality's spreadsheet can hold
WEIRD_CELLS = st.one_of(
    st.none(), st.integers(-10 ** 15, 10 ** 15), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30), st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["#REF!", "#VALUE!", "#N/A", "#DIV/0!", "=A1+1", "=SUM(E2:E9)", "=1/0", "x" * 32767,
                     "31-02-2026", "00-00-0000", "1. marts 2026", "løbende", "kr. 2.345,50", "-", "  ", "§ 108",
                     "SEL § 85", "010180-1234", "0101801234", "101801234", "5.38.50", "538501", "4.0",
                     "time (7 t/uge)", "Hansen, Anna"]),
)


def _write(rows: list[list], path) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows(["" if v is None else v for v in row] for row in rows)
    else:
        path.write_bytes(_xlsx(rows))


@FUZZ
@given(header=st.sampled_from([POSTINGS_HEADER, GRANTS_HEADER]),
       cells=st.lists(st.lists(WEIRD_CELLS, min_size=1, max_size=10), min_size=0, max_size=25),
       suffix=st.sampled_from([".xlsx", ".csv"]), title_rows=st.integers(0, 3), dry_run=st.booleans())
def test_malformed_sheets_are_imported_in_part_or_refused_never_a_bug(fresh, header, cells, suffix, title_rows,
                                                                     dry_run):
    db_path, folder = fresh()
    source = folder / f"ark{suffix}"
    _write([["Udtræk fra økonomisystemet"]] * title_rows + [header] + cells, source)
    before = content(db_path)
    code, out, err = run_cli("--db", db_path, "import", source, "--json", *(["--dry-run"] if dry_run else []))
    assert_no_bug(code, err)
    if code != 0 or dry_run:
        assert content(db_path) == before
    if code == 0:
        result = json.loads(out)
        assert {"rows_read", "imported", "rejected"} <= set(result)
        for problem in result["rejected"]:
            assert {"sheet", "row", "column", "value", "reason"} <= set(problem) and problem["reason"]
    else:
        assert_clear_refusal(code, err)


@FUZZ
@given(seed=st.integers(0, 10 ** 6), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_every_column_type_swapped_is_refused_or_rejected_row_by_row(fresh, seed, suffix):
    rng = random.Random(seed)
    rows = list(postings_rows(20, rng))
    order = list(range(len(POSTINGS_HEADER)))
    while order == sorted(order):
        rng.shuffle(order)
    swapped = [[row[i] for i in order] for row in rows]  # headers stay, the values move to other columns
    db_path, folder = fresh()
    source = folder / f"byttet{suffix}"
    _write([POSTINGS_HEADER] + swapped, source)
    before = content(db_path)
    code, out, err = run_cli("--db", db_path, "import", source, "--kind", "postings", "--json")
    assert_no_bug(code, err)
    if code != 0:
        assert_clear_refusal(code, err)
        assert content(db_path) == before


def test_dates_out_of_range_and_error_cells_in_a_real_xlsx(fresh):
    db_path, folder = fresh()
    wb = Workbook()
    ws = wb.active
    ws.append(POSTINGS_HEADER)
    for serial in (-1, 0, 2958466, 10 ** 9):  # before 1900, Excel's day 0, after 9999-12-31, absurd
        ws.append([serial, 1, "5.38.50", "4.0", "#REF!", "0101801234", "=1/0", "#N/A"])
        ws.cell(ws.max_row, 1).number_format = "DD-MM-YYYY"
    source = folder / "fejl.xlsx"
    wb.save(source)
    before = content(db_path)
    code, _, err = run_cli("--db", db_path, "import", source, "--kind", "postings", "--json")
    assert_no_bug(code, err)
    if code != 0:
        assert content(db_path) == before


@pytest.mark.parametrize("text", ["", "\n\n\n", ";;;;\n;;;;\n", "Bogf.dato;Beløb\n"])
def test_empty_and_header_only_files_are_refused(fresh, text):
    db_path, folder = fresh()
    source = folder / "tom.csv"
    source.write_text(text, encoding="utf-8")
    before = content(db_path)
    code, _, err = run_cli("--db", db_path, "import", source)
    assert_clear_refusal(code, err)
    assert content(db_path) == before


def test_a_very_long_file_with_bad_rows_is_read_without_a_bug(fresh):
    """BIG_ROWS lines (1,000,000 with DISPO_FUZZ_LONG=1), every 997th one broken, as a dry run."""
    db_path, folder = fresh()
    source = folder / "stor.csv"
    rng = random.Random(5)
    with source.open("w", encoding="utf-8", newline="") as fh:
        fh.write(";".join(POSTINGS_HEADER) + "\n")
        for i, row in enumerate(postings_rows(BIG_ROWS, rng)):
            if i % 997 == 0:
                row[4] = "#REF!"
            fh.write(";".join(str(v) for v in row) + "\n")
    before = content(db_path)
    code, out, err = run_cli("--db", db_path, "import", source, "--kind", "postings", "--dry-run", "--json")
    assert_no_bug(code, err)
    assert content(db_path) == before
    if code == 0:
        result = json.loads(out)
        assert result["rows_read"] == BIG_ROWS
        assert len(result["rejected"]) >= BIG_ROWS // 997


@pytest.mark.parametrize("batch", ["999999", "-1", "abc", "0", "1.5"])
def test_undo_of_a_batch_that_does_not_exist_changes_nothing(fresh, batch):
    db_path, _ = fresh()
    before = content(db_path)
    code, _, err = run_cli("--db", db_path, "undo", batch)
    assert_no_bug(code, err)
    assert code in (1, 2)
    assert content(db_path) == before


# --------------------------------------------------------- core directly, any cells

POSTING_HEADER = ["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"]
BUDGET_HEADER = ["Konto", "Paragraf", "Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul"]
OCCUPANCY_HEADER = ["Navn", "CPR", "Indflyttet", "Fraflyttet", "Betalingskommune", "Døgntakst", "VUM", "Note"]
HEADERS = {"grants": GRANT_HEADER, "postings": POSTING_HEADER, "budget": BUDGET_HEADER,
           "occupancy": OCCUPANCY_HEADER}

ANY_CELLS = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.dates(dt.date(1950, 1, 1), dt.date(2080, 1, 1)),
    st.sampled_from(["løbende", "§ 85", "SEL §108", "pr. time/uge", "dag (4 dg/uge)", "5.38.50", "53850002",
                     "1.234,50", "0101901234", "x", "I alt", "Total:", "=SUM(A1)", "kr. 12", "31-02-2026"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(HEADERS)), st.lists(st.lists(ANY_CELLS, min_size=9, max_size=9), min_size=1, max_size=6))
def test_any_cells_are_imported_or_rejected(kind, rows):
    header = HEADERS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        title = [["Liste 2026 - Botilbuddet Engen"], ["Normerede pladser: 4"]]
        path = write_xlsx(folder / "f.xlsx", {"Ark": title + [header] + [r[:len(header)] for r in rows]})
        db = open_db(folder / "d.sqlite")
        try:
            try:
                plan = prepare(db, path, kind)
            except DispoError:
                return
            for rec in plan.records:
                assert rec.status != "rejected" or rec.problems and all(p["reason"] for p in rec.problems)
            try:
                res = commit(db, plan)
            except DispoError:
                return
            assert res["imported"] + res["unchanged"] + res["updated"] <= len(plan.records)
        finally:
            db.close()
