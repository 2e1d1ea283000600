"""The VUM assessment dialog: scores 0-4 per theme, the suggested category, confirm or override."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QFormLayout, QGroupBox, QLabel,
                               QLineEdit, QPlainTextEdit, QVBoxLayout)

from core import vum
from core.register.catalogue import vum_categories
from core.errors import ValidationError
from gui.vum.vum_undo import push_new_row
from gui.common.models import show_cpr
from gui.vum.vum_widgets import dialog_footer


class AssessmentDialog(QDialog):
    """Record one assessment of a citizen (optionally for one facility) through core."""

    def __init__(self, context, cpr: str, name: str = "", provider_id: int | None = None, facility: str = "",
                 parent=None):
        super().__init__(parent)
        self.context, self.cpr, self.provider_id = context, cpr, provider_id
        self.saved_id: int | None = None
        db = context.db
        self.rule = vum.category_rule(db)
        self.setWindowTitle("VUM-vurdering")
        layout = QVBoxLayout(self)
        self._who = (name or "Borger", facility)
        self.who = QLabel()
        self._show_who()
        context.cpr_masking_changed.connect(self._show_who)
        layout.addWidget(self.who)

        form = QFormLayout()
        self.date = QDateEdit(QDate.currentDate())
        self.date.setDisplayFormat("dd-MM-yyyy")
        self.date.setCalendarPopup(True)
        form.addRow("&Dato:", self.date)
        self.assessor = QLineEdit()
        form.addRow("&Vurderet af:", self.assessor)
        layout.addLayout(form)

        box = QGroupBox("Scorer pr. tema (ICF 0–4)")
        scores_form = QFormLayout(box)
        self.score_boxes: dict[str, QComboBox] = {}
        for theme in vum.themes(db):
            combo = QComboBox()
            combo.addItem("ikke scoret", None)
            for score, label in enumerate(vum.SCORE_LABELS):
                combo.addItem(f"{score} – {label}", score)
            combo.currentIndexChanged.connect(self._update_suggestion)
            scores_form.addRow(theme.text + ":", combo)
            self.score_boxes[theme.code] = combo
        layout.addWidget(box)

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Note")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        layout.addWidget(self.note)

        self.suggestion = QLabel()
        layout.addWidget(self.suggestion)
        rule_text = QLabel(self.rule.text())
        rule_text.setWordWrap(True)
        rule_text.setObjectName("rule_text")
        layout.addWidget(rule_text)

        decide = QFormLayout()
        self.category = QComboBox()
        for row in vum_categories(db):
            self.category.addItem(f"{row['code']} – {row['label']} ({row['band']})", row["code"])
        self.category.activated.connect(self._category_chosen)
        self.category.currentIndexChanged.connect(self._update_fields)
        decide.addRow("&Kategori:", self.category)
        self.hours = QLineEdit()
        self.hours.setPlaceholderText("timer pr. uge")
        decide.addRow("Individuelle &timer (F):", self.hours)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("kræves når kategorien afviger fra forslaget")
        decide.addRow("&Begrundelse:", self.reason)
        layout.addLayout(decide)

        self.error = dialog_footer(self, layout, "Gem vurdering")
        self._overridden = False
        self._update_suggestion()

    # -------------------------------------------------------------- state

    def _show_who(self, *_) -> None:
        name, facility = self._who
        self.who.setText(f"<b>{name}</b> ({show_cpr(self.cpr)})" + (f" – {facility}" if facility else ""))

    def scores(self) -> dict[str, int]:
        return {code: box.currentData() for code, box in self.score_boxes.items() if box.currentData() is not None}

    def set_score(self, theme_code: str, score: int | None) -> None:
        box = self.score_boxes[theme_code]
        box.setCurrentIndex(box.findData(score) if score is not None else 0)

    def suggested(self) -> str | None:
        return self.rule.suggest(self.scores())

    def chosen(self) -> str:
        return self.category.currentData()

    def choose_category(self, code: str) -> None:
        """Choose a category as the user would (an override when it differs from the suggestion)."""
        self.category.setCurrentIndex(self.category.findData(code))
        self._category_chosen()

    def _category_chosen(self, *_):
        self._overridden = self.chosen() != self.suggested()
        self._update_fields()

    def _update_suggestion(self, *_):
        suggested = self.suggested()
        if suggested is None:
            self.suggestion.setText("Foreslået kategori: ingen (ingen temaer er scoret) – vælg selv en kategori")
        else:
            self.suggestion.setText(f"<b>Foreslået kategori: {suggested}</b>")
            if not self._overridden:
                self.category.setCurrentIndex(self.category.findData(suggested))
        self._update_fields()

    def _update_fields(self, *_):
        self.hours.setEnabled(self.chosen() == vum.CATEGORIES[-1])
        differs = self.suggested() is not None and self.chosen() != self.suggested()
        self.reason.setEnabled(differs)

    # -------------------------------------------------------------- saving

    def accept(self) -> None:
        day = self.date.date()
        try:
            new_id = vum.record_assessment(
                self.context.db, cpr=self.cpr, date=dt.date(day.year(), day.month(), day.day()),
                assessor=self.assessor.text(), scores=self.scores(), provider_id=self.provider_id,
                note=self.note.toPlainText(), category=self.chosen(),
                hours=self.hours.text() if self.hours.isEnabled() else None,
                reason=self.reason.text() if self.reason.isEnabled() else "")
        except ValidationError as ex:
            self.error.setText(str(ex))
            return
        self.saved_id = new_id
        push_new_row(self.context, f"VUM-vurdering af {self.cpr[:6]}", "vum_assessments", new_id)
        super().accept()
