"""Katalog og satser: sections with their account and unit, VUM norm hours, and yearly values.

Every change goes through ``core.register.catalogue`` and onto the undo stack.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from core.register import catalogue as core
from core.register.catalogue import Section
from core.money import format_number
from gui.register.grant_dialog import QUANTITY_PER_ITEMS
from gui.register.grants_screen import section_number
from gui.common.models import Column, number_column
from gui.register.catalogue_growth import section_buttons, section_validity
from gui.common.undo import push_done, push_field_changes
from gui.common.widgets import FormDialog, Screen as ScreenBase, TablePanel, button, combo, when_enabled, widget_value

SECTION_COLUMNS = [
    Column("Paragraf", lambda s: s.code, lambda s: section_number(s.code)),
    Column("Tekst", lambda s: s.text),
    Column("Konto", lambda s: s.account),
    Column("Gruppering", lambda s: s.grouping),
    Column("Enhed", lambda s: s.unit),
    Column("Mængde pr.", lambda s: s.quantity_per or ""),
    Column("Gyldig", section_validity),
]


def _norm(v: dict) -> Decimal | None:
    return Decimal(v["norm_hours"]) if v["norm_hours"] is not None else None


VUM_COLUMNS = [
    Column("Kategori", lambda v: v["code"]),
    Column("Interval", lambda v: v["band"]),
    Column("Betegnelse", lambda v: v["label"]),
    number_column("Normtimer pr. uge", _norm),  # two decimals, as hours are shown everywhere
]

SATS_COLUMNS = [
    Column("Sats", lambda s: s["text"]),
    Column("Enhed", lambda s: s["unit"]),
    Column("År", lambda s: str(s["year"]), lambda s: s["year"], numeric=True),
    number_column("Værdi", lambda s: s["value"]),
]


def _tab(panel: TablePanel, *buttons) -> QWidget:
    page = QWidget()
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addLayout(row)
    layout.addWidget(panel, 1)
    return page


class CatalogueScreen(ScreenBase):
    TITLE = "Katalog og satser"
    AREAS = ("catalogue",)

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.sections = TablePanel(SECTION_COLUMNS, key=lambda s: s.code, placeholder="Filtrér paragraffer …")
        self.vum = TablePanel(VUM_COLUMNS, key=lambda v: v["code"], placeholder="Filtrér VUM-kategorier …")
        self.satser = TablePanel(SATS_COLUMNS, key=lambda s: (s["kind"], s["year"]), placeholder="Filtrér satser …")
        edit_section = button("Rediger", self.edit_section, edits=True)
        edit_vum = button("Rediger normtimer", self.edit_vum, edits=True)
        edit_sats = button("Rediger", self.edit_sats, edits=True)
        self.sections.table.activated_record.connect(when_enabled(edit_section, self.edit_section))
        self.vum.table.activated_record.connect(when_enabled(edit_vum, self.edit_vum))
        self.satser.table.activated_record.connect(when_enabled(edit_sats, self.edit_sats))
        self.tabs = QTabWidget()
        self.tabs.addTab(_tab(self.sections, edit_section, *section_buttons(self)), "Paragraffer")
        self.tabs.addTab(_tab(self.vum, edit_vum), "VUM-kategorier")
        self.satser_tab = _tab(self.satser, button("Ny sats", self.new_sats, "Ctrl+N", self.satser, edits=True),
                               edit_sats,
                               button("Slet sats", self.delete_sats, "Delete", self.satser.table,
                                      Qt.ShortcutContext.WidgetShortcut, edits=True))
        self.tabs.addTab(self.satser_tab, "Satser")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.dialog: FormDialog | None = None

    def refresh(self) -> None:
        db = self.context.db
        self.sections.set_records(core.sections(db))
        self.vum.set_records(core.vum_categories(db))
        self.satser.set_records(core.satser(db))

    def _open(self, dialog: FormDialog, panel: TablePanel, key) -> FormDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: panel.select_key(key))
        dialog.open()
        return dialog

    # ------------------------------------------------------------ sections
    def edit_section(self) -> FormDialog | None:
        section: Section | None = self.sections.table.current_record()
        if section is None:
            return None
        db, context = self.context.db, self.context
        fields = [
            ("text", "Tekst", QLineEdit(section.text)),
            ("account", "Konto", combo([(f"{a['code']} {a['text']}", a["code"]) for a in core.accounts(db)],
                                       section.account)),
            ("grouping", "Gruppering", QLineEdit(section.grouping)),
            ("unit", "Enhed", combo([(u.text, u.code) for u in core.units(db)], section.unit)),
            ("quantity_per", "Mængde pr.", combo(QUANTITY_PER_ITEMS, section.quantity_per)),
        ]
        initial = {key: widget_value(widget) for key, _, widget in fields}

        def save(values: dict) -> None:
            push_field_changes(context, f"Rediger {section.code}", "catalogue", section, values, initial,
                               lambda **fields: core.update_section(context.db, section.code, **fields))

        return self._open(FormDialog(f"Rediger {section.code} {section.text}", fields, save, self),
                          self.sections, section.code)

    # ------------------------------------------------------------ VUM
    def edit_vum(self) -> FormDialog | None:
        category: dict | None = self.vum.table.current_record()
        if category is None:
            return None
        context = self.context
        old = category["norm_hours"]
        field = QLineEdit("" if old is None else format_number(Decimal(old), 1))

        def save(values: dict) -> None:
            new = values["norm_hours"]
            core.set_vum_norm(context.db, category["code"], new)
            push_done(context, f"Normtimer for VUM-kategori {category['code']}", "catalogue",
                      lambda: core.set_vum_norm(context.db, category["code"], new),
                      lambda: core.set_vum_norm(context.db, category["code"], old))

        return self._open(FormDialog(f"VUM-kategori {category['code']} – {category['label']}",
                                     [("norm_hours", "Normtimer pr. uge (tom = individuelt)", field)], save, self),
                          self.vum, category["code"])

    # ------------------------------------------------------------ satser
    def _sats_dialog(self, title: str, kind: str | None, year: int, value: Decimal | None) -> FormDialog:
        context = self.context
        kinds = combo([(k["text"], k["code"]) for k in core.rate_kinds(context.db)], kind)
        year_box = QSpinBox()
        year_box.setRange(1900, 2200)
        year_box.setValue(year)
        if kind is not None:  # editing one value: its kind and year stay
            kinds.setEnabled(False)
            year_box.setEnabled(False)
        existing = {(s["kind"], s["year"]): s["value"] for s in self.satser.model.records()}
        chosen = {}

        def save(values: dict) -> None:
            key = (values["kind"], values["year"])
            before = existing.get(key)
            chosen["key"] = key

            def set_new() -> None:
                core.set_sats(context.db, *key, values["value"])

            def undo() -> None:
                if before is None:
                    core.delete_sats(context.db, *key)
                else:
                    core.set_sats(context.db, *key, before)

            set_new()
            push_done(context, f"Sats {values['kind']} {values['year']}", "catalogue", set_new, undo)

        dialog = FormDialog(title, [("kind", "Sats", kinds), ("year", "År", year_box),
                                    ("value", "Værdi", QLineEdit("" if value is None else format_number(value)))],
                            save, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.satser.select_key(chosen.get("key")))
        dialog.open()
        return dialog

    def new_sats(self) -> FormDialog:
        current = self.satser.table.current_record()
        dialog = self._sats_dialog("Ny sats", None, dt.date.today().year + 1, None)
        if current is not None:
            box = dialog.fields["kind"]
            box.setCurrentIndex(box.findData(current["kind"]))
        return dialog

    def edit_sats(self) -> FormDialog | None:
        current = self.satser.table.current_record()
        if current is None:
            return None
        return self._sats_dialog(f"Rediger sats – {current['text']} {current['year']}", current["kind"],
                                 current["year"], current["value"])

    def delete_sats(self) -> None:
        current = self.satser.table.current_record()
        if current is None:
            return
        context, kind, year, value = self.context, current["kind"], current["year"], current["value"]
        core.delete_sats(context.db, kind, year)
        push_done(context, f"Slet sats {kind} {year}", "catalogue",
                  lambda: core.delete_sats(context.db, kind, year),
                  lambda: core.set_sats(context.db, kind, year, value))


Screen = CatalogueScreen
