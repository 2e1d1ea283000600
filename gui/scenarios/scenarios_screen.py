"""The screen "Scenarier": the employment-support business case with variants side by side,
in-house vs bought places, and key figures beside reference values.

Every figure of the business case shows its formula on hover (tooltips); the workbook
export has the same formulas as real Excel formulas. All arithmetic is core's
(``core.scenarios``); this screen only reads the fields and shows the results.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChartView, QLineSeries, QValueAxis)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QScrollArea, QSpinBox, QTableView, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from core.register.citizens import find_by_cpr
from core.errors import DispoError
from core.register.providers import list_providers
from core.money import InvalidNumber, format_date, format_number, parse_number
from core.register import pa_cap
from core.scenarios import businesscase as bc, inhouse, keyfigures as kf, pa_followup, store
from core.scenarios.export import case_report, write_business_case
from gui.common.charts import danish_chart, nice_range
from gui.common.models import RecordModel
from gui.common.workers import Runner
from gui.reports.pdf_report import write_pdf
from gui.vum.vum_widgets import Column
from gui.common.widgets import DateField, Screen as BaseScreen, combo, mark_edits

KINDS = [("Ydelse", "benefit"), ("Løntilskud (fleksjob)", "wage_subsidy"), ("Personlig assistance", "pa")]
SIDES = [("Før", "before"), ("Efter", "after")]
# editor column -> (heading, line field)
FIELDS = [("Tekst", "text"), ("Beløb kr./md.", "amount"), ("Refusion %", "refund_pct"),
          ("Uger på ydelse", "weeks_on_benefit"), ("Flekstilskud kr./md.", "flex_contribution"),
          ("Timer pr. uge", "hours_per_week")]
FIELD_TEXT = {f"'{field}'": f"'{heading}'" for heading, field in FIELDS}
TOTALS = bc.TOTALS
ERROR_STYLE = "color: #b00020"


def danish_message(message: str) -> str:
    """Core's message with the file's field and side names as the screen's column headings."""
    for english, danish in {**FIELD_TEXT, "i 'before'": "i 'Før'", "i 'after'": "i 'Efter'",
                            "(benefit)": "(ydelse)", "(wage_subsidy)": "(løntilskud)",
                            "(pa)": "(personlig assistance)"}.items():
        message = message.replace(english, danish)
    return message


def formula_columns(columns: list, tooltip) -> list:
    """The columns with a formula per cell shown on hover: ``tooltip(row, column)``."""
    return [replace(c, tooltip=lambda row, i=i: tooltip(row, i)) for i, c in enumerate(columns)]


def _money(value) -> str:
    return "" if value is None else format_number(value)


