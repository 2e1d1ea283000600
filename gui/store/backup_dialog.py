"""Filer → Sikkerhedskopier: the database's backups, a backup now, restore one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QSpinBox, QTableView, QVBoxLayout)

from core.store import backup
from core.errors import DispoError
from gui.common.context import AppContext
from gui.common.headers import fit_table
from gui.common.models import Column, RecordFilterProxy, RecordModel


def _size(b: backup.Backup) -> str:
    return f"{b.size / 1024:,.0f} kB".replace(",", ".")


def _path(b: backup.Backup) -> str:
    return str(b.path)


# The backups of one database, newest first; the tooltip is the file's full path.
BACKUP_COLUMNS = [Column("Tidspunkt", lambda b: f"{b.created:%d-%m-%Y %H:%M:%S}", lambda b: b.created.timestamp(),
                         tooltip=_path),
                  Column("Årsag", lambda b: b.label, tooltip=_path),
                  Column("Størrelse", _size, lambda b: b.size, numeric=True, tooltip=_path),
                  Column("Fil", lambda b: b.path.name, tooltip=_path)]


class BackupDialog(QDialog):
    def __init__(self, context: AppContext, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Sikkerhedskopier")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        # wrapped: a database deep in a shared drive's folders must not make the dialog wider than the screen
        where = QLabel(f"Sikkerhedskopierne ligger i {backup.backup_dir(context.db_path)}. "
                       "Der tages en automatisk kopi én gang om dagen og før hver import, fortrydelse, "
                       "opdatering og gendannelse.", wordWrap=True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        self.model = RecordModel(BACKUP_COLUMNS, parent=self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = fit_table(QTableView())
        self.view.setModel(self.proxy)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Oprydning gemmer de nyeste"))
        current = backup.retention(context.db)
        self.keep_boxes = {}
        for field, label in (("daily", "daglige,"), ("weekly", "ugentlige og"), ("monthly", "månedlige kopier")):
            box = QSpinBox()
            box.setRange(0, 999)
            box.setValue(getattr(current, field))
            box.setEnabled(not context.readonly)
            self.keep_boxes[field] = box
            keep_row.addWidget(box)
            keep_row.addWidget(QLabel(label))
        self.keep_button = QPushButton("Gem &oprydning")
        self.keep_button.setEnabled(not context.readonly)
        self.keep_button.clicked.connect(self.save_retention)
        keep_row.addWidget(self.keep_button)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button = QPushButton("Tag sikkerhedskopi &nu")
        self.restore_button = QPushButton("&Gendan valgte …")
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.setEnabled(not context.readonly)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_records(backup.list_backups(self.context.db_path))
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.resizeColumnsToContents()  # each time whole on one line
        if self.proxy.rowCount():
            self.view.selectRow(0)

    def selected(self) -> backup.Backup | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]).row())

    def backup_now(self) -> None:
        try:
            made = backup.backup(self.context.db, "manual")
        except DispoError as ex:
            QMessageBox.warning(self, "Sikkerhedskopi", str(ex))
            return
        self.refresh()
        self.status.setText(f"Sikkerhedskopien er gemt som {made.path.name}.")

    def save_retention(self) -> None:
        keep = backup.Retention(**{field: box.value() for field, box in self.keep_boxes.items()})
        try:
            backup.set_retention(self.context.db, keep)
        except DispoError as ex:
            QMessageBox.warning(self, "Sikkerhedskopier", str(ex))
            return
        self.status.setText("Oprydningen er gemt; den gælder fra næste sikkerhedskopi.")

    def restore_selected(self, *, confirm: bool = True) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if confirm and QMessageBox.question(
                self, "Gendan sikkerhedskopi",
                f"Erstat databasen med sikkerhedskopien fra {chosen.created:%d-%m-%Y %H:%M}?\n\n"
                "Den nuværende database gemmes først som en ny sikkerhedskopi, så du kan fortryde ved at "
                "gendanne den.") != QMessageBox.StandardButton.Yes:
            return
        try:
            result = self.context.restore(chosen.path)
        except DispoError as ex:
            QMessageBox.warning(self, "Gendannelse", str(ex))
            return
        self.refresh()
        self.status.setText(f"Databasen er gendannet fra {chosen.path.name}. Den hidtidige er gemt som "
                            f"{result['safety_backup']}; gendan den for at fortryde.")
