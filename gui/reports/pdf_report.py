"""Printing a report: PDF files (QPdfWriter) and printers (QPrinter), A4 landscape.

One renderer paints on any ``QPagedPaintDevice``, so the PDF export, the print dialog and
the print preview show the same pages. Every page has a header with the municipality,
the area, the as-of date and the approval status, and a footer "Side X af Y"; pages are
laid out once without painting to know Y. The monthly overview prints its "Oversigt"
table, the chart of expected outturn month by month against the budget, the largest
deviations and then every other sheet (citizens, reconciliation, expected citizens,
refund, occupancy), each starting on its own page; other reports print all their tables.

Text is never cut: a text cell wraps within its column (a row grows to the lines it
needs), numbers get the width they need, and a table too wide for the page is set in a
smaller font. Headings wrap and repeat on every page of a table. An overspend (a positive
deviation or effect) is printed in the warning colour; the table's notes carry the legend.

This module is Qt; main.py hands ``write_pdf`` to core's CLI, loading this module only
when a PDF is asked for.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize,
                           QPainter, QPainterPath, QPdfWriter, QPen)

from core.money import format_date, format_number
from core.reports import DETAIL, SUBTOTAL, TOTAL, WARNING_COLOUR, Report, ReportTable, display, is_warning, mask_text
from core.reports.xlsx_writer import DEFAULT_WIDTHS, ReportWriteError, cannot_save, check_folder
from gui.common.charts import decimals_of, nice_range

MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
NUMERIC = ("integer", "number", "amount", "percent")
FONT_SIZES = (7.5, 7.0, 6.5, 6.0, 5.5)  # a wide table is set smaller until its words fit
WRAP = Qt.TextFlag.TextWordWrap  # at spaces only: a column is never narrower than its longest word


def ensure_gui_application() -> None:
    """A QGuiApplication for fonts and painting when called from the command line."""
    if QGuiApplication.instance() is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        ensure_gui_application.app = QGuiApplication([])  # kept alive for the process


def page_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                       QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)


def printed_tables(report: Report) -> list[ReportTable]:
    """What goes on paper: every sheet of the report, in the workbook's order (the report may
    print a shorter version of a sheet, e.g. only the reconciliation's flagged rows)."""
    return list(report.printed if report.printed is not None else report.tables)


