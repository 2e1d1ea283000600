"""A provider's new rate from a date, out to the grants that follow it (from the providers screen).

"Vis virkning" previews the change (``core.budget_year.rates.plan_rate_change``): the grants
that get the new rate with the yearly effect, and those with an individual rate that are
left alone. OK applies it as one batch; the undo stack undoes the batch as a whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from core.register import catalogue
from core.budget_year import rates
from core.errors import DispoError, ValidationError
from core.importing.batches import undo as undo_batch
from core.money import format_kr, ore_to_kr
from core.register.providers import provider_units
from gui.common.followup_common import Column, table_view
from gui.common.models import RecordModel
from gui.common.undo import push_done
from gui.common.widgets import ERROR_STYLE, DateField, combo


class RateChangeDialog(QDialog):
    def __init__(self, context, provider, parent=None):
        super().__init__(parent)
        self.context = context
        self.provider = provider
        self.preview = None
        self.applied = None
        self.setWindowTitle(f"Ny takst til bevillingerne – {provider.name}")
        db = context.db
        units = provider_units(db, provider.id) or [u.code for u in catalogue.units(db)]
        self.unit = combo([(u, u) for u in units])
        self.unit.setObjectName("unit")
        self.section = combo([("Alle leverandørens paragraffer", None)]
                             + [(s.code, s.code) for s in catalogue.sections(db)])
        self.section.setObjectName("section")
        self.valid_from = DateField()
        self.valid_from.setObjectName("valid_from")
        self.rate = QLineEdit(objectName="rate")
        form = QFormLayout()
        form.addRow("&Enhed", self.unit)
        form.addRow("&Paragraf", self.section)
        form.addRow("&Gyldig fra", self.valid_from)
        form.addRow("Ny &takst (kr.)", self.rate)
        self.preview_button = QPushButton("&Vis virkning", objectName="preview")
        self.preview_button.clicked.connect(self.show_preview)
        self.summary = QLabel(objectName="summary", wordWrap=True)
        self.error = QLabel(objectName="error", wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.model = RecordModel([
            Column("grant_id", "Bevilling", "int"), Column("cpr", "CPR-nr."), Column("name", "Navn"),
            Column("section", "Paragraf"), Column("old_rate", "Takst før", "kr"),
            Column("new_rate", "Ny takst", "kr", lambda g: None if self._individual(g) else g.new_rate),
            Column("effect", "Virkning i året", "kr",
                   lambda g: None if self._individual(g) else ore_to_kr(g.effect_ore)),
            Column("kind", "", getter=lambda g: "individuel takst – ændres ikke" if self._individual(g) else "")],
                                 parent=self, tooltips=True)
        self.view, _ = table_view(self.model, "affected_grants")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Læg taksten på bevillingerne")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.setEnabled(False)
        for signal in (self.rate.textChanged, self.valid_from.textChanged):
            signal.connect(lambda _: self.ok_button.setEnabled(False))
        self.unit.currentIndexChanged.connect(lambda _: self.ok_button.setEnabled(False))
        self.section.currentIndexChanged.connect(lambda _: self.ok_button.setEnabled(False))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(900, 520)

    def _individual(self, g) -> bool:
        return self.preview is not None and g in self.preview.individual

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _args(self) -> dict:
        day = self.valid_from.date()
        if day is None:
            raise ValidationError({"valid_from": "Gyldig fra skal være en dato (DD-MM-ÅÅÅÅ)"})
        return {"provider": self.provider.name, "valid_from": day, "rate": self.rate.text(),
                "unit": self.unit.currentData(), "section": self.section.currentData()}

    def show_preview(self) -> bool:
        """Compute the preview (quick: one provider's grants); OK is enabled when it worked."""
        try:
            self.preview = rates.plan_rate_change(self.context.db, **self._args())
        except DispoError as ex:
            self.preview = None
            self.model.set_records([])
            self.error.setText(str(ex))
            self.summary.setText("")
            self.ok_button.setEnabled(False)
            return False
        p = self.preview
        self.error.setText("")
        self.model.set_records([*p.changed, *p.individual])
        self.view.resizeColumnsToContents()
        self.summary.setText(f"{len(p.changed)} bevillinger får den nye takst; virkning i {p.valid_from.year}: "
                             f"{format_kr(p.effect_ore)} kr. {len(p.individual)} har individuel takst og "
                             "ændres ikke.")
        self.ok_button.setEnabled(True)
        return True

    def apply(self) -> None:
        if self.preview is None and not self.show_preview():
            return
        context, db = self.context, self.context.db
        plan = self.preview
        try:
            self.applied = rates.apply_rate_change(db, plan)
        except DispoError as ex:
            self.error.setText(str(ex))
            return
        state = {"batch": self.applied.batch_id}

        def redo():
            state["batch"] = rates.apply_rate_change(db, rates.plan_rate_change(
                db, plan.provider, plan.valid_from, plan.rate, plan.unit,
                plan.sections[0] if len(plan.sections) == 1 and plan.sections[0] else None)).batch_id

        push_done(context, f"Ny takst for {plan.provider} på bevillingerne", "grants", redo,
                  lambda: undo_batch(db, state["batch"]))
        context.notify_changed("providers")
        self.accept()
