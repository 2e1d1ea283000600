"""Bevillinger: every grant in one sortable, filterable table, and the grant edits.

The grants are read once per refresh with core's ``list_grants``; the table model formats
all cells then, so filtering and sorting 30,000 grants never touch the database.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout

from core import catalogue
from core.grants import STATUSES, Grant, list_grants
from gui.grant_dialog import GrantDialog, end_grant_dialog, rate_change_dialog
from gui.models import (OPEN_END, Column, date_column, number_column, number_key, show_cpr, show_quantity,
                        text_key)
from gui.widgets import DateField, FormDialog, Screen as ScreenBase, TablePanel, button, combo


def section_number(code: str) -> int:
    """``108`` from ``§ 108``: sections sort by number, not as text."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits) if digits else 0


def current_rate(grant: Grant):
    """The rate in force today (the first one for a grant not yet started)."""
    return grant.rate if grant.rates else None


def quantity_text(grant: Grant) -> str:
    text = show_quantity(grant.quantity)
    return f"{text} pr. {grant.quantity_per}" if text and grant.quantity_per else text


GRANT_COLUMNS = [
    Column("CPR", lambda g: show_cpr(g.cpr)),
    Column("Navn", lambda g: g.name),
    Column("Paragraf", lambda g: g.section, lambda g: section_number(g.section)),
    Column("Leverandør", lambda g: g.provider),
    number_column("Takst", current_rate),
    Column("Enhed", lambda g: g.unit),
    Column("Mængde", quantity_text, lambda g: number_key(g.quantity), numeric=True),
    date_column("Start", lambda g: g.start),
    date_column("Slut", lambda g: g.end, empty=OPEN_END, empty_sorts_as="9999-12-31"),
    Column("Konto", lambda g: g.account),
    Column("VUM", lambda g: g.vum_category or ""),
    Column("Status", lambda g: g.status),
    Column("Betalingskommune", lambda g: g.paying_municipality, lambda g: text_key(g.paying_municipality)),
]


class GrantsScreen(ScreenBase):
    """All grants, with filters and the edits: new, edit, new rate from a date, end, show citizen."""

    TITLE = "Bevillinger"
    AREAS = ("grants", "providers", "catalogue", "citizens")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.panel = TablePanel(GRANT_COLUMNS, key=lambda g: g.id)
        self.panel.table.setObjectName("grants_table")
        self.section_filter = QComboBox()
        self.section_filter.setObjectName("section_filter")
        self.status_filter = combo([("Alle statusser", None)] + [(s.capitalize(), s) for s in STATUSES])
        self.status_filter.setObjectName("status_filter")
        self.active_on = DateField()
        self.active_on.setObjectName("active_on")
        self.active_on.setPlaceholderText("aktiv på dato")
        self.active_on.setMaximumWidth(130)
        for widget in (self.section_filter, self.status_filter):
            widget.currentIndexChanged.connect(self._apply_filters)
        self.active_on.textChanged.connect(self._apply_filters)
        self.panel.filters.addWidget(self.section_filter)
        self.panel.filters.addWidget(self.status_filter)
        self.panel.filters.addWidget(QLabel("Aktiv på:"))
        self.panel.filters.addWidget(self.active_on)

        self.new_button = button("Ny bevilling", self.new_grant, "Ctrl+N", self)
        self.edit_button = button("Rediger", self.edit_grant)
        self.rate_button = button("Ny takst fra dato", self.change_rate)
        self.end_button = button("Afslut bevilling", self.end_grant)
        self.citizen_button = button("Vis borger", self.show_citizen)
        actions = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.rate_button, self.end_button, self.citizen_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.panel, 1)
        self.panel.table.activated_record.connect(lambda g: self.edit_grant())
        self.dialog: FormDialog | None = None

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        db = self.context.db
        chosen = self.section_filter.currentData()
        self.section_filter.blockSignals(True)
        self.section_filter.clear()
        self.section_filter.addItem("Alle paragraffer", None)
        for s in catalogue.sections(db):
            self.section_filter.addItem(f"{s.code} {s.text}", s.code)
        self.section_filter.setCurrentIndex(max(self.section_filter.findData(chosen), 0))
        self.section_filter.blockSignals(False)
        self.panel.set_records(list_grants(db))
        self._apply_filters()

    def _apply_filters(self) -> None:
        section = self.section_filter.currentData()
        status = self.status_filter.currentData()
        day = self.active_on.date()
        if section is None and status is None and day is None:
            self.panel.proxy.set_predicate(None)
            return

        def accepts(g: Grant) -> bool:
            return ((section is None or g.section == section) and (status is None or g.status == status)
                    and (day is None or g.is_active_on(day)))

        self.panel.proxy.set_predicate(accepts)

    def municipalities(self) -> list[str]:
        """Paying municipalities in use, the most common first."""
        counts = Counter(g.paying_municipality for g in self.panel.model.records() if g.paying_municipality)
        return [m for m, _ in counts.most_common()]

    def selected_grant(self, warn: bool = True) -> Grant | None:
        grant = self.panel.table.current_record()
        if grant is None and warn:
            QMessageBox.information(self, "Ingen bevilling valgt", "Vælg først en bevilling i tabellen.")
        return grant

    # ------------------------------------------------------------ actions
    def _open(self, dialog: FormDialog) -> FormDialog:
        """Show a dialog window-modally without blocking; after OK the changed grant is selected."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._select_after(dialog))
        dialog.open()
        return dialog

    def _select_after(self, dialog: FormDialog) -> None:
        grant_id = getattr(dialog, "grant_id", None) or getattr(dialog, "subject_id", None)
        if grant_id is not None:
            self.panel.select_key(grant_id)

    def new_grant(self) -> FormDialog:
        return self._open(GrantDialog(self.context, None, self.municipalities(), self))

    def edit_grant(self) -> FormDialog | None:
        grant = self.selected_grant()
        return self._open(GrantDialog(self.context, grant, self.municipalities(), self)) if grant else None

    def change_rate(self) -> FormDialog | None:
        grant = self.selected_grant()
        if grant is None:
            return None
        dialog = rate_change_dialog(self.context, grant, self)
        dialog.subject_id = grant.id
        return self._open(dialog)

    def end_grant(self) -> FormDialog | None:
        grant = self.selected_grant()
        if grant is None:
            return None
        dialog = end_grant_dialog(self.context, grant, self)
        dialog.subject_id = grant.id
        return self._open(dialog)

    def show_citizen(self):
        grant = self.selected_grant()
        if grant is None:
            return None
        from gui.citizen_view import open_citizen

        return open_citizen(self.context, grant.citizen_id, self)


Screen = GrantsScreen  # the name gui.screens looks for
