"""The "Rapporter" screen: choose a report, year and as-of date, preview it, export or print it.

Building a report and writing files run on a worker thread with its own database
connection (SQLite connections belong to one thread), behind a progress dialog that can
be cancelled. Printing and the print preview paint on the GUI thread with the same
renderer as the PDF export.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from PySide6.QtCore import (QAbstractTableModel, QDate, QModelIndex, QObject, QSortFilterProxyModel, Qt,
                            QThread, Signal, Slot)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QMessageBox, QProgressDialog, QPushButton, QSpinBox, QTableView, QTabWidget,
                               QVBoxLayout, QWidget)

from core.errors import DispoError
from core.reports import DETAIL, WARNING_COLOUR, Report, ReportTable, display, is_warning
from core.reports.build import REPORT_KINDS, build_report, month_end, report_kind
from core.reports.xlsx_writer import write_report
from core.storage import open_db
from gui.models import show_cpr
from gui.pdf_report import page_layout, render, write_pdf

MONTHS = ("Januar", "Februar", "Marts", "April", "Maj", "Juni", "Juli", "August", "September", "Oktober",
          "November", "December")
OTHER_DATE = "Anden dato"
NUMERIC = ("integer", "number", "amount", "percent")


class ReportTableModel(QAbstractTableModel):
    """One report table for the preview: Danish display text, numbers right-aligned, totals bold."""

    def __init__(self, table: ReportTable, mask_cpr: bool = False, parent=None):
        super().__init__(parent)
        self.table = table
        self.mask_cpr = mask_cpr
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.table.rows[index.row()]
        column = self.table.columns[index.column()]
        value = row.values[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return show_cpr(display(value, column.kind, self.mask_cpr))
        if role == Qt.ItemDataRole.UserRole:  # sort key: numbers as numbers
            return float(value) if column.kind in NUMERIC and value is not None else display(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.kind in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.kind != DETAIL:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and is_warning(column, value):  # an overspend
            return QBrush(QColor("#" + WARNING_COLOUR))
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].heading if 0 <= section < len(self.table.columns) else None
        return str(section + 1)


class _Job(QObject):
    """Runs ``fn(db)`` on a worker thread with its own connection to ``db_path``."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, db_path: Path, fn):
        super().__init__()
        self.db_path = db_path
        self.fn = fn
        self.cancelled = False

    @Slot()
    def run(self):
        try:
            db = open_db(self.db_path, migrate=False, backup=False, check=False)  # the window opened it fully
            try:
                result = self.fn(db, self)
            finally:
                db.close()
        except DispoError as ex:
            self.failed.emit(str(ex))
            return
        except Exception as ex:  # a bug: say so in the screen, and keep the traceback on stderr
            traceback.print_exc()
            self.failed.emit(f"Uventet fejl: {ex}")
            return
        self.done.emit(result)


