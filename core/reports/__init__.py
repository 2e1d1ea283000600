"""Reports as data: tables with typed columns, detail rows, subtotals, totals and notes.

A report is built once from the database (``core.reports.quarterly`` etc.) and then
written by any writer: the xlsx writer in ``core.reports.xlsx_writer``, the PDF/print
writer in the GUI, the preview table on the "Rapporter" screen. Subtotal and total rows
carry the figures Dispo computed; the xlsx writer turns summed columns into formulas
whose values must equal those figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.cpr import mask_all
from core.formulas import FORMULA_STARTS, csv_safe, looks_like_formula  # noqa: F401 (re-exported)
from core.money import format_date, format_number

KINDS = ("text", "cpr", "integer", "number", "amount", "date", "percent", "mark")
"""Column kinds: ``cpr`` is text that masking applies to, ``mark`` a short text such as ``x``,
``number`` a decimal quantity (e.g. full-year equivalents), ``amount`` kroner with øre,
``percent`` a fraction (0.95 shown as 95,0 %)."""

DETAIL, SUBTOTAL, TOTAL, EXTRA = "detail", "subtotal", "total", "extra"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Args:
        key: stable name used by tests and the preview.
        heading: the Danish column heading.
        kind: one of ``KINDS``.
        width: column width in characters (``None``: chosen from the kind and heading).
        total: what subtotal/total rows hold here: ``"sum"`` (a SUBTOTAL formula over the
            detail rows), ``"count"`` (SUBTOTAL counting the non-empty detail cells, e.g.
            ``x`` marks), ``"ratio"`` (``ratio`` of two other columns of the same row),
            ``"value"`` (the figure in the row as it is) or ``"none"``.
        ratio: for ``total="ratio"``: (numerator key, denominator key, factor expression
            or ``None``); the cell is ``IF(den=0, 0, num*factor/den)``.
        difference: for ``total="difference"``: (key a, key b); the cell is ``a − b`` of the
            same row (a deviation is expected − budget on a total row as on every other).
    """

    key: str
    heading: str
    kind: str = "text"
    width: float | None = None
    total: str = "none"
    ratio: tuple[str, str, str | None] | None = None
    difference: tuple[str, str] | None = None
    warn: bool = False  # a positive amount here is an overspend: marked as a warning (``is_warning``)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.total == "ratio" and not self.ratio:
            raise ValueError("a ratio column needs ratio=(numerator, denominator, factor)")
        if self.total == "difference" and not self.difference:
            raise ValueError("a difference column needs difference=(a, b)")


@dataclass(frozen=True)
class Row:
    """A row of values aligned with the table's columns.

    ``kind``: ``detail`` rows are data; a ``subtotal`` row sums the detail rows since the
    previous subtotal (or the start); a ``total`` row sums all detail rows above it; an
    ``extra`` row (below the total, e.g. unique CPR per month) holds values only.
    """

    values: tuple
    kind: str = DETAIL


@dataclass
class ReportTable:
    """One sheet of a report: a title, typed columns, rows and notes."""

    title: str
    columns: tuple[Column, ...]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    subtitle: str = ""

    def index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(key)

    def add(self, values, kind: str = DETAIL) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns in {self.title!r}")
        self.rows.append(Row(tuple(values), kind))

    def value(self, row: Row, key: str):
        return row.values[self.index(key)]

    def rows_of(self, kind: str) -> list[Row]:
        return [r for r in self.rows if r.kind == kind]


@dataclass
class Report:
    """A whole report: name, context for headers, and its tables (sheets).

    ``chart`` and ``highlights`` carry what the printed version shows besides the tables
    (e.g. expected outturn month by month, top deviations); the xlsx writer ignores them.
    """

    name: str
    year: int
    as_of: dt.date
    municipality: str
    tables: list[ReportTable]
    area: str = "Det specialiserede voksenområde"
    status: str = ""
    chart: dict | None = None
    highlights: ReportTable | None = None
    printed: list[ReportTable] | None = None  # what goes on paper, when it differs from ``tables``

    @property
    def title(self) -> str:
        return f"{self.name} {self.year}"


WARNING_COLOUR = "B00020"
"""The one colour of a warning (an overspend) on screen, in workbooks and in print."""


def is_overspend(value) -> bool:
    """Whether a deviation or effect is an overspend (expected above budget: positive). An
    underspend, or any other negative number, is not."""
    return value is not None and not isinstance(value, str) and value > 0


def is_warning(column: Column, value) -> bool:
    """Whether a cell is marked as a warning: an overspend in a column that marks them."""
    return column.warn and is_overspend(value)


mask_text = mask_all
"""Every CPR number inside a text replaced by ``DDMMYY-xxxx``: ``core.cpr.mask_all``, the one rule."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (max 31 characters, no ``[]:*?/\\``)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip("' ")[:31] or "Ark"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def display(value, kind: str, mask_cpr: bool = False) -> str:
    """A cell value as Danish text for the preview and the printed report (``1.234,56``,
    ``31-10-2026``, ``95,0 %``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return mask_text(value) if mask_cpr else value
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, dt.date):
        return format_date(value)
    if kind == "integer":
        return format_number(value, 0)
    if kind == "percent":
        return format_number(value * 100, 1) + " %"
    if kind in ("amount", "number"):
        return format_number(value, 2)
    return str(value)
