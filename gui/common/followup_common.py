"""What the follow-up screens share: their way of declaring columns, and their table view.

The screens show rows (dataclass objects or dicts) in ``gui.common.models.RecordModel`` through
columns declared by ``Column(key, title, kind)``; numbers and dates are shown the Danish way and
sorted by their value. Their background jobs are ``gui.common.workers.Runner``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from core.money import format_date, format_number
from core.reports import WARNING_COLOUR, is_overspend
from gui.common import models
from gui.common.headers import fit_table


def cell_text(kind: str, value) -> str:
    """A value the follow-up screens' way: kroner and numbers ``1.234,56``, percent ``95,0 %``."""
    if value is None:
        return ""
    if kind in ("kr", "number"):
        return format_number(value)
    if kind == "percent":
        return format_number(value, 1) + " %"
    if kind == "date":
        return format_date(value) if isinstance(value, dt.date) else str(value)
    return str(value)


def Column(key: str, title: str, kind: str = "text", getter: Callable[[Any], Any] | None = None,
           warn: bool = False) -> models.Column:
    """A column of ``gui.common.models``, declared the follow-up way: the row's attribute (or dict
    key) ``key`` or ``getter(row)``, shown as ``kind`` (text, kr, number, int, percent, date);
    numbers are right-aligned and sorted as numbers; with ``warn`` an overspend (a positive
    amount) is shown in the warning colour (``core.reports.is_overspend``)."""
    def value(row):
        if getter is not None:
            return getter(row)
        return row.get(key) if isinstance(row, dict) else getattr(row, key, None)

    def color(row):
        return "#" + WARNING_COLOUR if is_overspend(value(row)) else None

    return models.Column(title, lambda row: cell_text(kind, value(row)), lambda row: _sort_value(value(row)),
                         numeric=kind not in ("text", "date"), color=color if warn else None, value=value,
                         key=key)


def _sort_value(value):
    """A value QVariant can compare: numbers as float (display keeps the exact øre), the rest as text."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class SortProxy(models.RecordFilterProxy):
    """``gui.common.models.RecordFilterProxy``; numbers sort before empty cells, and the search box's
    text filters (every word somewhere in the row, a full CPR number also when masked)."""

    def setFilterFixedString(self, text: str) -> None:  # the search box connects to Qt's name
        self.set_text(text)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a, b = left.data(models.SORT_ROLE), right.data(models.SORT_ROLE)
        if isinstance(a, float) and isinstance(b, float):
            return a < b
        if isinstance(a, float) != isinstance(b, float):
            return isinstance(a, float)  # numbers before empty cells
        return str(a) < str(b)


def table_view(model: models.RecordModel, name: str) -> tuple[QTableView, SortProxy]:
    """A sortable, keyboard-friendly table on ``model`` through its own proxy."""
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = fit_table(QTableView())
    view.setObjectName(name)
    view.setModel(proxy)
    # no sort until she clicks a header: rows keep core's order (accounts ascending, errors
    # before warnings, flagged rows first); Qt would otherwise sort column 0 descending
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)  # one line per row; a shrunk text column elides, its tooltip has it all
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().setVisible(False)
    return view, proxy

