"""The one xlsx writer of Dispo: report tables to a workbook Excel and LibreOffice open cleanly.

What every sheet gets (issue "Reports for økonomifunktionen", Excel requirements):

- real numbers (``Decimal`` written exactly) and real dates in cells, Danish-looking
  number formats (``#,##0.00`` is shown as ``1.234,56`` by a Danish Excel);
- subtotal and total rows as ``SUBTOTAL(9, …)`` formulas (nested subtotals are not
  counted twice) and ratio columns as ``IF(den=0,0,num/den)``, so the user can keep
  working in the sheet; the figures Dispo computed stay in the ``ReportTable`` for checks;
- a frozen header row, an autofilter, column widths from the kinds, A4 landscape fit to
  width with the header row repeated, header/footer with report name, date and
  "Side X af Y", and document properties;
- no text from user data can run as a formula: a text starting with ``=``, ``+``, ``-``
  or ``@`` is stored as a string with Excel's quote prefix;
- ``mask_cpr``: every CPR number in any text (cells, sheet names, headers, document
  properties) becomes ``DDMMYY-xxxx``.

Sheets are streamed (openpyxl ``write_only``), so 30,000-row sheets stay fast and small
in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from copy import copy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.errors import DispoError
from core.money import format_date
from core.reports import (DETAIL, EXTRA, FORMULA_STARTS, SUBTOTAL, TOTAL, WARNING_COLOUR, Report, ReportTable,
                          is_warning, mask_text, sheet_name)

NUMBER_FORMATS = {
    "integer": "#,##0",
    "number": "#,##0.00",
    "amount": "#,##0.00",
    "percent": "0.0%",
    "date": "dd-mm-yyyy",
}
DEFAULT_WIDTHS = {"text": 24, "cpr": 13, "integer": 10, "number": 12, "amount": 16, "date": 12,
                  "percent": 10, "mark": 6}
HEADER_ROW = 4

_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_SUBTOTAL_FILL = PatternFill("solid", fgColor="F1F3F6")
_THIN = Side(style="thin", color="808080")


class ReportWriteError(DispoError):
    """The workbook could not be written (e.g. the file is open in Excel)."""


def cannot_save(path: Path, reason: str) -> ReportWriteError:
    return ReportWriteError(f"Kan ikke skrive '{path.name}': {reason}")


def check_folder(path: Path) -> None:
    """Refuse a target in a folder that does not exist, before any work is done."""
    if not path.parent.is_dir():
        raise cannot_save(path, f"mappen '{path.parent}' findes ikke")


def safe_text(value: str, mask_cpr: bool) -> str:
    """Text for a cell: control characters removed, CPR numbers masked when asked."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return mask_text(text) if mask_cpr else text


def _header_text(text: str) -> str:
    """Header/footer text with Excel's ``&`` codes escaped."""
    return text.replace("&", "&&")


def cell_value(value):
    """A Python value as openpyxl should store it: Fractions as exact-enough Decimals."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, bool):
        return "x" if value else None
    return value


class _Styles:
    """Prepared style arrays per column and row kind; copying one is much cheaper than styling."""

    def __init__(self, ws, table: ReportTable):
        self.ws = ws
        self.by_kind = {}
        for kind in (DETAIL, SUBTOTAL, TOTAL, EXTRA, *(f"warn-{k}" for k in (DETAIL, SUBTOTAL, TOTAL, EXTRA))):
            warn = kind.startswith("warn-")
            base = kind.removeprefix("warn-")
            row = []
            for column in table.columns:
                cell = WriteOnlyCell(ws)
                fmt = NUMBER_FORMATS.get(column.kind)
                if fmt:
                    cell.number_format = fmt
                if warn:
                    cell.font = Font(bold=base != DETAIL, color=WARNING_COLOUR)
                elif base != DETAIL:
                    cell.font = Font(bold=True)
                if base == SUBTOTAL:
                    cell.fill = _SUBTOTAL_FILL
                if base == TOTAL:
                    cell.border = Border(top=_THIN, bottom=Side(style="double", color="808080"))
                if column.kind == "mark":
                    cell.alignment = Alignment(horizontal="center")
                elif column.kind == "text" and _width(column) >= 24:
                    # a long text wraps (the row grows when opened) instead of being cut in print
                    cell.alignment = Alignment(wrap_text=True)
                row.append(copy(cell._style))
            self.by_kind[kind] = row

    def cell(self, value, kind: str, col: int, mask_cpr: bool):
        """A cell for ``value``; plain text without a style goes as a bare string (openpyxl's
        fast path), everything else as a styled write-only cell."""
        style = self.by_kind[kind][col]
        if isinstance(value, str):
            value = safe_text(value, mask_cpr)
            if value.startswith(FORMULA_STARTS):
                # User text that looks like a formula is stored as a string, with Excel's
                # quote prefix so that editing the cell does not turn it into one either.
                c = WriteOnlyCell(self.ws, value)
                if style is not None:
                    c._style = copy(style)
                c.data_type = "s"
                c.quotePrefix = True
                return c
            if style is None:
                return value
        elif value is None:
            if kind in (DETAIL, "warn-" + DETAIL) or style is None:
                return None
            c = WriteOnlyCell(self.ws)  # an empty cell of a total row still gets its fill and border
            c._style = copy(style)
            return c
        else:
            value = cell_value(value)
        c = WriteOnlyCell(self.ws)
        if style is not None:
            c._style = copy(style)
        if type(value) in (int, Decimal, float):
            c._value = value  # a number needs no type sniffing
            c.data_type = "n"
        else:
            c.value = value
        return c

    def formula(self, formula: str, kind: str, col: int):
        c = WriteOnlyCell(self.ws, formula)
        style = self.by_kind[kind][col]
        if style is not None:
            c._style = copy(style)
        return c


def _plain(ws, value, *, bold=False, size=None, fill=None, wrap=False, mask_cpr=False):
    if isinstance(value, str):
        value = safe_text(value, mask_cpr)
    c = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
        c.quotePrefix = True
    if bold or size:
        c.font = Font(bold=bold, size=size)
    if fill:
        c.fill = fill
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return c


def _width(column) -> float:
    """A column's width in characters."""
    return column.width or max(DEFAULT_WIDTHS[column.kind], min(len(column.heading) + 2, 30))


