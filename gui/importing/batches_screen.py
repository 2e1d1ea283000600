"""The "Importer" screen: every import with file, sheet, time, user and counts, and undo; and the
saved import profiles with what each fixes and translates."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from core.errors import DispoError
from core.importing.batches import list_batches, undo
from core.importing.fields import KINDS
from core.formatting import count, datetime_text
from core.importing.profiles import describe_profile, list_profiles
from gui.common.models import Column
from gui.common.widgets import TablePanel, mark_edits
from gui.importing.import_wizard import ImportWizard


def _text(key: str, show=str) -> Callable[[dict], str]:
    return lambda row: "" if row.get(key) is None else show(row[key])


def _count_column(key: str, header: str) -> Column:
    """A count of rows, ``237.000`` (not 237000), right-aligned and sorted as a number."""
    return Column(header, _text(key, count), lambda row: row.get(key) or 0, numeric=True, key=key)


def _kind_label(code: str) -> str:
    return KINDS[code].label if code in KINDS else code


def _time_column(key: str, header: str) -> Column:
    """A point in time, ``03-11-2026 09:05``, sorted by time (ISO text); none sorts first."""
    return Column(header, _text(key, datetime_text), lambda row: row.get(key) or "", key=key)


# the imports as core's ``list_batches`` gives them
BATCH_COLUMNS = [
    Column("Nr.", _text("id"), lambda row: row["id"], numeric=True, key="id"),
    Column("Fil", _text("file"), key="file"), Column("Ark", _text("sheet"), key="sheet"),
    Column("Slags", _text("kind", _kind_label), key="kind"),
    _time_column("created_at", "Tidspunkt"), Column("Bruger", _text("user"), key="user"),
    _count_column("imported", "Nye"), _count_column("updated", "Opdateret"), _count_column("unchanged", "Uændret"),
    _count_column("rejected", "Afvist"), _time_column("undone_at", "Fortrudt"),
]

# the saved import profiles: name, kind, columns, and what each fixes and translates (``profile_rows``)
PROFILE_COLUMNS = [
    Column("Nr.", _text("id"), lambda row: row["id"], numeric=True, key="id"),
    Column("Navn", _text("name"), key="name"), Column("Slags", _text("kind", _kind_label), key="kind"),
    Column("Kolonner", _text("columns"), key="columns"),
    Column("Faste værdier og oversættelser", _text("choices"), key="choices"),
    _time_column("created_at", "Gemt"),
]


def profile_rows(db) -> list[dict]:
    """The profiles as the screen shows them."""
    return [{**r, "columns": ", ".join(f"{k} = {v}" for k, v in r["mapping"].items()),
             "choices": describe_profile(r)} for r in list_profiles(db)]


class Screen(QWidget):
    TITLE = "Importer"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.panel = TablePanel(BATCH_COLUMNS, key=lambda row: row["id"],
                                placeholder="Søg i importerne (fil, slags, bruger …)")
        self.model, self.proxy, self.view = self.panel.model, self.panel.proxy, self.panel.table
        self.view.setObjectName("batches")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.import_button = QPushButton("&Importér fil …")
        self.import_button.clicked.connect(self.open_wizard)
        self.undo_button = QPushButton("&Fortryd import")
        self.undo_button.setObjectName("undo_batch")
        self.undo_button.clicked.connect(self.undo_selected)
        mark_edits(self.import_button, self.undo_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch()
        self.profiles_panel = TablePanel(PROFILE_COLUMNS, key=lambda row: row["id"],
                                         placeholder="Søg i importprofilerne …")
        self.profiles, self.profiles_view = self.profiles_panel.model, self.profiles_panel.table
        self.profiles_view.setObjectName("import_profiles")
        self.profiles_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.panel, 3)
        layout.addWidget(QLabel("Importprofiler (en fil med samme kolonner importeres som sidst):"))
        layout.addWidget(self.profiles_panel, 1)
        layout.addWidget(self.message)
        context.data_changed.connect(lambda area: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.panel.set_records(list_batches(self.context.db))
        self.profiles_panel.set_records(profile_rows(self.context.db))

    def selected_batch(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]).row())

    def open_wizard(self) -> None:
        ImportWizard(self.context, parent=self).exec()

    def undo_selected(self, *, confirm: bool = True) -> None:
        batch = self.selected_batch()
        if batch is None:
            self.message.setText("Vælg den import, der skal fortrydes.")
            return
        if confirm and QMessageBox.question(
                self, "Fortryd import", f"Fortryd import nr. {batch['id']} ({batch['file']})? Alt, hvad den "
                                        "tilføjede, fjernes, og de rækker, den ændrede, får deres gamle værdier."
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            undo(self.context.db, batch["id"])
        except DispoError as ex:
            if "--force" not in str(ex):
                self.message.setText(str(ex))
                return
            text = str(ex).replace(" Fortryd dem først, eller fortryd alligevel (--force).", "")
            if QMessageBox.question(self, "Senere ændringer", text + "\n\nFortryd alligevel?") != \
                    QMessageBox.StandardButton.Yes:
                return
            undo(self.context.db, batch["id"], force=True)
        self.message.setText(f"Import nr. {batch['id']} er fortrudt.")
        self.context.notify_changed("*")
