"""Installing and starting: shipped files found from source and in a build, the bootstrap's
demo that is kept between runs, and the build's helpers (version resource, trimmed Qt)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from core.register import catalogue
from core import licences
from core.resources import resource_path, resources_dir
from core.vum import rule

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bootstrap = _load("bootstrap")
buildinfo = _load("buildinfo")


@pytest.fixture
def frozen(monkeypatch, tmp_path):
    """Run as a PyInstaller build would: frozen, with the bundle unpacked in tmp_path."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    (tmp_path / "resources").mkdir()
    return tmp_path / "resources"


def test_from_source_the_shipped_files_are_in_the_checkouts_resources_folder():
    assert resources_dir() == ROOT / "resources"
    assert resource_path("catalogue.json").is_file() and resource_path("vum.json").is_file()


def test_in_a_build_catalogue_and_vum_are_read_from_the_bundle(frozen):
    (frozen / "catalogue.json").write_text(json.dumps({"accounts": [{"number": "bundled"}]}), encoding="utf-8")
    (frozen / "vum.json").write_text(json.dumps({"themes": [], "settings": {"x": 1}}), encoding="utf-8")
    assert resource_path("help", "index.html") == frozen / "help" / "index.html"
    assert catalogue.shipped_catalogue() == {"accounts": [{"number": "bundled"}]}
    assert rule.shipped() == {"themes": [], "settings": {"x": 1}}


def test_licences_from_the_installed_packages_leave_the_test_and_build_tools_out():
    listed = {c.name.lower().replace("_", "-"): c for c in licences.components()}
    # Dispo's own requirements and theirs (sqlite-utils needs click), with their declared licences
    assert listed["openpyxl"].licence.startswith("MIT")
    assert listed["sqlite-utils"].licence == "Apache-2.0"
    assert "LGPL-3.0" in listed["pyside6-essentials"].licence
    assert "click" in listed and "python" in listed
    assert "pytest" not in listed and "hypothesis" not in listed and "pyinstaller" not in listed
    assert "pip" not in listed  # sqlite-utils names it, but Dispo never runs it and a build leaves it out


def test_a_build_lists_the_licences_and_their_texts_its_build_wrote(frozen):
    written = licences.write_licences(frozen / licences.LICENCES_FILE)
    rows = json.loads(written.read_text(encoding="utf-8"))
    assert {"name", "version", "licence", "text"} == set(rows[0])
    assert rows[0]["name"] == "Python" and "PYTHON SOFTWARE FOUNDATION" in rows[0]["text"]
    assert [c.name for c in licences.components()] == [row["name"] for row in rows]
    openpyxl = next(c for c in licences.components() if c.name == "openpyxl")
    assert "Permission is hereby granted" in openpyxl.text  # the MIT notice goes along with the build


@pytest.mark.parametrize("version, numbers", [("0.1.0", (0, 1, 0, 0)), ("2.10", (2, 10, 0, 0)),
                                              ("1.2.3.4.5", (1, 2, 3, 4)), ("1.0.0rc1", (1, 0, 0, 0))])
def test_the_windows_version_resource_holds_four_numbers(version, numbers):
    assert buildinfo.version_tuple(version) == numbers


@pytest.mark.parametrize("dest, kept", [
    ("PySide6/Qt/translations/qtbase_da.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6\\translations\\qt_fr.qm", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6\\Qt6Qml.dll", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6\\plugins\\imageformats\\qpdf.dll", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("resources/catalogue.json", True),
])
def test_the_build_leaves_out_qt_parts_dispo_does_not_use(dest, kept):
    assert buildinfo.wanted(dest) is kept


def test_the_bootstrap_reuses_an_environment_installed_with_more_extras(tmp_path):
    marker = tmp_path / ".dispo-installed"
    assert not bootstrap._installed(marker, "")
    marker.write_text(bootstrap._stamp("test,build"))
    assert bootstrap._installed(marker, "") and bootstrap._installed(marker, "test")
    assert bootstrap._installed(marker, "build,test")
    marker.write_text(bootstrap._stamp("test"))
    assert not bootstrap._installed(marker, "test,build")
    marker.write_text("0000000000000000-test,build")  # another pyproject.toml
    assert not bootstrap._installed(marker, "")


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def _processes_with(text: str) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and any(text in arg for arg in _cmdline(int(p.name)))]


