"""Shared fixtures: a real SQLite file per test, the demo municipality, the sample sheets."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep the tests' settings, data and backups away from the user's own folders.
_HOME = tempfile.mkdtemp(prefix="dispo-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")
os.environ["XDG_CACHE_HOME"] = os.path.join(_HOME, "cache")
# XDG only counts on Linux: Dispo's own variables keep Windows and macOS runs away too.
os.environ["DISPO_DATA_DIR"] = os.path.join(_HOME, "data", "Dispo")
os.environ["DISPO_CONFIG_DIR"] = os.path.join(_HOME, "config", "Dispo")
os.environ["DISPO_LOG_DIR"] = os.path.join(_HOME, "data", "Dispo", "logs")
TEST_HOME = Path(_HOME)

# tests.logfail: an unexpected logging warning or error fails the test
pytest_plugins = ["tests.logfail", "pytester"]

def pytest_configure(config):
    """Qt's own settings (window geometry, CPR masking) go to an ini file in the test folder:
    on Windows they would otherwise land in the user's registry."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # the core tests run without Qt
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(_HOME, "config"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "regneark"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files in tests/golden/ with what the code gives now")


@pytest.fixture
def golden(request):
    """Compare a text with ``tests/golden/<name>.txt``: a unified diff on failure;
    ``pytest --update-golden`` writes the text instead (then review it with ``git diff``)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / f"{name}.txt"
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        text = text.rstrip("\n") + "\n"
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"no golden file {shown}: run pytest --update-golden to write it",
                        pytrace=False)
        want = path.read_text(encoding="utf-8")
        if want != text:
            diff = difflib.unified_diff(want.splitlines(), text.splitlines(), f"{shown} (expected)",
                                        "what the code gives now", lineterm="", n=2)
            lines = list(diff)
            shown = "\n".join(lines[:200]) + (f"\n... {len(lines) - 200} more diff lines" if len(lines) > 200 else "")
            pytest.fail(f"{name} differs from its golden file (if the change is intended: "
                        f"pytest --update-golden, then review git diff):\n{shown}", pytrace=False)

    return check


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "dispo.sqlite"


@pytest.fixture
def db(db_path):
    from core.store.storage import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from core.register.demo import build_demo
    from core.store.storage import open_db

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database = open_db(path)
    build_demo(database)
    database.close()
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path):
    """A fresh copy of the demo municipality for each test."""
    from core.store.storage import open_db

    path = tmp_path / "demo.sqlite"
    shutil.copy(_demo_template, path)
    database = open_db(path)
    yield database
    database.close()


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("the sample spreadsheets (../shared/regneark) are not next to this checkout")
    return SAMPLES


def run_cli(*args, db: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``main.py`` as a user would, in a subprocess."""
    cmd = [sys.executable, str(ROOT / "main.py")]
    if db is not None:
        cmd += ["--db", str(db)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, env=env, timeout=300)
