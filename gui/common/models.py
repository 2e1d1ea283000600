"""The table model every screen uses: records shown through declared columns, and its filter proxy.

A screen hands a list of records (core dataclasses or dicts) to a ``RecordModel`` together
with its ``Column`` declarations. The model formats every cell once, when the records are
set, so that painting, filtering and copying never call back into core or the database;
sort keys are computed per column the first time that column is sorted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from core.formatting import text_key  # noqa: F401 (the screens sort by it from here)
from core.cpr import mask_all
from core.money import format_number
from core.store.storage import bulk_work

SORT_ROLE = Qt.ItemDataRole.UserRole
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
OPEN_END = "løbende"

class _CprMasking:
    """Whether the GUI masks CPR numbers now; ``gui.common.context.AppContext`` keeps it in step with
    the user's setting (one per application, like the setting itself)."""

    masked = False


cpr_masking = _CprMasking()


def show_cpr(text: str) -> str:
    """A text (a CPR number, or a message holding some) as every table shows it now.

    Tables store the real values and mask them only when asked for display text, so that
    the filter still finds a citizen by her full CPR number and toggling the mask needs no reload.
    """
    return mask_all(text) if cpr_masking.masked and text else text


_DANISH_SEPARATORS = str.maketrans(",.", ".,")


def show_number(value: Decimal | int | None, decimals: int = 2) -> str:
    """``core.money.format_number``, fast for values that need no rounding (most stored amounts).

    Python's own thousands formatting is used then; it rounds half-even, so values with
    more decimals than shown go through core's half-up formatting instead.
    """
    if value is None:
        return ""
    if isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite()
                                  and value.as_tuple().exponent >= -decimals):
        return f"{value:,.{decimals}f}".translate(_DANISH_SEPARATORS)
    return format_number(value, decimals)


def show_date(day: dt.date | None) -> str:
    """``core.money.format_date`` without ``strftime``, which is slow for 30,000 rows."""
    return "" if day is None else f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def show_quantity(value: Decimal | None) -> str:
    """A quantity without needless decimals: ``7``, ``7,5``, ``1.000``."""
    return show_number(value, 2).rstrip("0").rstrip(",") if value is not None else ""


def quantity_text(grant) -> str:
    """A grant's quantity with its period: ``7,5 pr. uge``."""
    text = show_quantity(grant.quantity)
    return f"{text} pr. {grant.quantity_per}" if text and grant.quantity_per else text


