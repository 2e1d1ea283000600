"""The CLI's frame in Danish, one exit status per kind of mistake, and a missing ``--db`` file:
reading commands refuse it, writing commands create it (in an existing folder only)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from core.cli import danish
from tests.conftest import TEST_HOME, run_cli


def test_argparse_wording_is_danish():
    assert danish("usage: dispo [-h]") == "brug: dispo [-h]"
    assert danish("argument KOMMANDO: invalid choice: 'x' (choose from 'a', 'b')") == \
        "argumentet KOMMANDO: ugyldigt valg: 'x' (vælg mellem 'a', 'b')"
    assert danish("the following arguments are required: FIL") == "disse argumenter mangler: FIL"
    assert danish("unrecognized arguments: --foo") == "ukendte argumenter: --foo"


def test_help_and_errors_have_no_english_frame(db_path):
    r = run_cli("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("brug: dispo") and "tilvalg:" in r.stdout and "vis denne hjælp og afslut" in r.stdout
    assert "usage" not in r.stdout and "options:" not in r.stdout
    r = run_cli("import", db=db_path)
    assert r.returncode == 2
    assert "brug: dispo import" in r.stderr and "dispo import: fejl: disse argumenter mangler: FIL" in r.stderr
    r = run_cli("grants", "--bogus", db=db_path)
    assert r.returncode == 2 and "ukendte argumenter: --bogus" in r.stderr and "error" not in r.stderr
    # a mistyped option is answered with the command's own usage (its options), not the top level's
    assert "brug: dispo grants" in r.stderr and "dispo grants: fejl: ukendte argumenter: --bogus" in r.stderr
    r = run_cli("vum", "due", "--bogus", "x", db=db_path)
    assert r.returncode == 2 and "dispo vum due: fejl: ukendte argumenter: --bogus x" in r.stderr


@pytest.mark.parametrize("args", [
    ("grants", "--active-on", "32-13-2026"),
    ("vum", "due", "--date", "32-13-2026"),
    ("forecast", "--year", "2026", "--as-of", "i går"),
    ("expected", "add", "--section", "§ 108", "--rate", "2000", "--start", "1. september"),
])
def test_a_date_that_is_not_a_date_is_wrong_usage_in_every_command(db_path, args):
    run_cli("demo", db=db_path)
    r = run_cli(*args, db=db_path)
    assert r.returncode == 2, r.stderr
    assert "fejl:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", [("grants",), ("forecast", "--year", "2026"), ("settings",), ("validate",),
                                     ("vum", "due"), ("audit",), ("vum", "rule"), ("import-profiles",)])
def test_a_reading_command_on_a_missing_file_exits_1_and_creates_nothing(tmp_path, command):
    target = tmp_path / "mine.sqlite"
    r = run_cli(*command, db=target)
    assert r.returncode == 1
    assert "findes ikke" in r.stderr and str(target) in r.stderr and "Traceback" not in r.stderr
    assert not target.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", [("demo",), ("settings", "set", "municipality", "Testrup Kommune")])
def test_a_writing_command_creates_the_file_in_an_existing_folder(tmp_path, command):
    target = tmp_path / "ny.sqlite"
    r = run_cli(*command, db=target)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM settings").fetchone()[0] >= 0


@pytest.mark.parametrize("command", [("demo",), ("grants",), ("settings", "set", "municipality", "X")])
def test_no_command_creates_a_folder(tmp_path, command):
    target = tmp_path / "findes-ikke" / "x.sqlite"
    r = run_cli(*command, db=target)
    assert r.returncode == 1 and "findes ikke" in r.stderr and "Dispo opretter ikke mapper" in r.stderr
    assert not target.parent.exists()


def test_the_tests_log_data_and_config_stay_in_the_test_folder():
    from core.store.logs import log_file
    from core.store.storage import config_dir, data_dir, default_db_path

    for path in (log_file(), data_dir(), config_dir(), default_db_path()):
        assert Path(path).is_relative_to(TEST_HOME), path
    real_home = Path.home()
    assert not log_file().is_relative_to(real_home / ".local") or real_home == TEST_HOME


def test_the_log_folder_follows_the_environment(tmp_path, monkeypatch):
    from core.store import logs

    monkeypatch.setenv("DISPO_LOG_DIR", str(tmp_path / "mylogs"))
    assert logs.log_file() == tmp_path / "mylogs" / "dispo.log"
    try:
        assert logs.setup_logging() == tmp_path / "mylogs" / "dispo.log"
    finally:
        logs.setup_logging()  # back to the session's folder
