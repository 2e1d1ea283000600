"""Budgetopfølgning: the forecast per account or section with drill-down, and its chart.

Pick a year and an as-of date; the forecast is computed off the GUI thread. Selecting an
account (or section) shows its grants, grouped by provider, citizen or grant; selecting
one of those shows the postings behind it. The chart shows the cumulative expected
outturn month by month against the budget and what is booked.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QChartView, QLineSeries
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from core.followup.drilldown import FollowUp, drill_down, follow_up, postings_behind
from core.followup.forecast import default_as_of
from core.followup.monthly_cycle import latest_month
from core.money import format_date, format_number
from core.reports.monthly import GRAND_TOTAL, LEGEND, OPERATING_TOTAL
from gui.common.charts import danish_chart, set_month_series
from gui.common.followup_common import Column, table_view
from gui.common.models import RecordModel
from gui.common.workers import Runner
from gui.common.widgets import add_labelled

MONEY = [Column("budget", "Budget", "kr"), Column("booked_to_date", "Bogført", "kr"),
         Column("computed_to_date", "Beregnet til dato", "kr"), Column("committed_rest", "Disponeret rest", "kr"),
         Column("expected_outturn", "Forventet regnskab", "kr"), Column("deviation", "Afvigelse", "kr", warn=True),
         Column("full_year_equivalents", "Helårspersoner", "number"),
         Column("average_price", "Gns. pris pr. helårsperson", "kr"),
         Column("volume_effect", "Mængdeeffekt", "kr", warn=True),
         Column("price_effect", "Priseffekt", "kr", warn=True)]
DETAIL_MONEY = [Column(name, title, "kr") for name, title in (
    ("booked_to_date", "Bogført"), ("computed_to_date", "Beregnet til dato"), ("committed_rest", "Disponeret rest"),
    ("expected_outturn", "Forventet regnskab"), ("backlog", "Efterslæb"))]
LEVELS = {"account": "Konto", "section": "Paragraf"}
# (title, MonthFigures field, colour, dashed): fixed colours, so a line keeps its colour when
# the switches add or remove others
CHART_LINES = (("Forventet regnskab", "cumulative_expected", "#1f5fa8", False),
               ("Kommende borgere", "cumulative_expected_citizens", "#2e9e4f", True),
               ("Refusion (§ 176)", "cumulative_refund", "#e08a00", True),
               ("I alt med linjerne", "cumulative_outturn", "#7b3fb5", False),
               ("Budget", "cumulative_budget", "#c0392b", False),
               ("Bogført", "cumulative_booked", "#5d6d7e", False))
OPTIONAL_LINES = {"cumulative_expected_citizens", "cumulative_refund", "cumulative_outturn"}
DETAIL_LEVELS = {"provider": "Leverandør", "citizen": "Borger", "grant": "Bevilling"}


def summary(row) -> str:
    """A total's figures in words: expected, and budget and deviation only where there is a budget."""
    text = f"forventet {format_number(row.expected_outturn)} kr."
    if row.budget is not None:
        text += f", budget {format_number(row.budget)} kr., afvigelse {format_number(row.deviation)} kr."
    return text


