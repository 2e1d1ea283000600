"""The "Rapporter" screen: choose a report, year and as-of date, preview it, export or print it.

Building a report and writing files run on a worker thread with its own database
connection (SQLite connections belong to one thread), behind a progress dialog that can
be cancelled. Printing and the print preview paint on the GUI thread with the same
renderer as the PDF export.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFileDialog, QFrame, QHBoxLayout,
                               QLabel, QMessageBox, QProgressDialog, QPlainTextEdit, QPushButton, QSpinBox, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from core.formatting import MONTH_NAMES
from core.reports import DETAIL, WARNING_COLOUR, Report, ReportTable, display, is_warning
from core.money import month_end
from core.reports.build import REPORT_KINDS, build_report, report_kind
from core.reports.xlsx_writer import write_report
from core.store import contents
from gui.common.headers import fit_table
from gui.common.models import Column, RecordFilterProxy, RecordModel
from gui.reports.pdf_report import page_layout, render, write_pdf
from gui.common.widgets import NewestMonth, add_labelled, size_to_window
from gui.common.workers import Runner, own_connection

MONTHS = tuple(name.capitalize() for name in MONTH_NAMES)
OTHER_DATE = "Anden dato"
NUMERIC = ("integer", "number", "amount", "percent")


def _report_column(index: int, column, mask_cpr: bool) -> Column:
    numeric = column.kind in NUMERIC
    sort = (lambda row: float("-inf") if row.values[index] is None else float(row.values[index])) if numeric else None
    def color(row):  # an overspend, in the one warning colour
        return "#" + WARNING_COLOUR if is_warning(column, row.values[index]) else None

    return Column(column.heading, lambda row: display(row.values[index], column.kind, mask_cpr), sort, numeric=numeric,
                  color=color)


class ReportTableModel(RecordModel):
    """One report table for the preview (``gui.common.models.RecordModel``): Danish display text,
    numbers right-aligned and sorted as numbers, subtotals and totals bold."""

    def __init__(self, table: ReportTable, mask_cpr: bool = False, parent=None):
        super().__init__([_report_column(i, c, mask_cpr) for i, c in enumerate(table.columns)], parent=parent)
        self.table = table
        self.mask_cpr = mask_cpr
        self._bold = QFont()
        self._bold.setBold(True)
        self.set_records(table.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid() and self.record(index.row()).kind != DETAIL:
            return self._bold
        return super().data(index, role)


class Screen(QWidget):
    TITLE = "Rapporter"

    report_ready = Signal(object)
    export_done = Signal(str)
    job_failed = Signal(str)

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.report: Report | None = None
        self.runner = Runner(self)
        self.runner.finished.connect(self._job_done)
        self.runner.failed.connect(self._job_failed)
        self.runner.running_changed.connect(self._set_busy)
        self._on_done = None
        self._progress: QProgressDialog | None = None
        self.kind = QComboBox()
        for kind in REPORT_KINDS:
            self.kind.addItem(kind.title, kind.key)
        self.kind.setAccessibleName("Rapport")
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.month = QComboBox()
        self.month.addItems([*MONTHS, OTHER_DATE])
        self.newest = NewestMonth(context.db, self.year, self.month)  # the month Månedens gang starts on
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setDisplayFormat("dd-MM-yyyy")
        self.as_of.setCalendarPopup(True)
        self.as_of.setEnabled(False)
        self.month.currentTextChanged.connect(lambda t: self.as_of.setEnabled(t == OTHER_DATE))
        # a chosen month shows the date it is reported on (its last day), not today's date greyed out
        self.month.currentIndexChanged.connect(lambda _: self._show_month_end())
        self.year.valueChanged.connect(lambda _: self._show_month_end())
        self._show_month_end()
        self.mask_cpr = QCheckBox("Maskér CPR-numre (DDMMÅÅ-xxxx)")
        # exports are masked by default while the GUI masks CPR numbers
        self.mask_cpr.setChecked(context.cpr_masked)
        context.cpr_masking_changed.connect(self.mask_cpr.setChecked)
        self.include_expected = QCheckBox("Medtag kommende borgere")
        self.include_expected.setChecked(True)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

        # the choices in two compact rows: at 1366 × 768 the preview below gets the height
        choices = QHBoxLayout()
        add_labelled(choices, (("&Rapport:", self.kind), ("&År:", self.year), ("Opgjort &pr.:", self.month),
                               ("", self.as_of)))
        choices.addStretch(1)
        options = QHBoxLayout()
        options.addWidget(self.mask_cpr)
        options.addWidget(self.include_expected)
        options.addStretch(1)

        self.preview_button = QPushButton("&Vis")
        self.xlsx_button = QPushButton("Eksportér til &Excel …")
        self.pdf_button = QPushButton("Eksportér til P&DF …")
        self.print_button = QPushButton("&Udskriv …")
        self.print_preview_button = QPushButton("Vis uds&krift …")
        self.preview_button.clicked.connect(self.build_preview)
        self.xlsx_button.clicked.connect(lambda: self.choose_and_export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.choose_and_export(".pdf"))
        self.print_button.clicked.connect(self.print_report)
        self.print_preview_button.clicked.connect(self.print_preview)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.xlsx_button, self.pdf_button, self.print_button,
                  self.print_preview_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.status = QLabel("Vælg en rapport og tryk Vis.")
        self.tabs = QTabWidget()
        # the shown sheet's notes (what a line such as "Ikke fordelt på paragraf" holds), as on paper
        self.notes = QPlainTextEdit(objectName="notes", readOnly=True)
        self.notes.setFrameShape(QFrame.Shape.NoFrame)
        self.notes.viewport().setAutoFillBackground(False)  # reads as text beneath the table, not a field
        self.tabs.currentChanged.connect(self._show_notes)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        # at most a few lines high (it scrolls): on a laptop the table keeps the height
        self.notes.setMaximumHeight(5 * self.notes.fontMetrics().lineSpacing() + 12)
        layout.addWidget(self.notes)
        self.notes.setVisible(False)
        self.models: list[ReportTableModel] = []

    # -- choices -------------------------------------------------------------
    def _kind_changed(self) -> None:
        """Expected citizens are an option of the reports built on the forecast only."""
        self.include_expected.setEnabled(report_kind(self.kind.currentData()).uses_expected)

    def _show_month_end(self) -> None:
        if self.month.currentText() != OTHER_DATE:
            end = self.chosen_as_of()
            self.as_of.setDate(QDate(end.year, end.month, end.day))

    def chosen_as_of(self) -> dt.date:
        year = self.year.value()
        if self.month.currentText() == OTHER_DATE:
            d = self.as_of.date()
            return dt.date(d.year(), d.month(), d.day())
        return month_end(year, self.month.currentIndex() + 1)

    def refresh(self) -> None:
        """Nothing to reload until the user asks; an old preview is marked as possibly stale."""
        self.newest.follow(self.context.db)
        if self.report is not None:
            self.status.setText("Data kan være ændret siden forhåndsvisningen – tryk Vis igen.")

    # -- worker --------------------------------------------------------------
    def _start(self, label: str, fn, on_done) -> None:
        """Run ``fn(db, task)`` on a worker thread (``gui.common.workers``) behind a progress dialog."""
        self._on_done = on_done
        self._progress = QProgressDialog(label, "Annuller", 0, 0, self)
        self._progress.setWindowTitle("Rapporter")
        self._progress.setMinimumDuration(300)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.canceled.connect(self._cancel)
        path = self.context.db_path
        self.runner.start_task(lambda task: own_connection(path, fn, task))

    def _cancel(self) -> None:
        self._progress = None  # it closed itself
        self.runner.cancel()
        self.status.setText("Annulleret.")

    def _end_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress = None

    def _job_done(self, result) -> None:
        self._end_progress()
        self._on_done(result)

    def _job_failed(self, message: str) -> None:
        self._end_progress()
        if contents.count(self.context.db, "grants") == 0:
            # a new database: not an error of hers, the next step
            self.status.setText(f"{message.rstrip('.')}. Importér bevillinger, budget og posteringer først "
                                "(Filer → Importér, eller Månedens gang).")
        else:
            self.status.setText(f"Fejl: {message}")
        self.job_failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        for b in (self.preview_button, self.xlsx_button, self.pdf_button, self.print_button,
                  self.print_preview_button):
            b.setEnabled(not busy)

    def _builder(self):
        key, year, as_of = self.kind.currentData(), self.year.value(), self.chosen_as_of()
        include = self.include_expected.isChecked()
        return lambda db: build_report(db, key, year, as_of, include_expected=include)

    # -- preview -------------------------------------------------------------
    def build_preview(self) -> None:
        build = self._builder()
        self._start("Danner rapporten …", lambda db, job: build(db), self.show_report)

    def show_report(self, report: Report) -> None:
        self.report = report
        self.tabs.clear()
        self.models = []
        mask = self.mask_cpr.isChecked()
        for table in report.tables:
            model = ReportTableModel(table, mask, self)
            proxy = RecordFilterProxy(self)
            proxy.setSourceModel(model)
            view = fit_table(QTableView())  # at laptop size the long texts give way to the figures
            view.setModel(proxy)
            view.setSortingEnabled(False)
            view.resizeColumnsToContents()
            self.tabs.addTab(view, table.title)
            self.models.append(model)
        self._show_notes(self.tabs.currentIndex())
        status = f" · {report.status}" if report.status else ""
        self.status.setText(f"{report.title} pr. {report.as_of:%d-%m-%Y}{status}")
        self.report_ready.emit(report)

    def _show_notes(self, index: int) -> None:
        tables = self.report.tables if self.report is not None else []
        notes = tables[index].notes if 0 <= index < len(tables) else []
        self.notes.setPlainText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    # -- export --------------------------------------------------------------
    def choose_and_export(self, suffix: str) -> None:
        kind = "Excel-projektmappe (*.xlsx)" if suffix == ".xlsx" else "PDF-dokument (*.pdf)"
        name = f"{self.kind.currentText()} {self.year.value()}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, "Eksportér rapport", name, kind)
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Build the report with the chosen options and write it to ``path`` (.xlsx or .pdf)."""
        build, mask = self._builder(), self.mask_cpr.isChecked()

        def work(db, job):
            report = build(db)
            if job.cancelled():
                return None
            if path.suffix.lower() == ".pdf":
                write_pdf(report, path, mask_cpr=mask)
            else:
                write_report(report, path, mask_cpr=mask)
            return str(path)

        def done(result):
            self.status.setText(f"Gemt: {result}")
            self.export_done.emit(result)

        self._start(f"Eksporterer til {path.name} …", work, done)

    # -- printing ------------------------------------------------------------
    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout())
        if self.report:
            printer.setDocName(self.report.title)
        return printer

    def paint_on(self, printer: QPrinter) -> int:
        """Paint the previewed report on ``printer``; returns the number of pages."""
        return render(self.report, printer, mask_cpr=self.mask_cpr.isChecked())

    def _need_report(self) -> bool:
        if self.report is None:
            QMessageBox.information(self, "Rapporter", "Tryk Vis for at danne rapporten først.")
            return False
        return True

    def print_report(self) -> None:
        if not self._need_report():
            return
        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.paint_on(printer)

    def print_preview_dialog(self) -> QPrintPreviewDialog:
        # the dialog keeps only a pointer to the printer: keep the printer alive with the screen
        self._preview_printer = self._printer()
        dialog = QPrintPreviewDialog(self._preview_printer, self)
        dialog.setWindowTitle(f"Vis udskrift – {self.report.title}")
        dialog.paintRequested.connect(self.paint_on)
        size_to_window(dialog, self)  # Qt's own size shows a page the size of a stamp
        return dialog

    def print_preview(self) -> None:
        if self._need_report():
            self.print_preview_dialog().exec()
