"""Reading any file safely: a workbook that makes the reader allocate without bound, hang or crash
is refused while Dispo goes on; password-protected files, sheets a workbook lists but lacks, and
files whose extension lies are each told or read for what they are."""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile

import pytest

from core.importing import sandbox
from core.importing.batches import sheet_tables
from core.importing.readers import ReadError, read_file
from core.importing.table import build_table
from tests.cfb_files import write_encrypted_ooxml, write_xls
from tests.conftest import run_cli
from tests.dbcontent import content
from tests.import_files import GRANT_HEADER, GRANT_ROWS, write_csv, write_ods, write_xlsx

POSIX = os.name == "posix"


def _assert_unreadable(ex, name: str) -> None:
    text = str(ex.value)
    assert f"'{name}'" in text and "kan ikke læses" in text and "gem den igen" in text


@pytest.mark.skipif(not POSIX, reason="the memory limit (RLIMIT_AS) is POSIX only; Windows has the time limit")
def test_an_xls_whose_directory_chain_loops_is_refused_and_dispo_goes_on(tmp_path):
    # the directory's FAT entry points at itself: the reader appends the same sector for ever and
    # asks for ever larger blocks (4 GiB, 8 GiB ...) until the allocation aborts the process
    path = write_xls(tmp_path / "loop.xls")
    data = bytearray(path.read_bytes())
    fat, directory_sector = 512, 1
    data[fat + 4 * directory_sector:fat + 4 * directory_sector + 4] = directory_sector.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as ex:
        read_file(path)
    _assert_unreadable(ex, "loop.xls")
    assert "hukommelse" in str(ex.value)
    # this process is still here, and reads the next file as ever
    assert read_file(write_xls(tmp_path / "ok.xls"))[0].rows == [["Navn", 42.0]]


@pytest.mark.skipif(not POSIX, reason="the memory limit (RLIMIT_AS) is POSIX only")
def test_a_reader_that_allocates_without_bound_hits_the_memory_limit(tmp_path):
    path = write_xls(tmp_path / "a.xls")
    with pytest.raises(sandbox.ReaderFailed) as ex:
        sandbox.read_workbook(path, by_content=False, memory=512 * 1024 ** 2, misbehave="allocate")
    _assert_unreadable(ex, "a.xls")


def test_a_reader_that_hangs_is_stopped_after_the_time_limit(tmp_path):
    path = write_xls(tmp_path / "h.xls")
    with pytest.raises(sandbox.ReaderFailed) as ex:
        sandbox.read_workbook(path, by_content=False, seconds=1.5, misbehave="hang")
    _assert_unreadable(ex, "h.xls")
    assert "over 2 sekunder" in str(ex.value)


def test_a_reader_that_crashes_is_refused(tmp_path):
    path = write_xls(tmp_path / "c.xls")
    with pytest.raises(sandbox.ReaderFailed) as ex:
        sandbox.read_workbook(path, by_content=False, misbehave="crash")
    _assert_unreadable(ex, "c.xls")


def test_limits_grow_with_the_file_but_stay_bounded():
    mib = 1024 ** 2
    assert sandbox.memory_limit(0) == 2 * 1024 ** 3
    assert sandbox.memory_limit(2 * mib) == 2 * 1024 ** 3 + 200 * 2 * mib  # 2 GiB + 200 bytes per byte
    assert sandbox.memory_limit(10 ** 9) == 8 * 1024 ** 3
    assert sandbox.time_limit(2 * mib) == 60 + 15 * 2


def test_the_cli_refuses_a_damaged_workbook_with_exit_1_and_an_unchanged_database(tmp_path):
    db = tmp_path / "d.sqlite"
    good = write_xlsx(tmp_path / "g.xlsx", {"Ark": [GRANT_HEADER] + GRANT_ROWS})
    assert run_cli("import", good, "--json", db=db).returncode == 0
    before = content(db)
    bad = write_xls(tmp_path / "bad.xls")
    data = bytearray(bad.read_bytes())
    data[512 + 4:512 + 8] = (1).to_bytes(4, "little")  # the directory chain loops
    bad.write_bytes(bytes(data))
    r = run_cli("import", bad, db=db)
    assert r.returncode == 1 and r.stderr.startswith("Fejl: ") and "'bad.xls' kan ikke læses" in r.stderr
    assert "Traceback" not in r.stderr and "memory allocation" not in r.stderr
    assert content(db) == before


# --------------------------------------------------------------------------- password-protected files

def _encrypted_ods(path):
    """An ods whose content is encrypted, as LibreOffice's 'Gem med adgangskode' writes it: the
    manifest gives each encrypted part its encryption data."""
    write_ods(path, {"Ark1": [["a", "b"], [1, 2]]})
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="1234">'
        '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
        'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="AAAA"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>')
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["META-INF/manifest.xml"] = manifest.encode()
    parts["content.xml"] = os.urandom(300)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("make", [lambda p: write_xls(p.with_suffix(".xls"), password=True),
                                  lambda p: write_encrypted_ooxml(p.with_suffix(".xlsx")),
                                  lambda p: _encrypted_ods(p.with_suffix(".ods"))],
                         ids=["xls-filepass", "xlsx-encrypted-package", "ods-encryption-data"])
