"""Datavalidering: the monthly checklist's findings, each opening the record to fix."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from core.formatting import count
from core.followup.validation import RULE_LABELS, record_details, validate
from gui.common.followup_common import Column, table_view
from gui.common.models import RecordModel
from gui.common.widgets import add_labelled
from gui.common.workers import Runner
from gui.followup import wrap_rows

SEVERITY_LABELS = {"fejl": "Fejl", "advarsel": "Advarsel", "info": "Info"}


class RecordDialog(QDialog):
    """The record behind a finding: its fields, read from core."""

    def __init__(self, title: str, fields: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        for label, value in fields:
            form.addRow(label, QLabel(value))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class Screen(QWidget):
    TITLE = "Datavalidering"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.findings = []
        self.as_of = QDateEdit(objectName="as_of", calendarPopup=True, displayFormat="dd-MM-yyyy")
        today = dt.date.today()
        self.as_of.setDate(QDate(today.year, today.month, today.day))
        self.rule = QComboBox(objectName="rule")
        self.rule.addItem("Alle regler", None)
        for key, label in RULE_LABELS.items():
            self.rule.addItem(label, key)
        self.rule.currentIndexChanged.connect(lambda _: self._fill())
        # long rule names must not make the whole window wider than a laptop screen
        self.rule.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule.setMinimumContentsLength(24)
        self.check_button = QPushButton("&Kontrollér", objectName="check")
        self.check_button.clicked.connect(self.refresh)
        self.open_button = QPushButton("Å&bn posten", objectName="open")
        self.open_button.clicked.connect(self.open_current)
        self.status = QLabel(objectName="status")
        # the checks read the whole register: a second or more on a large one, off the GUI thread
        self.job = Runner(self)
        self.job.finished.connect(self._show)
        self.job.failed.connect(lambda message: self.status.setText(message))
        self.busy_bar = QProgressBar(objectName="validation_progress", maximumWidth=160)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.hide()
        self.job.running_changed.connect(self.busy_bar.setVisible)
        self.model = RecordModel([
            Column("severity", "Niveau", getter=lambda f: SEVERITY_LABELS[f.severity]),
            Column("label", "Regel"), Column("message", "Fund"),
            Column("record", "Post", getter=lambda f: f.record_text)], parent=self, tooltips=True)
        self.view, self.proxy = table_view(self.model, "findings_table")
        self._rows_fitting = wrap_rows(self.view)  # a long finding wraps in its cell on a laptop
        self.view.doubleClicked.connect(lambda _: self.open_current())
        self.view.activated.connect(lambda _: self.open_current())
        bar = QHBoxLayout()
        add_labelled(bar, (("&Kontroldato", self.as_of), (None, self.rule)))
        bar.addWidget(self.check_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.busy_bar)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

    def refresh(self) -> None:
        d = self.as_of.date()
        as_of = dt.date(d.year(), d.month(), d.day())
        self.status.setText("Kontrollerer …")
        self.job.start(self.context.db_path, lambda db: validate(db, as_of))

    def _show(self, findings) -> None:
        self.findings = findings
        counts = {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_LABELS}
        nouns = {"fejl": "fejl", "advarsel": "advarsel", "info": "bemærkning"}
        self.status.setText(", ".join(count(n, nouns[s]) for s, n in counts.items()))
        self._fill()

    def _fill(self) -> None:
        rule = self.rule.currentData()
        self.model.set_records([f for f in self.findings if rule is None or f.rule == rule])
        self.view.resizeColumnsToContents()
        self._rows_fitting.start()

    def current_finding(self):
        index = self.view.currentIndex()
        return self.model.record(self.proxy.mapToSource(index).row()) if index.isValid() else None

    def open_current(self, *, show: bool = True):
        """Open the record behind the selected finding; returns the dialog (for a missing yearly
        value: the catalogue's Satser tab, where it is entered, rather than a list to read)."""
        finding = self.current_finding()
        if finding is None:
            return None
        window = self.window()
        if finding.table == "satser" and not finding.record_id and hasattr(window, "show_screen"):
            catalogue = window.show_screen("Katalog og satser")
            catalogue.tabs.setCurrentWidget(catalogue.satser_tab)
            return catalogue
        title, fields = record_details(self.context.db, finding.table, finding.record_id)
        dialog = RecordDialog(title, fields, self)
        if show:
            dialog.open()
        return dialog
