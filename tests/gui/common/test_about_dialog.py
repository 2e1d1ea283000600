"""Hjælp → Om Dispo: version, the folders (each opens in the file manager) and licences."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from core import __version__
from gui.common.about_dialog import AboutDialog
from gui.common.context import AppContext
from gui.main_window import MainWindow


@pytest.fixture
def demo_file(tmp_path, _demo_template):
    path = tmp_path / "kommune" / "budget.sqlite"
    path.parent.mkdir()
    shutil.copy(_demo_template, path)
    return path


class FileUrls(QObject):
    """Receives the file: URLs Dispo asks the desktop to open (Qt's own URL-handler hook)."""

    def __init__(self):
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


@pytest.fixture
def file_urls():
    handler = FileUrls()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


def _rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    proxy = dialog.licences.proxy
    return {proxy.index(r, 0).data(): (proxy.index(r, 1).data(), proxy.index(r, 2).data())
            for r in range(proxy.rowCount())}


def test_the_about_dialog_shows_version_and_the_data_backup_and_log_folders(qtbot, demo_file):
    dialog = AboutDialog(demo_file)
    qtbot.addWidget(dialog)
    labels = {name: label.text() for name, label in dialog.folder_labels.items()}
    assert labels["Database"] == str(demo_file)
    assert labels["Sikkerhedskopier"] == str(demo_file.parent / "backups")  # beside the database (README)
    if sys.platform.startswith("linux"):  # the tests' data folder: $XDG_DATA_HOME/Dispo (tests/conftest.py)
        data = Path(os.environ["XDG_DATA_HOME"]) / "Dispo"
        assert labels["Datamappe"] == str(data) and labels["Logfiler"] == str(data / "logs")
    assert f"Dispo {__version__}" in dialog.findChild(QLabel, "about_heading").text()
    assert "krypteret disk" in dialog.findChild(QLabel, "about_privacy").text()


def test_the_licences_of_python_qt_and_the_libraries_are_listed(qtbot, demo_file):
    dialog = AboutDialog(demo_file)
    qtbot.addWidget(dialog)
    rows = _rows(dialog)
    assert rows["Python"] == (platform.python_version(), "PSF-2.0")
    assert rows["openpyxl"][1].startswith("MIT")  # openpyxl is MIT-licensed
    assert rows["sqlite-utils"][1] == "Apache-2.0"
    assert "LGPL-3.0" in rows["PySide6_Essentials"][1]
    assert "pytest" not in rows  # a test tool, not shipped
    qtbot.keyClicks(dialog.licences.filter_edit, "LGPL")
    assert set(_rows(dialog)) == {"PySide6_Addons", "PySide6_Essentials", "shiboken6"}


def test_choosing_a_component_shows_its_licence_text(qtbot, demo_file):
    dialog = AboutDialog(demo_file)
    qtbot.addWidget(dialog)
    table, proxy = dialog.licences.table, dialog.licences.proxy
    row = {proxy.index(r, 0).data(): r for r in range(proxy.rowCount())}
    table.setCurrentIndex(proxy.index(row["openpyxl"], 0))
    assert "Permission is hereby granted" in dialog.licence_text.toPlainText()  # the MIT licence's notice
    table.setCurrentIndex(proxy.index(row["Python"], 0))
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in dialog.licence_text.toPlainText()
    table.setCurrentIndex(proxy.index(row["PySide6_Essentials"], 0))  # its wheel carries no licence file
    assert "LGPL-3.0" in dialog.licence_text.toPlainText() and "qt.io" in dialog.licence_text.toPlainText()


def test_a_folder_button_opens_the_folder_and_copy_gives_it_all_as_text(qtbot, demo_file, file_urls):
    dialog = AboutDialog(demo_file)
    qtbot.addWidget(dialog)
    backups = demo_file.parent / "backups"
    shutil.rmtree(backups, ignore_errors=True)
    button = next(b for b in dialog.findChildren(QPushButton) if b.toolTip() == str(backups))
    button.click()
    assert file_urls.opened == [backups] and backups.is_dir()  # made when Dispo's own folder was missing
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert f"Dispo {__version__}" in text and f"Database: {demo_file}" in text
    assert "openpyxl" in text and dialog.copy_button.text() == "Kopieret"


def test_help_menu_om_dispo_opens_the_dialog_on_the_open_database(qtbot, demo_file):
    context = AppContext(demo_file)
    window = MainWindow(context)
    qtbot.addWidget(window)
    seen = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(0, close_it)
    help_menu = next(a for a in window.menuBar().actions() if a.text() == "&Hjælp").menu()
    action = next(a for a in help_menu.actions() if a.text() == "Om Dispo")
    action.trigger()
    assert isinstance(seen[0], AboutDialog) and seen[0].db_path == demo_file
    context.close()


def test_a_database_given_relative_to_the_current_folder_is_shown_with_its_full_path(qtbot, demo_file,
                                                                                       monkeypatch):
    monkeypatch.chdir(demo_file.parent)  # as after `dispo --db budget.sqlite` in that folder
    dialog = AboutDialog(Path("budget.sqlite"))
    qtbot.addWidget(dialog)
    assert dialog.folder_labels["Database"].text() == str(demo_file)
    assert dialog.folder_labels["Sikkerhedskopier"].text() == str(demo_file.parent / "backups")
