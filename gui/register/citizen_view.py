"""One citizen over time: all her grants with their rate periods, and the audit history of them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from core.store import audit
from core import cpr as cprs
from core.register.citizens import get_citizen
from core.errors import NotFoundError
from core.formatting import count
from core.register.grants import list_grants, rate_period_rows
from core.money import format_date
from gui.common.models import OPEN_END, Column, date_column, number_column, quantity_text, section_number, show_cpr
from gui.register.target_groups import TargetGroupField
from gui.common.widgets import TablePanel

ACTIONS = {"insert": "Oprettet", "update": "Rettet", "rate": "Ny takst", "restore": "Fortrudt/gentaget",
           "delete": "Slettet", "import": "Importeret"}
# Fields of a grant's stored state worth showing in the history, with their Danish names.
FIELD_LABELS = {"section": "paragraf", "provider_id": "leverandør", "account": "konto", "unit": "enhed",
                "quantity": "mængde", "quantity_per": "mængde pr.", "start": "start", "end": "slut",
                "status": "status", "paying_municipality": "betalingskommune", "caseworker": "sagsbehandler",
                "followup_date": "opfølgning", "vum_category": "VUM", "payment_only": "kun betaling",
                "note": "note", "rates": "takster", "citizen_id": "borger"}


def _show_value(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):  # rate periods [[valid_from, rate], ...]
        return ", ".join(f"{_show_value(vf)}: {rate}" for vf, rate in value)
    return str(value)


def describe_change(old: dict | None, new: dict | None, names: dict | None = None) -> str:
    """What changed between two stored states, in Danish: ``slut: løbende → 31-12-2026``;
    a provider or citizen by name (``names`` as ``core.store.audit.entries`` gives them)."""
    if old is None or new is None:
        return ""
    names = names or {}
    parts = []
    for key, label in FIELD_LABELS.items():
        if key in old and key in new and old[key] != new[key]:
            if key in audit.REFERENCES:
                before, after = (names.get(key, {}).get(v) or f"nr. {v}" for v in (old[key], new[key]))
                parts.append(f"{label}: {before} → {after}")
                continue
            before = OPEN_END if key == "end" and old[key] is None else _show_value(old[key])
            after = OPEN_END if key == "end" and new[key] is None else _show_value(new[key])
            parts.append(f"{label}: {before} → {after}")
    return "; ".join(parts)


def _when(entry: dict) -> str:
    at = dt.datetime.fromisoformat(entry["at"])
    return f"{format_date(at.date())} {at:%H:%M}"


PERIOD_COLUMNS = [
    Column("Paragraf", lambda r: r.grant.section, lambda r: section_number(r.grant.section)),
    Column("Leverandør", lambda r: r.grant.provider),
    date_column("Takst fra", lambda r: r.first),
    date_column("Takst til", lambda r: r.last, empty=OPEN_END, empty_sorts_as="9999-12-31"),
    number_column("Takst", lambda r: r.rate),
    Column("Enhed", lambda r: r.grant.unit),
    Column("Mængde", lambda r: quantity_text(r.grant)),
    date_column("Bevilget fra", lambda r: r.grant.start),
    date_column("Bevilget til", lambda r: r.grant.end, empty=OPEN_END, empty_sorts_as="9999-12-31"),
    Column("Status", lambda r: r.grant.status),
    Column("Bevilling", lambda r: str(r.grant.id), lambda r: r.grant.id, numeric=True),
]

HISTORY_COLUMNS = [
    Column("Tidspunkt", _when, lambda e: e["at"]),
    Column("Bruger", lambda e: e["user"]),
    Column("Handling", lambda e: ACTIONS.get(e["action"], e["action"])),
    Column("Bevilling", lambda e: e["grant_label"]),
    Column("Ændringer", lambda e: describe_change(e["old"], e["new"], e.get("names"))),
]


class CitizenView(QDialog):
    """A citizen's grants over time and the history of changes to them; follows data changes."""

    def __init__(self, context, citizen_id: int, parent=None):
        super().__init__(parent)
        self.context = context
        self.citizen_id = citizen_id
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        # While CPR numbers are masked, the user may deliberately reveal this one citizen's.
        self.cpr_revealed = False
        self.reveal_button = QPushButton("&Vis CPR")
        self.reveal_button.setObjectName("reveal_cpr")
        self.reveal_button.clicked.connect(self.reveal_cpr)
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.reveal_button)
        head.addWidget(TargetGroupField(context, citizen_id))  # issue #16: for the forecast by target group
        self.periods = TablePanel(PERIOD_COLUMNS, placeholder="Filtrér bevillinger …")
        self.periods.table.setObjectName("citizen_grants")
        self.history = TablePanel(HISTORY_COLUMNS, placeholder="Filtrér historik …")
        self.history.table.setObjectName("citizen_history")
        tabs = QTabWidget()
        tabs.addTab(self.periods, "Bevillinger og takstperioder")
        tabs.addTab(self.history, "Historik")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Luk")
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(tabs, 1)
        layout.addWidget(close)
        self.resize(1000, 560)
        context.data_changed.connect(self._on_data_changed)
        self.refresh()

    def _on_data_changed(self, area: str) -> None:
        if area in ("*", "grants", "citizens", "providers"):
            self.refresh()

    def refresh(self) -> None:
        db = self.context.db
        try:
            citizen = get_citizen(db, self.citizen_id)
        except NotFoundError:
            self.close()
            return
        grants = list_grants(db, citizen_id=self.citizen_id)
        born = citizen.birth_date
        age = f", {cprs.age_on(citizen.cpr, dt.date.today())} år" if born else ""
        cpr = citizen.cpr if self.cpr_revealed else show_cpr(citizen.cpr)
        self.reveal_button.setVisible(cpr != citizen.cpr)
        self.setWindowTitle(f"Borger – {citizen.name or cpr}")
        self.header.setText(f"{citizen.name}   CPR {cpr}   født {format_date(born)}{age}   "
                            f"{count(len(grants), 'bevilling')}")
        self.periods.set_records(rate_period_rows(grants))
        self.history.set_records(self._history())

    def reveal_cpr(self) -> None:
        """Show this citizen's full CPR number although the GUI masks CPR numbers."""
        self.cpr_revealed = True
        self.refresh()

    def _history(self) -> list[dict]:
        """The citizen's whole history (``core.store.audit.for_citizen``), newest first."""
        return [{**e, "grant_label": _subject(e)} for e in audit.for_citizen(self.context.db, self.citizen_id)]


def _subject(entry: dict) -> str:
    """What an entry of her history is about: her, one of her grants, an import, ..."""
    table = entry["table_name"]
    if table == "citizens":
        return "Borger"
    if table == "grants":
        return f"{entry['section'] or 'Bevilling'} (nr. {entry['grant_id']})"
    if table == "batches":
        return f"Import nr. {entry['row_id']}"
    return audit.TABLES.get(table, table)


def open_citizen(context, citizen_id: int, parent=None) -> CitizenView:
    """Show a citizen in a window of its own (not modal, so the register stays usable)."""
    view = CitizenView(context, citizen_id, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view
