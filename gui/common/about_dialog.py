"""Hjælp → Om Dispo: the version, where the data, backups and logs are, and the licences of
the components Dispo is built from (for the municipality's IT)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QLabel, QPlainTextEdit,
                               QPushButton, QSplitter, QVBoxLayout)

from core import __version__
from core.store.backup import backup_dir
from core.licences import components
from core.store.logs import log_dir
from core.resources import resources_dir
from core.store.storage import data_dir
from gui.common.models import Column
from gui.common.widgets import TablePanel


def program_dir() -> Path:
    """The folder Dispo runs from: the built app's folder, or the source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return resources_dir().parent


def folders(db_path: Path) -> list[tuple[str, Path, Path]]:
    """(label, the path shown, the folder a click opens) for each place Dispo keeps things."""
    return [
        ("Database", db_path, db_path.parent),
        ("Sikkerhedskopier", backup_dir(db_path), backup_dir(db_path)),
        ("Datamappe", data_dir(), data_dir()),
        ("Logfiler", log_dir(), log_dir()),
        ("Program", program_dir(), program_dir()),
    ]


class AboutDialog(QDialog):
    """Version, folders (each with a button that opens it) and the components' licences."""

    def __init__(self, db_path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Om Dispo")
        self.db_path = Path(db_path).absolute()
        self.components = components()
        heading = QLabel(f"<b>Dispo {__version__}</b><br>Budgetopfølgning på det specialiserede voksenområde."
                         f"<br><small>Python {platform.python_version()}, Qt {qVersion()}, "
                         f"PySide6 {pyside_version}</small>")
        heading.setObjectName("about_heading")

        places = QGroupBox("Her ligger Dispos filer")
        grid = QGridLayout(places)
        self.folder_labels: dict[str, QLabel] = {}
        for row, (label, shown, folder) in enumerate(folders(self.db_path)):
            path_label = QLabel(str(shown))
            path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            path_label.setWordWrap(True)
            self.folder_labels[label] = path_label
            open_button = QPushButton("Åbn mappe")
            open_button.setToolTip(str(folder))
            open_button.clicked.connect(lambda _=False, f=folder: self.open_folder(f))
            grid.addWidget(QLabel(f"{label}:"), row, 0)
            grid.addWidget(path_label, row, 1)
            grid.addWidget(open_button, row, 2)
        grid.setColumnStretch(1, 1)
        privacy = QLabel("Databasen og sikkerhedskopierne indeholder CPR-numre og helbredsoplysninger. "
                         "Placér dem på en krypteret disk. Logfilerne indeholder ingen CPR-numre.")
        privacy.setObjectName("about_privacy")
        privacy.setWordWrap(True)
        grid.addWidget(privacy, len(self.folder_labels), 0, 1, 3)

        licences = QGroupBox("Dispo er bygget med disse komponenter")
        self.licences = TablePanel([
            Column("Komponent", lambda c: c.name),
            Column("Version", lambda c: c.version),
            Column("Licens", lambda c: c.licence),
        ], key=lambda c: c.name, placeholder="Søg efter komponent eller licens …")
        self.licences.set_records(self.components)
        self.licence_text = QPlainTextEdit()
        self.licence_text.setReadOnly(True)
        self.licence_text.setPlaceholderText("Vælg en komponent for at se dens licenstekst.")
        self.licences.table.selectionModel().currentRowChanged.connect(self._show_licence_text)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.licences)
        split.addWidget(self.licence_text)
        box = QVBoxLayout(licences)
        box.addWidget(split, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Kopiér oplysningerne", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(places)
        layout.addWidget(licences, 1)
        layout.addWidget(buttons)
        self.resize(760, 680)

    def _show_licence_text(self, current, _previous=None) -> None:
        proxy = self.licences.proxy
        component = self.licences.model.record(proxy.mapToSource(current).row()) if current.isValid() else None
        if component is None:
            self.licence_text.clear()
        elif component.text:
            self.licence_text.setPlainText(component.text)
        else:
            self.licence_text.setPlainText(
                f"{component.name} {component.version} bruges under {component.licence}. Pakken har ingen "
                "licensfil med; licensteksterne og Qt's kildekode findes på https://www.qt.io/licensing "
                "og https://code.qt.io.")

    def open_folder(self, folder: Path) -> bool:
        """Show ``folder`` in the file manager (made first when it is Dispo's own and still missing)."""
        if not folder.exists() and folder in (log_dir(), backup_dir(self.db_path)):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the file manager then says it is missing
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def summary(self) -> str:
        """Everything the dialog shows as plain text, for a message to IT support."""
        lines = [f"Dispo {__version__} (Python {platform.python_version()}, Qt {qVersion()}, "
                 f"{platform.system()} {platform.release()})"]
        lines += [f"{label}: {shown}" for label, shown, _ in folders(self.db_path)]
        lines += ["", "Komponenter:"]
        lines += [f"{c.name} {c.version}: {c.licence}" for c in self.components]
        return "\n".join(lines)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.summary())
        self.copy_button.setText("Kopieret")
