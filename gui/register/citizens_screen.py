"""Borgere: every citizen with her number of grants; Enter opens the citizen view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from core import cpr as cprs
from core.register.citizens import Citizen, grant_counts, list_citizens
from gui.register.citizen_view import open_citizen
from gui.common.models import Column, date_column
from gui.common.widgets import Screen as ScreenBase, TablePanel, button


@dataclass(frozen=True)
class CitizenRow:
    citizen: Citizen
    age: int | None
    grants: int
    active: int


CITIZEN_COLUMNS = [
    Column("CPR", lambda r: r.citizen.cpr),
    Column("Navn", lambda r: r.citizen.name),
    date_column("Født", lambda r: r.citizen.birth_date),
    Column("Alder", lambda r: "" if r.age is None else str(r.age), lambda r: -1 if r.age is None else r.age,
           numeric=True),
    Column("Bevillinger", lambda r: str(r.grants), lambda r: r.grants, numeric=True),
    Column("Aktive i dag", lambda r: str(r.active), lambda r: r.active, numeric=True),
]


def citizen_rows(db, today: dt.date) -> list[CitizenRow]:
    """Citizens with their age and counts of grants (all, and active on ``today``)."""
    counts = grant_counts(db, today)
    return [CitizenRow(c, None if c.temporary else cprs.age_on(c.cpr, today), *counts.get(c.id, (0, 0)))
            for c in list_citizens(db)]


class CitizensScreen(ScreenBase):
    TITLE = "Borgere"
    AREAS = ("grants", "citizens")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.panel = TablePanel(CITIZEN_COLUMNS, key=lambda r: r.citizen.id,
                                placeholder="Filtrér på CPR eller navn …")
        self.panel.table.setObjectName("citizens_table")
        self.panel.table.activated_record.connect(lambda r: self.show_citizen())
        actions = QHBoxLayout()
        actions.addWidget(button("Vis borger", self.show_citizen))
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.panel, 1)

    def refresh(self) -> None:
        self.panel.set_records(citizen_rows(self.context.db, dt.date.today()))

    def show_citizen(self):
        row = self.panel.table.current_record()
        return open_citizen(self.context, row.citizen.id, self) if row else None


Screen = CitizensScreen
