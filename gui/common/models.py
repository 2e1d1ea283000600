"""The table model every screen uses: records shown through declared columns, and its filter proxy.

A screen hands a list of records (core dataclasses or dicts) to a ``RecordModel`` together
with its ``Column`` declarations. The model formats every cell once, when the records are
set, so that painting, filtering and copying never call back into core or the database;
sort keys are computed per column the first time that column is sorted.

For hundreds of thousands of rows (an import's preview) the model is ``lazy``: a row's cells
are formatted the first time it is shown or filtered, and its proxy lets the model sort
itself (``RecordFilterProxy(sort_in_model=True)``), one key per row instead of two ``data``
calls per comparison.
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
_DISPLAY, _EDIT, _TOOLTIP = (int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                                              Qt.ItemDataRole.ToolTipRole))
_BACKGROUND, _FOREGROUND, _ALIGNMENT = (int(r) for r in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                                                         Qt.ItemDataRole.TextAlignmentRole))
_ANSWERED = frozenset({_DISPLAY, _EDIT, _TOOLTIP, _BACKGROUND, _FOREGROUND, _ALIGNMENT, int(SORT_ROLE),
                       int(RECORD_ROLE)})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
    sorts, its alignment, whether it can be edited, its colours and its tooltip.

    Args:
        display: record -> the cell's Danish text (formatted once, when the records are set).
        sort: record -> a sort key (str, int or float; one type per column); default: the
            Danish text order of the cell.
        numeric: right-aligned.
        editable: the cell can be edited; the model's ``on_edit`` says what an edit does.
        color: record -> the text colour (``"#b00020"``) or None.
        value: record -> the cell's value before formatting (for callers that need the figure).
        key: a stable name for the column (tests and code find a column by it).
        background: record -> the cell's background colour or None (a rejected row, a changed field).
        tooltip: record -> the cell's tooltip (CPR numbers masked as in the cells); default: none,
            or the cell's text when the model shows ``tooltips``.
    """

    header: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    numeric: bool = False
    editable: bool = False
    color: Callable[[Any], str | None] | None = None
    value: Callable[[Any], Any] | None = None
    key: str = ""
    background: Callable[[Any], str | None] | None = None
    tooltip: Callable[[Any], str] | None = None


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
    """Records with their cells formatted, ready for ``RecordModel.set_prepared`` (``None`` for
    a row a lazy model formats when it is first shown)."""

    records: list
    cells: list[tuple[str, ...] | None]
    haystacks: list[str | None]
    rows_by_key: dict


def prepare_rows(columns: list[Column], records: list, key: Callable[[Any], Any] | None = None,
                 lazy: bool = False) -> PreparedRows:
    """Format every cell of ``records`` once (with ``lazy``, none yet); plain Python, so it may
    run on a background thread."""
    records = list(records)
    if lazy:
        cells: list = [None] * len(records)
        haystacks: list = [None] * len(records)
    else:
        displays = [c.display for c in columns]
        with bulk_work():
            cells = [tuple([show(r) for show in displays]) for r in records]
            haystacks = ["\t".join(row).casefold() for row in cells]
    return PreparedRows(records, cells, haystacks, {key(r): i for i, r in enumerate(records)} if key else {})


_BRUSHES: dict[str, QBrush] = {}


def _brush(color: str | None) -> QBrush | None:
    """One brush per colour: a large table asks for the same few colours again and again."""
    if not color:
        return None
    brush = _BRUSHES.get(color)
    if brush is None:
        brush = _BRUSHES[color] = QBrush(QColor(color))
    return brush


