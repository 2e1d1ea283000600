"""The "Importer" screen: every import with file, sheet, time, user and counts, and undo; and the
saved import profiles with what each fixes and translates."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from core.errors import DispoError
from core.importing.batches import list_batches, undo
from core.importing.fields import KINDS
from core.formatting import count, datetime_text
from gui.common.headers import fit_table
from core.importing.profiles import describe_profile, list_profiles
from gui.common.widgets import mark_edits


class BatchesModel(QAbstractTableModel):
    COLUMNS = [("id", "Nr."), ("file", "Fil"), ("sheet", "Ark"), ("kind", "Slags"), ("created_at", "Tidspunkt"),
               ("user", "Bruger"), ("imported", "Nye"), ("updated", "Opdateret"), ("unchanged", "Uændret"),
               ("rejected", "Afvist"), ("undone_at", "Fortrudt")]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        value = row.get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "kind":
                return KINDS[value].label if value in KINDS else value
            if key in ("created_at", "undone_at"):
                return datetime_text(value)
            if isinstance(value, int) and key != "id":
                return count(value)  # 237.000, not 237000
            return value
        if role == Qt.ItemDataRole.EditRole:  # sorting by the raw value
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ProfilesModel(BatchesModel):
    """The saved import profiles: name, kind, columns, and what each fixes and translates."""

    COLUMNS = [("id", "Nr."), ("name", "Navn"), ("kind", "Slags"), ("columns", "Kolonner"),
               ("choices", "Faste værdier og oversættelser"), ("created_at", "Gemt")]


def profile_rows(db) -> list[dict]:
    """The profiles as the screen shows them."""
    return [{**r, "columns": ", ".join(f"{k} = {v}" for k, v in r["mapping"].items()),
             "choices": describe_profile(r)} for r in list_profiles(db)]


class Screen(QWidget):
    TITLE = "Importer"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.model = BatchesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.view = fit_table(QTableView())
        self.view.setObjectName("batches")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.import_button = QPushButton("&Importér fil …")
        self.import_button.clicked.connect(self.open_wizard)
        self.undo_button = QPushButton("&Fortryd import")
        self.undo_button.setObjectName("undo_batch")
        self.undo_button.clicked.connect(self.undo_selected)
        mark_edits(self.import_button, self.undo_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch()
        self.profiles = ProfilesModel(self)
        self.profiles_view = QTableView()
        self.profiles_view.setObjectName("import_profiles")
        self.profiles_view.setModel(self.profiles)
        self.profiles_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 3)
        layout.addWidget(QLabel("Importprofiler (en fil med samme kolonner importeres som sidst):"))
        layout.addWidget(self.profiles_view, 1)
        layout.addWidget(self.message)
        context.data_changed.connect(lambda area: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(list_batches(self.context.db))
        self.profiles.set_rows(profile_rows(self.context.db))

    def selected_batch(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()]

    def open_wizard(self) -> None:
        from gui.importing.import_wizard import ImportWizard

        ImportWizard(self.context, parent=self).exec()

    def undo_selected(self, *, confirm: bool = True) -> None:
        batch = self.selected_batch()
        if batch is None:
            self.message.setText("Vælg den import, der skal fortrydes.")
            return
        if confirm and QMessageBox.question(
                self, "Fortryd import", f"Fortryd import nr. {batch['id']} ({batch['file']})? Alt, hvad den "
                                        "tilføjede, fjernes, og de rækker, den ændrede, får deres gamle værdier."
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            undo(self.context.db, batch["id"])
        except DispoError as ex:
            if "--force" not in str(ex):
                self.message.setText(str(ex))
                return
            text = str(ex).replace(" Fortryd dem først, eller fortryd alligevel (--force).", "")
            if QMessageBox.question(self, "Senere ændringer", text + "\n\nFortryd alligevel?") != \
                    QMessageBox.StandardButton.Yes:
                return
            undo(self.context.db, batch["id"], force=True)
        self.message.setText(f"Import nr. {batch['id']} er fortrudt.")
        self.context.notify_changed("*")
