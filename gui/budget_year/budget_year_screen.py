"""Budgetår: next year's budget proposal with what-ifs saved as versions, the savings
measures, and trends over years (chart and table).

Every computation runs off the GUI thread (``gui.common.workers.Runner``; the trend, which
runs year by year, through ``gui.common.workers.Task`` with progress). Changes go through
``core.budget_year`` and onto the undo stack.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox,
                               QProgressBar, QPushButton, QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from core import cpr as cprs
from core.followup.forecast import forecast
from core.register import catalogue
from core.budget_year import proposal as core_proposal, rates, savings as core_savings, trend as core_trend
from core.errors import DispoError, ValidationError
from core.importing.batches import undo as undo_batch
from core.money import format_kr, format_number, ore_to_kr, to_ore
from core.register.citizens import find_by_cpr
from core.reports.followup_sheets import breakdown_table
from core.reports.xlsx_writer import write_tables
from core.store.storage import open_db
from gui.common.charts import danish_chart, nice_range
from gui.common.followup_common import Column, table_view
from gui.common.models import RecordModel
from gui.common.workers import Runner
from gui.register.target_groups import add_target_group
from gui.common.undo import push_done
from gui.common.widgets import FormDialog, Screen as ScreenBase, add_labelled, button, combo, mark_edits
from gui.common import workers

NO_VERSION = "(registrets tal)"


def _kr(ore):
    return None if ore is None else ore_to_kr(ore)


def _ask_and_write(tab, what: str, default_name: str) -> None:
    """Ask where to save, then ``tab.write(path)``."""
    path, _ = QFileDialog.getSaveFileName(tab, f"Eksportér {what}", default_name, "Excel (*.xlsx)")
    if path:
        tab.write(path)


def _write_sheet(tab, path: str, table, title: str, what: str) -> None:
    """Write one computed sheet (quick) and say so in ``tab.status``."""
    try:
        write_tables([table], path, title=title)
    except DispoError as ex:
        tab.status.setText(str(ex))
        return
    tab.status.setText(f"{what} er gemt i {path}")


def _busy(bar: QProgressBar, running: bool) -> None:
    bar.setRange(0, 0 if running else 1)
    bar.setVisible(running)


class ProposalTab(QWidget):
    """The proposal per account and section, with what-if edits saved in named versions."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.result: core_proposal.Proposal | None = None
        self.job = Runner(self)
        self.job.finished.connect(self._show)
        self.job.failed.connect(self._failed)
        self.year = QSpinBox(objectName="proposal_year", minimum=1901, maximum=2200)
        self.year.setValue(dt.date.today().year + 1)
        self.version = QComboBox(objectName="version", editable=True)
        self.version.setToolTip("Vælg en gemt version eller skriv navnet på en ny")
        self.compute_button = QPushButton("&Beregn", objectName="compute_proposal")
        self.compute_button.clicked.connect(self.compute)
        self.export_button = QPushButton("&Eksportér …", objectName="export_proposal")
        self.export_button.clicked.connect(self.export)
        self.progress = QProgressBar(objectName="proposal_progress", maximumWidth=160)
        _busy(self.progress, False)
        self.job.running_changed.connect(lambda running: _busy(self.progress, running))
        self.status = QLabel(objectName="proposal_status", wordWrap=True)
        self.model = RecordModel([
            Column("account", "Konto"), Column("section", "Paragraf", getter=lambda r: r.section or ""),
            Column("text", "Tekst"),
            Column("current_budget", "Budget i år", "kr", lambda r: _kr(r.current_budget_ore)),
            Column("expected_outturn", "Forventet regnskab i år", "kr", lambda r: _kr(r.expected_outturn_ore)),
            Column("register", "Beregnet", "kr", lambda r: _kr(r.base_ore)),
            Column("fye_change", "Ændring helårspers.", "number", lambda r: r.whatif.fye_change),
            Column("whatif_price", "Anden gns. pris", "kr", lambda r: r.whatif.average_price),
            Column("proposal", "Budgetforslag", "kr", lambda r: _kr(r.proposal_ore)),
            Column("fye", "Helårspersoner", "number", lambda r: ore_to_kr(to_ore(r.fye))),
            Column("average_price", "Gns. pris", "kr", lambda r: r.average_price),
            Column("savings", "Planlagte besparelser", "kr", lambda r: _kr(r.savings_ore) if r.savings_ore else None)],
                                 parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "proposal_table")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        self.fye_change = QLineEdit(objectName="fye_change", placeholderText="fx -1,5")
        self.average_price = QLineEdit(objectName="average_price", placeholderText="fx 1.250.000")
        self.save_button = mark_edits(QPushButton("&Gem ændring i versionen", objectName="save_whatif"))
        self.save_button.clicked.connect(self.save_whatif)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._fill_whatif())

        bar = QHBoxLayout()
        add_labelled(bar, (("&År", self.year), ("&Version", self.version)))
        self.version.setMinimumWidth(180)
        bar.addWidget(self.compute_button)
        bar.addWidget(self.export_button)
        self.project_button = button("Giv bevillingerne årets &takster …", self.plan_projection, parent=self,
                                     edits=True)
        bar.addWidget(self.project_button)
        bar.addWidget(self.progress)
        bar.addStretch(1)
        edit = QHBoxLayout()
        add_labelled(edit, (("Ændring i &helårspersoner", self.fye_change), ("Anden gns. &pris", self.average_price)))
        edit.addWidget(self.save_button)
        edit.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(edit)

    def _versions(self) -> None:
        current = self.version.currentText()
        self.version.blockSignals(True)
        self.version.clear()
        self.version.addItem(NO_VERSION)
        for v in core_proposal.list_versions(self.context.db, self.year.value()):
            self.version.addItem(v["name"])
        self.version.setCurrentText(current or NO_VERSION)
        self.version.blockSignals(False)

    def version_name(self) -> str | None:
        name = self.version.currentText().strip()
        return None if name in ("", NO_VERSION) else name

    def compute(self) -> None:
        self._versions()
        year, version = self.year.value(), self.version_name()
        if version and version not in [self.version.itemText(i) for i in range(self.version.count())]:
            version = None  # a new name: no what-ifs yet
        self.status.setText("Beregner budgetforslaget …")
        self.job.start(self.context.db_path, lambda db: core_proposal.budget_proposal(db, year, version))

    def _failed(self, message: str) -> None:
        self.status.setText(message)

    def plan_projection(self) -> None:
        """Which grants lack a rate for the year (computed off the GUI thread), then ask to apply."""
        year = self.year.value()
        self.status.setText(f"Finder bevillinger uden takst for {year} …")
        self.plan_job = Runner(self)
        self.plan_job.finished.connect(self.confirm_projection)
        self.plan_job.failed.connect(self._failed)
        self.plan_job.start(self.context.db_path, lambda db: rates.plan_projection(db, year))

    def confirm_projection(self, plan, *, ask: bool = True) -> None:
        """Apply a projection when she agrees; one batch, undoable."""
        if not plan.grants:
            self.status.setText(f"Alle bevillinger i {plan.year} har en takst for året.")
            return
        index = f" og pris- og lønfremskrivningen {format_number(plan.index[0])} %" if plan.index else ""
        text = (f"{len(plan.grants)} bevillinger har ingen takst for {plan.year}. De får leverandørens katalogtakst"
                f"{index}. Virkning i {plan.year}: {format_kr(plan.effect_ore)} kr.")
        if ask and QMessageBox.question(self, "Årets takster", text + "\n\nLæg taksterne på bevillingerne?") \
                != QMessageBox.StandardButton.Yes:
            return
        db = self.context.db
        self.status.setText("Lægger taksterne på bevillingerne …")
        self.project_button.setEnabled(False)
        _busy(self.progress, True)
        # written on a worker thread (as the import commits): a register has tens of thousands of grants
        self.apply_task = workers.Task(lambda task: rates.apply_projection(db, plan))
        self.apply_task.signals.done.connect(lambda applied: self._projected(applied, text))
        self.apply_task.signals.failed.connect(self._projection_failed)
        workers.start(self.apply_task)

    def _projection_failed(self, message: str) -> None:
        _busy(self.progress, False)
        self.project_button.setEnabled(True)
        self.status.setText(message)

    def _projected(self, applied, text: str) -> None:
        db, year = self.context.db, applied.year
        state = {"batch": applied.batch_id}

        def redo():
            state["batch"] = rates.apply_projection(db, rates.plan_projection(db, year)).batch_id

        push_done(self.context, f"Takster for {year} på bevillingerne", "grants", redo,
                  lambda: undo_batch(db, state["batch"]))
        self.context.notify_changed("grants")
        _busy(self.progress, False)
        self.project_button.setEnabled(True)
        self.status.setText(text)
        self.compute()

    def _show(self, result) -> None:
        self.result = result
        self.model.set_records(result.lines)
        self.view.resizeColumnsToContents()
        total = result.total_ore("proposal_ore") or 0
        note = ""
        if result.index:
            note = f" Takster uden kendt værdi er fremskrevet med {result.index[0]} %"
            note += f" (værdien fra {result.index[1]})." if result.index[1] != result.year else "."
        self.status.setText(f"Budgetforslag {result.year}: {format_kr(total)} kr.{note}")

    def current_line(self):
        index = self.view.currentIndex()
        return self.model.record(self.proxy.mapToSource(index).row()) if index.isValid() else None

    def _fill_whatif(self) -> None:
        line = self.current_line()
        self.fye_change.setText(format_number(line.whatif.fye_change) if line and line.whatif.fye_change is not None
                                else "")
        self.average_price.setText(format_number(line.whatif.average_price)
                                   if line and line.whatif.average_price is not None else "")

    def save_whatif(self) -> None:
        line = self.current_line()
        name = self.version_name()
        if line is None or name is None:
            QMessageBox.information(self, "Budgetforslag", "Vælg en linje og skriv navnet på en version.")
            return
        db, year = self.context.db, self.year.value()
        old = core_proposal.version_lines(db, year, name).get((line.account, line.section)) \
            if name in [v["name"] for v in core_proposal.list_versions(db, year)] else None
        values = {"fye_change": self.fye_change.text(), "average_price": self.average_price.text()}
        try:
            core_proposal.set_whatif(db, year, name, line.account, line.section, **values)
        except ValidationError as ex:
            self.status.setText(str(ex))
            return

        def redo():
            core_proposal.set_whatif(db, year, name, line.account, line.section, **values)

        def undo():
            core_proposal.set_whatif(db, year, name, line.account, line.section,
                                     fye_change=old.fye_change if old else None,
                                     average_price=old.average_price if old else None)

        push_done(self.context, f"Ændring i budgetforslaget ({name})", "budget_year", redo, undo)
        self.compute()

    def export(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Eksportér budgetforslaget",
                                              f"Budgetforslag {self.result.year}.xlsx", "Excel (*.xlsx)")
        if path:
            self.write(path)

    def write(self, path: str) -> None:
        """Write the shown proposal (and the year's savings) as a workbook, off the GUI thread."""
        result = self.result
        self.status.setText("Skriver regnearket …")

        def work(db):
            core_proposal.write_proposal(db, result, Path(path),
                                         extra_tables=[core_savings.savings_table(db, result.year)])
            return path

        self.export_job = Runner(self)
        self.export_job.finished.connect(lambda p: self.status.setText(f"Budgetforslaget er gemt i {p}"))
        self.export_job.failed.connect(self._failed)
        self.export_job.start(self.context.db_path, work)


