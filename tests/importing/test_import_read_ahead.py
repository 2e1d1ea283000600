"""A workbook read ahead (the command line starts reading it while Dispo loads): the read proper takes
the child's answer only for the same, unchanged file read the same way; anything else reads as usual."""

from __future__ import annotations

import json
import os

import pytest
from openpyxl import Workbook

from core.cli import _read_ahead
from core.importing import sandbox
from core.importing.readers import read_ahead, read_file
from tests.conftest import run_cli


def _workbook(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Bogføring"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


BOOKINGS = [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Posteringstekst"],
            ["05-01-2026", "5.38.50", "4.0", "1.234,50", "0101801234", "Betaling januar"],
            ["05-02-2026", "5.38.50", "4.0", "-100,00", "0101801234", "Betaling februar"]]


@pytest.fixture
def reads_ahead_stopped():
    """Reads ahead left by a test are stopped after it (as when Dispo ends)."""
    yield
    sandbox._stop_reads_ahead()
    assert not sandbox._AHEAD


def test_a_read_ahead_is_taken_by_the_read_of_the_same_file(tmp_path, reads_ahead_stopped):
    path = _workbook(tmp_path / "b.xlsx", BOOKINGS)
    want = read_file(path)
    read_ahead(path)
    assert len(sandbox._AHEAD) == 1
    got = read_file(path)
    assert not sandbox._AHEAD  # taken, not read again
    assert [(s.name, s.rows) for s in got] == [(s.name, s.rows) for s in want]


def test_a_file_changed_after_its_read_ahead_is_read_anew(tmp_path, reads_ahead_stopped):
    path = _workbook(tmp_path / "b.xlsx", BOOKINGS)
    read_ahead(path)
    _workbook(path, BOOKINGS[:2] + [["05-03-2026", "5.38.50", "4.0", "7,00", "0101801234", "Betaling marts"]])
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10**9))
    assert read_file(path)[0].rows[-1][3] == "7,00"  # the new content, not what was read ahead


def test_a_read_of_one_sheet_does_not_take_the_read_ahead_of_all(tmp_path, reads_ahead_stopped):
    path = _workbook(tmp_path / "b.xlsx", BOOKINGS)
    read_ahead(path)
    assert read_file(path, ["Bogføring"])[0].rows == BOOKINGS
    assert len(sandbox._AHEAD) == 1  # left; stopped when Dispo ends


def test_csv_files_and_unreadable_files_are_not_read_ahead(tmp_path):
    csv_file = tmp_path / "b.csv"
    csv_file.write_text("a;b\n1;2\n", encoding="utf-8")
    pdf = tmp_path / "b.xlsx"
    pdf.write_bytes(b"%PDF-1.4 not a workbook")
    read_ahead(csv_file)
    read_ahead(pdf)
    read_ahead(tmp_path / "missing.xlsx")
    assert not sandbox._AHEAD


def test_the_command_line_reads_ahead_only_the_one_file_an_import_names(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "b.xlsx", BOOKINGS)
    other = _workbook(tmp_path / "old-errors.xlsx", BOOKINGS[:1])
    started = []
    monkeypatch.setattr("core.importing.readers.read_ahead", lambda p: started.append(p))
    _read_ahead(["--db", str(tmp_path / "d.sqlite"), "import", str(path), "--kind", "postings"])
    _read_ahead(["--db", str(path), "grants"])  # another command
    _read_ahead(["import", str(path), "--sheet", "Bogføring"])  # one sheet: read as asked
    _read_ahead(["import", str(path), "--errors", str(other)])  # two files: which is read is not guessed
    assert started == [str(path)]


def test_an_import_of_a_workbook_from_the_command_line_books_its_rows(tmp_path):
    path = _workbook(tmp_path / "b.xlsx", BOOKINGS)
    r = run_cli("import", path, "--json", db=tmp_path / "d.sqlite")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["imported"] == 2
    r = run_cli("postings", "--json", db=tmp_path / "d.sqlite")
    assert sorted(p["amount"] for p in json.loads(r.stdout)) == [-100.0, 1234.5]
