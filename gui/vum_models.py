"""Table models of the VUM screens: one generic row model, columns declared per table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column:
    """One column: its heading, how to get the value from a row and how to show it."""

    header: str
    value: Callable[[Any], Any]
    text: Callable[[Any], str] = lambda v: "" if v is None else str(v)
    numeric: bool = False
    editable: bool = False


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
            return column.text(value)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            if column.numeric:
                return float(value) if value is not None else float("-inf")
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
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
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