class SavingsTab(QWidget):
    """The year's savings measures: planned per year, realised, status; for the committee."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.year = QSpinBox(objectName="savings_year", minimum=1900, maximum=2200)
        self.year.setValue(dt.date.today().year + 1)
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.model = RecordModel([
            Column("id", "Nr.", "int"), Column("text", "Tiltag"), Column("account", "Konto"),
            Column("section", "Paragraf"),
            Column("status", "Status", getter=lambda s: core_savings.STATUSES[s.status]),
            Column("responsible", "Ansvarlig"),
            Column("planned", "Planlagt", "kr", lambda s: _kr(s.planned.get(self.year.value(), 0))),
            Column("realised", "Realiseret", "kr", lambda s: _kr(s.realised_ore)),
            Column("links", "Tilknyttet", getter=lambda s: ", ".join(
                f"{'bevilling' if kind == 'grant' else 'borger'} {i}" for kind, i in s.links))],
                                 parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "savings_table")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        bar = QHBoxLayout()
        add_labelled(bar, [("&År", self.year)])
        bar.addWidget(button("&Nyt tiltag", self.new_saving, parent=self, edits=True))
        self.status_box = combo([(label, code) for code, label in core_savings.STATUSES.items()])
        self.status_box.setObjectName("saving_status")
        bar.addWidget(self.status_box)
        bar.addWidget(button("Sæt &status", self.set_status, parent=self, edits=True))
        bar.addWidget(button("Knyt til &bevilling …", self.link_grant, parent=self, edits=True))
        bar.addWidget(button("Knyt til b&orger …", self.link_citizen, parent=self, edits=True))
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.model.set_records(core_savings.list_savings(self.context.db, self.year.value()))
        self.view.resizeColumnsToContents()

    def new_saving(self) -> FormDialog:
        db, year = self.context.db, self.year.value()
        sections = [("", "")] + [(s.code, s.code) for s in catalogue.sections(db)]
        years = range(year, year + core_savings.YEARS)
        fields = [("text", "Tiltag", QLineEdit()),
                  *((f"amount_{y}", f"Planlagt besparelse {y} (kr.)", QLineEdit()) for y in years),
                  ("account", "Konto", QLineEdit()), ("section", "Paragraf", combo(sections)),
                  ("status", "Status", combo([(label, code) for code, label in core_savings.STATUSES.items()])),
                  ("responsible", "Ansvarlig", QLineEdit())]
        created = {}

        def save(values: dict) -> None:
            args = {k: values[k] for k in ("account", "section", "status", "responsible")}
            amounts = {y: values[f"amount_{y}"] for y in years if values[f"amount_{y}"].strip()}
            if year not in amounts:
                raise ValidationError({f"amount_{year}": f"Skriv den planlagte besparelse for {year}"})
            created["id"] = core_savings.add_saving(db, year, values["text"], amounts, **args)

            def redo():
                created["id"] = core_savings.add_saving(db, year, values["text"], amounts, **args)

            push_done(self.context, f"Nyt besparelsestiltag {values['text']}", "budget_year", redo,
                      lambda: core_savings.delete_saving(db, created["id"]))
            self.refresh()

        self.dialog = FormDialog(f"Nyt besparelsestiltag {year}", fields, save, self)
        self.dialog.open()
        return self.dialog

    def current(self):
        index = self.view.currentIndex()
        return self.model.record(self.proxy.mapToSource(index).row()) if index.isValid() else None

    def link_grant(self) -> None:
        number, ok = QInputDialog.getInt(self, "Knyt til bevilling", "Bevillingens nummer:", 1, 1)
        if ok:
            _link(self, grant_id=number)

    def link_citizen(self) -> None:
        text, ok = QInputDialog.getText(self, "Knyt til borger", "Borgerens CPR-nummer:")
        if not ok:
            return
        try:
            citizen = find_by_cpr(self.context.db, cprs.normalize(text))
        except DispoError as ex:
            QMessageBox.warning(self, "Besparelse", str(ex))
            return
        if citizen is None:
            QMessageBox.warning(self, "Besparelse", "Borgeren findes ikke")
            return
        _link(self, citizen_id=citizen.id)

    def set_status(self) -> None:
        item = self.current()
        if item is None:
            return
        new, old = self.status_box.currentData(), item.status
        db = self.context.db
        core_savings.update_saving(db, item.id, status=new)
        push_done(self.context, "Skift status på tiltag", "budget_year",
                  lambda: core_savings.update_saving(db, item.id, status=new),
                  lambda: core_savings.update_saving(db, item.id, status=old))
        self.refresh()


def _link(tab, **who) -> None:
    """Link the selected measure to a grant or a citizen (undoable)."""
    item = tab.current()
    if item is None:
        return
    db = tab.context.db
    try:
        state = {"id": core_savings.link(db, item.id, **who)}
    except DispoError as ex:
        QMessageBox.warning(tab, "Besparelse", str(ex))
        return

    def redo():
        state["id"] = core_savings.link(db, item.id, **who)

    push_done(tab.context, "Knyt besparelse", "budget_year", redo, lambda: core_savings.unlink(db, state["id"]))
    tab.refresh()


class TrendTab(QWidget):
    """Years side by side: a chart of expenses per key and the table."""

    BY = [("Konto", "account"), ("Paragraf", "section"), ("Leverandør", "provider"), ("Aldersgruppe", "age_group")]

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.rows: list = []
        self.task = None
        this_year = dt.date.today().year
        self.first = QSpinBox(objectName="trend_from", minimum=1900, maximum=2200)
        self.first.setValue(this_year - 2)
        self.last = QSpinBox(objectName="trend_to", minimum=1900, maximum=2200)
        self.last.setValue(this_year)
        self.by = combo(self.BY, "section")
        self.by.setObjectName("trend_by")
        self.show_button = QPushButton("&Vis", objectName="show_trend")
        self.show_button.clicked.connect(self.compute)
        self.progress = QProgressBar(objectName="trend_progress", maximumWidth=160)
        self.progress.setVisible(False)
        self.status = QLabel(objectName="trend_status")
        self.model = RecordModel([
            Column("key", "Nøgle"), Column("year", "År", "int"),
            Column("expenses", "Udgift", "kr", lambda r: _kr(r.expenses_ore)),
            Column("booked", "Bogført", "kr", lambda r: _kr(r.booked_ore)),
            Column("fye", "Helårspersoner", "number", lambda r: ore_to_kr(to_ore(r.fye))),
            Column("unit_cost", "Enhedspris", "kr", lambda r: _kr(r.unit_cost_ore)),
            Column("users_year", "Borgere i året", "int"), Column("users_dec31", "Borgere 31.12.", "int")],
                                 parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "trend_table")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        self.chart = danish_chart("Udgift pr. år")
        self.chart_view = QChartView(self.chart, objectName="trend_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QHBoxLayout()
        add_labelled(bar, (("&Fra", self.first), ("&Til", self.last), ("&Opdelt på", self.by)))
        bar.addWidget(self.show_button)
        self.export_button = QPushButton("&Eksportér …", objectName="export_trend")
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.export_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def compute(self) -> None:
        first, last, by = self.first.value(), self.last.value(), self.by.currentData()
        path = self.context.db_path

        def work(task):
            db = open_db(path, migrate=False, backup=False, check=False)
            try:
                return core_trend.trend(db, first, last, by, progress=task.report)
            finally:
                db.close()

        if self.task is not None:
            self.task.cancel()
        self.task = workers.Task(work)
        self.task.signals.progress.connect(self._progress)
        self.task.signals.done.connect(self._show)
        self.task.signals.failed.connect(self._failed)
        self.progress.setRange(0, max(last - first + 1, 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Beregner …")
        workers.start(self.task)

    def export(self) -> None:
        if self.rows:
            _ask_and_write(self, "udviklingen", "Udvikling.xlsx")

    def write(self, path: str) -> None:
        """The shown trend as a sheet (quick: the rows are computed already)."""
        _write_sheet(self, path, core_trend.trend_table(self.rows, self.by.currentData()),
                     f"Udvikling {self.first.value()}-{self.last.value()}", "Udviklingen")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.status.setText(message)

    def _show(self, rows) -> None:
        self.progress.setVisible(False)
        self.rows = rows
        self.model.set_records(rows)
        self.view.resizeColumnsToContents()
        self.status.setText(f"{len(rows)} rækker")
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        keys = list(dict.fromkeys(r.key for r in rows))
        years = sorted({r.year for r in rows})
        if not rows:
            return
        series = []
        for key in keys:
            line = QLineSeries()
            line.setName(key)
            for r in rows:
                if r.key == key:
                    line.append(years.index(r.year), float(ore_to_kr(r.expenses_ore)) / 1e6)
            self.chart.addSeries(line)
            series.append(line)
        x = QBarCategoryAxis()  # years as categories: a localised value axis would write 2.026
        x.append([str(y) for y in years])
        x.setTitleText("År")
        y = QValueAxis()
        y.setTitleText("Mio. kr.")
        values = [p.y() for s in series for p in s.points()] + [0.0]
        start, end, ticks = nice_range(min(values), max(values))
        y.setRange(start, end)
        y.setTickCount(ticks)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            s.attachAxis(x)
            s.attachAxis(y)


class BreakdownTab(QWidget):
    """The forecast of a year by caseworker, target group, age group, own/external provider,
    paying municipality or grouping (``forecast --by``), computed off the GUI thread."""

    BY = [("Sagsbehandler", "caseworker"), ("Målgruppe", "target_group"), ("Aldersgruppe", "age_group"),
          ("Egen/ekstern leverandør", "provider_kind"), ("Betalingskommune", "paying_municipality"),
          ("Gruppering", "grouping")]

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.result = None
        self.job = Runner(self)
        self.job.finished.connect(self._show)
        self.job.failed.connect(lambda message: self.status.setText(message))
        self.year = QSpinBox(objectName="breakdown_year", minimum=1900, maximum=2200)
        self.year.setValue(dt.date.today().year)
        self.by = combo(self.BY, "caseworker")
        self.by.setObjectName("breakdown_by")
        self.compute_button = QPushButton("&Beregn", objectName="compute_breakdown")
        self.compute_button.clicked.connect(self.compute)
        self.progress = QProgressBar(objectName="breakdown_progress", maximumWidth=160)
        _busy(self.progress, False)
        self.job.running_changed.connect(lambda running: _busy(self.progress, running))
        self.status = QLabel(objectName="breakdown_status")
        self.model = RecordModel([
            Column("key", "Opdeling"), Column("computed_to_date", "Beregnet til dato", "kr"),
            Column("committed_rest", "Disponeret rest", "kr"), Column("expected_outturn", "Forventet regnskab", "kr"),
            Column("booked_to_date", "Bogført", "kr"), Column("backlog", "Efterslæb", "kr"),
            Column("full_year_equivalents", "Helårspersoner", "number"),
            Column("average_price", "Gns. pris", "kr")], parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "breakdown_table")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        bar = QHBoxLayout()
        add_labelled(bar, (("&År", self.year), ("&Opdelt på", self.by)))
        bar.addWidget(self.compute_button)
        self.export_button = QPushButton("&Eksportér …", objectName="export_breakdown")
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.export_button)
        bar.addWidget(button("Ny &målgruppe …", lambda: add_target_group(self, context), parent=self, edits=True))
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def compute(self) -> None:
        year, by = self.year.value(), self.by.currentData()
        self.status.setText("Beregner …")
        self.job.start(self.context.db_path, lambda db: forecast(db, year, by=by, include_expected=False,
                                                                 include_refund=False))

    def export(self) -> None:
        if self.result is not None:
            _ask_and_write(self, "opdelingen", "Opdeling.xlsx")

    def write(self, path: str) -> None:
        """The shown breakdown as a sheet (the figures are computed already)."""
        _write_sheet(self, path, breakdown_table(self.result), f"Forventet regnskab {self.result.year}", "Opdelingen")

    def _show(self, result) -> None:
        self.result = result
        self.model.set_records(result.rows)
        self.view.resizeColumnsToContents()
        self.status.setText(f"Forventet regnskab {result.year} pr. {result.as_of:%d-%m-%Y}: "
                            f"{format_kr(to_ore(result.total.expected_outturn))} kr. (uden kommende borgere og "
                            "refusion)")


class BudgetYearScreen(ScreenBase):
    TITLE = "Budgetår"
    AREAS = ("grants", "providers", "budget_year", "catalogue")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.tabs = QTabWidget(objectName="budget_year_tabs")
        self.proposal = ProposalTab(context)
        self.savings = SavingsTab(context)
        self.trend = TrendTab(context)
        self.breakdown = BreakdownTab(context)
        self.tabs.addTab(self.proposal, "Budgetforslag")
        self.tabs.addTab(self.savings, "Besparelser")
        self.tabs.addTab(self.trend, "Udvikling")
        self.tabs.addTab(self.breakdown, "Opdeling")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.proposal.compute()
        self.savings.refresh()


Screen = BudgetYearScreen
