"""The main window with all screens: navigation, undo through the menu, remembered geometry and database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt

from gui.app import choose_db_path
from gui.main_window import MainWindow
from gui.screens import SCREEN_MODULES
from tests.gui.helpers import active_window
from tests.gui.register.test_grants_screen import fill

TITLES = ["Bevillinger", "Borgere", "Leverandører og takster", "Katalog og satser", "VUM-tildeling", "Rapporter"]


def test_every_screen_opens_without_warnings(qtbot, context, demo_db):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert set(TITLES) <= set(titles)
    assert len(titles) == len(SCREEN_MODULES) == len(set(titles))
    for title in titles:
        screen = window.show_screen(title)
        assert window.stack.currentWidget() is screen and screen.isVisible()
    grants = window.screen("Bevillinger")
    assert grants.panel.model.rowCount() == demo_db.execute("SELECT count(*) FROM grants").fetchone()[0]


def test_undo_from_the_menu_and_screens_follow(qtbot, context, demo_db):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    providers = window.show_screen("Leverandører og takster")
    dialog = providers.new_provider()
    fill(qtbot, dialog, name="Menu Bosted")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert providers.providers.model.row_of(providers.current_provider().id) is not None
    assert window.undo_action.text() == "Fortryd Ny leverandør Menu Bosted"
    window.undo_action.trigger()
    assert demo_db.execute("SELECT count(*) FROM providers WHERE name = 'Menu Bosted'").fetchone()[0] == 0
    assert "Menu Bosted" not in [p.name for p in providers.providers.model.records()]
    window.redo_action.trigger()
    assert "Menu Bosted" in [p.name for p in providers.providers.model.records()]


def test_screen_shortcuts_work_from_the_navigation(qtbot, context):
    window = active_window(qtbot, context)
    grants = window.show_screen("Bevillinger")
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert grants.dialog is not None and grants.dialog.windowTitle() == "Ny bevilling"
    grants.dialog.reject()
    providers = window.show_screen("Leverandører og takster")
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert providers.dialog is not None and providers.dialog.windowTitle() == "Ny leverandør"
    assert grants.dialog.isHidden()  # the hidden grants screen did not react


def test_geometry_is_remembered(qtbot, context):
    first = MainWindow(context)
    qtbot.addWidget(first)
    first.show()
    wanted = QSize(780, 620)  # within the offscreen screen (800 x 800), not the default size
    first.resize(wanted)
    assert first.size() == wanted
    first.close()
    second = MainWindow(context)
    qtbot.addWidget(second)
    assert second.size() == wanted  # not the default 1280 x 800


def test_last_database_is_remembered(tmp_path):
    from core.store.storage import config_dir, remember_database

    last = tmp_path / "sidste.sqlite"
    last.write_bytes(b"")
    remember_database(last)
    assert (config_dir() / "last_database.txt").read_text(encoding="utf-8") == str(last.resolve())
    assert choose_db_path(None, False) == last.resolve()
    assert choose_db_path(str(tmp_path / "valgt.sqlite"), False) == tmp_path / "valgt.sqlite"
    last.unlink()  # a remembered file that is gone: the first-run guide instead
    assert choose_db_path(None, False) is None


def test_ctrl_and_a_digit_goes_to_a_screen_of_the_month(qtbot, context):
    """The month's screens from the keyboard: Ctrl+1 Månedens gang … Ctrl+7 Rapporter, in the
    navigation's order, each listed in the Vis menu with its key."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = active_window(qtbot, context)
    for key, title in [(Qt.Key.Key_3, "Afstemning"), (Qt.Key.Key_6, "Godkend måned"), (Qt.Key.Key_1, "Månedens gang"),
                       (Qt.Key.Key_7, "Rapporter")]:
        QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.current_screen().TITLE == title
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Vis")
    listed = {a.text(): a.shortcut().toString() for a in view_menu.actions() if not a.isSeparator()}
    assert listed["Budgetopfølgning"] == "Ctrl+5" and listed["Godkend måned"] == "Ctrl+6"
