"""``dispo report``: files written, masking, and clear Danish errors."""

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.reports.xlsx_check import full_cprs_in


def test_quarterly_to_xlsx_with_masked_cpr(small_db, db_path, tmp_path):
    out = tmp_path / "kvartal.xlsx"
    r = run_cli("report", "quarterly", "--year", "2026", "--month", "9", "--out", out, "--mask-cpr", db=db_path)
    assert r.returncode == 0, r.stderr
    assert "30-09-2026" in r.stdout and str(out) in r.stdout
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "Kvartalsoversigt 2026"
    assert full_cprs_in(out) == []


@pytest.mark.parametrize("args, words", [
    (["--month", "13", "--out", "x.xlsx"], "Måned skal være 1-12"),
    (["--as-of", "31-10-2025", "--out", "x.xlsx"], "ligger ikke i 2026"),
    (["--month", "3", "--out", "x.csv"], ".xlsx eller .pdf"),
    (["--month", "3", "--out", "mangler/x.xlsx"], "findes ikke"),
])
def test_bad_input_is_a_danish_error(small_db, db_path, tmp_path, args, words):
    args = [str(tmp_path / a) if a.endswith((".xlsx", ".csv")) else a for a in args]
    r = run_cli("report", "quarterly", "--year", "2026", *args, db=db_path)
    assert r.returncode == 1
    assert r.stderr.startswith("Fejl:") and words in r.stderr and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("*.xlsx"))


def test_month_and_as_of_together_is_a_usage_error(db_path, tmp_path):
    r = run_cli("report", "quarterly", "--year", "2026", "--month", "3", "--as-of", "31-03-2026",
                "--out", tmp_path / "x.xlsx", db=db_path)
    assert r.returncode == 2


def test_help_describes_the_command(db_path):
    r = run_cli("report", "--help", db=db_path)
    assert r.returncode == 0 and "Excel" in r.stdout and "--mask-cpr" in r.stdout


@pytest.mark.parametrize("kind, sheets", [("validation", ["Oversigt", "Fund"]),
                                          ("monthly", ["Oversigt", "Borgere", "Afstemning"])])
def test_other_reports_from_the_command_line(small_db, db_path, tmp_path, kind, sheets):
    out = tmp_path / f"{kind}.xlsx"
    r = run_cli("report", kind, "--year", "2026", "--as-of", "31-10-2026", "--out", out, "--mask-cpr", db=db_path)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:len(sheets)] == sheets
    assert full_cprs_in(out) == []
