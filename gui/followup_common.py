"""What the follow-up screens share: a read-only table model of rows, and a background job.

``RowsModel`` shows a list of rows (dataclass objects or dicts) with declared columns;
numbers and dates are shown the Danish way and sorted by their value (``Qt.UserRole``).
``Job`` (``gui.workers.Runner``) runs a core function on its own database connection in the
thread pool, so the GUI stays responsive; a newer job makes the older one's result stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView, QAbstractItemView, QHeaderView

from core.money import format_date, format_number
from gui.models import show_cpr
from gui.workers import Runner

# The unmasked display text, which the filter searches.
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"       # text, kr, number (2 decimals), int, percent, date
    getter: Callable[[Any], Any] | None = None

    def value(self, row) -> Any:
        if self.getter is not None:
            return self.getter(row)
        return row.get(self.key) if isinstance(row, dict) else getattr(row, self.key, None)

    def text(self, value) -> str:
        if value is None:
            return ""
        if self.kind == "kr":
            return format_number(value)
        if self.kind == "number":
            return format_number(value)
        if self.kind == "percent":
            return format_number(value, 1) + " %"
        if self.kind == "date":
            return format_date(value) if isinstance(value, dt.date) else str(value)
        return str(value)


class RowsModel(QAbstractTableModel):
    """A read-only table of rows with declared columns."""

    def __init__(self, columns: list[Column], parent: QObject | None = None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: QModelIndex):
        return self.rows[index.row()]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        value = column.value(self.rows[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return show_cpr(column.text(value))
        if role == FILTER_ROLE:
            return column.text(value)
        if role == Qt.ItemDataRole.UserRole:
            return _sort_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind not in ("text", "date"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.kind == "kr" and isinstance(value, Decimal) and value < 0:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#b00020"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None


def _sort_value(value):
    """A value QVariant can compare: numbers as float (display keeps the exact øre), the rest as text."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class SortProxy(QSortFilterProxyModel):
    """Sorts by value (``UserRole``), numbers numerically; filters on any column's text."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setFilterRole(FILTER_ROLE)  # the real text: a full CPR number finds its row also when masked

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a, b = left.data(Qt.ItemDataRole.UserRole), right.data(Qt.ItemDataRole.UserRole)
        if isinstance(a, float) and isinstance(b, float):
            return a < b
        if isinstance(a, float) != isinstance(b, float):
            return isinstance(a, float)  # numbers before empty cells
        return str(a) < str(b)


def table_view(model: RowsModel, name: str) -> tuple[QTableView, SortProxy]:
    """A sortable, keyboard-friendly table on ``model`` through its own proxy."""
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().setVisible(False)
    return view, proxy


# The follow-up screens' background job (``gui.workers.Runner``): ``start(db_path, fn)`` runs
# ``fn(db)`` on its own connection; only the newest run's result or error arrives.
Job = Runner
