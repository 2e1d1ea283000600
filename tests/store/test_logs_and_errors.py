"""CPR never reaches the log; environment errors become Danish advice; a CLI bug is exit 1
with a pointer to the log, the traceback in the log with CPR masked."""

import errno
import logging
import sqlite3

import pytest

from core import errors
from core.store import logs
from core.cli import run
from core.errors import DatabaseLockedError, DiskFullError, ReadOnlyError
from core.store.logs import CprFilter, mask_cpr


@pytest.mark.parametrize("text, expected", [
    ("borger 010180-1234 mangler", "borger xxxxxx-xxxx mangler"),
    ("0101801234", "xxxxxx-xxxx"),
    ("010180 1234;311299-9999", "xxxxxx-xxxx;xxxxxx-xxxx"),
    ("cpr=401980076.0", "cpr=xxxxxx-xxxx"),  # a spreadsheet number that lost its leading zero
    ("['010180-1234', 7]", "['xxxxxx-xxxx', 7]"),
])
def test_cpr_like_text_is_masked(text, expected):
    assert mask_cpr(text) == expected


@pytest.mark.parametrize("text", ["2026-10-31", "1.234.567,89", "beløb 12345678 øre", "konto 5.38.50",
                                  "01234567890123", "voucher 4567891234"])
def test_other_numbers_are_left_alone(text):
    assert mask_cpr(text) == text


@pytest.mark.allow_log("dispo.test")  # logs an error on purpose
def test_the_filter_masks_message_args_traceback_and_stack(tmp_path):
    path = logs.setup_logging(tmp_path)
    logger = logging.getLogger("dispo.test")
    logger.warning("citizen %s not found in %s", "010180-1234", {"cpr": "0202902345"})
    try:
        raise ValueError("bad row: 0303031234")
    except ValueError:
        logger.exception("import failed for %s", "040404-4321")
    logger.info("stack for 050505-5555", stack_info=True)
    logging.getLogger().handlers[-1].flush()
    text = path.read_text(encoding="utf-8")
    for cpr in ("1234", "2345", "4321", "5555"):
        assert cpr not in text.replace("xxxxxx-xxxx", "")
    assert "ValueError: bad row: xxxxxx-xxxx" in text and "citizen xxxxxx-xxxx not found" in text
    assert text.count("xxxxxx-xxxx") >= 6
    logs.setup_logging()


def test_the_filter_never_drops_a_record_with_a_broken_format():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items for 010180-1234", ("many",), None)
    assert CprFilter().filter(record)
    assert "010180-1234" not in record.getMessage() and "many" in record.getMessage()


@pytest.mark.parametrize("exc, kind, words", [
    (sqlite3.OperationalError("database is locked"), DatabaseLockedError, "Vent lidt"),
    (sqlite3.OperationalError("attempt to write a readonly database"), ReadOnlyError, "skrivebeskyttet"),
    (sqlite3.OperationalError("disk I/O error"), errors.DatabaseError, "tilsluttet"),
    (sqlite3.OperationalError("database or disk is full"), DiskFullError, "Frigør plads"),
    (OSError(errno.ENOSPC, "No space left on device", "x.xlsx"), DiskFullError, "x.xlsx"),
    (PermissionError(errno.EACCES, "Permission denied", "budget.xlsx"), ReadOnlyError, "Excel"),
    (OSError(errno.EROFS, "Read-only file system"), ReadOnlyError, "skrivebeskyttet"),
])
def test_environment_errors_become_danish_advice(exc, kind, words):
    mapped = errors.from_environment(exc)
    assert isinstance(mapped, kind) and words in str(mapped)


def test_bugs_are_not_mapped():
    assert errors.from_environment(sqlite3.OperationalError("no such column: x")) is None
    assert errors.from_environment(KeyError("x")) is None


@pytest.mark.allow_log("dispo.cli")  # the bug goes to the log
def test_a_bug_in_a_command_is_exit_1_with_the_log_file_named(db, db_path, monkeypatch, capsys):
    def broken(args, db):
        raise RuntimeError("cannot handle 010180-1234")

    monkeypatch.setattr("core.cli.safety.cmd_integrity", broken)
    assert run(["--db", str(db_path), "integrity"]) == 1
    err = capsys.readouterr().err
    log_path = logs.log_file()
    assert err.startswith("Fejl: Der opstod en uventet fejl i Dispo (RuntimeError)")
    assert str(log_path) in err and "Traceback" not in err and "010180" not in err
    logging.getLogger().handlers[-1].flush()
    text = log_path.read_text(encoding="utf-8")
    assert "RuntimeError: cannot handle xxxxxx-xxxx" in text and "010180-1234" not in text


@pytest.mark.allow_log("core.store.backup")  # the failed automatic backup is logged
def test_a_full_or_blocked_backup_folder_is_a_clear_cli_error(demo_db, tmp_path, capsys):
    import shutil

    shutil.rmtree(tmp_path / "backups")
    (tmp_path / "backups").write_text("not a folder")
    assert run(["--db", str(tmp_path / "demo.sqlite"), "backup"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fejl: Sikkerhedskopien kunne ikke laves") and "Traceback" not in err
