"""The wizard "Budgettildeling <år>": year and facility → residents and categories → totals
and the significant-change verdict → save the year's allocation version."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QSpinBox, QStyledItemDelegate, QTableView, QVBoxLayout, QWizard,
                               QWizardPage)

from core import vum
from core.errors import DispoError, ValidationError
from core.formatting import persons
from core.money import InvalidNumber, format_date, format_kr, format_number, parse_number, to_ore
from core.register.providers import list_providers
from core.vum.allocation import assessment_problem, verdict_text
from gui.common.headers import fit_table
from gui.vum.vum_assessment_dialog import AssessmentDialog
from gui.vum.vum_undo import push_new_row
from gui.vum.vum_widgets import Column, date_column, sorted_view
from gui.common.models import RecordModel

CHOICES = ["", *vum.CATEGORIES]


def kr_text(value) -> str:
    return "" if value is None else format_kr(to_ore(Fraction(value)))


def hours_text(value) -> str:
    return "" if value is None else format_number(Fraction(value))


class CategoryDelegate(QStyledItemDelegate):
    """A drop-down of the categories A-F for the category column."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.addItems(CHOICES)
        return combo

    def setEditorData(self, editor, index):
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class ChoosePage(QWizardPage):
    def __init__(self, wizard: "AllocationWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("Vælg år og tilbud")
        self.setSubTitle("Tildelingen beregnes for ét eget tilbud og ét budgetår.")
        form = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(wizard.initial_year)
        form.addRow("&Budgetår:", self.year)
        self.facility = QComboBox()
        form.addRow("&Tilbud:", self.facility)
        self.year.valueChanged.connect(self._load_facilities)
        self._load_facilities()

    def _load_facilities(self, *_):
        current = self.facility.currentText()
        self.facility.clear()
        db, year = self.w.context.db, self.year.value()
        by_facility = vum.residents_by_facility(db, year)
        with_categories = vum.facilities(db, year, by_facility)
        for p in with_categories:
            self.facility.addItem(p.name, p.id)
        # own facilities whose residents have no category yet can be allocated here too
        known = {p.id for p in with_categories}
        others = [p for p in list_providers(db) if p.is_own and by_facility.get(p.id) and p.id not in known]
        if others and with_categories:
            self.facility.insertSeparator(self.facility.count())
        for p in others:
            self.facility.addItem(p.name, p.id)
        if current:
            self.facility.setCurrentIndex(max(0, self.facility.findText(current)))
        self.w.setWindowTitle(f"Budgettildeling {self.year.value()}")
        self.completeChanged.emit()

    def choose(self, year: int, facility: str) -> None:
        self.year.setValue(year)
        self.facility.setCurrentIndex(self.facility.findText(facility))

    def isComplete(self) -> bool:
        return self.facility.currentIndex() >= 0

    def validatePage(self) -> bool:
        self.w.year, self.w.provider_id = self.year.value(), self.facility.currentData()
        return True


class ResidentsPage(QWizardPage):
    def __init__(self, wizard: "AllocationWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("Beboere og kategorier")
        self.setSubTitle("Beboerne forventet i året med deres nuværende kategori. Ret kategorien, og skriv "
                         "individuelle timer for kategori F.")
        layout = QVBoxLayout(self)
        self.model = RecordModel([
            Column("Navn", lambda r: r.name),
            Column("CPR-nr.", lambda r: r.cpr),
            Column("Periode i året", lambda r: (r.first_day, r.last_day),
                   lambda v: f"{format_date(v[0])} – {format_date(v[1])}",
                   sort_key=lambda v: v[0].isoformat() + v[1].isoformat()),
            Column("Andel af året", lambda r: r.weight, lambda v: f"{format_number(Fraction(v) * 100, 1)} %",
                   numeric=True),
            Column("Kategori", lambda r: r.category, editable=True),
            Column("F-timer pr. uge", lambda r: r.hours, hours_text, numeric=True, editable=True),
            date_column("Vurderet", lambda r: r.assessed_on),
            Column("Bemærkning", self.flag),
        ], parent=self, on_edit=self._edit, tooltips=True)
        self.view = fit_table(QTableView())
        self.view.setModel(sorted_view(self.model))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setItemDelegateForColumn(4, CategoryDelegate(self.view))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)  # the remark takes the rest
        self.view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        layout.addWidget(self.view)
        self.assess_button = QPushButton("Ny &vurdering af den valgte beboer …")
        self.assess_button.clicked.connect(self.assess_selected)
        layout.addWidget(self.assess_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.dialog: AssessmentDialog | None = None

    def flag(self, r) -> str:
        if r.expected:
            return "forventet borger"
        return assessment_problem(r, dt.date.today(), self.w.months)

    def initializePage(self) -> None:
        self.w.allocation = None  # computed again from the residents as they are placed now
        self.w.load_residents()
        self.model.set_records(self.w.residents)
        flagged = sum(1 for r in self.w.residents if self.flag(r) and not r.expected)
        self.message.setText(f"{len(self.w.residents)} beboere; {flagged} mangler en ny vurdering."
                             if flagged else f"{len(self.w.residents)} beboere.")

    def select(self, row: int) -> None:
        """Select a resident by its row in the model (the view may be sorted)."""
        self.view.setCurrentIndex(self.view.model().mapFromSource(self.model.index(row, 0)))

    def assess_selected(self) -> None:
        """Open the assessment dialog for the selected resident; its new category replaces the row's."""
        current = self.view.currentIndex()
        if not current.isValid():
            self.message.setText("Vælg en beboer i tabellen først.")
            return
        row = self.view.model().mapToSource(current).row()
        r = self.w.residents[row]
        if r.citizen_id is None:
            self.message.setText("En forventet borger uden CPR-nummer i registret kan ikke vurderes endnu; "
                                 "vælg kategorien i tabellen.")
            return
        facility = self.w.choose_page.facility.currentText()
        self.dialog = AssessmentDialog(self.w.context, r.cpr, r.name, self.w.provider_id, facility, self)
        self.dialog.accepted.connect(lambda: self._reload(row))
        self.dialog.open()

    def _reload(self, row: int) -> None:
        key = self.w.residents[row].key
        fresh = next((r for r in vum.residents(self.w.context.db, self.w.provider_id, self.w.year) if r.key == key),
                     None)
        if fresh is not None:
            self.w.residents[row] = self.model.rows[row] = fresh
            self.model.row_changed(row)

    def _edit(self, row: int, column: int, value) -> bool:
        r = self.w.residents[row]
        if column == 4:
            category = str(value or "").strip().upper() or None
            if category is not None and category not in vum.CATEGORIES:
                return False
            updated = r.with_category(category, r.hours)
        else:
            try:
                hours = parse_number(str(value)) if str(value).strip() else None
            except InvalidNumber:
                return False
            if r.category != vum.CATEGORIES[-1]:
                return False
            updated = r.with_category(r.category, hours)
        self.w.residents[row] = updated
        self.model.rows[row] = updated
        self.completeChanged.emit()
        return True

    def validatePage(self) -> bool:
        """Go on only with every resident placed, and with the allocation computed: the result
        page then always has one to show and save (a failure is told here, in Danish)."""
        missing = [r for r in self.w.residents if r.category is None]
        no_hours = [r for r in self.w.residents if r.category == vum.CATEGORIES[-1] and not r.hours]
        if missing or no_hours:
            self.message.setText("Alle beboere skal have en kategori, og kategori F skal have individuelle timer "
                                 f"({len(missing)} uden kategori, {len(no_hours)} i F uden timer).")
            return False
        try:
            self.w.compute()
        except DispoError as ex:
            self.message.setText(f"Tildelingen kan ikke beregnes: {ex}")
            return False
        return True


class ResultPage(QWizardPage):
    def __init__(self, wizard: "AllocationWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("Tildeling")
        self.setFinalPage(True)
        layout = QVBoxLayout(self)
        self.model = RecordModel([
            Column("Kategori", lambda c: c.code if c else "I alt"),
            Column("Betegnelse", lambda c: c.label if c else ""),
            Column("Antal", lambda c: c.count if c else self.w.allocation.resident_count,
                   persons, numeric=True),  # residents weighted by their share of the year
            Column("Normtimer", lambda c: c.norm_hours if c else "",
                   lambda v: "individuel" if v is None else v if isinstance(v, str) else format_number(v),
                   numeric=True),
            Column("Timer pr. uge", lambda c: c.hours_per_week if c else self.w.allocation.hours_per_week,
                   hours_text, numeric=True),
            Column("Kr. pr. uge", lambda c: c.kr_per_week if c else self.w.allocation.kr_per_week, kr_text,
                   numeric=True),
        ], parent=self, tooltips=True)
        view = fit_table(QTableView())
        view.setModel(self.model)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(view)
        form = QFormLayout()
        self.labels = {}
        for key, text in (("hours_per_year", "Timer pr. år:"), ("kr_per_year", "Kr. pr. år:"),
                          ("fixed_budget", "Fast budget:"), ("previous", "Sidste tildeling:"),
                          ("change", "Ændring i timer:")):
            self.labels[key] = QLabel()
            form.addRow(text, self.labels[key])
        layout.addLayout(form)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.keep = QRadioButton("&Behold tildelingen")
        self.change = QRadioButton("Æ&ndr tildelingen")
        group = QButtonGroup(self)
        group.addButton(self.keep)
        group.addButton(self.change)
        layout.addWidget(self.keep)
        layout.addWidget(self.change)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note til versionen")
        layout.addWidget(self.note)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        a = self.w.allocation  # computed by the residents page before it let the user go on
        self.setTitle(f"Tildeling {a.year} – {a.facility}")
        self.model.set_records([*a.categories.values(), None])
        self.labels["hours_per_year"].setText(hours_text(a.hours_per_year))
        self.labels["kr_per_year"].setText(kr_text(a.kr_per_year))
        self.labels["fixed_budget"].setText(format_kr(a.fixed_budget_ore) or "ikke sat")
        self.labels["previous"].setText(
            f"{format_kr(a.previous.kr_per_year_ore)} kr. ({format_number(a.previous.hours_per_year)} timer, "
            f"{a.previous.year} version {a.previous.version})" if a.previous else "ingen")
        self.labels["change"].setText("" if a.change_pct is None else f"{format_number(a.change_pct)} %")
        self.verdict.setText(verdict_text(a))
        (self.change if a.significant else self.keep).setChecked(True)

    def validatePage(self) -> bool:
        try:
            self.w.save("ændr" if self.change.isChecked() else "behold", self.note.text())
        except DispoError as ex:
            self.error.setText(str(ex))
            return False
        return True


class AllocationWizard(QWizard):
    """Guides one facility's allocation for one year from residents to a saved version."""

    def __init__(self, context, year: int | None = None, parent=None):
        super().__init__(parent)
        self.context = context
        self.initial_year = year or dt.date.today().year + 1
        self.year, self.provider_id = self.initial_year, None
        self.residents: list = []
        self.allocation = None
        self.saved_id: int | None = None
        self.months = vum.reassessment_months(context.db)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Næste >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Tilbage")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Gem tildeling")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Annuller")
        self.choose_page = ChoosePage(self)
        self.residents_page = ResidentsPage(self)
        self.result_page = ResultPage(self)
        for page in (self.choose_page, self.residents_page, self.result_page):
            self.addPage(page)
        self.resize(1040, 620)  # the residents and their remark side by side; fits a 1366 × 768 laptop

    def load_residents(self) -> None:
        self.residents = vum.residents(self.context.db, self.provider_id, self.year)

    def compute(self):
        self.allocation = vum.compute_allocation(self.context.db, self.provider_id, self.year, self.residents)
        return self.allocation

    def save(self, decision: str, note: str) -> None:
        if self.allocation is None:
            raise ValidationError({"allocation": "Tildelingen er ikke beregnet"})
        self.saved_id = vum.save_allocation(self.context.db, self.allocation, decision=decision, note=note)
        push_new_row(self.context, f"Budgettildeling {self.year} for {self.allocation.facility}",
                     "vum_allocations", self.saved_id)
