"""VUM settings: the category rule (measure and steps), the significant-change threshold,
the re-assessment limit and the theme catalogue."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QTableView, QVBoxLayout)

from core import vum
from core.errors import ValidationError
from core.money import InvalidNumber, format_number, to_decimal
from core.vum.rule import parse_rule, save_settings, settings_keys
from gui.vum.vum_widgets import Column, dialog_footer
from gui.common.models import RecordModel
from gui.vum.vum_undo import RowsChange, capture


class SettingsDialog(QDialog):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        db = context.db
        self.setWindowTitle("VUM-indstillinger")
        layout = QVBoxLayout(self)
        rule = vum.category_rule(db)

        form = QFormLayout()
        self.measure = QComboBox()
        self.measure.addItem("Gennemsnit af de scorede temaer", "gennemsnit")
        self.measure.addItem("Højeste score", "maksimum")
        self.measure.setCurrentIndex(self.measure.findData(rule.measure))
        self.measure.currentIndexChanged.connect(self._preview)
        form.addRow("&Mål:", self.measure)
        layout.addLayout(form)

        starts = {category: start for start, category in rule.steps}
        self.steps = [[c, starts.get(c)] for c in vum.CATEGORIES]
        self.steps_model = RecordModel([
            Column("Kategori", lambda r: r[0]),
            Column("Fra værdi (tom = bruges ikke)", lambda r: r[1],
                   lambda v: "" if v is None else format_number(v, 2), numeric=True, editable=True),
        ], parent=self, on_edit=self._edit_step, tooltips=True)
        self.steps_model.set_records(self.steps)
        steps_view = QTableView()
        steps_view.setModel(self.steps_model)
        steps_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(steps_view)
        self.rule_text = QLabel()
        self.rule_text.setWordWrap(True)
        layout.addWidget(self.rule_text)

        form = QFormLayout()
        self.threshold = QLineEdit(format_number(vum.significant_change_pct(db)))
        form.addRow("Væsentlig ændring ved mere end (%):", self.threshold)
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(vum.reassessment_months(db))
        form.addRow("Revurdering efter (måneder):", self.months)
        layout.addLayout(form)

        self.theme_rows = [[t.code, t.text, t.active] for t in vum.themes(db, include_inactive=True)]
        self.themes_model = RecordModel([
            Column("Tema", lambda r: r[1], editable=True),
            Column("Aktiv", lambda r: r[2], lambda v: "ja" if v else "nej", editable=True),
        ], parent=self, on_edit=self._edit_theme, tooltips=True)
        self.themes_model.set_records(self.theme_rows)
        themes_view = QTableView()
        themes_view.setModel(self.themes_model)
        themes_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(QLabel("VUM-temaer (skriv 'nej' under Aktiv for at skjule et tema):"))
        layout.addWidget(themes_view)
        add = QHBoxLayout()
        self.new_theme = QLineEdit()
        self.new_theme.setPlaceholderText("Nyt tema")
        add_button = QPushButton("&Tilføj tema")
        add_button.clicked.connect(self.add_theme)
        add.addWidget(self.new_theme, 1)
        add.addWidget(add_button)
        layout.addLayout(add)

        self.error = dialog_footer(self, layout, "Gem")
        self._preview()

    def _edit_step(self, row: int, column: int, value) -> bool:
        text = str(value or "").strip()
        try:
            self.steps[row][1] = to_decimal(text) if text else None
        except InvalidNumber:
            return False
        self._preview()
        return True

    def _edit_theme(self, row: int, column: int, value) -> bool:
        if column == 0:
            if not str(value).strip():
                return False
            self.theme_rows[row][1] = " ".join(str(value).split())
        else:
            self.theme_rows[row][2] = str(value).strip().lower() in ("ja", "j", "1", "true", "aktiv")
        return True

    def add_theme(self) -> None:
        text = " ".join(self.new_theme.text().split())
        if text:
            self.theme_rows.append([text, text, True])
            self.themes_model.set_records(self.theme_rows)
            self.new_theme.clear()

    def rule_data(self) -> dict:
        return {"measure": self.measure.currentData(),
                "steps": [[str(start), c] for c, start in sorted(
                    ((c, s) for c, s in self.steps if s is not None), key=lambda x: x[1])]}

    def _preview(self, *_):
        try:
            self.rule_text.setText(parse_rule(self.rule_data()).text())
        except ValidationError as ex:
            self.rule_text.setText(f"Reglen er ikke gyldig: {ex}")

    def accept(self) -> None:
        changes = [(code, text, active) for code, text, active in self.theme_rows]
        keys = settings_keys(self.context.db, changes)
        before = capture(self.context, keys)
        try:
            save_settings(self.context.db, rule=self.rule_data(), threshold=self.threshold.text(),
                          months=self.months.value(), theme_changes=changes)
        except ValidationError as ex:
            self.error.setText(str(ex))
            return
        self.context.undo_stack.push(RowsChange(self.context, "VUM-indstillinger", keys, before))
        self.context.notify_changed("vum")
        super().accept()

