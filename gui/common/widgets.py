"""Widgets the screens share: a filterable table, Danish date fields, form dialogs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from core.errors import DispoError, ValidationError
from core.followup.monthly_cycle import latest_month
from core.money import InvalidNumber, format_date, parse_date
from gui.common.headers import fit_table
from gui.common.models import Column, PreparedRows, RecordFilterProxy, RecordModel

ERROR_STYLE = "color: #b00020;"


# ------------------------------------------------------------------ tables

def selection_tsv(view: QTableView) -> str:
    """The selected cells of ``view`` as tab-separated text, rows in the order shown.

    Every row and column with a selected cell is included; unselected cells among them are
    left empty, so that columns stay aligned when pasted into Excel.
    """
    indexes = view.selectionModel().selectedIndexes()
    if not indexes:
        return ""
    rows = sorted({i.row() for i in indexes})
    columns = sorted({i.column() for i in indexes}, key=view.horizontalHeader().visualIndex)
    cells = {(i.row(), i.column()): str(i.data() or "") for i in indexes}
    return "\n".join("\t".join(cells.get((r, c), "") for c in columns) for r in rows) + "\n"


class RecordTable(QTableView):
    """A sortable, read-only table; Ctrl+C copies the selected cells for Excel."""

    activated_record = Signal(object)  # Enter or double-click on a row

    def __init__(self, parent=None):
        super().__init__(parent)
        fit_table(self)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setStretchLastSection(True)
        self.doubleClicked.connect(lambda index: self._activate())

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate()
            return
        super().keyPressEvent(event)

    def _activate(self) -> None:
        record = self.current_record()
        if record is not None:
            self.activated_record.emit(record)

    def copy_selection(self) -> None:
        text = selection_tsv(self)
        if text:
            QGuiApplication.clipboard().setText(text)

    def current_record(self):
        index = self.currentIndex()
        if not index.isValid():
            return None
        proxy = self.model()
        return proxy.sourceModel().record(proxy.mapToSource(index).row())


def focus_search(field: QLineEdit) -> None:
    field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    field.selectAll()


def find_key(owner: QWidget, field: QLineEdit) -> QShortcut:
    """Ctrl+F (the platform's Find key) anywhere in ``owner`` puts the cursor in its search
    field ``field``, its text selected to be typed over."""
    key = QShortcut(QKeySequence.StandardKey.Find, owner, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
    key.activated.connect(lambda: focus_search(field))
    return key


class TablePanel(QWidget):
    """A filter field above a ``RecordTable`` on one model and its filter proxy (``lazy`` and
    ``tooltips``: see ``RecordModel``); ``filters`` is the row of the filter field, for more filters.

    Ctrl+F in the panel's window focuses the filter field.
    """

    def __init__(self, columns: list[Column], key: Callable[[Any], Any] | None = None,
                 placeholder: str = "Filtrér (skriv for at søge i alle kolonner) …", parent=None, *,
                 lazy: bool = False, tooltips: bool = False):
        super().__init__(parent)
        self.model = RecordModel(columns, key, self, lazy=lazy, tooltips=tooltips)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filter")
        self.filter_edit.setPlaceholderText(placeholder)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.table = RecordTable()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # core's order first
        self.count_label = QLabel()
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.filter_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        find_key(self, self.filter_edit)

    def focus_filter(self) -> None:
        focus_search(self.filter_edit)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} af {total}" if shown != total else f"{total} i alt")

    def set_records(self, records: list | PreparedRows, keep_key=None) -> None:
        """Show ``records`` (or rows prepared off the GUI thread); the row with key ``keep_key``
        (or else the current one) stays current."""
        if keep_key is None:
            current = self.table.current_record()
            keep_key = self.model.key(current) if current is not None and self.model.key else None
        column = max(self.table.currentIndex().column(), 0)
        first_load = self.model.rowCount() == 0
        if isinstance(records, PreparedRows):
            self.model.set_prepared(records)
        else:
            self.model.set_records(records)
        if keep_key is not None:
            self.select_key(keep_key, column)
        if first_load:  # later loads keep the widths the user may have set
            self.table.resizeColumnsToContents()

    def select_key(self, key, column: int = 0) -> bool:
        """Make the record with ``key`` current (if it is shown)."""
        row = self.model.row_of(key)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, column))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True


# ------------------------------------------------------------------ fields

class DateField(QLineEdit):
    """A date typed the Danish way (``31-10-2026``, ``1.3.2026``); shown as ``DD-MM-ÅÅÅÅ``.

    Its text goes to core, which parses and validates it; on leaving the field a date that
    can be read is rewritten in the standard form.
    """

    def __init__(self, value: dt.date | None = None, parent=None):
        super().__init__(format_date(value), parent)
        self.setPlaceholderText("DD-MM-ÅÅÅÅ")
        self.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        day = self.date()
        if day is not None and self.text() != format_date(day):
            self.setText(format_date(day))

    def date(self) -> dt.date | None:
        """The date typed, or ``None`` when empty or unreadable."""
        try:
            return parse_date(self.text()) if self.text().strip() else None
        except InvalidNumber:
            return None


LARGE_DIALOG = (1300, 720)  # a large dialog over a large window stays a dialog


def size_to_window(dialog: QWidget, parent: QWidget | None) -> None:
    """Make ``dialog`` (the import wizard, the print preview) as large as the window it opens over
    allows, at most ``LARGE_DIALOG``, never smaller than it is: on a 1366 × 768 laptop its table or
    pages get the screen's room (a month's bookings without sideways scrolling)."""
    if parent is None:
        return
    room = parent.window().size()
    dialog.resize(max(dialog.width(), min(room.width() - 40, LARGE_DIALOG[0])),
                  max(dialog.height(), min(room.height() - 40, LARGE_DIALOG[1])))


def add_labelled(row: QHBoxLayout, pairs) -> None:
    """Add (label, widget) pairs to a tool row, each label the buddy of its widget (so that its
    mnemonic, ``&År``, focuses the widget); a pair without a label adds the widget alone."""
    for label, widget in pairs:
        if label:
            text = QLabel(label)
            text.setBuddy(widget)
            row.addWidget(text)
        row.addWidget(widget)


def combo(items: list[tuple[str, Any]], current: Any = None) -> QComboBox:
    """A combo box of (label, value) pairs with ``current`` selected."""
    box = QComboBox()
    for label, value in items:
        box.addItem(label, value)
    index = box.findData(current)
    if index >= 0:
        box.setCurrentIndex(index)
    return box


def widget_value(widget: QWidget):
    """What a form widget holds, as core expects it (text for dates and numbers)."""
    if isinstance(widget, QComboBox):
        return widget.currentData() if widget.currentData() is not None or not widget.isEditable() \
            else widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QSpinBox):
        return widget.value()
    return widget.text()


def _changed_signal(widget: QWidget):
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged if not widget.isEditable() else widget.currentTextChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    return widget.textChanged


_LEAVING_A_FIELD = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)


class FormDialog(QDialog):
    """A dialog of labelled fields with a Danish error message next to each.

    Args:
        fields: (key, label, widget) in display order; keys are core's field names.
        submit: called with the values on OK; raising ``ValidationError`` shows its
            problems next to the fields and keeps the dialog open, any other
            ``DispoError`` is shown below the fields.
        validate: if given, called on every change; while it raises ``ValidationError``
            the problems are shown and OK is disabled. A problem is shown only for a field
            she has reached: one she typed in or left, or one before such a field (so a new
            dialog opens without red errors); OK shows every problem.
    """

    def __init__(self, title: str, fields: list[tuple[str, str, QWidget]], submit: Callable[[dict], None],
                 parent=None, validate: Callable[[dict], None] | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields = {key: widget for key, _, widget in fields}
        self.errors: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self._submit, self._validate = submit, validate
        self._order = [key for key, _, _ in fields]
        self._reached = -1  # the furthest field (index) she has typed in or left
        grid = QGridLayout()
        for row, (key, label, widget) in enumerate(fields):
            widget.setObjectName(key)
            caption = QLabel(label)
            caption.setBuddy(widget)
            self.captions[key] = caption
            error = QLabel()
            error.setObjectName(f"error_{key}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            self.errors[key] = error
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row, 2)
            _changed_signal(widget).connect(lambda *_, r=row: self._reach(r))
            widget.installEventFilter(self)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(2, 240)
        self.general_error = QLabel()
        self.general_error.setObjectName("error_general")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.revalidate()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def values(self) -> dict:
        return {key: widget_value(widget) for key, widget in self.fields.items()}

    def show_field(self, key: str, shown: bool) -> None:
        """Show or hide a field's row (caption, widget and message), e.g. fields only some records have."""
        for widget in (self.captions[key], self.fields[key], self.errors[key]):
            widget.setVisible(shown)

    # core's name of a problem -> the field that shows it, where they differ
    PROBLEM_FIELDS: dict[str, str] = {}

    def _reach(self, row: int) -> None:
        self._reached = max(self._reached, row)
        self.revalidate()

    def eventFilter(self, watched, event) -> bool:
        # leaving a field inside the dialog (not the window losing focus to another one)
        if event.type() == QEvent.Type.FocusOut and self.isVisible() and watched in self.fields.values() \
                and event.reason() in _LEAVING_A_FIELD:
            row = list(self.fields.values()).index(watched)
            if row > self._reached:
                self._reach(row)
        return super().eventFilter(watched, event)

    def show_problems(self, problems: dict[str, str], general: str = "") -> None:
        problems = {self.PROBLEM_FIELDS.get(key, key): msg for key, msg in problems.items()}
        reached = set(self._order[:self._reached + 1])
        problems = {key: msg for key, msg in problems.items() if key in reached or key not in self.errors}
        if self._reached < 0:
            problems = {}
        rest = [msg for key, msg in problems.items() if key not in self.errors]
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
        self.general_error.setText("\n".join([general, *rest]).strip())

    def revalidate(self) -> bool:
        """Run the live validation (if any); returns whether the form is valid."""
        if self._validate is None:
            return True
        try:
            self._validate(self.values())
        except ValidationError as ex:
            self.show_problems(ex.problems)
            shown = any(label.text() for label in self.errors.values()) or bool(self.general_error.text())
            self.ok_button.setEnabled(not shown)  # OK stays on until a problem is shown: it shows them all
            return False
        self.show_problems({})
        self.ok_button.setEnabled(True)
        return True

    def submit(self) -> None:
        self._reached = len(self._order) - 1  # saving reaches every field: show every problem
        if not self.revalidate():
            return
        try:
            self._submit(self.values())
        except ValidationError as ex:
            self.show_problems(ex.problems)
            return
        except DispoError as ex:
            self.show_problems({}, str(ex))
            return
        self.accept()


