"""Månedens gang: the start screen. The chosen month's six steps (import → reconcile →
validate → follow up → approve → report), each with its state and one button that does it.

The states come from ``core.followup.monthly_cycle`` (computed off the GUI thread); the buttons
open the screen or dialog of the step in the main window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from core.followup import monthly_cycle
from core.followup.approval import MONTHS
from gui.common.workers import Runner

# the screen each step opens (its navigation title), or a method of the main window
STEP_TARGETS = {"import": "open_import", "reconcile": "Afstemning", "validate": "Datavalidering",
                "followup": "Budgetopfølgning", "approve": "Godkend måned", "report": "Rapporter"}
DEFAULT_ACTIONS = {"import": "Importér …", "reconcile": "Åbn afstemningen", "validate": "Åbn valideringen",
                   "followup": "Åbn opfølgningen", "approve": "Godkend …", "report": "Skriv rapport …"}
STATE_STYLE = {monthly_cycle.DONE: ("✓", "#1b7a30"), monthly_cycle.OPEN: ("○", "#555555"),
               monthly_cycle.PROBLEMS: ("!", "#b3261e")}


class Screen(QWidget):
    TITLE = "Månedens gang"
    HELP = "maanedens-gang"

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.steps: list[monthly_cycle.Step] = []
        self.job = Runner(self)
        self.job.finished.connect(self._show_steps)
        self.job.failed.connect(lambda message: self.status.setText(message))
        self._chosen = False
        self._auto = False  # the month shown is the newest booking's, not one she chose
        self._readonly = False

        self.year = QSpinBox(objectName="year", minimum=1900, maximum=2200)
        self.month = QComboBox(objectName="month")
        for i, name in enumerate(MONTHS, start=1):
            self.month.addItem(name.capitalize(), i)
        head = QHBoxLayout()
        title = QLabel("<h2>Månedens gang</h2>")
        head.addWidget(title)
        head.addStretch(1)
        month_label = QLabel("&Måned:")
        month_label.setBuddy(self.month)
        head.addWidget(month_label)
        head.addWidget(self.month)
        head.addWidget(self.year)
        self.year.valueChanged.connect(lambda _: self._picked())
        self.month.currentIndexChanged.connect(lambda _: self._picked())

        intro = QLabel("Gør trinene i rækkefølge hver måned. Hvert trin viser, hvor langt måneden er, "
                       "og knappen til højre gør det næste.")
        intro.setWordWrap(True)
        self.status = QLabel(objectName="status")
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(10)
        self.rows: dict[str, tuple[QLabel, QLabel, QLabel, QPushButton]] = {}
        for i, key in enumerate(monthly_cycle.STEPS):
            badge = QLabel(objectName=f"{key}_state")
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            badge.setMinimumWidth(110)
            title_label = QLabel(objectName=f"{key}_title")
            summary = QLabel(objectName=f"{key}_summary")
            summary.setWordWrap(True)
            action = QPushButton(DEFAULT_ACTIONS[key], objectName=f"{key}_action")
            action.clicked.connect(lambda _=False, k=key: self.act(k))
            self.grid.addWidget(title_label, i, 0)
            self.grid.addWidget(badge, i, 1)
            self.grid.addWidget(summary, i, 2)
            self.grid.addWidget(action, i, 3)
            self.rows[key] = (title_label, badge, summary, action)
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setLayout(self.grid)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addWidget(self.status)
        layout.addStretch(1)
        context.data_changed.connect(lambda _area: self.refresh() if self.isVisible() else None)

    def choose_month(self, year: int, month: int) -> None:
        self._chosen = True
        self._auto = False
        self.year.blockSignals(True)
        self.month.blockSignals(True)
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)
        self.year.blockSignals(False)
        self.month.blockSignals(False)
        self._load()

    @property
    def period(self) -> tuple[int, int]:
        return self.year.value(), self.month.currentData()

    def _picked(self) -> None:
        self._auto = False
        self._load()

    def refresh(self) -> None:
        # the month of the newest booking, until she picks another: after her first import of
        # bookings that is their month, not the month before today chosen on the empty database
        if not self._chosen or self._auto:
            self.choose_month(*monthly_cycle.latest_month(self.context.db))
            self._auto = True
            return
        self._load()

    def _load(self) -> None:
        year, month = self.period
        self.status.setText("Henter månedens status …")
        self.job.start(self.context.db_path, lambda db: monthly_cycle.cycle(db, year, month))

    def _show_steps(self, steps: list) -> None:
        self.steps = steps
        self.status.setText("")
        for number, step in enumerate(steps, start=1):
            title_label, badge, summary, action = self.rows[step.key]
            title_label.setText(f"<b>{number}. {step.title}</b>")
            mark, colour = STATE_STYLE[step.state]
            text = step.state_label if step.count in (None, 0) or step.state == monthly_cycle.DONE \
                else f"{step.state_label} ({step.count})"
            badge.setText(f"{mark} {text}")
            badge.setStyleSheet(f"color: {colour}; font-weight: bold;")
            summary.setText(step.summary)
            action.setText(step.action)
        self._enable_actions()

    def _imports(self, key: str) -> bool:
        """Whether the step's button opens the import wizard (which changes data)."""
        if key == "import":
            return True
        followup = next((s for s in self.steps if s.key == "followup"), None)
        return key == "followup" and followup is not None and followup.state == monthly_cycle.OPEN \
            and followup.count == 0

    def _enable_actions(self) -> None:
        for key, (_, _, _, action) in self.rows.items():
            action.setEnabled(not (self._readonly and self._imports(key)))

    def set_readonly(self, readonly: bool) -> None:
        """Read-only (another Dispo writes): the buttons that import are off; the others only show."""
        self._readonly = readonly
        self._enable_actions()

    def act(self, key: str) -> None:
        """Do the step: open its screen (on the chosen month) or the import wizard."""
        window = self.window()
        target = "open_import" if self._imports(key) else STEP_TARGETS[key]  # no budget: import it
        if target == "open_import":
            if hasattr(window, "open_import"):
                window.open_import()
            return
        if hasattr(window, "go_to"):
            window.go_to(target, *self.period)
