"""Godkendelse: approve a month (freeze its forecast) and see the approved trend next to the live forecast.

The checks (``core.followup.approval.checks``) are shown first, computed off the GUI thread when the
month changes; approving despite them asks for a reason; a month that has not ended cannot
be approved."""

from __future__ import annotations


from PySide6.QtCharts import QChartView, QLineSeries, QScatterSeries
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QProgressBar, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from core.followup import approval
from core.followup.forecast import default_as_of, forecast
from core.formatting import datetime_text, month_text
from core.money import format_number, ore_to_kr
from gui.common.charts import danish_chart, set_month_series
from gui.common.followup_common import Column, table_view
from gui.common.workers import Runner
from gui.common import models
from gui.common.models import RecordModel, show_cpr
from gui.common.widgets import NewestMonth, add_labelled, mark_edits


CHART_MIN_HEIGHT = 220  # the trend chart beneath the table stays readable
YEAR_ROWS = 12  # the table is as tall as a whole year of approved months
REASON_TEXT_WIDTH = 640  # the question for a reason: its checks wrap at this width


def _kr(key):
    return lambda s: ore_to_kr(s.total[key]) if s.total[key] is not None else None


class Screen(QWidget):
    TITLE = "Godkend måned"

    approval_finished = Signal()  # an approval was saved, refused or given up

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.live = None
        self.job = Runner(self)
        self.job.finished.connect(self._live_done)
        self.job.failed.connect(lambda message: self.live_label.setText(message))
        self.found: list | None = None
        self.check_job = Runner(self)
        self.check_job.finished.connect(self._checks_done)
        self.check_job.failed.connect(lambda message: self.checks_label.setText(message))
        self.checks_label = QLabel(objectName="checks")
        self.checks_label.setWordWrap(True)
        context.cpr_masking_changed.connect(lambda _: self.found is not None and self._checks_done(self.found))
        self.year = QSpinBox(objectName="year", minimum=1900, maximum=2200)
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.month = QComboBox(objectName="month")
        for i, name in enumerate(approval.MONTHS, start=1):
            self.month.addItem(name.capitalize(), i)
        # the month to approve is the one Månedens gang starts on: the month of the newest booking
        self.newest = NewestMonth(context.db, self.year, self.month)
        self.month.currentIndexChanged.connect(lambda _: self._start_checks())
        self.approve_button = QPushButton("&Godkend måned", objectName="approve")
        self.approve_button.clicked.connect(lambda: self.approve())
        mark_edits(self.approve_button)
        self._approving = None
        self.approve_job = Runner(self)
        self.approve_job.finished.connect(self._approve_step)
        self.approve_job.failed.connect(self._approve_failed)
        self.busy_bar = QProgressBar(objectName="approve_progress", maximumWidth=160)
        self.busy_bar.setRange(0, 0)  # the checks and the saving say nothing of how far they are
        self.busy_bar.hide()
        self.message = QLabel(objectName="message", wordWrap=True)
        self.message.hide()  # shown with a message only: no empty line above the table
        self.live_label = QLabel(objectName="live")
        self.model = RecordModel([
            models.Column("Måned", lambda s: month_text(s.year, s.month), lambda s: s.year * 100 + s.month, key="month"),
            Column("approved_at", "Godkendt", getter=lambda s: datetime_text(s.approved_at)),
            Column("user", "Af"),
            # what the month is approved for first: on a laptop the rest may scroll
            Column("budget", "Budget", "kr", _kr("budget_ore")),
            Column("expected", "Forventet regnskab", "kr", _kr("expected_ore")),
            Column("deviation", "Afvigelse", "kr", _kr("deviation_ore"), warn=True),
            Column("booked", "Bogført", "kr", _kr("booked_ore")),
            Column("computed", "Beregnet til dato", "kr", _kr("computed_ore")),
            Column("reason", "Godkendt trods bemærkninger", getter=lambda s: s.reason)], parent=self, tooltips=True)
        self.view, _ = table_view(self.model, "snapshots_table")
        self.chart = danish_chart("Drift i alt ved hver godkendelse")  # short: whole on a laptop
        self.chart_view = QChartView(self.chart, objectName="trend_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QHBoxLayout()
        add_labelled(bar, (("&År", self.year), ("&Måned", self.month)))
        bar.addWidget(self.approve_button)
        bar.addWidget(self.busy_bar)
        bar.addStretch(1)
        # compact rows, the table above the chart: every column of the approved months on a laptop's
        # width (side by side, the chart left the table too narrow and it scrolled sideways)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.chart_view)
        split.setChildrenCollapsible(False)
        self.chart_view.setMinimumHeight(CHART_MIN_HEIGHT)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.checks_label)
        layout.addWidget(self.message)
        layout.addWidget(self.live_label)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        self.newest.follow(self.context.db)
        self.snapshots = approval.snapshots(self.context.db, self.year.value())
        self.model.set_records(self.snapshots)
        self.view.resizeColumnsToContents()
        self._share_height()
        year = self.year.value()
        self.job.start(self.context.db_path, lambda db: forecast(db, year, default_as_of(db, year), by="account",
                                                                  include_expected=False, include_refund=False))
        self._start_checks()
        self._draw()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._share_height()

    def _share_height(self) -> None:
        """The table as tall as a year of approved months (no scrolling for them), the chart the
        rest, at least ``CHART_MIN_HEIGHT`` (then the table scrolls)."""
        total = sum(self.split.sizes())
        if total <= 0:
            return
        view = self.view
        year = (view.horizontalHeader().sizeHint().height() + YEAR_ROWS * view.verticalHeader().defaultSectionSize()
                + 2 * view.frameWidth() + view.horizontalScrollBar().sizeHint().height())
        table = max(min(year, total - CHART_MIN_HEIGHT), 0)
        self.split.setSizes([table, total - table])

    def _start_checks(self) -> None:
        year, month = self.year.value(), self.month.currentData()
        self.found = None
        self.checks_label.setText("Kontrollerer måneden …")
        self.check_job.start(self.context.db_path, lambda db: approval.checks(db, year, month))

    def _checks_done(self, found) -> None:
        self.found = found
        if not found:
            self.checks_label.setText("Kontroller: ingen bemærkninger.")
        else:
            self.checks_label.setText(show_cpr("Kontroller før godkendelse:\n"
                                               + "\n".join(f"• {c.message}" for c in found)))

    def _live_done(self, result) -> None:
        self.live = result
        self.live_label.setText(f"Aktuelt forventet regnskab (drift i alt) pr. {result.as_of:%d-%m-%Y}: "
                                f"{format_number(result.total.expected_outturn)} kr.")
        self._draw()

    def approve(self, *, confirm_replace=None, ask_reason=None) -> None:
        """Approve the chosen month; a month already approved is replaced only after a yes.

        The checks come first: a month that has not ended is refused; with other checks the
        user is asked for a reason (``ask_reason`` returns it, or None to cancel). The checks
        and the saving of the month's figures run off the GUI thread (seconds on a large
        register), with a busy bar; ``approval_finished`` is emitted when it is over."""
        year, month, name = self.year.value(), self.month.currentData(), self.month.currentText()
        self._approving = (year, month, name, confirm_replace, ask_reason)
        self._set_approving(True, "Kontrollerer måneden …")
        self.approve_job.start(self.context.db_path, lambda db: ("checked", approval.checks(db, year, month)))

    def _approve_step(self, result) -> None:
        step, value = result
        year, month, name, confirm_replace, ask_reason = self._approving
        if step == "saved":
            self._set_approving(False, f"{name} {year} er godkendt.")
            self.context.notify_changed("approvals")
            self.refresh()
            self.approval_finished.emit()
            return
        found = value
        self._checks_done(found)
        blocking = [c for c in found if c.kind == "not_ended"]
        if blocking:
            self._set_approving(False, blocking[0].message)
            self.approval_finished.emit()
            return
        reason = None
        if found:
            ask = ask_reason or (lambda: self._ask_reason(found))
            reason = ask()
            if not reason or not reason.strip():
                self._set_approving(False, "Måneden er ikke godkendt: en begrundelse er nødvendig.")
                self.approval_finished.emit()
                return
        replace = False
        if any(s.month == month for s in self.snapshots):
            ask = confirm_replace or (lambda: QMessageBox.question(
                self, "Allerede godkendt", f"{name} {year} er allerede godkendt. "
                "Vil du erstatte godkendelsen? Den gamle gemmes i loggen.") == QMessageBox.StandardButton.Yes)
            if not ask():
                self._set_approving(False, "")
                self.approval_finished.emit()
                return
            replace = True
        self._set_approving(True, f"Godkender {name.lower()} {year}: månedens tal gemmes …")
        self.approve_job.start(self.context.db_path, lambda db: (
            "saved", approval.approve_month(db, year, month, replace=replace, reason=reason)))

    def _approve_failed(self, message: str) -> None:
        self._set_approving(False, message)
        self.approval_finished.emit()

    def _set_approving(self, busy: bool, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.busy_bar.setVisible(busy)
        self.approve_button.setEnabled(not busy and not self.context.readonly)

    def _ask_reason(self, found) -> str | None:
        dialog = self.reason_dialog(found)
        ok = dialog.exec() == QInputDialog.DialogCode.Accepted
        return dialog.textValue() if ok else None

    def reason_dialog(self, found) -> QInputDialog:
        """The question for a reason to approve despite ``found``: the checks wrap onto more lines
        (a list of accounts or rules made Qt's own one-line question wider than a laptop's screen)."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Godkend trods bemærkninger")
        dialog.setLabelText("\n".join(f"• {c.message}" for c in found) + "\n\nBegrundelse for at godkende "
                            "alligevel (gemmes med godkendelsen og i revisionssporet):")
        dialog.setTextValue("")
        for label in dialog.findChildren(QLabel):
            label.setWordWrap(True)
            label.setMinimumWidth(REASON_TEXT_WIDTH)  # wrapped, a label would otherwise pick a narrow column
        return dialog

    def _draw(self) -> None:
        trend = QLineSeries()
        trend.setName("Godkendt forventet regnskab")
        budget = QLineSeries()
        budget.setName("Budget")
        for s in self.model.rows:
            trend.append(s.month, s.total["expected_ore"] / 100_000_000)  # plotting only: mio. kr.
            if s.total["budget_ore"] is not None:
                budget.append(s.month, s.total["budget_ore"] / 100_000_000)
        series = [trend, budget]
        if self.live is not None:
            now = QScatterSeries()
            now.setName("Aktuelt")
            now.append(self.live.as_of.month, float(self.live.total.expected_outturn) / 1_000_000)
            series.append(now)
        set_month_series(self.chart, series, from_zero=False)
