"""Afstemning: booked against computed per citizen and account, with the reconciliation's flags."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from core.followup.forecast import default_as_of
from core.followup.monthly_cycle import latest_month
from core.money import ore_to_kr
from core.followup.reconcile import FLAG_LABELS, reconcile
from gui.common.followup_common import Column, table_view
from gui.common.models import RecordModel, show_cpr
from gui.common.workers import Runner
from gui.common.widgets import add_labelled, find_key
from gui.followup import wrap_rows


class Screen(QWidget):
    TITLE = "Afstemning"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.rows = []
        self.job = Runner(self)
        self.job.finished.connect(self._show)
        self.job.failed.connect(lambda message: self.status.setText(message))
        self.year = QSpinBox(objectName="year", minimum=1900, maximum=2200)
        # the year of the month Månedens gang starts on (the newest booking's), not the calendar's:
        # in January she still follows up on December
        self.year.setValue(latest_month(context.db)[0])
        self.as_of = QDateEdit(objectName="as_of", calendarPopup=True, displayFormat="dd-MM-yyyy")
        self.only_flagged = QCheckBox("Kun rækker med bemærkninger", checked=True, objectName="only_flagged")
        self.only_flagged.toggled.connect(lambda _: self._fill())
        self.search = QLineEdit(objectName="search", placeholderText="Søg CPR, navn, konto … (Ctrl+F)")
        find_key(self, self.search)
        self.compute_button = QPushButton("&Afstem", objectName="compute")
        self.compute_button.clicked.connect(self.compute)
        self.status = QLabel(objectName="status")
        self.model = RecordModel([
            Column("cpr", "CPR-nr."), Column("name", "Navn"), Column("account", "Konto"),
            Column("providers", "Leverandør", getter=lambda r: ", ".join(r.providers)),
            Column("booked", "Bogført", "kr", lambda r: ore_to_kr(r.booked)),
            Column("computed", "Beregnet til dato", "kr", lambda r: ore_to_kr(r.computed)),
            # the headings and figures of the workbook's sheet and of reconcile --json
            Column("due", "Forfaldent efter fakturaforsinkelse", "kr", lambda r: ore_to_kr(r.due)),
            Column("difference", "Difference (bogført − beregnet)", "kr", lambda r: ore_to_kr(r.difference)),
            Column("flags", "Markering", getter=lambda r: ", ".join(dict.fromkeys(FLAG_LABELS[f] for f in r.flags))),
            Column("messages", "Bemærkning", getter=lambda r: "; ".join(r.messages))], parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "reconcile_table")
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        # the flags and remarks are what she reads the screen for: wrapped, never cut to a tooltip
        self._rows_fitting = wrap_rows(self.view)
        # the selected row's flag and remark in full, beneath the table
        self.detail = QLabel(objectName="detail", wordWrap=True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _: self._show_detail(current))
        bar = QHBoxLayout()
        add_labelled(bar, (("&År", self.year), ("&Opgjort pr.", self.as_of)))
        bar.addWidget(self.compute_button)
        bar.addWidget(self.only_flagged)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        self._initialised = False

    def refresh(self) -> None:
        if not self._initialised:
            self._initialised = True
            day = default_as_of(self.context.db, self.year.value())
            self.as_of.setDate(QDate(day.year, day.month, day.day))
        self.compute()

    def compute(self) -> None:
        d = self.as_of.date()
        year, as_of = self.year.value(), dt.date(d.year(), d.month(), d.day())
        self.status.setText("Afstemmer …")
        self.job.start(self.context.db_path, lambda db: reconcile(db, year, as_of))

    def _show(self, rows) -> None:
        self.rows = rows
        flagged = sum(1 for r in rows if r.flags)
        self.status.setText(f"{flagged} af {len(rows)} borger/konto-par har bemærkninger.")
        self._fill()

    def _fill(self) -> None:
        self.model.set_records([r for r in self.rows if r.flags] if self.only_flagged.isChecked() else self.rows)
        self.view.resizeColumnsToContents()
        self._rows_fitting.start()
        self._show_detail(self.view.currentIndex())

    def _show_detail(self, index) -> None:
        """The current row's flag and remark whole (a long remark wraps in its cell too)."""
        row = self.model.rows[self.proxy.mapToSource(index).row()] if index.isValid() else None
        if row is None or not row.flags:
            self.detail.setText("Vælg en række med en markering for at se hele bemærkningen her."
                                if any(r.flags for r in self.model.rows) else "")
            return
        flags = ", ".join(dict.fromkeys(FLAG_LABELS[f] for f in row.flags))
        who = " ".join(part for part in (row.cpr, row.name) if part)
        self.detail.setText(show_cpr(f"{who}, konto {row.account}: {flags}. " + "; ".join(row.messages)))