def _view(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def clear_chart(chart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def set_bars(chart, categories: list[str], sets: dict[str, list[float]], y_title: str) -> None:
    """Replace the chart's series by bars: one set per ``sets`` entry (name -> a value per category)."""
    clear_chart(chart)
    series = QBarSeries()
    for name, values in sets.items():
        bars = QBarSet(name)
        bars.append(values)
        series.append(bars)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(categories)
    font = x.labelsFont()  # many categories in a narrow chart: a smaller font keeps labels whole
    font.setPointSizeF(font.pointSizeF() * 0.8)
    x.setLabelsFont(font)
    y = QValueAxis()
    values = [v for vs in sets.values() for v in vs] + [0.0]
    start, end, ticks = nice_range(min(values), max(values))
    y.setRange(start, end)
    y.setTickCount(ticks)
    y.setLabelFormat("%.0f")
    y.setTitleText(y_title)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)


def _short(variant: bc.Variant) -> str:
    """A variant's label on a chart axis, short enough not to be elided: ``7t/127,86``."""
    parts = [f"{format_number(variant.hours_per_week).removesuffix(',00')}t" if variant.hours_per_week is not None
             else "", format_number(variant.pa_hourly).removesuffix(",00") if variant.pa_hourly is not None else ""]
    return "/".join(p for p in parts if p) or variant.name


def _numbers(text: str) -> list[Decimal]:
    """``7; 14`` or ``127,86; 165`` as numbers (Danish decimal comma, separated by ``;``)."""
    return [parse_number(part) for part in text.split(";") if part.strip()]


class BusinessCaseTab(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.result: bc.CaseResult | None = None
        self.variants: list[tuple[bc.Variant, bc.CaseResult]] = []
        self.case: bc.Case | None = None
        self.loaded: tuple | None = None  # (id, name casefolded, citizen id) of the saved case shown
        layout = QVBoxLayout(self)

        saved = QHBoxLayout()
        saved.addWidget(QLabel("&Gemte:"))
        self.saved = QComboBox()
        self.saved.setMinimumWidth(280)
        saved.itemAt(0).widget().setBuddy(self.saved)
        saved.addWidget(self.saved, 1)
        self.load_button = QPushButton("&Hent")
        self.load_button.clicked.connect(self.load_selected)
        saved.addWidget(self.load_button)
        saved.addWidget(QLabel("Navn:"))
        self.name = QLineEdit()
        saved.addWidget(self.name, 1)
        saved.addWidget(QLabel("CPR:"))
        self.cpr = QLineEdit()
        self.cpr.setPlaceholderText("valgfrit")
        saved.addWidget(self.cpr)
        saved.addWidget(QLabel("År:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        saved.addWidget(self.year)
        self.save_button = mark_edits(QPushButton("&Gem"))
        self.save_button.clicked.connect(self.save)
        saved.addWidget(self.save_button)
        self.export_button = QPushButton("&Eksportér …")
        self.export_button.clicked.connect(lambda: self.export())
        saved.addWidget(self.export_button)
        self.pdf_button = QPushButton("&PDF …")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        saved.addWidget(self.pdf_button)
        layout.addLayout(saved)

        self.lines = QTableWidget(0, 2 + len(FIELDS))
        self.lines.setHorizontalHeaderLabels(["Side", "Art"] + [h for h, _ in FIELDS])
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.lines.setToolTip("Ydelse: beløb og refusion % eller uger på ydelse (refusionstrappen). Løntilskud: "
                              "beløb, refusion % og flekstilskud. Personlig assistance: timer pr. uge.")
        buttons = QHBoxLayout()
        for text, side in (("Linje &før", "before"), ("Linje &efter", "after")):
            add = QPushButton(text)
            add.clicked.connect(lambda _=False, s=side: self.add_line(s))
            buttons.addWidget(add)
        remove = QPushButton("&Fjern linje")
        remove.clicked.connect(self.remove_line)
        buttons.addWidget(remove)
        buttons.addWidget(QLabel("Varianter, timer pr. uge:"))
        self.variant_hours = QLineEdit("7; 14")
        buttons.addWidget(self.variant_hours)
        buttons.addWidget(QLabel("timesatser:"))
        self.variant_rates = QLineEdit("127,86; 165; 180")
        buttons.addWidget(self.variant_rates)
        self.compute_button = QPushButton("&Beregn")
        self.compute_button.clicked.connect(self.compute)
        buttons.addWidget(self.compute_button)
        buttons.addStretch(1)
        layout.addWidget(self.lines, 1)
        layout.addLayout(buttons)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

        self.line_model = RecordModel(formula_columns([
            Column("Side", lambda r: bc.SIDE_TEXT[r.side]),
            Column("Nr.", lambda r: r.number, numeric=True),
            Column("Art", lambda r: bc.KIND_TEXT[r.line.kind]),
            Column("Tekst", lambda r: r.line.text),
            Column("Brutto", lambda r: r.gross, _money, numeric=True),
            Column("Refusion", lambda r: r.refund, _money, numeric=True),
            Column("Netto", lambda r: r.net, _money, numeric=True),
        ], lambda r, c: r.formula), parent=self, tooltips=True)
        self.totals_model = RecordModel(formula_columns([
            Column("Figur", lambda r: r[1]),
            Column("Kr.", lambda r: getattr(self.result, r[0]) if self.result else None, _money, numeric=True),
        ], lambda r, c: self.result.formulas[r[0]] if self.result else None), parent=self, tooltips=True)
        self.variant_model = RecordModel([], parent=self, tooltips=True)
        results = QHBoxLayout()
        self.line_view = _view(self.line_model)
        results.addWidget(self.line_view, 3)
        self.totals_view = _view(self.totals_model)
        results.addWidget(self.totals_view, 2)
        layout.addLayout(results, 1)
        self.rates_label = QLabel()
        self.rates_label.setWordWrap(True)
        layout.addWidget(self.rates_label)
        lower = QHBoxLayout()
        self.variant_view = _view(self.variant_model)
        lower.addWidget(self.variant_view, 3)
        self.chart = danish_chart("Besparelse pr. måned pr. variant")
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(140)
        lower.addWidget(self.chart_view, 2)
        layout.addLayout(lower, 1)
        self.add_line("before")
        self.add_line("after")

    # ------------------------------------------------------------------ the lines editor

    def add_line(self, side: str, line: bc.Line | None = None) -> int:
        row = self.lines.rowCount()
        self.lines.insertRow(row)
        self.lines.setCellWidget(row, 0, combo(SIDES, side))
        self.lines.setCellWidget(row, 1, combo(KINDS, line.kind if line else ("benefit" if side == "before" else "pa")))
        for col, (_, field) in enumerate(FIELDS, 2):
            value = getattr(line, field, None) if line else None
            text = value if isinstance(value, str) else ("" if value is None else format_number(value).rstrip("0")
                                                          .rstrip(","))
            self.lines.setItem(row, col, QTableWidgetItem(text))
        return row

    def remove_line(self) -> None:
        row = self.lines.currentRow()
        if row >= 0:
            self.lines.removeRow(row)

    def set_cell(self, row: int, field: str, text: str) -> None:
        col = 2 + [f for _, f in FIELDS].index(field)
        self.lines.item(row, col).setText(text)

    def set_kind(self, row: int, kind: str) -> None:
        box = self.lines.cellWidget(row, 1)
        box.setCurrentIndex(box.findData(kind))

    def case_data(self) -> dict:
        """The lines as the business-case file has them (texts; core reads the numbers)."""
        data = {"before": [], "after": [], "year": self.year.value()}
        for row in range(self.lines.rowCount()):
            kind = self.lines.cellWidget(row, 1).currentData()
            line = {"kind": kind}
            for col, (_, field) in enumerate(FIELDS, 2):
                text = (self.lines.item(row, col).text() if self.lines.item(row, col) else "").strip()
                if text and field in bc.LINE_FIELDS[kind]:
                    line[field] = text
            data[self.lines.cellWidget(row, 0).currentData()].append(line)
        return data

    def variant_list(self) -> list[bc.Variant]:
        try:
            hours, rates = _numbers(self.variant_hours.text()), _numbers(self.variant_rates.text())
        except InvalidNumber as ex:
            raise DispoError(f"Varianterne: {ex}") from None
        if not hours and not rates:
            return []
        return [bc.Variant(bc.variant_name(h, r), h, r)
                for h, r in itertools.product(hours or [None], rates or [None])]

    # ------------------------------------------------------------------ computing

    def compute(self) -> bool:
        """Compute the case and its variants; a malformed line is named in red. Returns success."""
        try:
            self.case = bc.parse_case(self.case_data())
            variants = self.variant_list()
            self.result = bc.evaluate(self.context.db, self.case)
            self.variants = bc.compare_variants(self.context.db, self.case, variants)
        except DispoError as ex:
            self.error.setText(danish_message(str(ex)))
            return False
        self.error.setText("")
        self.line_model.set_records(self.result.lines)
        self.totals_model.set_records(TOTALS)
        self._show_variants()
        r = self.result.rates
        self.rates_label.setText(
            f"Satser for {self.result.year}: timesats {format_number(r.pa_hourly.value)} kr. ({r.pa_hourly.source()}), "
            f"{format_number(r.weeks_per_month.value)} uger pr. måned ({r.weeks_per_month.source()}), refusion af "
            f"personlig assistance {format_number(r.pa_refund_pct.value, 0)} % ({r.pa_refund_pct.source()}). "
            "Hold musen over et tal for at se, hvordan det er regnet.")
        return True

    def _variant_tooltip(self, key_label, column: int):
        if column == 0 or column > len(self.variants):
            return None
        variant, result = self.variants[column - 1]
        return f"{variant.name}: {result.formulas[key_label[0]]}"

    def _show_variants(self) -> None:
        columns = [Column("Figur", lambda r: r[1])]
        for i, (variant, result) in enumerate(self.variants):
            columns.append(Column(variant.name, lambda r, res=result: getattr(res, r[0]), _money, numeric=True))
        self.variant_model.beginResetModel()
        self.variant_model.columns = formula_columns(columns, self._variant_tooltip)
        self.variant_model.rows = list(TOTALS)
        self.variant_model.endResetModel()
        clear_chart(self.chart)
        if not self.variants:
            return
        set_bars(self.chart, [_short(v) for v, _ in self.variants],
                 {"Besparelse pr. måned": [float(r.saving_month) for _, r in self.variants]}, "Kr. pr. måned")
        self.chart.legend().setVisible(False)

    # ------------------------------------------------------------------ saved cases

    def refresh(self) -> None:
        current = self.saved.currentData()
        self.saved.clear()
        for saved in store.list_cases(self.context.db):
            who = f"{saved.cpr} {saved.citizen_name}".strip() if saved.cpr else "ingen borger"
            self.saved.addItem(f"{saved.name} ({who})", saved.id)
        index = self.saved.findData(current)
        if index >= 0:
            self.saved.setCurrentIndex(index)

    def load_selected(self) -> None:
        case_id = self.saved.currentData()
        if case_id is None:
            return
        saved = store.get_case(self.context.db, case_id)
        self.loaded = (saved.id, saved.name.casefold(), saved.citizen_id)
        self.lines.setRowCount(0)
        for side in bc.SIDES:
            for line in getattr(saved.case, side):
                self.add_line(side, line)
        self.name.setText(saved.name)
        self.cpr.setText(saved.cpr or "")
        if saved.case.year:
            self.year.setValue(saved.case.year)
        hours = sorted({v.hours_per_week for v in saved.variants if v.hours_per_week is not None})
        rates = sorted({v.pa_hourly for v in saved.variants if v.pa_hourly is not None})
        self.variant_hours.setText("; ".join(format_number(h).removesuffix(",00") for h in hours))
        self.variant_rates.setText("; ".join(format_number(r).removesuffix(",00") for r in rates))
        self.compute()

    def save(self) -> int | None:
        """Save the case under its name for the citizen; returns its id (None when refused)."""
        if not self.compute():
            return None
        try:
            citizen_id = None
            if self.cpr.text().strip():
                citizen = find_by_cpr(self.context.db, self.cpr.text().strip())
                if citizen is None:
                    raise DispoError(f"Der er ingen borger med CPR-nummeret {self.cpr.text().strip()}")
                citizen_id = citizen.id
            # the case loaded is replaced when it is saved under its own name for the same citizen
            loaded = self.loaded
            existing = loaded[0] if loaded and loaded[1:] == (self.name.text().strip().casefold(), citizen_id) \
                else None
            case_id = store.save_case(self.context.db, self.name.text(), self.case, [v for v, _ in self.variants],
                                      citizen_id=citizen_id, case_id=existing)
        except DispoError as ex:
            self.error.setText(str(ex))
            return None
        self.loaded = (case_id, self.name.text().strip().casefold(), citizen_id)
        self.context.notify_changed("scenarios")
        self.refresh()
        self.saved.setCurrentIndex(self.saved.findData(case_id))
        self.error.setText("")
        return case_id

    def export(self, path: str | None = None) -> Path | None:
        """The case and its variants as a workbook whose figures are Excel formulas."""
        return self._write(path, "business-case.xlsx", "Excel-projektmappe (*.xlsx)",
                           lambda p, title, subtitle: write_business_case(
                               p, self.result, title=title, subtitle=subtitle, variants=self.variants,
                               mask_cpr=self.context.cpr_masked))

    def export_pdf(self, path: str | None = None) -> Path | None:
        """The case, its totals and variants with each figure's formula, as an A4 PDF to print or send."""
        return self._write(path, "business-case.pdf", "PDF (*.pdf)", lambda p, title, subtitle: write_pdf(
            case_report(self.result, title=title, subtitle=subtitle, variants=self.variants), p,
            mask_cpr=self.context.cpr_masked))

    def _write(self, path: str | None, default: str, file_filter: str, write) -> Path | None:
        if not self.compute():
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Gem business case", default, file_filter)
            if not path:
                return None
        who = self.cpr.text().strip()
        title = f"Business case: {self.name.text().strip() or 'uden navn'}"
        subtitle = f"Borger: {who or 'ingen'} · År {self.result.year}"
        try:
            return write(path, title, subtitle)
        except DispoError as ex:
            self.error.setText(str(ex))
            return None


class InhouseTab(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.result: inhouse.InhouseResult | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.cprs = QLineEdit()
        self.cprs.setPlaceholderText("CPR-numre adskilt af ;")
        self.on = DateField(dt.date.today())
        fetch = QHBoxLayout()
        fetch.addWidget(self.cprs, 1)
        fetch.addWidget(QLabel("pr."))
        fetch.addWidget(self.on)
        self.fetch_button = QPushButton("&Hent købte pladser")
        self.fetch_button.clicked.connect(self.fetch_external)
        fetch.addWidget(self.fetch_button)
        form.addRow("Borgere:", fetch)
        self.external = QLineEdit()
        form.addRow("Ekstern udgift pr. år (kr.):", self.external)
        own = QHBoxLayout()
        self.own = QLineEdit()
        own.addWidget(self.own, 1)
        self.facility = QComboBox()
        self.facility.currentIndexChanged.connect(self.own_from_facility)
        own.addWidget(self.facility)
        self.vum_category = combo([("VUM-kategori …", None)] + [(c, c) for c in "ABCDE"])
        self.vum_category.currentIndexChanged.connect(self.own_from_vum)
        own.addWidget(self.vum_category)
        form.addRow("Egen plads pr. år (kr.):", own)
        self.investment = QLineEdit("0")
        form.addRow("Investering år 1 (kr.):", self.investment)
        self.years = QSpinBox()
        self.years.setRange(1, 4)
        self.years.setValue(4)
        form.addRow("År:", self.years)
        layout.addLayout(form)
        self.compute_button = QPushButton("&Sammenlign")
        self.compute_button.clicked.connect(self.compute)
        layout.addWidget(self.compute_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.grants_model = RecordModel([
            Column("CPR", lambda r: r["cpr"]), Column("Navn", lambda r: r["name"]),
            Column("Leverandør", lambda r: r["provider"]), Column("Paragraf", lambda r: r["section"]),
            Column("Pr. år", lambda r: r["per_year"], _money, numeric=True)], parent=self, tooltips=True)
        self.years_model = RecordModel([
            Column("År", lambda r: r.year_no, numeric=True),
            Column("Købt plads", lambda r: r.external, _money, numeric=True),
            Column("Egen plads", lambda r: r.own, _money, numeric=True),
            Column("Besparelse", lambda r: r.saving, _money, numeric=True),
            Column("Akkumuleret", lambda r: r.cumulative_saving, _money, numeric=True)], parent=self, tooltips=True)
        tables = QHBoxLayout()
        tables.addWidget(_view(self.grants_model), 1)
        tables.addWidget(_view(self.years_model), 1)
        layout.addLayout(tables, 1)
        self.chart = danish_chart("Akkumuleret udgift: købt plads mod egen plads")
        view = QChartView(self.chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(140)
        layout.addWidget(view, 1)

    def fetch_external(self) -> None:
        ids = []
        for cpr in (c.strip() for c in self.cprs.text().split(";")):
            if not cpr:
                continue
            citizen = find_by_cpr(self.context.db, cpr)
            if citizen is None:
                self.message.setText(f"Der er ingen borger med CPR-nummeret {cpr}")
                return
            ids.append(citizen.id)
        on = self.on.date() or dt.date.today()
        total, rows = inhouse.external_cost_per_year(self.context.db, ids, on)
        self.grants_model.set_records(rows)
        self.external.setText(format_number(total))
        self.message.setText(f"{len(rows)} købte pladser koster {format_number(total)} kr. pr. år med taksterne "
                             f"pr. {on:%d-%m-%Y}.")

    def refresh(self) -> None:
        current = self.facility.currentData()
        self.facility.blockSignals(True)
        self.facility.clear()
        self.facility.addItem("Eget tilbuds takst …", None)
        for p in list_providers(self.context.db):
            if p.kind == "egen":
                self.facility.addItem(p.name, p.id)
        self.facility.setCurrentIndex(max(self.facility.findData(current), 0))
        self.facility.blockSignals(False)

    def own_from_facility(self) -> None:
        provider_id = self.facility.currentData()
        if provider_id is None:
            return
        bought = self.grants_model.rows
        if not bought:
            self.message.setText("Hent først borgernes købte pladser; den egne plads regnes med samme paragraf, "
                                 "enhed og mængde.")
            return
        on = self.on.date() or dt.date.today()
        self._set_own(lambda: inhouse.own_cost_for(self.context.db, provider_id, bought, on),
                      lambda kr: f"Egen plads hos {self.facility.currentText()}: de samme {len(bought)} bevillinger "
                                 f"med tilbuddets takster pr. {on:%d-%m-%Y} = {kr} kr. pr. år.")

    def own_from_vum(self) -> None:
        category = self.vum_category.currentData()
        if category is None:
            return
        year = (self.on.date() or dt.date.today()).year
        found = {}

        def compute():
            found["value"], found["people"] = inhouse.vum_places_per_year(self.context.db, category, year,
                                                                          self.grants_model.rows)
            return found["value"]

        def explain(kr: str) -> str:
            people = found["people"]
            return (f"Egen plads efter VUM-kategori {category}: normtimer · 52 · årets timepris for {year}"
                    f"{f' · {people} borgere' if people > 1 else ''} = {kr} kr.")

        self._set_own(compute, explain)

    def _set_own(self, compute, explain) -> None:
        """The own place's yearly cost from ``compute()`` into its field, and ``explain(figure)``, how
        it was found; core's message instead when it cannot be computed."""
        try:
            value = compute()
        except DispoError as ex:
            self.message.setText(str(ex))
            return
        self.own.setText(format_number(value))
        self.message.setText(explain(format_number(value)))

    def compute(self) -> bool:
        try:
            self.result = inhouse.compare(parse_number(self.external.text() or "0"),
                                          parse_number(self.own.text() or "0"),
                                          parse_number(self.investment.text() or "0"), self.years.value())
        except DispoError as ex:
            self.message.setText(str(ex))
            return False
        r = self.result
        self.years_model.set_records(r.years)
        if r.break_even_month is None:
            text = "En egen plads koster mindst det samme som den købte: den tjener sig ikke hjem."
        elif r.within_horizon:
            text = f"Investeringen er tjent hjem i måned {r.break_even_month}."
        else:
            text = f"Investeringen er først tjent hjem i måned {r.break_even_month}, efter perioden."
        self.message.setText(f"{text} Besparelse over {len(r.years)} år: {format_number(r.total_saving)} kr.")
        self._draw()
        return True

    def _draw(self) -> None:
        r = self.result
        clear_chart(self.chart)
        months = 12 * len(r.years)
        bought, own = QLineSeries(), QLineSeries()
        bought.setName("Købt plads")
        own.setName("Egen plads")
        for m, bought_cost, own_cost in r.cumulative_costs():  # plotting only: mio. kr.
            bought.append(m, float(bought_cost) / 1e6)
            own.append(m, float(own_cost) / 1e6)
        for s in (bought, own):
            self.chart.addSeries(s)
        x, y = QValueAxis(), QValueAxis()
        x.setRange(0, months)
        x.setTickCount(len(r.years) + 1)
        x.setLabelFormat("%.0f")
        x.setTitleText("Måned")
        values = [p.y() for s in (bought, own) for p in s.points()] + [0.0]
        start, end, ticks = nice_range(min(values), max(values))
        y.setRange(start, end)
        y.setTickCount(ticks)
        y.setTitleText("Mio. kr.")
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in (bought, own):
            s.attachAxis(x)
            s.attachAxis(y)


def _share(value) -> str:
    return "" if value is None else f"{format_number(value * 100, 1)} %"


class KeyFiguresTab(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("År:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        bar.addWidget(self.year)
        self.by = combo([("pr. paragraf", "section"), ("pr. leverandør", "provider")], "section")
        bar.addWidget(self.by)
        self.compute_button = QPushButton("&Beregn nøgletal")
        self.compute_button.clicked.connect(self.compute)
        bar.addWidget(self.compute_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        ref = QHBoxLayout()
        ref.addWidget(QLabel("Referenceværdi:"))
        self.ref_figure = combo([(text, key) for key, text in kf.FIGURES.items()])
        ref.addWidget(self.ref_figure)
        self.ref_scope = QLineEdit()
        self.ref_scope.setPlaceholderText("paragraf, fx § 85 (tom: hele området)")
        ref.addWidget(self.ref_scope)
        self.ref_value = QLineEdit()
        self.ref_value.setPlaceholderText("værdi (andele som 0,25)")
        ref.addWidget(self.ref_value)
        self.ref_source = QLineEdit()
        self.ref_source.setPlaceholderText("kilde")
        ref.addWidget(self.ref_source)
        self.ref_button = mark_edits(QPushButton("Gem &reference"))
        self.ref_button.clicked.connect(self.save_reference)
        ref.addWidget(self.ref_button)
        layout.addLayout(ref)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        def ref_text(r, figure):
            if figure not in r.references:
                return ""
            value, diff = r.references[figure]
            fmt = _share if figure.startswith(("share_", "band_")) else _money
            return f"{fmt(value)} ({'+' if diff and diff > 0 else ''}{fmt(diff)})"

        columns = [Column("Paragraf / leverandør", lambda r: r.key),
                   Column("Bevillinger", lambda r: r.grants, numeric=True),
                   Column("Forventet regnskab", lambda r: r.expected_outturn, _money, numeric=True),
                   Column("Helårspersoner", lambda r: r.full_year_equivalents, _money, numeric=True),
                   Column("Udgift pr. bevilling", lambda r: r.expense_per_grant, _money, numeric=True),
                   Column("Reference (forskel)", lambda r: ref_text(r, "expense_per_grant")),
                   Column("Udgift pr. helårsperson", lambda r: r.expense_per_fye, _money, numeric=True),
                   Column("Reference (forskel) ", lambda r: ref_text(r, "expense_per_fye"))]
        columns += [Column(f"{b} t/uge", lambda r, b=b: r.bands.get(b, 0) or "", numeric=True) for b in kf.BANDS]
        columns += [Column(f"Andel {k}", lambda r, k=k: r.figure(f"share_{k}"), _share, numeric=True)
                    for k in kf.PROVIDER_KINDS]
        self.model = RecordModel(formula_columns(columns, self._tooltip), parent=self, tooltips=True)
        layout.addWidget(_view(self.model), 2)
        self.chart = danish_chart("Udgift pr. helårsperson mod reference")
        chart_view = QChartView(self.chart)
        chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart_view.setMinimumHeight(140)
        layout.addWidget(chart_view, 1)
        self.job = Runner(self)
        self.job.finished.connect(self._show)
        self.job.failed.connect(self.message.setText)

    def _tooltip(self, row, column: int):
        if column == 4 and row.expense_per_grant is not None:
            return (f"{format_number(row.expected_outturn)} / {row.grants} bevillinger = "
                    f"{format_number(row.expense_per_grant)}")
        if column == 6 and row.expense_per_fye is not None:
            return (f"{format_number(row.expected_outturn)} / {format_number(row.full_year_equivalents)} "
                    "helårspersoner (uafrundet) = " f"{format_number(row.expense_per_fye)}")
        refs = [f"{kf.FIGURES[k]}: reference {format_number(v, 4)}, forskel {format_number(d, 4) if d is not None else ''}"
                for k, (v, d) in row.references.items()]
        return "\n".join(refs) or None

    def compute(self) -> None:
        year, by = self.year.value(), self.by.currentData()
        self.message.setText("Beregner …")
        self.job.start(self.context.db_path, lambda db: kf.key_figures(db, year, by))

    def _show(self, rows) -> None:
        self.model.set_records(rows)
        self._draw(rows)
        self.message.setText(f"{len(rows)} rækker for {self.year.value()}. Hold musen over et tal for at se "
                             "udregningen og referencerne.")

    def _draw(self, rows) -> None:
        """Expense per full-year equivalent per row in thousand kr., beside its reference where entered."""
        clear_chart(self.chart)
        rows = [r for r in rows if r.expense_per_fye is not None]
        if not rows:
            return
        sets = {"Egen": [float(r.expense_per_fye) / 1000 for r in rows]}
        references = [r.references.get("expense_per_fye") for r in rows]
        if any(references):
            sets["Reference"] = [float(ref[0]) / 1000 if ref else 0.0 for ref in references]
        set_bars(self.chart, [r.key for r in rows], sets, "1.000 kr.")

    def save_reference(self) -> None:
        try:
            kf.set_reference(self.context.db, self.year.value(), self.ref_figure.currentData(),
                             parse_number(self.ref_value.text()) if self.ref_value.text().strip() else None,
                             self.ref_scope.text().strip(), self.ref_source.text().strip())
        except DispoError as ex:
            self.message.setText(str(ex))
            return
        self.context.notify_changed("scenarios")
        self.compute()


class AssistanceTab(QWidget):
    """Personal assistance in employment: the hours cap for one citizen, and the grants due for
    their yearly follow-up with hours granted vs used."""

    def __init__(self, context):
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)
        cap = QHBoxLayout()
        cap.addWidget(QLabel("Timer pr. uge:"))
        self.hours = QLineEdit("20")
        cap.addWidget(self.hours)
        cap.addWidget(QLabel("arbejdstimer pr. uge:"))
        self.working = QLineEdit("37")
        cap.addWidget(self.working)
        cap.addWidget(QLabel("begrundelse:"))
        self.reason = QLineEdit()
        cap.addWidget(self.reason, 1)
        self.check_button = QPushButton("&Tjek loftet")
        self.check_button.clicked.connect(self.check)
        cap.addWidget(self.check_button)
        layout.addLayout(cap)
        self.cap_result = QLabel()
        self.cap_result.setWordWrap(True)
        layout.addWidget(self.cap_result)
        due = QHBoxLayout()
        due.addWidget(QLabel("Opfølgning pr."))
        self.on = DateField(dt.date.today())
        due.addWidget(self.on)
        due.addWidget(QLabel("og"))
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setValue(30)
        due.addWidget(self.days)
        due.addWidget(QLabel("dage frem"))
        self.due_button = QPushButton("&Vis bevillinger")
        self.due_button.clicked.connect(self.show_due)
        due.addWidget(self.due_button)
        due.addStretch(1)
        layout.addLayout(due)
        self.due_model = RecordModel(formula_columns([
            Column("Opfølgning", lambda r: r.due, format_date),
            Column("CPR", lambda r: r.cpr), Column("Navn", lambda r: r.name),
            Column("Leverandør", lambda r: r.provider),
            Column("Slutdato", lambda r: r.end, format_date),
            Column("Timer/uge", lambda r: r.hours_per_week, _money, numeric=True),
            Column("Timer bevilget i år", lambda r: r.hours_granted, _money, numeric=True),
            Column("Timer brugt i år", lambda r: r, pa_followup.used_text, numeric=True,
                   sort_key=lambda r: float(r.hours_used) if r.hours_used is not None else float("-inf")),
            Column("Advarsel", lambda r: r.warning or ""),
        ], lambda r, c: (r.warning if c == 8 else
                               "Beregnet udgift i året til datoen / timesatsen" if c == 6 else
                               ("Bogførte udbetalinger i året til datoen / timesatsen (et skøn: ingen "
                                "importerede forbrugte timer)" if r.hours_used_estimated else
                                "Importerede forbrugte timer i året til datoen") if c == 7 else None)),
                                     parent=self, tooltips=True)
        layout.addWidget(_view(self.due_model), 1)
        self.message = QLabel()
        layout.addWidget(self.message)

    def check(self) -> None:
        try:
            year = (self.on.date() or dt.date.today()).year
            cap_hours, full_time = pa_cap.cap_satser(self.context.db, year)
            result = pa_cap.check_hours(parse_number(self.hours.text()), parse_number(self.working.text()),
                                        self.reason.text(), cap_hours=cap_hours, full_time_hours=full_time)
        except DispoError as ex:
            self.cap_result.setText(str(ex))
            return
        if result.warning:
            self.cap_result.setText(result.warning)
        elif result.over:
            self.cap_result.setText(f"Over loftet på {format_number(result.cap)} timer, med begrundelse.")
        else:
            self.cap_result.setText(f"Inden for loftet: {format_number(cap_hours, 0)} · "
                                    f"{self.working.text()} / {format_number(full_time, 0)} = "
                                    f"{format_number(result.cap)} timer pr. uge.")

    def show_due(self) -> None:
        rows = pa_followup.followups_due(self.context.db, self.on.date() or dt.date.today(), self.days.value())
        self.due_model.set_records(rows)
        self.message.setText(f"{len(rows)} bevillinger til opfølgning. Personlig assistance i job er bevillinger "
                             "på konto 5.68.91; arbejdstimer og begrundelse for flere timer står på bevillingen.")


class Screen(BaseScreen):
    TITLE = "Scenarier"
    AREAS = ("scenarios", "citizens")

    def __init__(self, context):
        super().__init__(context)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.case_tab = BusinessCaseTab(context)
        self.inhouse_tab = InhouseTab(context)
        self.keyfigures_tab = KeyFiguresTab(context)
        self.assistance_tab = AssistanceTab(context)
        # each tab scrolls rather than forcing the window taller than a laptop screen
        for tab, title in ((self.case_tab, "Business case"), (self.inhouse_tab, "Egen eller købt plads"),
                           (self.keyfigures_tab, "Nøgletal"), (self.assistance_tab, "Personlig assistance i job")):
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(tab)
            self.tabs.addTab(scroll, title)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.case_tab.refresh()
        self.inhouse_tab.refresh()