def test_password_protected_files_say_so_and_how_to_save_without(tmp_path, make):
    path = make(tmp_path / "hemmelig")
    with pytest.raises(ReadError) as ex:
        read_file(path)
    text = str(ex.value)
    assert f"Filen '{path.name}' er beskyttet med en adgangskode" in text
    assert "Gem som" in text and "uden" in text
    assert "beskadiget" not in text


def test_a_real_encrypted_xlsx_is_recognised_when_msoffcrypto_is_installed(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    import io

    plain = write_xlsx(tmp_path / "plain.xlsx", {"Ark": [["a", "b"], [1, 2]]})
    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt("hemmelig", out)
    path = tmp_path / "krypteret.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(ReadError, match="beskyttet med en adgangskode"):
        read_file(path)


# --------------------------------------------------------------------------- sheets listed but absent

def _without_part(src, dst, part):
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for name in z.namelist():
            if name != part:
                out.writestr(name, z.read(name))
    return dst


def test_a_sheet_the_workbook_lists_but_lacks_is_named_and_the_others_are_read(tmp_path):
    full = write_xlsx(tmp_path / "full.xlsx", {"Bevillinger": [GRANT_HEADER] + GRANT_ROWS,
                                                "Tabelle1": [["a", "b"], [1, 2]]})
    path = _without_part(full, tmp_path / "halv.xlsx", "xl/worksheets/sheet2.xml")
    tables, hidden, notes = sheet_tables(path)
    assert [t.sheet for t in tables] == ["Bevillinger"] and len(tables[0].rows) == len(GRANT_ROWS)
    assert notes == ["Arket 'Tabelle1' står i indholdsfortegnelsen i projektmappen, men selve arket mangler i "
                     "filen (den er ufuldstændig eller beskadiget). Åbn den i Excel eller LibreOffice, og gem den "
                     "igen; importér så den nye fil."]
    with pytest.raises(ReadError, match="Arket 'Tabelle1' står i indholdsfortegnelsen i 'halv.xlsx'"):
        read_file(path, ["Tabelle1"])


def test_a_workbook_without_any_of_its_sheets_is_refused_with_their_names(tmp_path):
    full = write_xlsx(tmp_path / "full.xlsx", {"Tabelle1": [["a", "b"], [1, 2]]})
    path = _without_part(full, tmp_path / "tom.xlsx", "xl/worksheets/sheet1.xml")
    with pytest.raises(ReadError) as ex:
        read_file(path)
    assert str(ex.value).startswith("Arket 'Tabelle1' står i indholdsfortegnelsen i 'tom.xlsx', men selve arket "
                                    "mangler i filen")


# --------------------------------------------------------------------------- extensions that lie

def test_files_are_read_by_their_content_whatever_their_extension(tmp_path):
    xls = write_xls(tmp_path / "a.xls")
    ods = write_ods(tmp_path / "b.ods", {"Ark1": [["Navn", "Tal"], ["Anna", 42]]})
    xlsx = write_xlsx(tmp_path / "c.xlsx", {"Ark1": [["Navn", "Tal"], ["Anna", 42]]})
    csv = write_csv(tmp_path / "d.csv", [["Navn", "Tal"], ["Anna", "42"]])
    cases = {"xls-som.xlsx": (xls, [["Navn", 42.0]]), "ods-som.xlsx": (ods, [["Navn", "Tal"], ["Anna", 42.0]]),
             "xlsx-som.xls": (xlsx, [["Navn", "Tal"], ["Anna", 42]]), "csv-som.xlsx": (csv, [["Navn", "Tal"],
                                                                                           ["Anna", "42"]]),
             "xlsx-som.ods": (xlsx, [["Navn", "Tal"], ["Anna", 42]])}
    for name, (src, rows) in cases.items():
        path = shutil.copy(src, tmp_path / name)
        (sheet,) = read_file(path)
        assert sheet.rows == rows, name


def test_a_web_page_saved_as_xls_is_told_as_such(tmp_path):
    path = tmp_path / "udtraek.xls"
    path.write_text("<html><body><table><tr><td>CPR</td><td>Beløb</td></tr></table></body></html>",
                    encoding="utf-8")
    with pytest.raises(ReadError, match=r"'udtraek.xls' er en webside \(HTML\).*gem den som .xlsx"):
        read_file(path)


def test_a_pdf_saved_as_xlsx_is_told_as_such(tmp_path):
    path = tmp_path / "udtraek.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(ReadError, match="'udtraek.xlsx' er en PDF-fil, ikke et regneark"):
        read_file(path)


def test_a_zip_that_is_no_spreadsheet_is_refused(tmp_path):
    path = tmp_path / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hej")
    with pytest.raises(ReadError, match="'arkiv.xlsx' er en zip-fil, men ikke et regneark"):
        read_file(path)


def test_a_table_read_through_the_child_keeps_dates_numbers_and_merges(tmp_path):
    import datetime as dt

    rows = [["Bevillinger 2026"], GRANT_HEADER] + GRANT_ROWS
    path = write_xlsx(tmp_path / "g.xlsx", {"Ark": rows}, merged={"Ark": ["A1:C1"]})
    (sheet,) = read_file(path)
    assert sheet.merged == [((0, 0), (0, 2))]
    table = build_table(sheet)
    assert table.headers == GRANT_HEADER
    assert any(isinstance(v, (dt.date, dt.datetime)) for _, cells in table.rows for v in cells)


# --------------------------------------------------------------------------- csv progress

def test_csv_reading_reports_rows_read_of_the_total_until_done(tmp_path, monkeypatch):
    from core.importing import readers

    monkeypatch.setattr(readers, "PROGRESS_ROWS", 1000)
    rows = [["Dato", "Beløb"]] + [[f"{1 + i % 28:02d}-01-2026", f"{i},00"] for i in range(4499)]
    path = write_csv(tmp_path / "p.csv", rows)
    calls = []
    read_file(path, progress=lambda done, total: calls.append((done, total)))
    # 4,500 lines in chunks of 1,000: 1000, 2000, 3000, 4000, 4500
    assert calls == [(1000, 4500), (2000, 4500), (3000, 4500), (4000, 4500), (4500, 4500)]


def test_csv_progress_ends_on_the_true_number_of_rows(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('Tekst;Beløb\n"to\nlinjer";1\nen;2\n', encoding="utf-8")
    calls = []
    (sheet,) = read_file(path, progress=lambda done, total: calls.append((done, total)))
    # four line breaks, but one is inside quotes: 3 rows
    assert calls == [(3, 4), (3, 3)] and len(sheet.rows) == 3


def test_the_child_is_started_with_this_interpreter(tmp_path):
    # the child must find python-calamine where this process found it (same venv)
    assert sandbox.CHILD.is_file() and sys.executable
    assert json.dumps(sandbox.read_workbook(write_xls(tmp_path / "x.xls"), by_content=False)) == \
        '[["Ark1", [["Navn", 42.0]], false, [], false]]'


# --------------------------------------------------------------------------- header finding on wide sheets

def _wide_csv(path, columns=9074, rows=30):
    """A 9,074-column sheet of texts and numbers (under 2 MB), many cells close to header words."""
    import random

    rng = random.Random(13)
    words = ["beløb", "konto", "tekst", "navn", "dato", "takst", "enhed", "bemærkning", "Bogf.dato", "CPR-nr", "x"]
    lines = [";".join(f"{rng.choice(words)}{rng.randint(0, 99)}" if rng.random() < 0.7 else str(rng.randint(0, 9999))
                      for _ in range(columns)) for _ in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_finding_the_header_of_a_9074_column_sheet_is_capped_and_fast(tmp_path):
    import time

    from core.importing import table as table_module

    path = _wide_csv(tmp_path / "bred.csv")
    assert path.stat().st_size < 2 * 1024 ** 2
    (sheet,) = read_file(path)
    table_module._word_score.cache_clear()
    table_module._text_header_word_score.cache_clear()
    start = time.perf_counter()
    table_module.find_header_row(sheet)
    elapsed = time.perf_counter() - start
    # at most the first HEADER_SCAN_COLUMNS (300) cells of each of the 30 rows are weighed, each
    # spelling once (two spellings at most): 30 * 300 * 2 = 18,000 of the sheet's 272,220 cells
    assert table_module._word_score.cache_info().misses <= 30 * 300 * 2
    assert elapsed < 1.0  # about 0.1 s on a loaded two-core machine; 7.9 s before the cap


def test_a_wide_sheet_of_nothing_known_is_refused_in_seconds_not_minutes(tmp_path, db):
    import time

    from core.errors import DispoError
    from core.importing.batches import prepare

    path = _wide_csv(tmp_path / "bred.csv", columns=3000)
    start = time.perf_counter()
    try:
        plan = prepare(db, path)
    except DispoError:
        pass
    else:  # junk that happens to look like bookings: every row rejected, nothing taken in
        assert plan.counts().get("new", 0) == 0 and plan.counts()["rejected"] == len(plan.records)
    # every column weighed against every field of every kind took minutes (500 s for 9,074 columns)
    assert time.perf_counter() - start < 10


def test_a_header_left_in_a_wide_sheet_is_still_found(tmp_path):
    header = ["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst"] + [f"Felt {i}" for i in range(2000)]
    row = ["03-01-2026", "5.32.33", "4.0", "44.792,03", "2006580648", "a"] + ["" for _ in range(2000)]
    path = write_csv(tmp_path / "p.csv", [["Bogføring 2026"], header, row])
    table = build_table(read_file(path)[0])
    assert table.header_row == 2 and table.headers[:4] == ["Bogf.dato", "Funktion", "Art", "Beløb"]
