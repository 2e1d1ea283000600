"""Indstillinger: one dialog made from ``core.store.settings.SETTINGS`` (a tab per group).

Each setting shows its Danish label, value and description. A value is checked when she
leaves its field and again when she saves, never while she types; saving stores every
changed setting in one transaction (each change in the audit log).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QTabWidget, QVBoxLayout, QWidget)

from core.store import settings
from core.errors import DispoError, ValidationError
from core.money import format_number
from gui.common.help_dialog import help_key
from gui.common.widgets import ERROR_STYLE, mark_edits


def setting_text(setting: settings.Setting, value) -> str:
    """A setting's value as she would type it (Danish numbers; empty when not set)."""
    if value is None:
        return ""
    if setting.kind in ("amount", "percent"):
        return format_number(value)
    return str(value)


def apply_font_size(points: int) -> None:
    """Dispo's windows in ``points`` (0: the system's size)."""
    app = QApplication.instance()
    if app is None:
        return
    default = app.property("dispo_default_point_size")
    if default is None:
        default = app.font().pointSizeF()
        app.setProperty("dispo_default_point_size", default)
    font = app.font()
    font.setPointSizeF(float(points) if points else float(default))
    app.setFont(font)


class SettingsDialog(QDialog):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Indstillinger")
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.initial: dict[str, str] = {}
        self.tabs = QTabWidget()
        pages: dict[str, QFormLayout] = {}
        for setting in settings.SETTINGS.values():
            if setting.group not in pages:
                page = QWidget()
                pages[setting.group] = QFormLayout(page)
                self.tabs.addTab(page, setting.group)
            form = pages[setting.group]
            text = setting_text(setting, settings.get(context.db, setting.name))
            edit = QLineEdit(text, objectName=setting.name)
            edit.setToolTip(setting.description)
            edit.editingFinished.connect(lambda name=setting.name: self.check(name))
            mark_edits(edit)
            description = QLabel(setting.description, wordWrap=True)
            description.setStyleSheet("color: palette(mid);")
            error = QLabel(objectName=f"error_{setting.name}", wordWrap=True)
            error.setStyleSheet(ERROR_STYLE)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(description)
            box.addWidget(error)
            label = QLabel(setting.label + ":", wordWrap=True)
            label.setBuddy(edit)
            form.addRow(label, box)
            self.fields[setting.name], self.errors[setting.name] = edit, error
            self.initial[setting.name] = text
        self.general_error = QLabel(objectName="error_general", wordWrap=True)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Gem")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        mark_edits(self.save_button)
        self.save_button.setEnabled(not context.readonly)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(620, 460)
        help_key(self, "indstillinger")

    @property
    def save_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def changed(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.fields.items() if edit.text().strip() != self.initial[name]}

    def check(self, name: str) -> bool:
        """Check one field (when she leaves it): its error shown next to it, or cleared."""
        text = self.fields[name].text()
        if text.strip() == self.initial[name]:
            self.errors[name].setText("")
            return True
        try:
            settings.parse(name, text)
        except ValidationError as ex:
            self.errors[name].setText(" ".join(ex.problems.values()))
            return False
        self.errors[name].setText("")
        return True

    def save(self) -> None:
        changed = self.changed()
        bad = [name for name in changed if not self.check(name)]
        if bad:
            tab = self.tabs.indexOf(self.fields[bad[0]].parentWidget())
            if tab >= 0:
                self.tabs.setCurrentIndex(tab)
            self.general_error.setText("Ret de markerede værdier, før der gemmes.")
            return
        try:
            settings.set_values(self.context.db, changed)
        except DispoError as ex:
            self.general_error.setText(str(ex))
            return
        if "ui.font_size" in changed:
            apply_font_size(settings.get(self.context.db, "ui.font_size"))
        if changed:
            self.context.notify_changed("settings")
        self.accept()