class Screen(QWidget):
    TITLE = "Rapporter"

    report_ready = Signal(object)
    export_done = Signal(str)
    job_failed = Signal(str)

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.report: Report | None = None
        self._threads: list[tuple[QThread, _Job]] = []
        self.kind = QComboBox()
        for kind in REPORT_KINDS:
            self.kind.addItem(kind.title, kind.key)
        self.kind.setAccessibleName("Rapport")
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.month = QComboBox()
        self.month.addItems([*MONTHS, OTHER_DATE])
        self.month.setCurrentIndex(max(today.month - 2, 0))
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setDisplayFormat("dd-MM-yyyy")
        self.as_of.setCalendarPopup(True)
        self.as_of.setEnabled(False)
        self.month.currentTextChanged.connect(lambda t: self.as_of.setEnabled(t == OTHER_DATE))
        self.mask_cpr = QCheckBox("Maskér CPR-numre (DDMMÅÅ-xxxx)")
        # exports are masked by default while the GUI masks CPR numbers
        self.mask_cpr.setChecked(context.cpr_masked)
        context.cpr_masking_changed.connect(self.mask_cpr.setChecked)
        self.include_expected = QCheckBox("Medtag kommende borgere")
        self.include_expected.setChecked(True)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

        form = QFormLayout()
        form.addRow("&Rapport:", self.kind)
        form.addRow("&År:", self.year)
        pr = QHBoxLayout()
        pr.addWidget(self.month)
        pr.addWidget(self.as_of)
        as_of_label = QLabel("Opgjort &pr.:")
        as_of_label.setBuddy(self.month)  # a label's mnemonic needs a buddy, or '&' shows as text
        form.addRow(as_of_label, pr)
        form.addRow("", self.mask_cpr)
        form.addRow("", self.include_expected)

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
        # two rows keep the screen narrow enough for a small laptop screen
        buttons = QVBoxLayout()
        for row_buttons in ((self.preview_button, self.xlsx_button, self.pdf_button),
                            (self.print_button, self.print_preview_button)):
            row = QHBoxLayout()
            for b in row_buttons:
                row.addWidget(b)
            row.addStretch(1)
            buttons.addLayout(row)

        self.status = QLabel("Vælg en rapport og tryk Vis.")
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.models: list[ReportTableModel] = []

    # -- choices -------------------------------------------------------------
    def _kind_changed(self) -> None:
        """Expected citizens are an option of the reports built on the forecast only."""
        self.include_expected.setEnabled(report_kind(self.kind.currentData()).uses_expected)

    def chosen_as_of(self) -> dt.date:
        year = self.year.value()
        if self.month.currentText() == OTHER_DATE:
            d = self.as_of.date()
            return dt.date(d.year(), d.month(), d.day())
        return month_end(year, self.month.currentIndex() + 1)

    def refresh(self) -> None:
        """Nothing to reload until the user asks; an old preview is marked as possibly stale."""
        if self.report is not None:
            self.status.setText("Data kan være ændret siden forhåndsvisningen – tryk Vis igen.")

    # -- worker --------------------------------------------------------------
    def _start(self, label: str, fn, on_done) -> None:
        thread = QThread(self)
        job = _Job(self.context.db_path, fn)
        job.moveToThread(thread)
        job.on_done = on_done
        job.progress = QProgressDialog(label, "Annullér", 0, 0, self)
        job.progress.setWindowTitle("Rapporter")
        job.progress.setMinimumDuration(300)
        job.progress.setWindowModality(Qt.WindowModality.WindowModal)
        job.progress.canceled.connect(lambda: setattr(job, "cancelled", True))
        # bound methods of this widget: Qt queues the calls to the GUI thread
        job.done.connect(self._job_done)
        job.failed.connect(self._job_failed)
        job.done.connect(thread.quit)
        job.failed.connect(thread.quit)
        thread.started.connect(job.run)
        thread.finished.connect(self._thread_finished)
        self._threads.append((thread, job))
        self._set_busy(True)
        thread.start()

    def _job_for(self, sender) -> _Job | None:
        return next((job for _, job in self._threads if job is sender), None)

    @Slot(object)
    def _job_done(self, result) -> None:
        job = self._job_for(self.sender())
        job.progress.reset()
        if job.cancelled:
            self.status.setText("Annulleret.")
        else:
            job.on_done(result)

    @Slot(str)
    def _job_failed(self, message: str) -> None:
        job = self._job_for(self.sender())
        job.progress.reset()
        self.status.setText(f"Fejl: {message}")
        self.job_failed.emit(message)

    @Slot()
    def _thread_finished(self) -> None:
        thread = self.sender()
        self._threads = [(t, j) for t, j in self._threads if t is not thread]
        thread.deleteLater()
        self._set_busy(bool(self._threads))

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
            proxy = QSortFilterProxyModel(self)
            proxy.setSourceModel(model)
            proxy.setSortRole(Qt.ItemDataRole.UserRole)
            view = QTableView()
            view.setModel(proxy)
            view.setSortingEnabled(False)
            view.resizeColumnsToContents()
            self.tabs.addTab(view, table.title)
            self.models.append(model)
        status = f" · {report.status}" if report.status else ""
        self.status.setText(f"{report.title} pr. {report.as_of:%d-%m-%Y}{status}")
        self.report_ready.emit(report)

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
            if job.cancelled:
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
        return dialog

    def print_preview(self) -> None:
        if self._need_report():
            self.print_preview_dialog().exec()
