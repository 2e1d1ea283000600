"""The "Rapporter" screen with real widgets: preview, export off the GUI thread, printing."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.reports import Column, ReportTable, TOTAL
from gui.common.context import AppContext
from gui.reports.reports_screen import OTHER_DATE, ReportTableModel, Screen
from tests.reports.pdf_text import pdf_text


@pytest.fixture
def screen(qtbot, small_db, db_path):
    context = AppContext(db_path)
    widget = Screen(context)
    qtbot.addWidget(widget)
    widget.kind.setCurrentIndex(widget.kind.findData("quarterly"))
    widget.year.setValue(2026)
    widget.month.setCurrentIndex(8)  # September
    yield widget
    context.close()


def test_model_passes_the_model_tester(qtmodeltester):
    table = ReportTable("T", (Column("cpr", "CPR-nr.", "cpr"), Column("amount", "Beløb", "amount", total="sum")))
    table.add(["010180-1234", Decimal("1234.5")])
    table.add(["I alt", Decimal("1234.5")], TOTAL)
    model = ReportTableModel(table, mask_cpr=True)
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "010180-xxxx"
    assert model.index(0, 1).data() == "1.234,50"


def test_preview_shows_the_report(qtbot, screen):
    with qtbot.waitSignal(screen.report_ready, timeout=20000):
        screen.preview_button.click()
    assert screen.tabs.count() == 1 and screen.tabs.tabText(0) == "Kvartalsoversigt"
    assert not screen.include_expected.isEnabled()  # only the monthly overview has expected citizens
    screen.kind.setCurrentIndex(screen.kind.findData("monthly"))
    assert screen.include_expected.isEnabled()
    model = screen.models[0]
    texts = [model.index(r, 3).data() for r in range(model.rowCount())]
    assert "90.000,00" in texts  # § 108, first quarter: 90 days at 1.000 kr.
    assert "30-09-2026" in screen.status.text()


def test_export_to_excel_runs_off_the_gui_thread(qtbot, screen, tmp_path):
    path = tmp_path / "kvartal.xlsx"
    with qtbot.waitSignal(screen.export_done, timeout=20000) as blocker:
        screen.export(path)
    assert blocker.args == [str(path)]
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "Kvartalsoversigt 2026"


def test_a_date_outside_the_year_is_reported(qtbot, screen, tmp_path):
    screen.month.setCurrentText(OTHER_DATE)
    screen.as_of.setDate(dt.date(2025, 5, 1))
    with qtbot.waitSignal(screen.job_failed, timeout=20000) as blocker:
        screen.export(tmp_path / "x.xlsx")
    assert "ligger ikke i 2026" in blocker.args[0]
    assert "Fejl:" in screen.status.text()
    assert not (tmp_path / "x.xlsx").exists()


def test_print_and_print_preview_paint_the_report(qtbot, screen, tmp_path):
    with qtbot.waitSignal(screen.report_ready, timeout=20000):
        screen.build_preview()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "print.pdf"
    printer.setOutputFileName(str(out))
    assert screen.paint_on(printer) == 1
    assert "Kvartalsoversigt 2026" in pdf_text(out)
    dialog = screen.print_preview_dialog()
    assert isinstance(dialog, QPrintPreviewDialog)
    with qtbot.waitSignal(dialog.paintRequested, timeout=10000):
        dialog.open()
    dialog.close()