def heading_lines(heading: str, width: float) -> int:
    """How many lines a bold heading wraps to in a column ``width`` characters wide (bold text
    is about 10 % wider; a word longer than the column gets lines of its own)."""
    room = max(int(width / 1.1) - 1, 1)
    lines, used = 1, 0
    for word in heading.split():
        size = len(word)
        if used and used + 1 + size > room:
            lines += 1
            used = 0
        lines += (size - 1) // room if size > room else 0
        used = (used + 1 + size) if used else (size % room or room)
    return lines


def _total_formula(table: ReportTable, ci: int, row_no: int, group_first: int, first_detail: int,
                   kind: str) -> str | None:
    column = table.columns[ci]
    letter = get_column_letter(ci + 1)
    if column.total in ("sum", "count"):
        first = group_first if kind == SUBTOTAL else first_detail
        if first > row_no - 1:
            return None
        function = 9 if column.total == "sum" else 3  # 9 = SUM, 3 = COUNTA; both skip nested subtotals
        return f"=SUBTOTAL({function},{letter}{first}:{letter}{row_no - 1})"
    if column.total == "difference":
        a, b = (f"{get_column_letter(table.index(key) + 1)}{row_no}" for key in column.difference)
        return f"={a}-{b}"
    if column.total == "ratio":
        num_key, den_key, factor = column.ratio
        num = f"{get_column_letter(table.index(num_key) + 1)}{row_no}"
        den = f"{get_column_letter(table.index(den_key) + 1)}{row_no}"
        scaled = f"{num}*{factor}" if factor else num
        return f"=IF({den}=0,0,{scaled}/{den})"
    return None


