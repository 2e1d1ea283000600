"""The follow-up's screens: Månedens gang, reconciliation, validation, the follow-up, approval."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTableView


def wrap_rows(view: QTableView) -> QTimer:
    """Wrap ``view``'s long texts (remarks, findings) onto more lines instead of cutting them to a
    tooltip on a laptop's screen; the rows grow once the header has fitted the columns. Start the
    returned timer after filling the table."""
    view.setWordWrap(True)
    fitting = QTimer(view, singleShot=True, interval=0)
    fitting.timeout.connect(view.resizeRowsToContents)
    view.horizontalHeader().sectionResized.connect(lambda *_: fitting.start())
    return fitting
