"""The one-folder build (PyInstaller), made once per test session and started offscreen:
its command line creates the demo, forecasts and writes a report as Dispo from source does,
and its window starts on a database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_cli

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """dist/Dispo, built by packaging/build.py (the same command the CI workflows run)."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install .[build]); "
                                              "packaging/bootstrap.py test installs it")
    where = tmp_path_factory.mktemp("build")
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--quiet",
                           "--dist", str(where / "dist"), "--work", str(where / "work")],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return where / "dist" / "Dispo"


def run_built(folder: Path, *args, db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(folder / f"dispo-cli{EXE}"), "--db", str(db), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


def _cells(path: Path) -> dict:
    book = load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book}


def test_the_build_holds_both_programs_the_shipped_files_and_the_licences(built):
    assert (built / f"Dispo{EXE}").is_file() and (built / f"dispo-cli{EXE}").is_file()
    bundled = built / "_internal" / "resources"
    shipped = [p.relative_to(ROOT / "resources") for p in (ROOT / "resources").rglob("*") if p.is_file()]
    assert {Path("catalogue.json"), Path("vum.json"), Path("dispo.ico")} <= set(shipped)
    for name in shipped:  # catalogue, VUM, icons, and the user guide (help/) when there is one
        assert (bundled / name).read_bytes() == (ROOT / "resources" / name).read_bytes(), name
    names = {row["name"].lower() for row in json.loads((bundled / "licences.json").read_text(encoding="utf-8"))}
    assert {"pyside6_essentials", "openpyxl", "sqlite-utils"} <= names and "pyinstaller" not in names


def test_the_built_command_line_makes_the_demo_forecasts_and_writes_a_report(built, tmp_path):
    frozen_db, source_db = tmp_path / "frozen.sqlite", tmp_path / "source.sqlite"
    made = run_built(built, "demo", db=frozen_db)
    assert made.returncode == 0, made.stderr
    assert "Eksempel Kommune" in made.stdout
    assert run_cli("demo", db=source_db).returncode == 0  # the demo is deterministic

    forecast = run_built(built, "forecast", "--year", "2026", "--as-of", "30-09-2026", "--by", "section",
                         "--json", db=frozen_db)
    assert forecast.returncode == 0, forecast.stderr
    rows = json.loads(forecast.stdout)["rows"]
    assert len(rows) > 3
    for row in rows:  # expected outturn = computed to date + committed rest (DOMAIN.md)
        assert round(row["computed_to_date"] + row["committed_rest"], 2) == row["expected_outturn"]
    from_source = run_cli("forecast", "--year", "2026", "--as-of", "30-09-2026", "--by", "section", "--json",
                          db=source_db)
    assert json.loads(from_source.stdout) == json.loads(forecast.stdout)

    frozen_xlsx, source_xlsx = tmp_path / "frozen.xlsx", tmp_path / "source.xlsx"
    report = run_built(built, "report", "monthly", "--year", "2026", "--month", "9", "--out", frozen_xlsx,
                       db=frozen_db)
    assert report.returncode == 0, report.stderr
    assert run_cli("report", "monthly", "--year", "2026", "--month", "9", "--out", source_xlsx,
                   db=source_db).returncode == 0
    frozen_cells = _cells(frozen_xlsx)
    assert frozen_cells == _cells(source_xlsx)
    assert any("30-09-2026" in str(v) for rows in frozen_cells.values() for row in rows[:5] for v in row)

    pdf = tmp_path / "frozen.pdf"  # drawn by Qt, so the bundled Qt and its fonts are at work too
    report = run_built(built, "report", "monthly", "--year", "2026", "--month", "9", "--out", pdf, db=frozen_db)
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=120).stdout
        assert "Månedsoversigt 2026" in text and "Eksempel Kommune" in text


def test_the_built_command_line_speaks_danish_about_a_bad_file(built, tmp_path):
    bad = tmp_path / "ikke-en-database.sqlite"
    bad.write_text("dette er ikke en database")
    done = run_built(built, "citizens", db=bad)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "database" in done.stderr.lower()
    assert bad.read_text() == "dette er ikke en database"


def test_the_built_window_starts_offscreen_on_a_database(built, tmp_path):
    db = tmp_path / "kommune.sqlite"
    assert run_built(built, "demo", db=db).returncode == 0
    window = subprocess.Popen([str(built / f"Dispo{EXE}"), "--db", str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    lock = db.with_name(db.name + ".lock")
    deadline = time.monotonic() + 120
    opened = False
    try:
        # the window has the database open for writing once its lock names the process
        while not opened and window.poll() is None and time.monotonic() < deadline:
            opened = lock.exists() and json.loads(lock.read_text() or "{}").get("pid") == window.pid
            time.sleep(0.2)
        assert opened, "the built window did not open the database"
        time.sleep(3)  # the first screen loads in the background: it must not fail either
        assert window.poll() is None, window.communicate()[1]
    finally:
        window.terminate()  # SIGTERM, as when the session ends: Dispo closes and frees its database
        _, err = window.communicate(timeout=60)
    assert "Traceback" not in err and "Error" not in err
    if sys.platform != "win32":
        assert window.returncode == 0 and not lock.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux installer (install.sh)")
def test_the_linux_installer_puts_dispo_in_the_users_folders_and_removes_it_again(built, tmp_path):
    from core import __version__

    home = tmp_path / "home"
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"))
    done = subprocess.run(["sh", str(built / "install.sh")], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    program = home / ".local" / "opt" / "Dispo" / "Dispo"
    command = home / ".local" / "bin" / "dispo"
    desktop = (home / ".local" / "share" / "applications" / "dispo.desktop").read_text(encoding="utf-8")
    assert program.is_file() and command.resolve() == program
    assert f'Exec="{program}"' in desktop
    icon = Path(next(line for line in desktop.splitlines() if line.startswith("Icon=")).removeprefix("Icon="))
    assert icon.read_bytes() == (ROOT / "resources" / "dispo.png").read_bytes()
    # `dispo` (through the link) is the whole app: here its command line
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True, env=env, timeout=120)
    assert version.stdout.strip() == f"Dispo {__version__}"

    data = home / ".local" / "share" / "Dispo"
    data.mkdir(parents=True)
    (data / "dispo.sqlite").write_bytes(b"her data")
    done = subprocess.run(["sh", str(program.parent / "install.sh"), "--uninstall"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not program.parent.exists() and not command.exists() and not command.is_symlink()
    assert (data / "dispo.sqlite").read_bytes() == b"her data"