class _Renderer:
    """Lays out and paints a report; with ``painter=None`` it only counts pages."""

    def __init__(self, report: Report, device, mask_cpr: bool):
        self.report = report
        self.device = device
        self.mask_cpr = mask_cpr
        self.painter: QPainter | None = None
        self.page = 0
        self.pages = 0
        dpi = device.logicalDpiY()
        self.mm = dpi / 25.4
        self.width = device.width()
        self.height = device.height()
        self.title_font = QFont("DejaVu Sans")
        self.title_font.setPointSizeF(13)
        self.title_font.setBold(True)
        self.small = QFont("DejaVu Sans")
        self.small.setPointSizeF(7)
        self.set_size(FONT_SIZES[0])
        self.top = 0.0
        self.y = 0.0
        self.bottom = self.height - QFontMetricsF(self.small, device).height() * 3

    def set_size(self, points: float) -> None:
        """The table font (regular and bold) in ``points``."""
        self.font = QFont("DejaVu Sans")
        self.font.setPointSizeF(points)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.fm = QFontMetricsF(self.font, self.device)
        self.fm_bold = QFontMetricsF(self.bold, self.device)
        self.row_h = self.fm.height() * 1.45
        self.gap = self.fm_bold.horizontalAdvance(" ")  # each side of a cell: columns never touch

    def text(self, value: str) -> str:
        return mask_text(value) if self.mask_cpr else value

    # -- pages -------------------------------------------------------------
    def new_page(self) -> None:
        if self.page and self.painter:
            self.device.newPage()
        self.page += 1
        self.y = self._header()
        self._footer()

    def _header(self) -> float:
        r = self.report
        left = self.text(f"{r.municipality} · {r.area}")
        right = f"Pr. {format_date(r.as_of)}" + (f" · {r.status}" if r.status else "")
        y = 0.0
        if self.painter:
            p = self.painter
            p.setFont(self.small)
            p.setPen(QColor("#404040"))
            rect = QRectF(0, y, self.width, self.fm.height())
            p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        y += self.fm.height() * 1.2
        title_h = QFontMetricsF(self.title_font, self.device).height()
        if self.painter:
            self.painter.setFont(self.title_font)
            self.painter.setPen(Qt.GlobalColor.black)
            self.painter.drawText(QRectF(0, y, self.width, title_h), Qt.AlignmentFlag.AlignLeft,
                                  self.text(r.title))
            self.painter.setPen(QPen(QColor("#808080"), 0))
            self.painter.drawLine(QPointF(0, y + title_h + 2), QPointF(self.width, y + title_h + 2))
        return y + title_h + self.fm.height()

    def _footer(self) -> None:
        if not self.painter:
            return
        p = self.painter
        p.setFont(self.small)
        p.setPen(QColor("#404040"))
        rect = QRectF(0, self.height - self.fm.height() * 1.2, self.width, self.fm.height() * 1.2)
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft, f"Dispo · udskrevet {format_date(dt.date.today())}")
        p.drawText(rect, Qt.AlignmentFlag.AlignRight, f"Side {self.page} af {self.pages}")

    def need(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    # -- tables ------------------------------------------------------------
    def column_widths(self, table: ReportTable) -> tuple[list[tuple[float, float]], bool]:
        """(x, width) per column, and whether every word fits: numbers, dates and short texts
        get the room they need; text columns (which wrap) share the rest in proportion to
        their nominal widths, but never less than their longest word."""
        pad = 3 * self.gap  # a space each side, and one to spare for a bold total
        char = self.fm.horizontalAdvance("0")
        needed: list[float | None] = []
        least: dict[int, float] = {}
        for ci, column in enumerate(table.columns):
            words = [self.fm_bold.horizontalAdvance(w) for w in column.heading.split()] or [0.0]
            values = [display(r.values[ci], column.kind, self.mask_cpr) for r in table.rows]
            short_text = (column.width or DEFAULT_WIDTHS[column.kind]) <= 16
            if column.kind in NUMERIC or column.kind in ("date", "cpr", "mark") or short_text:
                needed.append(max([*(self.fm_bold.horizontalAdvance(v) for v in values), *words]) + pad)
            else:
                needed.append(None)
                longest = max([self.fm_bold.horizontalAdvance(w) for v in values for w in v.split()] or [0.0])
                least[ci] = max(min(longest, 30 * char), *words) + pad
        fixed = sum(w for w in needed if w is not None)
        room = max(self.width - fixed, 0.0)
        fits = fixed + sum(least.values()) <= self.width
        if least:
            nominal = {i: (table.columns[i].width or DEFAULT_WIDTHS[table.columns[i].kind]) * char for i in least}
            widths = {i: least[i] for i in least} if fits else {i: room / len(least) for i in least}
            spare = room - sum(widths.values())
            if fits and spare > 0:  # the room left over goes to the text columns by their nominal widths
                total_nominal = sum(nominal.values())
                for i in least:
                    widths[i] += spare * nominal[i] / total_nominal
            for i, w in widths.items():
                needed[i] = w
        elif fixed < self.width:
            needed = [w * self.width / fixed for w in needed]
        if sum(needed) > self.width:  # too many numbers for one page width: squeeze evenly
            needed = [w * self.width / sum(needed) for w in needed]
        xs, x = [], 0.0
        for w in needed:
            xs.append((x, w))
            x += w
        return xs, fits

    def _fit(self, table: ReportTable) -> list[tuple[float, float]]:
        """The largest font of ``FONT_SIZES`` in which the table's words fit; its column layout."""
        for points in FONT_SIZES:
            self.set_size(points)
            xs, fits = self.column_widths(table)
            if fits:
                return xs
        return xs

    def _heading_height(self, table: ReportTable, xs) -> float:
        tallest = max([self.fm_bold.boundingRect(QRectF(0, 0, max(w - 2 * self.gap, 1), 10_000), int(WRAP),
                                                 c.heading).height()
                       for (_, w), c in zip(xs, table.columns)] or [self.fm_bold.height()])
        return tallest + self.fm_bold.height() * 0.6

    def _row_height(self, table: ReportTable, row, xs) -> float:
        fm = self.fm if row.kind == DETAIL else self.fm_bold
        tallest = self.fm.height()
        for (_, w), column, value in zip(xs, table.columns, row.values):
            if column.kind not in NUMERIC and value is not None:
                text = display(value, column.kind, self.mask_cpr)
                tallest = max(tallest, fm.boundingRect(QRectF(0, 0, max(w - 2 * self.gap, 1), 10_000), int(WRAP),
                                                       text).height())
        return max(self.row_h, tallest + self.row_h - self.fm.height())

    def table(self, table: ReportTable) -> None:
        xs = self._fit(table)
        caption = table.title if table.title != self.report.name else ""
        heading_h = self._heading_height(table, xs)
        self.need(self.row_h * 2 + heading_h + self.row_h)
        if caption:
            self._caption(caption)
        self._heading(table, xs, heading_h)
        for row in table.rows:
            height = self._row_height(table, row, xs)
            if self.y + height > self.bottom:
                self.new_page()
                self._caption(f"{table.title} (fortsat)")
                self._heading(table, xs, heading_h)
            self._row(table, row, xs, height)
        if not table.rows:
            self._line("Ingen rækker")
        for note in table.notes:
            self._line(note, small=True)
        self.y += self.row_h

    def _caption(self, text: str) -> None:
        if self.painter:
            self.painter.setFont(self.bold)
            self.painter.setPen(Qt.GlobalColor.black)
            self.painter.drawText(QRectF(0, self.y, self.width, self.row_h), Qt.AlignmentFlag.AlignVCenter,
                                  self.text(text))
        self.y += self.row_h * 1.2

    def _heading(self, table: ReportTable, xs, height: float) -> None:
        if self.painter:
            p = self.painter
            p.fillRect(QRectF(0, self.y, self.width, height), QColor("#DDE4EE"))
            p.setFont(self.bold)
            p.setPen(Qt.GlobalColor.black)
            for (x, w), column in zip(xs, table.columns):
                align = Qt.AlignmentFlag.AlignRight if column.kind in NUMERIC else Qt.AlignmentFlag.AlignLeft
                p.drawText(QRectF(x + self.gap, self.y, w - 2 * self.gap, height),
                           align | Qt.AlignmentFlag.AlignVCenter | WRAP, column.heading)
        self.y += height

    def _row(self, table: ReportTable, row, xs, height: float | None = None) -> None:
        height = height or self.row_h
        if self.painter:
            p = self.painter
            if row.kind == SUBTOTAL:
                p.fillRect(QRectF(0, self.y, self.width, height), QColor("#F1F3F6"))
            if row.kind == TOTAL:
                p.setPen(QPen(QColor("#404040"), 0))
                p.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
            p.setFont(self.font if row.kind == DETAIL else self.bold)
            pad = (self.row_h - self.fm.height()) / 2
            for (x, w), column, value in zip(xs, table.columns, row.values):
                text = display(value, column.kind, self.mask_cpr)
                align = Qt.AlignmentFlag.AlignRight if column.kind in NUMERIC else Qt.AlignmentFlag.AlignLeft
                if column.kind == "mark":
                    align = Qt.AlignmentFlag.AlignHCenter
                p.setPen(QColor("#" + WARNING_COLOUR) if is_warning(column, value) else Qt.GlobalColor.black)
                p.drawText(QRectF(x + self.gap, self.y + pad, w - 2 * self.gap, height - 2 * pad),
                           align | Qt.AlignmentFlag.AlignTop | WRAP, text)
        self.y += height

    def _line(self, text: str, small: bool = False) -> None:
        font = self.small if small else self.font
        fm = QFontMetricsF(font, self.device)
        text = self.text(text)
        height = max(self.row_h, fm.boundingRect(QRectF(0, 0, self.width, 10_000), int(WRAP), text).height() + 4)
        self.need(height)
        if self.painter:
            self.painter.setFont(font)
            self.painter.setPen(QColor("#404040"))
            self.painter.drawText(QRectF(0, self.y, self.width, height), Qt.AlignmentFlag.AlignVCenter | WRAP, text)
        self.y += height

    # -- chart -------------------------------------------------------------
    def chart(self, chart: dict) -> None:
        """Expected outturn at each month's end (line) against the budget (dashed line)."""
        height = min(120 * self.mm, self.bottom - self.y - self.row_h * 3)
        self.need(height + self.row_h * 2)
        self._caption("Forventet regnskab måned for måned mod budget (mio. kr., akkumuleret)")
        if self.painter:
            self._paint_chart(chart, QRectF(0, self.y, self.width * 0.75, height))
        self.y += height + self.row_h

    def _paint_chart(self, chart: dict, area: QRectF) -> None:
        """Cumulative expected outturn (line), cumulative budget (dashed) and booked (bars)."""
        p = self.painter
        values = [Decimal(v) for v in chart.get("expected") or []]
        budget = [Decimal(v) for v in chart.get("budget") or []]
        booked = [Decimal(v) for v in chart.get("booked") or []]
        # round steps in mio. kr. (0, 25, 50, ...), the screen charts' rule
        _, end, ticks = nice_range(0.0, float(max([*values, *budget, *booked, Decimal(1)])) / 1_000_000, 4)
        top = Decimal(str(end)) * 1_000_000
        step_decimals = decimals_of(end / (ticks - 1))
        label_w = self.fm.horizontalAdvance("000.000,0") + 6
        plot = QRectF(area.left() + label_w, area.top() + 4, area.width() - label_w - 4,
                      area.height() - self.row_h - 8)

        def y_of(value: Decimal) -> float:
            return plot.bottom() - float(max(value, Decimal(0)) / top) * plot.height()

        def x_of(month_index: int) -> float:
            return plot.left() + (month_index + 0.5) * plot.width() / 12

        p.setFont(self.small)
        for i in range(ticks):
            v = top * i / (ticks - 1)
            y = y_of(v)
            p.setPen(QPen(QColor("#C0C0C0"), 0))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor("#404040"))
            p.drawText(QRectF(area.left(), y - self.row_h / 2, label_w - 4, self.row_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       format_number(v / 1_000_000, step_decimals if end < 10 else 0))
        for i, name in enumerate(MONTH_NAMES):
            p.drawText(QRectF(x_of(i) - 30, plot.bottom() + 2, 60, self.row_h), Qt.AlignmentFlag.AlignHCenter, name)
        bar_w = plot.width() / 12 * 0.5
        for i, v in enumerate(booked):
            p.fillRect(QRectF(x_of(i) - bar_w / 2, y_of(v), bar_w, plot.bottom() - y_of(v)), QColor("#A9C4E0"))

        def polyline(points: list[Decimal], pen: QPen, dots: bool) -> None:
            path = QPainterPath()
            for i, v in enumerate(points):
                point = QPointF(x_of(i), y_of(v))
                path.lineTo(point) if i else path.moveTo(point)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            if dots:
                p.setBrush(QBrush(pen.color()))
                for i, v in enumerate(points):
                    p.drawEllipse(QPointF(x_of(i), y_of(v)), 0.8 * self.mm, 0.8 * self.mm)

        if budget:
            polyline(budget, QPen(QColor("#B03030"), 0.6 * self.mm, Qt.PenStyle.DashLine), False)
        polyline(values, QPen(QColor("#1F4E79"), 0.7 * self.mm), True)
        legend_x = plot.right() + 6 * self.mm
        legend = [("#1F4E79", "Forventet regnskab, akkumuleret"), ("#A9C4E0", "Bogført, akkumuleret")]
        if budget:
            legend.insert(1, ("#B03030", f"Budget, akkumuleret ({format_number(budget[-1], 0)} kr. i alt)"))
        for i, (color, label) in enumerate(legend, 1):
            p.fillRect(QRectF(legend_x, plot.top() + i * self.row_h - self.row_h * 0.6, 3 * self.mm,
                              self.row_h * 0.4), QColor(color))
            p.setPen(QColor("#202020"))
            p.drawText(QPointF(legend_x + 4 * self.mm, plot.top() + i * self.row_h), label)

    # -- whole document ----------------------------------------------------
    def run(self, painter: QPainter | None) -> int:
        self.painter = painter
        self.page = 0
        self.new_page()
        tables = printed_tables(self.report)
        monthly = self.report.chart is not None  # the page she hands her boss: each part on its own page
        for i, table in enumerate(tables):
            if i and monthly:
                self.new_page()
            self.table(table)
            if i == 0 and monthly:
                self.new_page()
                self.set_size(FONT_SIZES[0])
                self.chart(self.report.chart)
                if self.report.highlights is not None:
                    self.new_page()
                    self.table(self.report.highlights)
        return self.page


class _KeepNone:
    """Gives back the references to ``None`` that PySide6 (6.12 on Python 3.11) drops on every
    call of a method returning void (``QPainter.setPen``, ``setFont``, ``QFont.setBold``, …).

    Printing a long list makes thousands of such calls; without this Python aborts with
    "deallocating None" when it shuts down. What was lost during the block is given back for
    good (Python 3.12 makes None immortal, and a PySide6 without the bug loses nothing)."""

    def __enter__(self):
        self.before = sys.getrefcount(None)
        return self

    def __exit__(self, *exc):
        lost = self.before - sys.getrefcount(None)
        if lost > 0 and sys.version_info < (3, 12):
            import ctypes

            incref = ctypes.pythonapi.Py_IncRef
            incref.argtypes = [ctypes.py_object]
            for _ in range(lost):
                incref(None)
        return False


def render(report: Report, device, *, mask_cpr: bool = False) -> int:
    """Paint ``report`` on a paged device (QPdfWriter or QPrinter); returns the page count."""
    with _KeepNone():
        renderer = _Renderer(report, device, mask_cpr)
        renderer.pages = renderer.run(None)
        painter = QPainter()
        if not painter.begin(device):
            raise ReportWriteError("Udskriften kan ikke startes (er filen åben i et andet program?)")
        try:
            renderer.run(painter)
        finally:
            painter.end()
    return renderer.pages


def write_pdf(report: Report, path: Path | str, *, mask_cpr: bool = False) -> Path:
    """Write ``report`` as an A4 landscape PDF.

    Raises:
        ReportWriteError: when the file cannot be written.
    """
    ensure_gui_application()
    path = Path(path)
    check_folder(path)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(page_layout())
    writer.setResolution(300)
    writer.setCreator("Dispo")
    writer.setTitle(mask_text(report.title) if mask_cpr else report.title)
    render(report, writer, mask_cpr=mask_cpr)
    del writer  # flushes and closes the file
    if not path.exists() or path.stat().st_size == 0:
        raise cannot_save(path, "PDF-filen blev ikke skrevet")
    return path