class RecordModel(QAbstractTableModel):
    """The table of records with declared columns that every screen uses, with pre-formatted cells.

    ``data`` answers the display role with the pre-formatted text (CPR masked when the user
    chose so), ``SORT_ROLE`` with the column's sort key, ``RECORD_ROLE`` with the record
    itself and ``EditRole`` with the unmasked text. A cell of an ``editable``
    column can be edited when ``on_edit(row, column, value) -> bool`` is given; it changes
    the record, and the model formats that row again. A ``lazy`` model formats a row when it
    is first asked for it (see the module's docstring); ``sort`` sorts the rows themselves.
    """

    def __init__(self, columns: list[Column], key: Callable[[Any], Any] | None = None, parent=None, *,
                 on_edit: Callable[[int, int, Any], bool] | None = None, tooltips: bool = False,
                 lazy: bool = False):
        super().__init__(parent)
        self.columns = list(columns)
        self._key = key
        self.on_edit = on_edit
        self.tooltips = tooltips
        self.lazy = lazy
        self._records: list = []
        self._cells: list[tuple[str, ...] | None] = []
        self._haystacks: list[str | None] = []
        self._positions: list[int] = []  # each row's place in the records as they were set
        self._sort_keys: dict[int, list] = {}
        self._rows_by_key: dict = {}

    # ------------------------------------------------------------ our API
    def set_records(self, records: list, columns: list[Column] | None = None) -> None:
        """Replace all rows (and the columns, when given); every cell is formatted here, once
        (in a lazy model when first shown)."""
        self.beginResetModel()
        if columns is not None:
            self.columns = list(columns)
        self._take(prepare_rows(self.columns, records, self._key, self.lazy))
        self.endResetModel()

    def set_prepared(self, prepared: PreparedRows) -> None:
        """Replace all rows with ones formatted by ``prepare_rows`` (with this model's columns and key)."""
        self.beginResetModel()
        self._take(prepared)
        self.endResetModel()

    def _take(self, prepared: PreparedRows) -> None:
        self._records, self._cells = prepared.records, prepared.cells
        self._haystacks, self._rows_by_key = prepared.haystacks, prepared.rows_by_key
        self._positions = list(range(len(prepared.records)))
        self._sort_keys = {}

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
        self._take(prepare_rows(self.columns, records, self._key, self.lazy))

    def row_changed(self, row: int) -> None:
        """Format a changed record's cells again."""
        self._cells[row] = None
        self._haystacks[row] = None
        self._row_cells(row)
        self._sort_keys = {}
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _row_cells(self, row: int) -> tuple[str, ...]:
        cells = self._cells[row]
        if cells is None:  # a lazy model's row, shown for the first time
            record = self._records[row]
            cells = self._cells[row] = tuple([c.display(record) for c in self.columns])
        return cells

    def records(self) -> list:
        return list(self._records)

    def row_of(self, key) -> int | None:
        """The row of the record with this key (see ``key`` in the constructor)."""
        return self._rows_by_key.get(key)

    def haystack(self, row: int) -> str:
        """All of a row's cells as one case-folded text, for the instant filter."""
        hay = self._haystacks[row]
        if hay is None:
            hay = self._haystacks[row] = "\t".join(self._row_cells(row)).casefold()
        return hay

    def _sort_column(self, column: int) -> list:
        keys = self._sort_keys.get(column)
        if keys is None:
            get = self.columns[column].sort
            with bulk_work():  # a key per row: 237,000 new objects the collector need not scan
                keys = ([get(r) for r in self._records] if get
                        else [text_key(self._row_cells(row)[column]) for row in range(len(self._records))])
            self._sort_keys[column] = keys
        return keys

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Put the rows themselves in the order of ``column``'s sort keys (one key per row; a
        column of -1: the order they were set in). Equal keys keep their order. Used by a
        ``RecordFilterProxy(sort_in_model=True)``; other proxies sort by ``SORT_ROLE`` themselves."""
        if column >= len(self.columns):
            return
        keys = self._positions if column < 0 else self._sort_column(column)
        new_order = sorted(range(len(self._records)), key=keys.__getitem__,
                           reverse=column >= 0 and order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        moved_from = self.persistentIndexList()
        place = [0] * len(new_order)  # old row -> new row
        for new, old in enumerate(new_order):
            place[old] = new
        self._records = [self._records[i] for i in new_order]
        self._cells = [self._cells[i] for i in new_order]
        self._haystacks = [self._haystacks[i] for i in new_order]
        self._positions = [self._positions[i] for i in new_order]
        self._sort_keys = {c: [keys_[i] for i in new_order] for c, keys_ in self._sort_keys.items()}
        if self._key:
            self._rows_by_key = {self._key(r): i for i, r in enumerate(self._records)}
        self.changePersistentIndexList(moved_from, [self.index(place[i.row()], i.column()) for i in moved_from])
        self.layoutChanged.emit()

    # ------------------------------------------------------------ Qt overrides
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # the roles are compared as plain ints: a view asks for ten roles per cell it paints or
        # measures, for thousands of cells, and looking up ``Qt.ItemDataRole.X`` costs each time
        if role not in _ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _DISPLAY:
            return show_cpr(self._row_cells(row)[column])
        if role == SORT_ROLE:
            return self._sort_column(column)[row]
        declared = self.columns[column]
        if role == _BACKGROUND:
            return None if declared.background is None else _brush(declared.background(self._records[row]))
        if role == _FOREGROUND:
            return None if declared.color is None else _brush(declared.color(self._records[row]))
        if role == _ALIGNMENT:
            return _RIGHT if declared.numeric else None
        if role == _EDIT:  # the unmasked text
            return self._row_cells(row)[column]
        if role == RECORD_ROLE:
            return self._records[row]
        # the tooltip
        if declared.tooltip is not None:
            return show_cpr(declared.tooltip(self._records[row])) or None
        return show_cpr(self._row_cells(row)[column]) if self.tooltips else None

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
    ``set_predicate`` adds a test on the record itself (section, status, a date). With
    ``sort_in_model`` the source ``RecordModel`` sorts its rows itself (``RecordModel.sort``) and
    the proxy keeps the model's order: for very many rows, where comparing through ``data``
    takes a minute.
    """

    def __init__(self, parent=None, *, sort_in_model: bool = False):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.sort_in_model = sort_in_model
        self._words: list[str] = []
        self._predicate: Callable[[Any], bool] | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.sort_in_model:
            self.sourceModel().sort(column, order)
        else:
            super().sort(column, order)

    def _change_filter(self, change: Callable[[], None]) -> None:
        # every row is tested now; a lazy model formats the rows not shown yet (many new objects)
        with bulk_work():
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
        if not self._words and self._predicate is None:  # asked for every row after each sort in the model
            return True
        model = self.sourceModel()
        if self._words:
            hay = model.haystack(source_row)
            if not all(word in hay for word in self._words):
                return False
        return self._predicate is None or bool(self._predicate(model.record(source_row)))