def section_number(code: str) -> int:
    """``108`` from ``§ 108``: sections sort by number, not as text."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits) if digits else 0


def number_key(value: Decimal | int | None) -> float:
    """Numbers sort numerically; a missing number sorts first."""
    return float("-inf") if value is None else float(value)


def date_key(day: dt.date | None, missing: str = "") -> str:
    """Dates sort by ISO text; ``missing`` is what an empty date sorts as."""
    return day.isoformat() if day else missing


@dataclass(frozen=True)
class Column:
    """One column of a record table, declared once: its header, how a record is shown, how it
    sorts, its alignment, whether it can be edited and its colour.

    Args:
        display: record -> the cell's Danish text (formatted once, when the records are set).
        sort: record -> a sort key (str, int or float; one type per column); default: the
            Danish text order of the cell.
        numeric: right-aligned.
        editable: the cell can be edited; the model's ``on_edit`` says what an edit does.
        color: record -> the text colour (``"#b00020"``) or None.
        value: record -> the cell's value before formatting (for callers that need the figure).
        key: a stable name for the column (tests and code find a column by it).
    """

    header: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    numeric: bool = False
    editable: bool = False
    color: Callable[[Any], str | None] | None = None
    value: Callable[[Any], Any] | None = None
    key: str = ""


def date_column(header: str, get: Callable[[Any], dt.date | None], empty: str = "",
                empty_sorts_as: str = "") -> Column:
    """A column of dates shown as ``31-10-2026`` and sorted by date."""
    return Column(header, lambda r: show_date(get(r)) if get(r) else empty,
                  lambda r: date_key(get(r), empty_sorts_as))


def number_column(header: str, get: Callable[[Any], Decimal | int | None], decimals: int = 2) -> Column:
    """A right-aligned column of Danish-formatted numbers sorted numerically."""
    return Column(header, lambda r: show_number(get(r), decimals), lambda r: number_key(get(r)), numeric=True)


@dataclass(frozen=True)
class PreparedRows:
    """Records with their cells formatted, ready for ``RecordModel.set_prepared``."""

    records: list
    cells: list[tuple[str, ...]]
    haystacks: list[str]
    rows_by_key: dict


def prepare_rows(columns: list[Column], records: list, key: Callable[[Any], Any] | None = None) -> PreparedRows:
    """Format every cell of ``records`` once; plain Python, so it may run on a background thread."""
    records = list(records)
    displays = [c.display for c in columns]
    with bulk_work():
        cells = [tuple([show(r) for show in displays]) for r in records]
        haystacks = ["\t".join(row).casefold() for row in cells]
    return PreparedRows(records, cells, haystacks, {key(r): i for i, r in enumerate(records)} if key else {})


class RecordModel(QAbstractTableModel):
    """The table of records with declared columns that every screen uses, with pre-formatted cells.

    ``data`` answers the display role with the pre-formatted text (CPR masked when the user
    chose so), ``SORT_ROLE`` with the column's sort key, ``RECORD_ROLE`` with the record
    itself and ``EditRole`` with the unmasked text. A cell of an ``editable``
    column can be edited when ``on_edit(row, column, value) -> bool`` is given; it changes
    the record, and the model formats that row again.
    """

    def __init__(self, columns: list[Column], key: Callable[[Any], Any] | None = None, parent=None, *,
                 on_edit: Callable[[int, int, Any], bool] | None = None, tooltips: bool = False):
        super().__init__(parent)
        self.columns = list(columns)
        self._key = key
        self.on_edit = on_edit
        self.tooltips = tooltips
        self._records: list = []
        self._cells: list[tuple[str, ...]] = []
        self._haystacks: list[str] = []
        self._sort_keys: dict[int, list] = {}
        self._rows_by_key: dict = {}

    # ------------------------------------------------------------ our API
    def set_records(self, records: list) -> None:
        """Replace all rows; every cell is formatted here, once."""
        self.set_prepared(prepare_rows(self.columns, records, self._key))

    def set_prepared(self, prepared: PreparedRows) -> None:
        """Replace all rows with ones formatted by ``prepare_rows`` (with this model's columns and key)."""
        self.beginResetModel()
        self._records = prepared.records
        self._cells = prepared.cells
        self._haystacks = prepared.haystacks
        self._rows_by_key = prepared.rows_by_key
        self._sort_keys = {}
        self.endResetModel()

    @property
    def key(self) -> Callable[[Any], Any] | None:
        """The function giving a record's key (``row_of``), if any."""
        return self._key

    def record(self, row: int):
        return self._records[row]

    @property
    def rows(self) -> list:
        """The records themselves (not a copy): change one, then call ``row_changed``."""
        return self._records

    @rows.setter
    def rows(self, records: list) -> None:
        """Set the records inside the caller's own ``beginResetModel``/``endResetModel``
        (after any change of ``columns``); ``set_records`` does the reset itself."""
        prepared = prepare_rows(self.columns, records, self._key)
        self._records, self._cells = prepared.records, prepared.cells
        self._haystacks, self._rows_by_key = prepared.haystacks, prepared.rows_by_key
        self._sort_keys = {}

    def row_changed(self, row: int) -> None:
        """Format a changed record's cells again."""
        record = self._records[row]
        self._cells[row] = tuple(c.display(record) for c in self.columns)
        self._haystacks[row] = "\t".join(self._cells[row]).casefold()
        self._sort_keys = {}
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def records(self) -> list:
        return list(self._records)

    def row_of(self, key) -> int | None:
        """The row of the record with this key (see ``key`` in the constructor)."""
        return self._rows_by_key.get(key)

    def haystack(self, row: int) -> str:
        """All of a row's cells as one case-folded text, for the instant filter."""
        return self._haystacks[row]

    def _sort_column(self, column: int) -> list:
        keys = self._sort_keys.get(column)
        if keys is None:
            get = self.columns[column].sort
            keys = ([get(r) for r in self._records] if get
                    else [text_key(cells[column]) for cells in self._cells])
            self._sort_keys[column] = keys
        return keys

    # ------------------------------------------------------------ Qt overrides
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole and self.tooltips):
            return show_cpr(self._cells[row][column])
        if role == SORT_ROLE:
            return self._sort_column(column)[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[column].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RECORD_ROLE:
            return self._records[row]
        if role == Qt.ItemDataRole.EditRole:  # the unmasked text
            return self._cells[row][column]
        if role == Qt.ItemDataRole.ForegroundRole and self.columns[column].color is not None:
            color = self.columns[column].color(self._records[row])
            return QBrush(QColor(color)) if color else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.on_edit is not None and self.columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        if not self.on_edit(index.row(), index.column(), value):
            return False
        self.row_changed(index.row())
        return True


class RecordFilterProxy(QSortFilterProxyModel):
    """Sorting by the columns' sort keys and an instant filter over all cells of a row.

    Every word of the filter text must occur somewhere in the row (case-insensitive);
    ``set_predicate`` adds a test on the record itself (section, status, a date).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []
        self._predicate: Callable[[Any], bool] | None = None

    def _change_filter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateFilter is deprecated there
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        words = text.casefold().split()
        if words != self._words:
            self._change_filter(lambda: setattr(self, "_words", words))

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self._change_filter(lambda: setattr(self, "_predicate", predicate))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if self._words:
            hay = model.haystack(source_row)
            if not all(word in hay for word in self._words):
                return False
        return self._predicate is None or bool(self._predicate(model.record(source_row)))