class Screen(QWidget):
    TITLE = "Budgetopfølgning"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.result: FollowUp | None = None
        self.job = Runner(self)
        self.job.finished.connect(self._show_result)
        self.job.failed.connect(self._show_error)
        self.job.running_changed.connect(self._running)

        self.year = QSpinBox(objectName="year", minimum=1900, maximum=2200)
        # the year of the month Månedens gang starts on (the newest booking's), not the calendar's:
        # in January she still follows up on December
        self.year.setValue(latest_month(context.db)[0])
        self.as_of = QDateEdit(objectName="as_of", calendarPopup=True, displayFormat="dd-MM-yyyy")
        self.level = QComboBox(objectName="level")
        for key, label in LEVELS.items():
            self.level.addItem(label, key)
        self.expected_box = QCheckBox("Medtag &kommende borgere", checked=True, objectName="include_expected")
        self.refund_box = QCheckBox("&Medtag forventet refusion (§ 176)", checked=True, objectName="include_refund")
        # a switch changes the totals and the chart at once: compute again once the screen is in use
        for box in (self.expected_box, self.refund_box):
            box.toggled.connect(self._switch_toggled)
        self.compute_button = QPushButton("&Beregn", objectName="compute")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Annuller", objectName="cancel", enabled=False)
        self.cancel_button.clicked.connect(self.job.cancel)
        self.progress = QProgressBar(objectName="progress", minimum=0, maximum=0, visible=False)
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        self.legend = QLabel(LEGEND, objectName="legend")
        self.legend.setWordWrap(True)
        self._labels: dict[int, str] = {}  # id(row) -> the label of "Drift i alt", a line or "I alt"

        # two compact rows, not a form a row per field: on a 1366 × 768 laptop the height goes to the table
        bar = QVBoxLayout()
        fields = QHBoxLayout()
        add_labelled(fields, (("&År", self.year), ("&Opgjort pr.", self.as_of), ("&Niveau", self.level)))
        fields.addWidget(self.compute_button)
        fields.addWidget(self.cancel_button)
        fields.addWidget(self.progress)
        fields.addStretch(1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.expected_box)
        boxes.addWidget(self.refund_box)
        boxes.addStretch(1)
        bar.addLayout(fields)
        bar.addLayout(boxes)

        self.main_model = RecordModel([Column("key", "Konto"), Column("name", "Tekst"), *MONEY],
                                      parent=self, tooltips=True)
        self.main_view, self.main_proxy = table_view(self.main_model, "forecast_table")
        self.main_view.selectionModel().currentRowChanged.connect(self._main_selected)
        # "Drift i alt", the separate lines and "I alt" below the operating lines, in the same columns
        self.totals_model = RecordModel([Column("key", "", getter=lambda r: self._labels.get(id(r), "")),
                                         Column("name", "", getter=lambda r: ""), *MONEY], parent=self, tooltips=True)
        self.totals_view, totals_proxy = table_view(self.totals_model, "totals_table")
        self.totals_view.setSortingEnabled(False)
        totals_proxy.sort(-1)  # the structure's order, never sorted
        self.totals_view.horizontalHeader().hide()
        # compact rows (a line of text and a little air): the overview's lines and the chart both fit a laptop
        row_height = self.main_view.fontMetrics().height() + 8
        for view in (self.main_view, self.totals_view):
            view.verticalHeader().setDefaultSectionSize(row_height)
        self.totals_view.setMaximumHeight(5 * row_height)
        self.totals_view.setMinimumHeight(row_height)  # scrolls on a small screen
        self.main_view.horizontalHeader().sectionResized.connect(
            lambda i, _old, new: self.totals_view.setColumnWidth(i, new))
        self.main_view.horizontalScrollBar().valueChanged.connect(self.totals_view.horizontalScrollBar().setValue)
        self.detail_level = QComboBox(objectName="detail_level")
        for key, label in DETAIL_LEVELS.items():
            self.detail_level.addItem(label, key)
        self.detail_level.currentIndexChanged.connect(lambda _: self._fill_detail())
        self.detail_model = RecordModel([], parent=self, tooltips=True)
        self.detail_view, self.detail_proxy = table_view(self.detail_model, "detail_table")
        self.detail_view.selectionModel().currentRowChanged.connect(self._detail_selected)
        # the amount next to the date: the table is narrow beside the drill-down and the chart
        self.postings_model = RecordModel([Column("date", "Dato", "date"), Column("amount", "Beløb", "kr"),
                                           Column("account", "Konto"), Column("art", "Art"),
                                           Column("text", "Tekst"), Column("voucher", "Bilag")],
                                          parent=self, tooltips=True)
        self.postings_view, _ = table_view(self.postings_model, "postings_table")

        self.chart = danish_chart("Forventet regnskab måned for måned (akkumuleret) mod budget")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # six series: a column, not a row
        self.chart_view = QChartView(self.chart, objectName="chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(160)
        self.chart_view.setMinimumWidth(160)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("Opdelt på"))
        head.addWidget(self.detail_level)
        head.addStretch(1)
        dl.addLayout(head)
        dl.addWidget(self.detail_view)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(detail)
        lower.addWidget(self.postings_view)
        lower.addWidget(self.chart_view)
        # the chart gets the largest share: it is what leaders look at first
        for index, stretch in enumerate((2, 2, 3)):
            lower.setStretchFactor(index, stretch)
        lower.setSizes([330, 330, 500])
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.setSpacing(0)
        ul.addWidget(self.main_view, 1)
        ul.addWidget(self.totals_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        # the overview is what she reads: it gets the height, the drill-down and chart what is left
        # (the lower part keeps its own minimum; she drags the handle up for a bigger chart)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([800, 200])
        self.split = split
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        layout.addWidget(self.legend)
        self._initialised = False
        self._split_fitted = False

    # ------------------------------------------------------------------ computing

    def refresh(self) -> None:
        """Called when the screen is shown: the default as-of date is core's (the newest booked month's end)."""
        if not self._initialised:
            self._initialised = True
            self._set_default_as_of()
        self.compute()

    def _switch_toggled(self, _checked: bool) -> None:
        if self._initialised:
            self.compute()

    def _set_default_as_of(self) -> None:
        try:
            day = default_as_of(self.context.db, self.year.value())
        except Exception:  # noqa: BLE001 - an unreadable default only leaves today's date
            day = dt.date.today()
        self.as_of.setDate(QDate(day.year, day.month, day.day))

    def compute(self) -> None:
        year = self.year.value()
        d = self.as_of.date()
        as_of = dt.date(d.year(), d.month(), d.day())
        level = self.level.currentData()
        expected, refund = self.expected_box.isChecked(), self.refund_box.isChecked()
        self.status.setText("Beregner …")
        self.job.start(self.context.db_path, lambda db: follow_up(db, year, as_of, level, include_expected=expected,
                                                                  include_refund=refund))

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.compute_button.setEnabled(not running)
        if not running and self.status.text() == "Beregner …":
            self.status.setText("Beregningen blev annulleret.")

    def _show_error(self, message: str) -> None:
        self.result = None
        self.main_model.set_records([])
        self.detail_model.set_records([])
        self.postings_model.set_records([])
        self.status.setText(message)

    def _show_result(self, result: FollowUp) -> None:
        self.result = result
        level = result.level
        key = level.by
        # DOMAIN.md's structure: the operating lines, "Drift i alt", the separate lines, "I alt"
        structure = [(OPERATING_TOTAL, level.total), *((line.name, line) for line in level.lines),
                     (GRAND_TOTAL, level.grand_total)]
        self._labels = {id(row): label for label, row in structure}
        self.main_model.columns[0] = Column("key", LEVELS[key],
                                            getter=lambda r, k=key: getattr(r, k) or r.name)
        self.main_model.set_records(level.rows)
        self.main_view.resizeColumnsToContents()
        self.totals_model.set_records([row for _, row in structure])
        self._align_totals()
        if not self._split_fitted:
            self._split_fitted = self._fit_split()
        parts = [f"{label}: {summary(row)}" for label, row in structure]
        self.status.setText(f"{level.year} pr. {format_date(level.as_of)}: " + "; ".join(parts)
                            + "".join(f"\n{w}" for w in level.warnings))
        self._fill_detail()
        self._draw_chart(result.months)

    def _fit_split(self) -> bool:
        """Once, on the first result: the overview exactly as high as its lines need (when the
        drill-down and the chart keep room to be read), the rest below. Her own dragging of the
        handle is kept after that."""
        view = self.main_view
        rows = sum(view.rowHeight(r) for r in range(self.main_model.rowCount()))
        frames = 2 * view.frameWidth() + 2 * self.totals_view.frameWidth()
        upper = (view.horizontalHeader().height() + rows + view.horizontalScrollBar().sizeHint().height()
                 + self.totals_view.maximumHeight() + frames)
        total = sum(self.split.sizes())
        lower = max(self.split.widget(1).minimumSizeHint().height(), 240)
        if total <= 0:
            return False  # not laid out yet: fitted with the next result
        upper = max(min(upper, total - lower), total // 2)
        self.split.setSizes([upper, total - upper])
        return True

    def _align_totals(self) -> None:
        """The totals in the main table's columns. A total's label ("Forventet refusion (§ 176)")
        spans the key and text columns, so the key column stays as narrow as an account number
        and the effects stay on a laptop's screen; the totals' larger figures must fit too."""
        header = self.main_view.horizontalHeader()
        self.totals_view.verticalHeader().setFixedWidth(self.main_view.verticalHeader().width())
        self.totals_view.clearSpans()
        rows = self.totals_model.rowCount()
        for row in range(rows):
            self.totals_view.setSpan(row, 0, 1, 2)
        # exactly its rows (and the scroll bar's room): the operating lines get the rest
        self.totals_view.setMaximumHeight(sum(self.totals_view.rowHeight(r) for r in range(rows))
                                          + self.totals_view.horizontalScrollBar().sizeHint().height() + 4)
        widths = [header.sectionSize(i) if i < 2 else max(header.sectionSize(i), self.totals_view.sizeHintForColumn(i))
                  for i in range(self.totals_model.columnCount())]
        metrics = self.totals_view.fontMetrics()
        label = max((metrics.horizontalAdvance(text) for text in self._labels.values()), default=0) + 16
        if label > widths[0] + widths[1]:
            widths[1] = label - widths[0]
        for i, width in enumerate(widths):
            self.main_view.setColumnWidth(i, width)
            self.totals_view.setColumnWidth(i, width)

    # ------------------------------------------------------------------ drill-down

    def _selected_main(self):
        index = self.main_view.currentIndex()
        if not index.isValid() or self.result is None:
            return None
        return self.main_model.record(self.main_proxy.mapToSource(index).row())

    def _main_selected(self, *_):
        self._fill_detail()

    def _fill_detail(self) -> None:
        self.postings_model.set_records([])
        row = self._selected_main()
        if row is None:
            self.detail_model.set_records([])
            return
        by = self.detail_level.currentData()
        rows = drill_down(self.result, row, by)
        if by == "grant":
            columns = [Column("grant_id", "Nr.", "int"), Column("cpr", "CPR-nr."), Column("name", "Navn"),
                       Column("section", "Paragraf"), Column("provider", "Leverandør")]
        else:
            columns = [Column("provider", "Leverandør")] if by == "provider" else \
                [Column("cpr", "CPR-nr."), Column("name", "Navn")]
        self.detail_model.columns = columns + DETAIL_MONEY
        self.detail_model.set_records(rows)
        self.detail_view.resizeColumnsToContents()

    def _detail_selected(self, *_):
        index = self.detail_view.currentIndex()
        if not index.isValid() or self.result is None:
            self.postings_model.set_records([])
            return
        row = self.detail_model.record(self.detail_proxy.mapToSource(index).row())
        self.postings_model.set_records(postings_behind(self.context.db, self.result, row))

    # ------------------------------------------------------------------ chart

    def _draw_chart(self, months) -> None:
        """Cumulative lines per month. The separate lines (expected citizens, refund) and the
        total with them appear only when they are switched on and not zero: core gives zeros
        for a line that is off."""
        series = []
        for title, attr, colour, dashed in CHART_LINES:
            values = [getattr(m, attr) for m in months]
            if attr in OPTIONAL_LINES and not any(values):
                continue
            if attr == "cumulative_outturn" and values == [m.cumulative_expected for m in months]:
                continue  # no line is on (or they are all zero): the same as the grants' line
            line = QLineSeries()
            line.setName(title)
            line.setPen(QPen(QColor(colour), 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine))
            for m, value in zip(months, values):
                if value is not None:
                    line.append(m.month, float(value) / 1_000_000)  # plotting only: mio. kr.
            if line.count():
                series.append(line)
        set_month_series(self.chart, series)

    def chart_points(self) -> dict[str, list[tuple[float, float]]]:
        """The plotted series (for tests and screen readers): name -> [(month, mio. kr.)]."""
        return {s.name(): [(p.x(), p.y()) for p in s.points()] for s in self.chart.series()}

