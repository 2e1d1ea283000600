"""Target groups (målgrupper): the list she maintains, and a citizen's group (issue #16)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QWidget

from core.budget_year import breakdowns
from core.errors import DispoError
from gui.common.undo import push_done
from gui.common.widgets import mark_edits

NONE = "(ingen)"


class TargetGroupField(QWidget):
    """"Målgruppe: [combo]" for one citizen; a change is saved at once and can be undone."""

    def __init__(self, context, citizen_id: int, parent=None):
        super().__init__(parent)
        self.context, self.citizen_id = context, citizen_id
        self.box = mark_edits(QComboBox(objectName="target_group"))
        label = QLabel("&Målgruppe")
        label.setBuddy(self.box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.box)
        self.reload()
        self.box.activated.connect(lambda _: self.choose(self.box.currentData()))
        context.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, area: str) -> None:
        if area in ("*", "citizens"):
            self.reload()

    def current(self) -> str:
        return breakdowns.target_group_of(self.context.db, self.citizen_id)

    def reload(self) -> None:
        current = self.current()
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItem(NONE, "")
        for name in breakdowns.target_groups(self.context.db):
            self.box.addItem(name, name)
        if current and self.box.findData(current) < 0:  # a retired group stays shown for her
            self.box.addItem(current, current)
        self.box.setCurrentIndex(self.box.findData(current))
        self.box.blockSignals(False)

    def choose(self, name: str) -> None:
        old, db = self.current(), self.context.db
        if name == old:
            return
        try:
            breakdowns.set_target_group(db, self.citizen_id, name)
        except DispoError as ex:
            QMessageBox.warning(self, "Målgruppe", str(ex))
            self.reload()
            return
        push_done(self.context, "Skift målgruppe", "citizens",
                  lambda: breakdowns.set_target_group(db, self.citizen_id, name),
                  lambda: breakdowns.set_target_group(db, self.citizen_id, old))
        self.context.notify_changed("citizens")


def add_target_group(parent, context) -> str | None:
    """Ask for a new target group's name and add it to the list."""
    name, ok = QInputDialog.getText(parent, "Ny målgruppe", "Navn på målgruppen (fx Sindslidende):")
    if not ok or not name.strip():
        return None
    try:
        return breakdowns.add_target_group(context.db, name)
    except DispoError as ex:
        QMessageBox.warning(parent, "Ny målgruppe", str(ex))
        return None
