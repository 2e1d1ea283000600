"""Revisionsspor: who changed what, when, from what to what; filtered and exportable.

Other screens show one citizen's or one grant's history with ``show_citizen`` /
``show_grant`` (the navigation then switches here).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from core.store import audit
from core.register import citizens
from core import cpr as cprs
from core.errors import DispoError
from core.formatting import datetime_text
from gui.common.headers import fit_table

LIMIT = 5000


class AuditModel(QAbstractTableModel):
    """Audit rows as returned by ``core.store.audit.entries`` (newest first)."""

    COLUMNS = [("at", "Tidspunkt"), ("user", "Bruger"), ("table_name", "Tabel"), ("row_id", "Række"),
               ("action", "Handling"), ("change", "Ændring")]

    def __init__(self, parent=None, show_cpr=lambda text: text):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.show_cpr = show_cpr

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section][1]
        return None

    def _text(self, row: dict, key: str) -> str:
        if key == "at":
            return datetime_text(row["at"])
        if key == "table_name":
            return audit.TABLES.get(row[key], row[key])
        if key == "action":
            return audit.ACTIONS.get(row[key], row[key])
        if key == "change":
            return self.show_cpr(audit.describe_change(row))
        return "" if row.get(key) is None else str(row[key])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, key = self.rows[index.row()], self.COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(row, key)
            return text if role == Qt.ItemDataRole.DisplayRole or key == "change" else None
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return row["id"] if key == "at" else (row.get(key) if key == "row_id" else self._text(row, key))
        return None


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
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("Søg i sporet …")
        self.export_button = QPushButton("&Eksportér …")
        for label, widget in (("&Tabel:", self.table_box), (None, self.row_edit), ("&Borger:", self.citizen_edit),
                              (None, self.text_edit)):
            if label:
                lab = QLabel(label)
                lab.setBuddy(widget)
                filters.addWidget(lab)
            filters.addWidget(widget)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.model = AuditModel(self, context.show_cpr)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.view = fit_table(QTableView())
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.view, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.table_box.currentIndexChanged.connect(self.refresh)
        self.row_edit.editingFinished.connect(self.refresh)
        self.citizen_edit.editingFinished.connect(self._citizen_entered)
        self.text_edit.textChanged.connect(self.proxy.setFilterFixedString)
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
                self.model.set_rows([])
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
        self.model.set_rows(rows)
        more = " (de nyeste)" if len(rows) == LIMIT else ""
        self.status.setText(f"{len(rows)} ændringer{more}")

    def export(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Eksportér revisionsspor",
                                                  str(Path.home() / "revisionsspor.xlsx"),
                                                  "Excel (*.xlsx);;CSV (*.csv)")
            if not path:
                return
        shown = [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                 for r in range(self.proxy.rowCount())]
        try:
            n = audit.export(shown, path)
        except DispoError as ex:
            QMessageBox.warning(self, "Eksport", str(ex))
            return
        self.status.setText(f"{n} ændringer er gemt i {path}")
