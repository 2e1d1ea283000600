"""The screen "VUM-tildeling": allocation vs fixed budget vs what the assessments imply now,
and the citizens due for re-assessment or whose category changed since the allocation."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QTableView, QVBoxLayout,
                               QWidget)

from core import vum
from core.errors import DispoError
from core.money import format_kr, format_number, parse_number, to_ore
from gui.common.headers import fit_table
from gui.vum.vum_assessment_dialog import AssessmentDialog
from gui.vum.vum_widgets import Column, date_column, sorted_view
from gui.common.models import RecordModel
from gui.vum.vum_settings_dialog import SettingsDialog
from gui.vum.vum_undo import RowsChange, capture
from gui.vum.vum_wizard import AllocationWizard
from gui.common.widgets import mark_edits, when_enabled


def _pct(value) -> str:
    return "" if value is None else f"{format_number(value)} %"


def _allocated_from(row: vum.FacilityOverview) -> str:
    return f"{row.allocated.year} v{row.allocated.version}" if row.allocated else ""


class Screen(QWidget):
    TITLE = "VUM-tildeling"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.dialog: AssessmentDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("&År:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year + 1)
        top.itemAt(0).widget().setBuddy(self.year)
        top.addWidget(self.year)
        self.wizard_button = QPushButton("&Budgettildeling …")
        self.wizard_button.clicked.connect(self.open_wizard)
        top.addWidget(self.wizard_button)
        self.assess_button = QPushButton("Ny &vurdering …")
        self.assess_button.clicked.connect(self.assess_selected)
        top.addWidget(self.assess_button)
        self.settings_button = QPushButton("&Indstillinger …")
        self.settings_button.clicked.connect(self.open_settings)
        mark_edits(self.wizard_button, self.assess_button, self.settings_button)
        top.addWidget(self.settings_button)
        top.addStretch(1)
        layout.addLayout(top)

        layout.addWidget(QLabel("<b>Tilbud: tildeling, fast budget og hvad vurderingerne giver nu (kr. pr. år)</b>"))
        self.overview = RecordModel([
            Column("Tilbud", lambda r: r.facility),
            Column("Beboere", lambda r: r.residents, numeric=True),
            Column("Tildelt", lambda r: r.allocated_ore, format_kr, numeric=True),
            Column("Tildeling fra", _allocated_from),
            Column("Fast budget", lambda r: r.fixed_budget_ore, format_kr, numeric=True, editable=True),
            Column("Vurderingerne giver nu", lambda r: r.implied_ore, format_kr, numeric=True),
            Column("Ændring mod tildeling", lambda r: r.vs_allocation_pct, _pct, numeric=True),
            Column("Forskel mod fast budget", lambda r: r.vs_budget_ore, format_kr, numeric=True),
            Column("Væsentlig ændring", lambda r: r.significant, lambda v: "ja" if v else "nej"),
            Column("Uden kategori", lambda r: r.uncategorised, numeric=True),
        ], parent=self, on_edit=self._edit_fixed_budget, tooltips=True)
        self.overview_view = self._view(self.overview)
        layout.addWidget(self.overview_view, 1)

        layout.addWidget(QLabel("<b>Skal revurderes eller har skiftet kategori siden tildelingen</b>"))
        self.due = RecordModel([
            Column("Tilbud", lambda r: r["facility"]),
            Column("CPR-nr.", lambda r: r["cpr"]),
            Column("Navn", lambda r: r["name"]),
            Column("Kategori", lambda r: r["category"]),
            date_column("Vurderet", lambda r: r["assessed_on"]),
            Column("Hvorfor", lambda r: "; ".join(r["reasons"])),
        ], parent=self, tooltips=True)
        self.due_view = self._view(self.due)
        self.due_view.doubleClicked.connect(when_enabled(self.assess_button, self.assess_selected))
        self.due_view.activated.connect(when_enabled(self.assess_button, self.assess_selected))
        layout.addWidget(self.due_view, 1)
        self.message = QLabel()
        layout.addWidget(self.message)

        self.year.valueChanged.connect(self.refresh)
        context.data_changed.connect(self._changed)

    def _view(self, model: RecordModel) -> QTableView:
        view = fit_table(QTableView())
        view.setModel(sorted_view(model))
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _edit_fixed_budget(self, row: int, column: int, value) -> bool:
        """The fixed budget of a facility for the shown year, typed in the table (undoable)."""
        item = self.overview.rows[row]
        text = str(value or "").strip()
        try:
            amount = to_ore(parse_number(text)) if text else None
            key = [("vum_fixed_budgets", {"provider_id": item.provider_id, "year": self.year.value()})]
            before = capture(self.context, key)
            vum.set_fixed_budget(self.context.db, item.provider_id, self.year.value(), amount)
        except DispoError as ex:
            self.message.setText(str(ex))
            return False
        self.context.undo_stack.push(RowsChange(self.context, f"Fast budget for {item.facility}", key, before))
        self.overview.rows[row] = replace(item, fixed_budget_ore=amount)
        QTimer.singleShot(0, self.refresh)
        return True

    def _changed(self, area: str) -> None:
        if area in ("vum", "grants", "providers", "catalogue", "*") and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        try:
            self.overview.set_records(vum.overview(self.context.db, self.year.value()))
            self.due.set_records(vum.due(self.context.db))
            self.message.setText("")
        except DispoError as ex:
            self.message.setText(str(ex))

    def selected_due(self) -> dict | None:
        rows = self.due_view.selectionModel().selectedRows() if self.due_view.selectionModel() else []
        if not rows:
            return None
        return self.due.rows[self.due_view.model().mapToSource(rows[0]).row()]

    def assess_selected(self) -> None:
        item = self.selected_due()
        if item is None:
            self.message.setText("Vælg en borger i listen nedenfor først.")
            return
        self.dialog = AssessmentDialog(self.context, item["cpr"], item["name"], item["provider_id"], item["facility"],
                                       self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()

    def open_settings(self) -> None:
        SettingsDialog(self.context, self).exec()

    def open_wizard(self) -> None:
        AllocationWizard(self.context, self.year.value(), self).exec()
