"""What the VUM screens share: one generic row model (columns declared per table), a dialog footer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from core.money import format_date
from gui.models import show_cpr

SORT_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column:
    """One column: its heading, how to get the value from a row and how to show it."""

    header: str
    value: Callable[[Any], Any]
    text: Callable[[Any], str] = lambda v: "" if v is None else str(v)
    numeric: bool = False
    editable: bool = False
    sort_key: Callable[[Any], Any] | None = None   # default: the number, or the shown text


def date_column(header: str, value: Callable[[Any], Any]) -> Column:
    """A column of dates, shown the Danish way and sorted by date."""
    return Column(header, value, format_date, sort_key=lambda v: v.isoformat() if v else "")


class RowsModel(QAbstractTableModel):
    """Rows of any kind shown through declared columns; edits go to ``on_edit(row, column, value)``."""

    def __init__(self, columns: list[Column], parent=None,
                 on_edit: Callable[[int, int, Any], bool] | None = None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list = []
        self.on_edit = on_edit

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = self.columns[index.column()]
        value = column.value(self.rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return show_cpr(column.text(value))
        if role == Qt.ItemDataRole.EditRole:
            return column.text(value)
        if role == SORT_ROLE:
            if column.sort_key is not None:
                return column.sort_key(value)
            if column.numeric:
                try:
                    return float(value)
                except (TypeError, ValueError):
                    return float("-inf")
            return column.text(value).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].editable and self.on_edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        editable = index.isValid() and self.flags(index) & Qt.ItemFlag.ItemIsEditable
        if role != Qt.ItemDataRole.EditRole or not editable:
            return False
        if not self.on_edit(index.row(), index.column(), value):
            return False
        self.row_changed(index.row())
        return True


def sorted_view(model: RowsModel) -> QSortFilterProxyModel:
    """A proxy that sorts by the columns' sort values (numbers as numbers)."""
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


def dialog_footer(dialog, layout, ok_text: str) -> QLabel:
    """Add a red error line and OK/Annullér buttons to a dialog; returns the error label."""
    error = QLabel()
    error.setStyleSheet("color: #b00020")
    error.setWordWrap(True)
    layout.addWidget(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annullér")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error
