"""Hjælp: the Danish user guide (``resources/help/vejledning.html``) in a dialog, opened by F1
at the section of the screen she is on."""

from __future__ import annotations


from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from core.resources import resource_path

HELP_FILE = resource_path("help", "vejledning.html")

# a screen's navigation title -> the guide's section (the id of its heading)
SECTIONS = {
    "Månedens gang": "maanedens-gang", "Importer": "import", "Afstemning": "afstemning",
    "Datavalidering": "validering", "Budgetopfølgning": "opfoelgning", "Godkend måned": "godkend",
    "Rapporter": "rapporter", "Bevillinger": "bevillinger", "Borgere": "borgere",
    "Leverandører og takster": "leverandoerer", "VUM-tildeling": "vum", "Katalog og satser": "katalog",
    "Revisionsspor": "revisionsspor", "Budgetår": "budgetaar", "Scenarier": "scenarier", "Indstillinger": "indstillinger", "Første gang": "foerste-gang",
}


def section_for(title: str | None) -> str | None:
    return SECTIONS.get(title or "")


def help_key(widget, section: str) -> None:
    """F1 in ``widget`` (a dialog, which blocks the main window's F1) opens the guide at ``section``."""
    def show() -> None:
        dialog = HelpDialog(section, widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        widget.help_dialog = dialog

    QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), widget, show)


class HelpDialog(QDialog):
    """The guide, scrolled to ``section`` (a heading's id) when given."""

    def __init__(self, section: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Dispo – vejledning")
        self.browser = QTextBrowser(objectName="help_browser")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(QUrl.fromLocalFile(str(HELP_FILE)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Luk")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.section = section

    def show_section(self, section: str) -> None:
        self.section = section
        self.browser.scrollToAnchor(section)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.section:  # scrolling needs the laid-out document of the shown dialog
            QTimer.singleShot(0, lambda: self.browser.scrollToAnchor(self.section))
