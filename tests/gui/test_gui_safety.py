"""The GUI's side of data protection: read-only mode, taking over a stale lock, restoring a
damaged database, the bug dialog, the backups dialog and the Revisionsspor screen."""

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from core.store import backup, locking
from core.register import grants
from core.errors import ReadOnlyError
from gui import app as gui_app
from gui.common import errors
from gui.store.backup_dialog import BackupDialog
from gui.common.context import AppContext
from gui.main_window import MainWindow
from tests.dbcontent import content


@pytest.fixture
def demo_file(tmp_path, _demo_template):
    path = tmp_path / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def live_lock(demo_file):
    """A lock held by another running process on this host."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    locking.lock_path(demo_file).write_text(json.dumps({"host": locking.hostname(), "pid": proc.pid,
                                                        "user": "kollega", "since": now, "refreshed": now,
                                                        "token": "t"}))
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def window(qtbot):
    made = []

    def make(context):
        w = MainWindow(context)
        qtbot.addWidget(w)
        made.append(context)
        return w

    yield make
    for context in made:
        context.close()


def _answer(monkeypatch, answer):
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    return asked


def test_a_second_dispo_opens_read_only_with_editing_off(demo_file, live_lock, window, monkeypatch):
    _answer(monkeypatch, QMessageBox.StandardButton.No)
    context = gui_app.open_context(demo_file)
    w = window(context)
    w.show()
    edit = QAction("Ret", w)
    edit.setProperty("dispo_edits", True)
    w.screen("Revisionsspor").addAction(edit)
    w._apply_readonly()
    assert not edit.isEnabled()
    assert context.readonly and "skrivebeskyttet" in w.windowTitle()
    assert w.readonly_label.isVisible() and "kollega" in w.readonly_label.text()
    assert not w.undo_action.isVisible()
    view = w.screen("Revisionsspor").view
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    before = content(demo_file)
    with pytest.raises(Exception) as caught:
        grants.delete_grant(context.db, 1)
    assert isinstance(errors.from_environment(caught.value), ReadOnlyError)
    assert content(demo_file) == before


@pytest.mark.allow_log("core.store.locking")  # taking the stale lock over is logged
def test_a_stale_lock_is_taken_over_when_she_says_yes(demo_file, window, monkeypatch):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    locking.lock_path(demo_file).write_text(json.dumps({"host": locking.hostname(), "pid": dead.pid, "user": "mig",
                                                        "since": now, "refreshed": now, "token": "t"}))
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    context = gui_app.open_context(demo_file)
    window(context)
    assert asked and "overtage" in asked[0]
    assert not context.readonly
    assert locking.read_lock(demo_file).token == context.session.lock.info.token


def test_a_damaged_database_is_restored_from_the_newest_backup_when_she_says_yes(demo_file, window, monkeypatch):
    made = backup.backup(demo_file, "manual")
    data = bytearray(demo_file.read_bytes())
    data[8192:40960] = b"\x13" * (40960 - 8192)
    demo_file.write_bytes(bytes(data))
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    context = gui_app.open_context(demo_file)
    window(context)
    assert "beskadiget" in asked[0]
    assert context.db.execute("SELECT count(*) FROM grants").fetchone()[0] > 100
    assert {k: v for k, v in content(demo_file).items() if k != "audit"} == \
        {k: v for k, v in content(made.path).items() if k != "audit"}


@pytest.mark.allow_log("dispo.gui")  # the bug goes to the log
def test_a_bug_shows_a_copyable_report_without_cpr_and_the_app_goes_on(demo_file, window, qtbot):
    w = window(AppContext(demo_file))
    w.show()
    try:
        raise RuntimeError("could not handle citizen 010180-1234 / 0101801234")
    except RuntimeError as ex:
        errors.excepthook(type(ex), ex, ex.__traceback__)
    dialog = errors._open_dialogs[-1]
    assert isinstance(dialog, errors.BugDialog)
    report = dialog.report.toPlainText()
    assert "RuntimeError" in report and "test_gui_safety.py" in report
    assert "1234" not in report and "xxxxxx-xxxx" in report
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
    dialog.reject()
    assert w.isVisible() and dialog not in errors._open_dialogs
    # the user's or the environment's error is a plain Danish message
    try:
        raise OSError(28, "No space left on device", str(demo_file))
    except OSError as ex:
        errors.excepthook(type(ex), ex, ex.__traceback__)
    box = errors._open_dialogs[-1]
    assert isinstance(box, QMessageBox) and "Disken er fuld" in box.text()
    box.reject()


def test_the_backups_dialog_backs_up_and_restores(demo_file, window, qtmodeltester):
    context = AppContext(demo_file)
    w = window(context)
    dialog = BackupDialog(context, w)
    qtmodeltester.check(dialog.model)
    n = dialog.proxy.rowCount()
    dialog.backup_button.click()
    assert dialog.proxy.rowCount() == n + 1 and dialog.selected().reason == "manual"
    saved = dialog.selected()
    row = next(r for r in range(dialog.proxy.rowCount()) if dialog.proxy.index(r, 3).data() == saved.path.name)
    assert dialog.proxy.index(row, 1).data(Qt.ItemDataRole.ToolTipRole) == str(saved.path)  # every cell: the file
    grants.delete_grant(context.db, 1)
    dialog.view.selectRow(0)
    dialog.keep_boxes["daily"].setValue(3)
    dialog.keep_button.click()
    assert backup.retention(context.db) == backup.Retention(3, 4, 12)
    dialog.restore_selected(confirm=False)
    assert "gendannet" in dialog.status.text()
    assert context.db.execute("SELECT count(*) FROM grants WHERE id = 1").fetchone()[0] == 1
    assert saved.path.exists()


def test_revisionsspor_per_grant_per_citizen_filter_and_export(demo_file, window, qtmodeltester, tmp_path):
    context = AppContext(demo_file)
    g = next(g for g in grants.list_grants(context.db) if g.unit == "døgn")
    grants.update_grant(context.db, g.id, {"note": "Ny note"})
    grants.change_rate(context.db, g.id, dt.date(2026, 12, 1), "4.000,00")
    w = window(context)
    screen = w.show_screen("Revisionsspor")
    qtmodeltester.check(screen.model)
    screen.show_grant(g.id)
    assert [screen.proxy.index(r, 4).data() for r in range(screen.proxy.rowCount())] == ["Ny takst", "Ændret"]
    screen.show_citizen(g.citizen_id)
    assert screen.proxy.rowCount() == 2
    screen.text_edit.setText("Ny note")
    assert screen.proxy.rowCount() == 1
    out = tmp_path / "spor.xlsx"
    screen.export(str(out))
    rows = list(load_workbook(out).active.values)
    assert len(rows) == 2 and rows[1][5] == "Ændret"
    screen.citizen_edit.setText("311399-9999")
    screen._citizen_entered()
    assert screen.model.rowCount() == 0 and "Ingen borger" in screen.status.text()


def test_cpr_numbers_can_be_hidden_until_asked(demo_file, window):
    context = AppContext(demo_file)
    w = window(context)
    person = context.db.execute("SELECT id, cpr FROM citizens ORDER BY id LIMIT 1").fetchone()
    grants.create_grant(context.db, {"cpr": "010180-1234", "name": "Ny Borger", "section": "§ 108",
                                     "provider": "Botilbuddet Skovbrynet", "rate": "3.000", "start": "01-01-2026"})
    screen = w.show_screen("Revisionsspor")
    changes = lambda: [screen.proxy.index(r, 5).data() for r in range(screen.proxy.rowCount())]  # noqa: E731
    assert any("010180-1234" in c for c in changes())
    w.mask_cpr_action.setChecked(True)
    assert context.cpr_masked and context.show_cpr(person[1]) == person[1][:6] + "-xxxx"
    assert not any("010180-1234" in c for c in changes()) and any("010180-xxxx" in c for c in changes())
    assert AppContext.cpr_masked.fget(context)  # remembered in the settings
    w.mask_cpr_action.setChecked(False)
    assert context.show_cpr(person[1]) == person[1]


@pytest.mark.allow_log("dispo.gui")  # the bug goes to the log
def test_an_error_in_a_worker_thread_is_shown_in_the_gui_thread(qtbot, monkeypatch):
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    errors.install()
    shown_before = len(errors._open_dialogs)

    def work():
        raise ValueError("worker failed on 010180-1234")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(errors._open_dialogs) > shown_before)
    dialog = errors._open_dialogs[-1]
    assert dialog.thread() is QGuiApplication.instance().thread()
    assert "ValueError: worker failed on xxxxxx-xxxx" in dialog.report.toPlainText()
    dialog.reject()


def test_a_dispo_whose_lock_was_taken_over_goes_on_read_only(demo_file, window):
    context = AppContext(demo_file)
    w = window(context)
    assert context.check_lock() and not context.readonly
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    locking.lock_path(demo_file).write_text(json.dumps({"host": "kollegas-pc", "pid": 77, "user": "kollega",
                                                        "since": now, "refreshed": now, "token": "theirs"}))
    assert not context.check_lock()
    assert context.readonly and "kollega på kollegas-pc" in context.readonly_reason
    assert w.readonly_label.text().startswith("Skrivebeskyttet") and "skrivebeskyttet" in w.windowTitle()
    assert locking.read_lock(demo_file).token == "theirs"  # their lock is left alone