def _holds(lock: Path, pid: int) -> bool:
    """Whether process ``pid`` itself has the database open for writing (its lock file)."""
    try:
        return json.loads(lock.read_text())["pid"] == pid
    except (OSError, ValueError, KeyError):
        return False


@pytest.fixture
def started():
    """The bootstrap processes a test starts; any still running at its end are killed."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _start_app(*args: str, wait_for: Path, started: list, cwd: Path | None = None) -> subprocess.Popen:
    """``bootstrap.py app ARGS`` until Dispo's window has the database ``wait_for`` open."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "packaging" / "bootstrap.py"), "app", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    started.append(proc)
    lock = wait_for.with_name(wait_for.name + ".lock")
    deadline = time.monotonic() + 120
    while not _holds(lock, proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if not _holds(lock, proc.pid):
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"Dispo did not open {wait_for}: {out}\n{err}")
    return proc


def _kill(proc: subprocess.Popen, db: Path, how: int = signal.SIGTERM) -> None:
    """Stop the bootstrap process as `kill` (SIGTERM) or closing its terminal (SIGHUP) does:
    Dispo closes and frees its database."""
    os.kill(proc.pid, how)
    proc.communicate(timeout=60)
    assert proc.returncode == 0  # closed as by Filer → Afslut, not killed by the signal
    assert not db.with_name(db.name + ".lock").exists()


needs_bootstrapped_venv = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not bootstrap._installed(bootstrap.VENV / ".dispo-installed", ""),
    reason="needs Linux (/proc) and a .venv set up by packaging/bootstrap.py for this pyproject.toml",
)


@needs_bootstrapped_venv
def test_app_creates_the_demo_once_keeps_it_and_killing_the_bootstrap_stops_dispo(started):
    from core.store.storage import data_dir

    demo = data_dir() / "demo.sqlite"  # the tests' own data folder (tests/conftest.py)
    demo.unlink(missing_ok=True)
    proc = _start_app(wait_for=demo, started=started)
    # the bootstrap process became Dispo (exec): it is the one holding the database
    assert "main.py" in " ".join(_cmdline(proc.pid))
    _kill(proc, demo)
    assert _processes_with(str(demo)) == []
    # something the user did in the demo ...
    from core.store import settings
    from core.store.storage import open_db

    db = open_db(demo)
    assert settings.get(db, "reconcile_threshold") != Decimal("2500")
    settings.set_value(db, "reconcile_threshold", "2.500")
    db.close()
    # ... is still there the next time: the demo is not made again
    proc = _start_app(wait_for=demo, started=started)
    _kill(proc, demo, signal.SIGHUP)
    db = open_db(demo)
    assert settings.get(db, "reconcile_threshold") == Decimal("2500")
    db.close()

@needs_bootstrapped_venv
def test_app_with_db_opens_that_file_and_leaves_the_demo_alone(tmp_path, started):
    from core.store import settings
    from core.store.storage import data_dir, open_db

    mine = tmp_path / "mine.sqlite"  # her own database, set up with her municipality
    db = open_db(mine)
    settings.set_value(db, "municipality", "Testkommune")
    db.close()
    demo = data_dir() / "demo.sqlite"
    before = demo.stat().st_mtime_ns if demo.exists() else None
    # given as she would from her own folder: relative to where she is
    proc = _start_app("--db", "mine.sqlite", wait_for=mine, started=started, cwd=tmp_path)
    _kill(proc, mine)
    assert (demo.stat().st_mtime_ns if demo.exists() else None) == before
    db = open_db(mine)
    assert db.execute("SELECT count(*) FROM citizens").fetchone()[0] == 0  # no demo put into it
    assert settings.get(db, "municipality") == "Testkommune"
    db.close()


@pytest.mark.parametrize("args", [[], ["--db", "x.sqlite", "citizens"]])
def test_main_py_started_by_a_python_without_the_dependencies_says_how_to_start(args, tmp_path):
    # -S: no site-packages, as the system's python3 beside a checkout whose .venv has them
    done = subprocess.run([sys.executable, "-S", str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "mangler" in done.stderr and "packaging/bootstrap.py app" in done.stderr and ".venv" in done.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_the_version_in_pyproject_is_the_one_dispo_shows_and_the_build_stamps():
    import tomllib

    from core import __version__

    with open(ROOT / "pyproject.toml", "rb") as fh:
        assert tomllib.load(fh)["project"]["version"] == __version__
