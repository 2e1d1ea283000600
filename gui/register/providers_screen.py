"""Leverandører og takster: providers with their kind, places and invoice lag, and their catalogue rates.

Every change goes through ``core.register.providers`` and onto the undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QSplitter, QVBoxLayout, \
    QWidget

from core.register import catalogue, providers as core
from core.errors import ValidationError
from core.money import format_number
from core.register.providers import KIND_LABELS, KINDS, Provider, ProviderRate
from gui.common.models import Column, date_column, number_column
from gui.common.undo import push_done, push_field_changes
from gui.common.widgets import (DateField, FormDialog, Screen as ScreenBase, TablePanel, button, combo, when_enabled,
                         widget_value)
from gui.register.rate_change_dialog import RateChangeDialog

PROVIDER_COLUMNS = [
    Column("Navn", lambda p: p.name),
    Column("Ejerform", lambda p: KIND_LABELS[p.kind], lambda p: KINDS.index(p.kind)),
    Column("Kommune", lambda p: p.municipality),
    number_column("Pladser", lambda p: p.places, 0),
    number_column("Belægningsmål %", lambda p: p.occupancy_target, 1),
    number_column("Fakturaforsinkelse (dage)", lambda p: p.invoice_lag_days, 0),
]

RATE_COLUMNS = [
    Column("Paragraf", lambda r: r.section or ""),
    Column("Enhed", lambda r: r.unit),
    Column("Tekst", lambda r: r.text),
    date_column("Gyldig fra", lambda r: r.valid_from),
    number_column("Takst", lambda r: r.rate),
]

PROVIDER_FIELDS = ("name", "kind", "municipality", "places", "occupancy_target", "invoice_lag_days", "note")


def provider_fields(provider: Provider | None) -> list[tuple[str, str, QWidget]]:
    p = provider
    note = QPlainTextEdit(p.note if p else "")
    note.setTabChangesFocus(True)
    note.setFixedHeight(60)
    return [
        ("name", "Navn", QLineEdit(p.name if p else "")),
        ("kind", "Ejerform", combo([(KIND_LABELS[k], k) for k in KINDS], p.kind if p else "privat")),
        ("municipality", "Kommune (ved anden kommune)", QLineEdit(p.municipality if p else "")),
        ("places", "Pladser", QLineEdit("" if p is None or p.places is None else str(p.places))),
        ("occupancy_target", "Belægningsmål %",
         QLineEdit("" if p is None or p.occupancy_target is None else format_number(p.occupancy_target, 1))),
        ("invoice_lag_days", "Fakturaforsinkelse (dage)",
         QLineEdit(str(p.invoice_lag_days) if p else "", placeholderText="standard fra Indstillinger")),
        ("note", "Note", note),
    ]


class ProvidersScreen(ScreenBase):
    TITLE = "Leverandører og takster"
    AREAS = ("providers",)

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.providers = TablePanel(PROVIDER_COLUMNS, key=lambda p: p.id, placeholder="Filtrér leverandører …")
        self.providers.table.setObjectName("providers_table")
        self.rates = TablePanel(RATE_COLUMNS, key=lambda r: r.id, placeholder="Filtrér takster …")
        self.rates.table.setObjectName("provider_rates_table")
        self.providers.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_rates())
        self.rates_title = QLabel()
        self.dialog: FormDialog | None = None

        top = QWidget()
        top_layout = QVBoxLayout(top)
        row = QHBoxLayout()
        row.addWidget(button("Ny leverandør", self.new_provider, "Ctrl+N", self, edits=True))
        edit_button = button("Rediger", self.edit_provider, edits=True)
        row.addWidget(edit_button)
        self.providers.table.activated_record.connect(when_enabled(edit_button, self.edit_provider))
        row.addStretch(1)
        top_layout.addLayout(row)
        top_layout.addWidget(self.providers)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        row = QHBoxLayout()
        row.addWidget(self.rates_title)
        row.addStretch(1)
        row.addWidget(button("Ny takst fra dato", self.add_rate, edits=True))
        row.addWidget(button("Ny takst til bevillingerne …", self.change_rate_on_grants, edits=True))
        row.addWidget(button("Slet takst", self.delete_rate, "Delete", self.rates.table,
                             Qt.ShortcutContext.WidgetShortcut, edits=True))
        bottom_layout.addLayout(row)
        bottom_layout.addWidget(self.rates)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        self.providers.set_records(core.list_providers(self.context.db))
        if self.current_provider() is None and self.providers.proxy.rowCount():
            self.providers.table.setCurrentIndex(self.providers.proxy.index(0, 0))
        self._show_rates()

    def current_provider(self) -> Provider | None:
        return self.providers.table.current_record()

    def _show_rates(self) -> None:
        provider = self.current_provider()
        self.rates_title.setText(f"Takster for {provider.name}" if provider else "Vælg en leverandør")
        self.rates.set_records(core.provider_rates(self.context.db, provider.id) if provider else [])

    def _open(self, dialog: FormDialog) -> FormDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------ providers
    def new_provider(self) -> FormDialog:
        context = self.context
        created = {}

        def save(values: dict) -> None:
            def redo() -> None:
                created["id"] = core.create_provider(context.db, **values)

            redo()
            push_done(context, f"Ny leverandør {values['name']}", "providers", redo,
                      lambda: core.delete_provider(context.db, created["id"]))

        dialog = FormDialog("Ny leverandør", provider_fields(None), save, self)
        dialog.accepted.connect(lambda: self.providers.select_key(created.get("id")))
        return self._open(dialog)

    def edit_provider(self) -> FormDialog | None:
        provider = self.current_provider()
        if provider is None:
            return None
        context = self.context
        fields = provider_fields(provider)
        initial = {key: widget_value(widget) for key, _, widget in fields}

        def save(values: dict) -> None:
            push_field_changes(context, f"Rediger leverandør {provider.name}", "providers", provider, values, initial,
                               lambda **fields: core.update_provider(context.db, provider.id, **fields))

        return self._open(FormDialog(f"Rediger {provider.name}", fields, save, self))

    # ------------------------------------------------------------ rates
    def add_rate(self) -> FormDialog | None:
        """A new catalogue rate from a date, prefilled from the selected rate (price regulation)."""
        provider = self.current_provider()
        if provider is None:
            QMessageBox.information(self, "Ingen leverandør valgt", "Vælg først en leverandør.")
            return None
        context = self.context
        like: ProviderRate | None = self.rates.table.current_record()
        sections = [("", None)] + [(s.code, s.code) for s in catalogue.sections(context.db)]
        fields = [
            ("section", "Paragraf", combo(sections, like.section if like else None)),
            ("unit", "Enhed", combo([(u.text, u.code) for u in catalogue.units(context.db)],
                                    like.unit if like else None)),
            ("text", "Tekst", QLineEdit(like.text if like else "")),
            ("valid_from", "Gyldig fra", DateField()),
            ("rate", "Takst (kr.)", QLineEdit(format_number(like.rate) if like else "")),
        ]
        added = {}

        def save(values: dict) -> None:
            day = dialog.fields["valid_from"].date()
            if day is None:
                raise ValidationError({"valid_from": "Gyldig fra skal være en dato (DD-MM-ÅÅÅÅ)"})
            args = dict(values, valid_from=day)

            def redo() -> None:
                added["id"] = core.add_provider_rate(context.db, provider.id, **args)

            redo()
            push_done(context, f"Ny takst for {provider.name}", "providers", redo,
                      lambda: core.delete_provider_rate(context.db, added["id"]))

        dialog = FormDialog(f"Ny takst fra dato – {provider.name}", fields, save, self)
        dialog.accepted.connect(lambda: self.rates.select_key(added.get("id")))
        return self._open(dialog)

    def change_rate_on_grants(self):
        """A provider's new rate from a date, previewed and put on the grants that follow it (issue #16)."""
        provider = self.current_provider()
        if provider is None:
            QMessageBox.information(self, "Ingen leverandør valgt", "Vælg først en leverandør.")
            return None
        dialog = RateChangeDialog(self.context, provider, self)
        dialog.accepted.connect(self._show_rates)
        return self._open(dialog)

    def delete_rate(self) -> None:
        rate: ProviderRate | None = self.rates.table.current_record()
        if rate is None:
            return
        context = self.context
        current = {"id": rate.id}
        args = {"unit": rate.unit, "valid_from": rate.valid_from, "rate": rate.rate, "section": rate.section,
                "text": rate.text}

        def delete() -> None:
            core.delete_provider_rate(context.db, current["id"])

        def restore() -> None:
            current["id"] = core.add_provider_rate(context.db, rate.provider_id, **args)

        delete()
        push_done(context, "Slet takst", "providers", delete, restore)


Screen = ProvidersScreen
