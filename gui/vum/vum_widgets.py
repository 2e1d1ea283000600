"""What the VUM screens share: their way of declaring columns of ``gui.common.models.RecordModel``, a dialog footer."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from core.money import format_date
from gui.common import models

def _shown(value) -> str:
    return "" if value is None else str(value)


def Column(header: str, value: Callable[[Any], Any], text: Callable[[Any], str] = _shown, numeric: bool = False,
           editable: bool = False, sort_key: Callable[[Any], Any] | None = None) -> models.Column:
    """A column of ``gui.common.models``, declared the VUM screens' way: ``value(row)`` shown by
    ``text(value)``, sorted by ``sort_key(value)`` (default: numbers as numbers, text in
    Danish order)."""
    if sort_key is not None:
        sort = lambda row: sort_key(value(row))  # noqa: E731
    elif numeric:
        sort = lambda row: _number(value(row))  # noqa: E731
    else:
        sort = None
    return models.Column(header, lambda row: text(value(row)), sort, numeric=numeric, editable=editable, value=value)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


def date_column(header: str, value: Callable[[Any], Any]) -> models.Column:
    """A column of dates, shown the Danish way and sorted by date."""
    return Column(header, value, format_date, sort_key=lambda v: v.isoformat() if v else "")


def sorted_view(model: models.RecordModel) -> QSortFilterProxyModel:
    """The proxy that sorts by the columns' sort keys (numbers as numbers)."""
    proxy = models.RecordFilterProxy(model)
    proxy.setSourceModel(model)
    return proxy


def dialog_footer(dialog, layout, ok_text: str) -> QLabel:
    """Add a red error line and OK/Annuller buttons to a dialog; returns the error label."""
    error = QLabel()
    error.setStyleSheet("color: #b00020")
    error.setWordWrap(True)
    layout.addWidget(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error
