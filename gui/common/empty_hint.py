"""What an empty table says: what to do next, with a link that does it.

``EmptyHint`` lies over a table's viewport while the table has no rows ("Ingen importer
endnu. Importér den første fil …") and hides itself as soon as there are rows.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyHint(QLabel):
    def __init__(self, view: QAbstractItemView, text: str, link: str | None = None,
                 action: Callable[[], object] | None = None, condition: Callable[[], bool] | None = None):
        super().__init__(view.viewport())
        self.setObjectName("empty_hint")
        self.view = view
        self.action = action
        self.condition = condition
        html = f"<p>{text}</p>"
        if link and action is not None:
            html += f'<p><a href="do">{link}</a></p>'
        self.setText(html)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("color: palette(dark); font-size: 11pt;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.linkActivated.connect(lambda _link: self.action() if self.action else None)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_visibility)
        self._place()
        self.update_visibility()

    def update_visibility(self, *_) -> None:
        model = self.view.model()
        empty = model is not None and model.rowCount() == 0
        try:
            self.setVisible(empty and (self.condition is None or self.condition()))
        except Exception:  # noqa: BLE001 - a hint must never break a screen (e.g. a closed database)
            self.setVisible(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        rect = self.view.viewport().rect().adjusted(20, 10, -20, -10)
        self.setGeometry(rect)
