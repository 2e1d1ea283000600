"""The catalogue grows: a new section from a date, and a section retired from a date
(buttons on the "Katalog og satser" screen; issue #16)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit, QMessageBox

from core.register import catalogue as core
from core.errors import ValidationError
from gui.register.grant_dialog import QUANTITY_PER_ITEMS
from gui.common.models import show_date
from gui.common.undo import push_done
from gui.common.widgets import DateField, FormDialog, button, combo


def _day(dialog: FormDialog, key: str, label: str):
    day = dialog.fields[key].date()
    if day is None:
        raise ValidationError({key: f"{label} skal være en dato (DD-MM-ÅÅÅÅ)"})
    return day


def new_section(screen) -> FormDialog:
    """A new section (e.g. § 102 behandling) with its default account and unit, valid from a date."""
    context, db = screen.context, screen.context.db
    fields = [("code", "Paragraf", QLineEdit(placeholderText="fx § 102")), ("text", "Tekst", QLineEdit()),
              ("account", "Konto", QLineEdit(placeholderText="fx 5.38.45")),
              ("grouping", "Gruppering", QLineEdit()),
              ("unit", "Enhed", combo([(u.text, u.code) for u in core.units(db)])),
              ("quantity_per", "Mængde pr.", combo(QUANTITY_PER_ITEMS)), ("valid_from", "Gyldig fra", DateField())]
    added = {}

    def save(values: dict) -> None:
        args = {k: values[k] for k in ("code", "text", "account", "unit")}
        args.update(valid_from=_day(dialog, "valid_from", "Gyldig fra"), grouping=values["grouping"],
                    quantity_per=values["quantity_per"])

        def redo() -> None:
            added["code"] = core.add_section(db, **args)

        redo()
        push_done(context, f"Ny paragraf {added['code']}", "catalogue", redo,
                  lambda: core.delete_section(db, added["code"]))

    dialog = FormDialog("Ny paragraf i kataloget", fields, save, screen)
    dialog.accepted.connect(lambda: screen.sections.select_key(added.get("code")))
    screen.dialog = dialog
    dialog.open()
    return dialog


def retire_section(screen) -> FormDialog | None:
    """The selected section is not used for new grants from a date."""
    section = screen.sections.table.current_record()
    if section is None:
        QMessageBox.information(screen, "Ingen paragraf valgt", "Vælg først en paragraf.")
        return None
    context, db = screen.context, screen.context.db

    def save(values: dict) -> None:
        day = _day(dialog, "retired_from", "Udgår fra")
        core.retire_section(db, section.code, day)
        push_done(context, f"{section.code} udgår", "catalogue",
                  lambda: core.retire_section(db, section.code, day),
                  lambda: core.retire_section(db, section.code, section.retired_from))

    dialog = FormDialog(f"{section.code} {section.text} udgår", [("retired_from", "Udgår fra", DateField())], save,
                        screen)
    screen.dialog = dialog
    dialog.open()
    return dialog


def section_validity(section) -> str:
    """"fra 01-01-2027 – udgår 01-01-2030" (empty for a section valid always)."""
    parts = []
    if section.valid_from:
        parts.append(f"fra {show_date(dt.date.fromisoformat(section.valid_from))}")
    if section.retired_from:
        parts.append(f"udgår {show_date(dt.date.fromisoformat(section.retired_from))}")
    return " – ".join(parts)


def section_buttons(screen) -> list:
    """The buttons for the sections tab."""
    return [button("Ny paragraf", lambda: new_section(screen), edits=True),
            button("Udgår fra …", lambda: retire_section(screen), edits=True)]
