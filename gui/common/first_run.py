"""Første gang: the guide shown when Dispo has no database of hers yet, or the database has no
municipality set. It asks for the municipality, the budget year, the database (a new file or
an existing one; a network share gets the one-writer warning) and what to do first (import
the first files, or look at the demo municipality)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QSpinBox, QVBoxLayout, QWizard, QWizardPage)

from core.store import settings
from core.errors import ValidationError
from core.store.storage import default_db_path, is_network_path
from gui.common.help_dialog import help_key
from gui.common.widgets import ERROR_STYLE

NETWORK_WARNING = ("Filen ligger på et netværksdrev. Kun én Dispo kan skrive i databasen ad gangen: "
                   "åbner en kollega den samtidig, får hun en skrivebeskyttet visning og besked om, hvem der "
                   "har den. Læg ikke databasen i en mappe, der synkroniseres (fx OneDrive).")
IMPORT, DEMO, EMPTY = "import", "demo", "empty"


@dataclass(frozen=True)
class FirstRunChoice:
    municipality: str
    year: int
    path: Path
    create: bool      # a new file (else an existing one)
    next_step: str    # IMPORT, DEMO or EMPTY


class _MunicipalityPage(QWizardPage):
    def __init__(self, wizard: "FirstRunWizard"):
        super().__init__()
        self.setTitle("Velkommen til Dispo")
        self.setSubTitle("Dispo følger budgettet på det specialiserede voksenområde måned for måned. "
                         "Først et par oplysninger om kommunen.")
        self.municipality = QLineEdit(objectName="municipality", placeholderText="fx Testrup Kommune")
        self.year = QSpinBox(objectName="budget_year", minimum=1900, maximum=2200)
        self.year.setValue(dt.date.today().year)
        self.error = QLabel(objectName="error_municipality", wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.municipality.editingFinished.connect(self._check)
        explain = QLabel(settings.SETTINGS["municipality"].description, wordWrap=True)
        form = QFormLayout(self)
        form.addRow("&Kommunens navn:", self.municipality)
        form.addRow("", self.error)
        form.addRow("", explain)
        form.addRow("&Budgetår:", self.year)

    def _check(self) -> bool:
        try:
            settings.parse("municipality", self.municipality.text())
        except ValidationError as ex:
            self.error.setText(" ".join(ex.problems.values()))
            return False
        self.error.setText("")
        return True

    def validatePage(self) -> bool:
        return self._check()


class _DatabasePage(QWizardPage):
    def __init__(self, wizard: "FirstRunWizard", fixed_path: Path | None):
        super().__init__()
        self.setTitle("Databasen")
        self.setSubTitle("Alle oplysninger ligger i én fil. Opret en ny, eller åbn en, der findes.")
        self.create = QRadioButton("Opret en &ny database", objectName="create", checked=True)
        self.existing = QRadioButton("Åbn en &eksisterende database", objectName="existing")
        group = QButtonGroup(self)
        group.addButton(self.create)
        group.addButton(self.existing)
        # a --db file given as 'mine.sqlite': show the folder it is made in too
        self.path = QLineEdit(str(Path(fixed_path).absolute() if fixed_path else default_db_path()), objectName="path")
        browse = QPushButton("&Gennemse …")
        browse.clicked.connect(self._browse)
        self.warning = QLabel(objectName="network_warning", wordWrap=True)
        self.error = QLabel(objectName="error_path", wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.create)
        layout.addWidget(self.existing)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.path.textChanged.connect(self._path_changed)
        self.create.toggled.connect(lambda _: self.error.setText(""))
        if fixed_path is not None:  # opened with --db: that file it is
            for w in (self.create, self.existing, self.path, browse):
                w.setEnabled(False)
            self.existing.setChecked(Path(fixed_path).exists())
            self.create.setChecked(not Path(fixed_path).exists())
        self._path_changed(self.path.text())

    def _browse(self) -> None:
        if self.create.isChecked():
            path, _ = QFileDialog.getSaveFileName(self, "Ny database", self.path.text(), "Dispo-database (*.sqlite)")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Åbn database", self.path.text(),
                                                  "Dispo-database (*.sqlite *.db);;Alle filer (*)")
        if path:
            self.path.setText(path)

    def _path_changed(self, text: str) -> None:
        self.warning.setText(NETWORK_WARNING if text and is_network_path(text) else "")
        self.error.setText("")

    def problem(self) -> str:
        """Why the chosen file cannot be used (empty when it can)."""
        text = self.path.text().strip()
        if not text:
            return "Skriv hvor databasen skal ligge."
        path = Path(text)
        if self.existing.isChecked():
            return "" if path.is_file() else f"Filen '{path}' findes ikke."
        if path.exists():
            return f"Filen '{path}' findes allerede. Vælg 'Åbn en eksisterende database' for at bruge den."
        if not path.parent.is_dir():
            return f"Mappen '{path.parent}' findes ikke."
        return ""

    def validatePage(self) -> bool:
        path = Path(self.path.text().strip())
        if not self.path.isEnabled():  # the --db file: new or not, its folder must be there
            problem = "" if path.exists() or path.parent.is_dir() else \
                f"Mappen '{path.parent}' findes ikke. Dispo opretter ikke mapper; luk guiden, og ret stien."
        else:
            problem = self.problem()
        self.error.setText(problem)
        return not problem


class _StartPage(QWizardPage):
    def __init__(self, wizard: "FirstRunWizard"):
        super().__init__()
        self.setTitle("Kom i gang")
        self.setSubTitle("Hvad vil du gøre først?")
        self.import_files = QRadioButton("&Importér de første filer (bevillinger, budget, posteringer)",
                                         objectName="import", checked=True)
        self.demo = QRadioButton("Se &demokommunen 'Eksempel Kommune' først (din database er klar til næste gang)",
                                 objectName="demo")
        self.empty = QRadioButton("Start med en &tom database", objectName="empty")
        layout = QVBoxLayout(self)
        for b in (self.import_files, self.demo, self.empty):
            layout.addWidget(b)
        note = QLabel("Tryk F1 i Dispo for vejledningen. Startbilledet 'Månedens gang' viser månedens trin.",
                      wordWrap=True)
        layout.addWidget(note)
        layout.addStretch(1)
        self.setFinalPage(True)


class FirstRunWizard(QWizard):
    """The guide. ``choice()`` is what she chose (after ``exec`` returned Accepted)."""

    def __init__(self, parent=None, *, fixed_path: Path | None = None, suggested_path: Path | None = None,
                 municipality: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Dispo – første gang")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Næste >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Tilbage")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Start Dispo")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Annuller")
        self.municipality_page = _MunicipalityPage(self)
        self.municipality_page.municipality.setText(municipality)
        self.database_page = _DatabasePage(self, fixed_path)
        if suggested_path is not None and fixed_path is None:  # the database of last time, not there now
            self.database_page.existing.setChecked(True)
            self.database_page.path.setText(str(suggested_path))
        self.start_page = _StartPage(self)
        for page in (self.municipality_page, self.database_page, self.start_page):
            self.addPage(page)
        self.resize(640, 440)
        help_key(self, "foerste-gang")

    def choice(self) -> FirstRunChoice:
        page = self.start_page
        step = IMPORT if page.import_files.isChecked() else DEMO if page.demo.isChecked() else EMPTY
        return FirstRunChoice(" ".join(self.municipality_page.municipality.text().split()),
                              self.municipality_page.year.value(), Path(self.database_page.path.text().strip()),
                              self.database_page.create.isChecked(), step)


def apply_choice(db, choice: FirstRunChoice) -> None:
    """Store what the guide asked for in her database (audited, one transaction)."""
    settings.set_values(db, {"municipality": choice.municipality, "budget_year": str(choice.year)})


def needs_first_run(context) -> bool:
    """A database without its own municipality has not been set up yet (a new file, say)."""
    return not context.readonly and not settings.is_set(context.db, "municipality")
