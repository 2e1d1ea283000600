"""Revisionsspor: who changed what, when, from what to what; filtered and exportable.

Other screens show one citizen's or one grant's history with ``show_citizen`` /
``show_grant`` (the navigation then switches here).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from core.store import audit
from core.register import citizens
from core import cpr as cprs
from core.errors import DispoError
from core.formatting import datetime_text
from gui.common.models import Column, number_key
from gui.common.widgets import TablePanel, add_labelled

LIMIT = 5000


def _text(row: dict, key: str) -> str:
    return "" if row.get(key) is None else str(row[key])


# audit rows as ``core.store.audit.entries`` gives them (newest first); the change is described
# when a row is first shown (5,000 rows each describe their change in the screens' words)
AUDIT_COLUMNS = [
    Column("Tidspunkt", lambda row: datetime_text(row["at"]), lambda row: row["id"], key="at"),
    Column("Bruger", lambda row: _text(row, "user"), key="user"),
    Column("Tabel", lambda row: audit.TABLES.get(row["table_name"], row["table_name"]), key="table_name"),
    Column("Række", lambda row: _text(row, "row_id"), lambda row: number_key(row.get("row_id")), numeric=True,
           key="row_id"),
    Column("Handling", lambda row: audit.ACTIONS.get(row["action"], row["action"]), key="action"),
    Column("Ændring", audit.describe_change, key="change"),
]


class Screen(QWidget):
    TITLE = "Revisionsspor"

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.citizen_id: int | None = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.table_box = QComboBox()
        self.table_box.addItem("Alle tabeller", None)
        for code, label in audit.TABLES.items():
            self.table_box.addItem(label, code)
        self.row_edit = QLineEdit()
        self.row_edit.setPlaceholderText("Række-nr.")
        self.row_edit.setMaximumWidth(90)
        self.citizen_edit = QLineEdit()
        self.citizen_edit.setPlaceholderText("Borgerens CPR-nr.")
        self.citizen_edit.setMaximumWidth(150)
        # a long change is read whole in its tooltip
        self.panel = TablePanel(AUDIT_COLUMNS, placeholder="Søg i sporet …", lazy=True, tooltips=True)
        self.model, self.proxy, self.view = self.panel.model, self.panel.proxy, self.panel.table
        self.panel.count_label.hide()  # the status line below counts the changes read
        self.text_edit = self.panel.filter_edit
        self.export_button = QPushButton("&Eksportér …")
        add_labelled(filters, (("&Tabel:", self.table_box), (None, self.row_edit), ("&Borger:", self.citizen_edit)))
        self.panel.filters.insertLayout(0, filters)  # one row: table, row, citizen, search, export
        self.panel.filters.addWidget(self.export_button)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.panel, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.table_box.currentIndexChanged.connect(self.refresh)
        self.row_edit.editingFinished.connect(self.refresh)
        self.citizen_edit.editingFinished.connect(self._citizen_entered)
        self.export_button.clicked.connect(self.export)
        context.data_changed.connect(lambda _area: self.refresh() if self.isVisible() else None)

    def _citizen_entered(self) -> None:
        text = self.citizen_edit.text().strip()
        self.citizen_id = None
        if text:
            try:
                found = citizens.find_by_cpr(self.context.db, cprs.normalize(text))
            except DispoError:
                found = None
            if found is None:
                self.status.setText(f"Ingen borger med CPR-nr. '{text}'")
                self.panel.set_records([])
                return
            self.citizen_id = found.id
        self.refresh()

    def show_citizen(self, citizen_id: int) -> None:
        """Show one citizen's history across all her grants."""
        person = citizens.get_citizen(self.context.db, citizen_id)
        self.table_box.setCurrentIndex(0)
        self.row_edit.clear()
        self.citizen_edit.setText(person.cpr)
        self.citizen_id = citizen_id
        self.refresh()

    def show_grant(self, grant_id: int) -> None:
        """Show one grant's history."""
        self.citizen_edit.clear()
        self.citizen_id = None
        self.row_edit.setText(str(grant_id))
        self.table_box.setCurrentIndex(self.table_box.findData("grants"))  # refreshes
        self.refresh()

    def refresh(self) -> None:
        table = self.table_box.currentData()
        row_text = self.row_edit.text().strip()
        row_id = int(row_text) if row_text.isdigit() else None
        rows = audit.entries(self.context.db, table, row_id, LIMIT, citizen_id=self.citizen_id)
        self.panel.set_records(rows)
        more = " (de nyeste)" if len(rows) == LIMIT else ""
        self.status.setText(f"{len(rows)} ændringer{more}")

    def export(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Eksportér revisionsspor",
                                                  str(Path.home() / "revisionsspor.xlsx"),
                                                  "Excel (*.xlsx);;CSV (*.csv)")
            if not path:
                return
        shown = [self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                 for r in range(self.proxy.rowCount())]
        try:
            n = audit.export(shown, path)
        except DispoError as ex:
            QMessageBox.warning(self, "Eksport", str(ex))
            return
        self.status.setText(f"{n} ændringer er gemt i {path}")
