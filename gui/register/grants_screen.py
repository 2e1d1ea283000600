"""Bevillinger: every grant in one sortable, filterable table, and the grant edits.

The grants are read once per refresh with core's ``list_grants``; the table model formats
all cells then, so filtering and sorting 30,000 grants never touch the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QVBoxLayout, QWidget

from core.register import catalogue
from core.register.grants import STATUSES, Grant, count_grants, list_grants
from gui.register.citizen_view import open_citizen
from gui.register.grant_dialog import GrantDialog, end_grant_dialog, rate_change_dialog
from gui.common.models import (OPEN_END, Column, PreparedRows, date_column, number_column, number_key, prepare_rows,
                        quantity_text, section_number, text_key)
from gui.common.widgets import DateField, FormDialog, Screen as ScreenBase, TablePanel, button, combo, when_enabled
from gui.common.workers import Runner


def grant_columns(today: dt.date) -> list[Column]:
    """The grants table's columns; ``Takst`` is the rate in force on ``today``."""
    return [
        Column("CPR", lambda g: g.cpr),
        Column("Navn", lambda g: g.name),
        Column("Paragraf", lambda g: g.section, lambda g: section_number(g.section)),
        Column("Leverandør", lambda g: g.provider),
        number_column("Takst", lambda g: g.rate_on(today) if g.rates else None),
        Column("Enhed", lambda g: g.unit),
        Column("Mængde", quantity_text, lambda g: number_key(g.quantity), numeric=True),
        date_column("Start", lambda g: g.start),
        date_column("Slut", lambda g: g.end, empty=OPEN_END, empty_sorts_as="9999-12-31"),
        Column("Konto", lambda g: g.account),
        Column("VUM", lambda g: g.vum_category or ""),
        Column("Status", lambda g: g.status),
        Column("Betalingskommune", lambda g: g.paying_municipality, lambda g: text_key(g.paying_municipality)),
    ]


def grant_key(grant: Grant) -> int:
    return grant.id


# Registers with more grants than this are read off the GUI thread (about a second's work).
BACKGROUND_ABOVE = 5000


class GrantsScreen(ScreenBase):
    """All grants, with filters and the edits: new, edit, new rate from a date, end, show citizen."""

    TITLE = "Bevillinger"
    AREAS = ("grants", "providers", "catalogue", "citizens")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.panel = TablePanel(grant_columns(dt.date.today()), key=grant_key)
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

        self.new_button = button("Ny bevilling", self.new_grant, "Ctrl+N", self, edits=True)
        self.edit_button = button("Rediger", self.edit_grant, edits=True)
        self.rate_button = button("Ny takst fra dato", self.change_rate, edits=True)
        self.end_button = button("Afslut bevilling", self.end_grant, edits=True)
        self.citizen_button = button("Vis borger", self.show_citizen)
        actions = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.rate_button, self.end_button, self.citizen_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.panel, 1)
        self.panel.table.activated_record.connect(when_enabled(self.edit_button, self.edit_grant))
        self.dialog: FormDialog | None = None

        self.background_above = BACKGROUND_ABOVE
        self._select_when_loaded: int | None = None
        self.progress = QWidget()
        self.progress.setObjectName("loading")
        busy = QProgressBar()
        busy.setRange(0, 0)  # the load reports no steps: a busy indicator
        busy.setMaximumWidth(200)
        progress_layout = QHBoxLayout(self.progress)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.addWidget(QLabel("Indlæser bevillinger …"))
        progress_layout.addWidget(busy)
        progress_layout.addWidget(button("Annuller", self.cancel_load))
        progress_layout.addStretch(1)
        self.progress.hide()
        layout.insertWidget(1, self.progress)
        self.loader = Runner(self)  # a newer load (or a cancel) drops the older one's result
        self.loader.finished.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        self.loader.running_changed.connect(self.progress.setVisible)

    # ------------------------------------------------------------ data
    def refresh(self) -> None:
        """Read all grants again; a large register is read off the GUI thread (see ``background_above``)."""
        db = self.context.db
        chosen = self.section_filter.currentData()
        self.section_filter.blockSignals(True)
        self.section_filter.clear()
        self.section_filter.addItem("Alle paragraffer", None)
        for s in catalogue.sections(db):
            self.section_filter.addItem(f"{s.code} {s.text}", s.code)
        self.section_filter.setCurrentIndex(max(self.section_filter.findData(chosen), 0))
        self.section_filter.blockSignals(False)
        columns = grant_columns(dt.date.today())  # the rate shown is today's
        self.panel.model.columns = columns
        self.cancel_load()  # a load still running is outdated now
        if count_grants(db) <= self.background_above:
            self.panel.set_records(list_grants(db))
            return
        self.loader.start(self.context.db_path, lambda own: prepare_rows(columns, list_grants(own), grant_key))

    @property
    def loading(self) -> bool:
        return self.loader.running

    def _loaded(self, rows: PreparedRows) -> None:
        self.panel.set_records(rows, keep_key=self._select_when_loaded)
        self._select_when_loaded = None

    def _load_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Bevillingerne kan ikke læses", message)

    def cancel_load(self) -> None:
        """Stop waiting for a background load; the grants shown before stay."""
        self.loader.cancel()

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
        grant_id = getattr(dialog, "grant_id", None)
        if grant_id is None:
            return
        if self.loading:
            self._select_when_loaded = grant_id
        else:
            self.panel.select_key(grant_id)

    def new_grant(self) -> FormDialog:
        return self._open(GrantDialog(self.context, None, self.municipalities(), self))

    def edit_grant(self) -> FormDialog | None:
        grant = self.selected_grant()
        return self._open(GrantDialog(self.context, grant, self.municipalities(), self)) if grant else None

    def _dialog_on_selected(self, make) -> FormDialog | None:
        """Open ``make(context, grant, parent)`` for the selected grant, which stays selected after OK."""
        grant = self.selected_grant()
        if grant is None:
            return None
        dialog = make(self.context, grant, self)
        dialog.grant_id = grant.id
        return self._open(dialog)

    def change_rate(self) -> FormDialog | None:
        return self._dialog_on_selected(rate_change_dialog)

    def end_grant(self) -> FormDialog | None:
        return self._dialog_on_selected(end_grant_dialog)

    def show_citizen(self):
        grant = self.selected_grant()
        if grant is None:
            return None
        return open_citizen(self.context, grant.citizen_id, self)


Screen = GrantsScreen  # the name gui.screens looks for