def _write_table(wb: Workbook, table: ReportTable, report: Report | None, used: set[str],
                 mask_cpr: bool, plain: bool = False) -> None:
    header = 1 if plain else HEADER_ROW
    ws = wb.create_sheet(sheet_name(safe_text(table.title, mask_cpr), used))
    ncols = len(table.columns)
    last_letter = get_column_letter(max(ncols, 1))
    for i, column in enumerate(table.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = _width(column)

    # Print setup: A4 landscape, fit to one page wide, header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.print_title_rows = f"{header}:{header}"
    name = report.title if report else table.title
    ws.oddHeader.left.text = _header_text(safe_text(name, mask_cpr))
    ws.oddHeader.center.text = _header_text(safe_text(table.title, mask_cpr))
    if report:
        ws.oddHeader.right.text = _header_text(f"Pr. {format_date(report.as_of)}")
        ws.oddFooter.left.text = _header_text(safe_text(report.municipality, mask_cpr))
    ws.oddFooter.center.text = "Udskrevet &D"
    ws.oddFooter.right.text = "Side &P af &N"
    ws.freeze_panes = f"A{header + 1}"

    subtitle = table.subtitle or (
        f"{report.municipality} · {report.area} · pr. {format_date(report.as_of)}" if report else "")
    heading = table.title
    if report:
        heading = report.title if table.title == report.name else f"{report.title}: {table.title}"
    if not plain:
        ws.append([_plain(ws, heading, bold=True, size=14, mask_cpr=mask_cpr)])
        ws.append([_plain(ws, subtitle, mask_cpr=mask_cpr)] if subtitle else [])
        ws.append([])
    # wrapped headings get the height of their lines, so they never run into the first data row
    # when printed (Excel and LibreOffice do not grow a row written with a fixed file)
    lines = max([heading_lines(c.heading, _width(c)) for c in table.columns] or [1])
    ws.row_dimensions[header].height = 15 * lines + 3
    ws.append([_plain(ws, c.heading, bold=True, fill=_HEADER_FILL, wrap=True, mask_cpr=mask_cpr)
               for c in table.columns])

    styles = _Styles(ws, table)
    wrapped = [ci for ci, c in enumerate(table.columns) if c.kind == "text" and _width(c) >= 24]
    first_detail = header + 1
    group_first = first_detail
    last_filter_row = header
    row_no = header
    for row in table.rows:
        row_no += 1
        # a wrapped text's row gets the height of its lines (a file's rows do not grow when printed)
        lines = max([heading_lines(row.values[ci], _width(table.columns[ci])) for ci in wrapped
                     if isinstance(row.values[ci], str) and len(row.values[ci]) > _width(table.columns[ci]) - 2]
                    or [1])
        if lines > 1:
            ws.row_dimensions[row_no].height = 15 * lines
        cells = []
        for ci, value in enumerate(row.values):
            formula = (_total_formula(table, ci, row_no, group_first, first_detail, row.kind)
                       if row.kind in (SUBTOTAL, TOTAL) and value is not None else None)
            # an overspend in red: the figure Dispo computed decides, also for a formula cell
            style_kind = "warn-" + row.kind if is_warning(table.columns[ci], value) else row.kind
            if formula:
                cells.append(styles.formula(formula, style_kind, ci))
            else:
                cells.append(styles.cell(value, style_kind, ci, mask_cpr))
        ws.append(cells)
        if row.kind == SUBTOTAL:
            group_first = row_no + 1
        if row.kind in (DETAIL, SUBTOTAL):
            last_filter_row = row_no
    if not table.rows:
        row_no += 1
        ws.append([_plain(ws, "Ingen rækker")])
    ws.auto_filter.ref = f"A{header}:{last_letter}{max(last_filter_row, header + 1)}"
    if table.notes:
        ws.append([])
        for note in table.notes:
            ws.append([_plain(ws, note, mask_cpr=mask_cpr)])


def write_tables(tables: list[ReportTable], path: Path | str, *, report: Report | None = None,
                 title: str = "", subject: str = "", mask_cpr: bool = False, plain: bool = False) -> Path:
    """Write ``tables`` as the sheets of one xlsx file.

    Args:
        plain: the column headings in row 1 without title rows above (for workbooks that are
            read back, e.g. the import's error workbook); print setup and safety are the same.
        report: the report the tables belong to (headers, footers, subtitle), if any.
        title, subject: document properties (default: from ``report``).
        mask_cpr: mask every CPR number in the file as ``DDMMYY-xxxx``.

    Raises:
        ReportWriteError: when the file cannot be written.
    """
    path = Path(path)
    check_folder(path)
    wb = Workbook(write_only=True)
    props = wb.properties
    props.creator = "Dispo"
    props.lastModifiedBy = "Dispo"
    props.title = safe_text(title or (report.title if report else ""), mask_cpr)
    props.subject = safe_text(subject or (f"{report.municipality} · {report.area}" if report else ""), mask_cpr)
    if report:
        props.description = safe_text(f"{report.name} pr. {format_date(report.as_of)}"
                                      + (f" ({report.status})" if report.status else ""), mask_cpr)
        props.keywords = "Dispo; budgetopfølgning"
        props.category = safe_text(report.name, mask_cpr)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = now
    used: set[str] = set()
    for table in tables or [ReportTable("Tom", ())]:
        _write_table(wb, table, report, used, mask_cpr, plain)
    return save_workbook(wb, path)


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save ``wb`` to ``path`` without ever leaving half a file.

    Raises:
        ReportWriteError: when the file cannot be written (e.g. it is open in Excel).
    """
    # Written next to the target and then moved, so a failed export never leaves half a file
    # (and a file open in Excel is reported instead of being corrupted).
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=".dispo-", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as ex:
        raise cannot_save(path, str(ex.strerror or ex)) from ex
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def write_report(report: Report, path: Path | str, *, mask_cpr: bool = False) -> Path:
    """Write a whole report as an xlsx workbook, one sheet per table."""
    return write_tables(report.tables, path, report=report, mask_cpr=mask_cpr)