# ------------------------------------------------------------------ screens

class Screen(QWidget):
    """Base of a screen: reloads when one of its ``AREAS`` changes while it is shown.

    A hidden screen is not reloaded; the main window calls ``refresh`` when it shows one.
    """

    TITLE = ""
    AREAS: tuple[str, ...] = ()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, area: str) -> None:
        if (area == "*" or area in self.AREAS) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the screen's data again from core."""
        raise NotImplementedError


def mark_edits(*controls: QWidget):
    """Mark widgets or actions that change data: the main window disables them while the
    database is read-only (another Dispo writes to it). Returns the first."""
    for control in controls:
        control.setProperty(EDITS_PROPERTY, True)
    return controls[0]


EDITS_PROPERTY = "dispo_edits"


def when_enabled(control: QWidget, slot: Callable[[], Any]) -> Callable[[], Any]:
    """``slot``, run only while ``control`` is enabled: a shortcut or a double-click that does
    what a button does must not work when the button is off (e.g. read-only)."""
    return lambda *_: slot() if control.isEnabled() else None


def button(text: str, slot: Callable[[], None], shortcut: str | QKeySequence | None = None,
           parent: QWidget | None = None,
           context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut, *, edits: bool = False) -> QPushButton:
    """A push button with an optional shortcut, which works only while the button is enabled.

    The shortcut belongs to ``parent`` (the screen, a tab or a table): with the default
    window context it works anywhere in the main window while ``parent`` is visible, so
    only the screen shown reacts. ``edits``: the button changes data (see ``mark_edits``).
    """
    push = QPushButton(text)
    push.clicked.connect(slot)
    if edits:
        mark_edits(push)
    if shortcut is not None:
        sequence = QKeySequence(shortcut)
        push.setToolTip(f"{text} ({sequence.toString(QKeySequence.SequenceFormat.NativeText)})")
        QShortcut(sequence, parent or push, context=context).activated.connect(when_enabled(push, slot))
    return push


# ------------------------------------------------------------------ the month to work on

class NewestMonth:
    """Keeps a screen's year and month boxes on the month of the newest booking (Månedens gang's
    month) until she, or Månedens gang, sets another: ``follow()`` on each refresh moves them only
    while they still show the month last put there, so her first import of bookings moves them
    from the month before today to the bookings' month."""

    def __init__(self, db, year_box: QSpinBox, month_box: QComboBox):
        self.year_box, self.month_box = year_box, month_box
        self.shown: tuple[int, int] | None = None
        self.follow(db)

    def follow(self, db) -> None:
        now = (self.year_box.value(), self.month_box.currentIndex() + 1)
        if self.shown is not None and now != self.shown:
            return  # another month was chosen
        self.shown = latest_month(db)
        for box in (self.year_box, self.month_box):
            box.blockSignals(True)
        self.year_box.setValue(self.shown[0])
        self.month_box.setCurrentIndex(self.shown[1] - 1)
        for box in (self.year_box, self.month_box):
            box.blockSignals(False)
