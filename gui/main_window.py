"""The main window: navigation on the left, one screen at a time on the right."""

from __future__ import annotations

import calendar
import importlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QListWidget,
                               QMainWindow, QMessageBox, QSpinBox, QStackedWidget, QTableView, QWidget)

from core.errors import DispoError
from core.store import contents
from core.store.storage import remember_database
from gui.common.about_dialog import AboutDialog
from gui.common.context import AppContext
from gui.common.empty_hint import EmptyHint
from gui.common.first_run import FirstRunWizard, apply_choice, needs_first_run
from gui.common.help_dialog import HelpDialog, section_for
from gui.common.opening import open_context
from gui.importing.import_wizard import ImportWizard
from gui.screens import EMPTY_HINTS, SCREEN_MODULES
from gui.common.widgets import EDITS_PROPERTY, mark_edits
from gui.store.backup_dialog import BackupDialog
from gui.store.settings_dialog import SettingsDialog


SCREEN_MIN_WIDTH = 520


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setWindowTitle("Dispo")
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)  # narrow: the tables of a 1366 × 768 laptop need the width
        self.stack = QStackedWidget()
        self.screens = []
        for name in SCREEN_MODULES:
            screen = importlib.import_module(name).Screen(context)
            # A screen whose tool row is wide must not force the whole window wider than a
            # laptop screen: it is squeezed instead (tables scroll).
            hint = screen.minimumSizeHint()
            screen.setMinimumSize(min(hint.width(), SCREEN_MIN_WIDTH), hint.height())
            self.screens.append(screen)
            self.nav.addItem(screen.TITLE)
            self.stack.addWidget(screen)
        if not self.screens:
            self.stack.addWidget(QLabel("Ingen skærmbilleder"))
        self._add_empty_hints()
        self.nav.currentRowChanged.connect(self._show)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.setAcceptDrops(True)
        self.readonly_label = QLabel()
        self.readonly_label.setObjectName("readonly_banner")
        self.statusBar().addPermanentWidget(self.readonly_label, 1)
        self.context.database_opened.connect(self._update_title)
        self.context.database_opened.connect(self._apply_readonly)
        self._update_title()
        self._apply_readonly()
        self._restore_geometry()
        if self.screens:
            self.nav.setCurrentRow(0)

    def _add_empty_hints(self) -> None:
        """Every empty table says what to do next and offers it (``gui.screens.EMPTY_HINTS``)."""
        actions = {"import": lambda: self.open_import(), "month": lambda: self.show_screen("Månedens gang")}
        self.empty_hints = {}
        for screen in self.screens:
            hints = EMPTY_HINTS.get(screen.TITLE, [])
            for name, text, link, action, what in hints if isinstance(hints, list) else [hints]:
                views = [v for v in screen.findChildren(QTableView) if name is None or v.objectName() == name]
                if not views or views[0].model() is None:
                    continue
                condition = None if what is None else (lambda w=what: contents.count(self.context.db, w) == 0)
                hint = EmptyHint(views[0], text, link, actions.get(action), condition)
                if action == "import":
                    mark_edits(hint)
                self.empty_hints.setdefault(screen.TITLE, []).append(hint)
                self.context.data_changed.connect(lambda _area, h=hint: h.update_visibility())

    def _build_menus(self) -> None:
        files = self.menuBar().addMenu("&Filer")
        open_action = QAction("Åbn database …", self, shortcut=QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.open_database)
        files.addAction(open_action)
        import_action = QAction("&Importér …", self, shortcut=QKeySequence("Ctrl+I"))
        import_action.triggered.connect(lambda: self.open_import())
        files.addAction(import_action)
        mark_edits(import_action)
        self.import_action = import_action
        backups_action = QAction("Sikkerhedskopier …", self)
        backups_action.triggered.connect(self.show_backups)
        files.addAction(backups_action)
        self.backups_action = backups_action
        files.addSeparator()
        quit_action = QAction("Afslut", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        files.addAction(quit_action)

        edit = self.menuBar().addMenu("&Rediger")
        undo = self.context.undo_stack.createUndoAction(self, "Fortryd")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.context.undo_stack.createRedoAction(self, "Annuller fortryd")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

        view = self.menuBar().addMenu("&Vis")
        mask = QAction("Skjul CPR-numre (vis kun fødselsdato)", self, checkable=True,
                       shortcut=QKeySequence("Ctrl+Shift+M"))
        mask.setChecked(self.context.cpr_masked)
        mask.toggled.connect(self.context.set_cpr_masked)
        view.addAction(mask)
        self.mask_cpr_action = mask
        # the screens from the keyboard: Ctrl+1 Månedens gang, Ctrl+2 Importer, … in the navigation's
        # order (the month's steps first), listed here so she can find the keys
        view.addSeparator()
        self.screen_actions = []
        for number, screen in enumerate(self.screens[:9], start=1):
            go = QAction(screen.TITLE, self, shortcut=QKeySequence(f"Ctrl+{number}"))
            go.triggered.connect(lambda _=False, title=screen.TITLE: self.show_screen(title))
            view.addAction(go)
            self.screen_actions.append(go)

        settings_action = QAction("&Indstillinger …", self, shortcut=QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.show_settings)
        files.insertAction(quit_action, settings_action)
        files.insertSeparator(quit_action)
        self.settings_action = settings_action

        help_menu = self.menuBar().addMenu("&Hjælp")
        guide = QAction("&Vejledning", self, shortcut=QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(lambda: self.show_help())
        help_menu.addAction(guide)
        self.help_action = guide
        about = QAction("Om Dispo", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.screens):
            self.stack.setCurrentIndex(row)
            self.screens[row].refresh()

    def screen(self, title: str):
        """The screen with this navigation title."""
        for s in self.screens:
            if s.TITLE == title:
                return s
        raise KeyError(title)

    def show_screen(self, title: str):
        for i, s in enumerate(self.screens):
            if s.TITLE == title:
                if self.nav.currentRow() == i:
                    s.refresh()  # already shown: setCurrentRow would not refresh it
                self.nav.setCurrentRow(i)
                return s
        raise KeyError(title)

    def go_to(self, title: str, year: int, month: int):
        """Show a screen on the month ``month`` of ``year`` (from Månedens gang): its year, month
        and as-of date are set where it has them, then it is refreshed."""
        screen = self.show_screen(title)
        if hasattr(screen, "set_period"):
            screen.set_period(year, month)
            return screen
        year_box = getattr(screen, "year", None)
        if isinstance(year_box, QSpinBox):
            year_box.setValue(year)
        month_box = getattr(screen, "month", None)
        if isinstance(month_box, QComboBox) and month_box.count() >= 12:
            month_box.setCurrentIndex(month - 1)
        as_of = getattr(screen, "as_of", None)
        if isinstance(as_of, QDateEdit):
            as_of.setDate(QDate(year, month, calendar.monthrange(year, month)[1]))
        screen.refresh()
        return screen

    def current_screen(self):
        row = self.nav.currentRow()
        return self.screens[row] if 0 <= row < len(self.screens) else None

    def show_help(self, section: str | None = None):
        """The user guide at ``section``, or at the section of the screen shown now (F1)."""
        if section is None:
            screen = self.current_screen()
            section = section_for(screen.TITLE if screen is not None else None)
        dialog = HelpDialog(section, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.help_dialog = dialog
        return dialog

    def show_settings(self):
        dialog = SettingsDialog(self.context, self)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def _update_title(self) -> None:
        suffix = " (skrivebeskyttet)" if self.context.readonly else ""
        self.setWindowTitle(f"Dispo – {self.context.db_path.name}{suffix}")

    def _apply_readonly(self) -> None:
        """In read-only mode (another Dispo writes to the file) nothing can be edited:
        undo/redo are off, tables do not start editing, every action (of the window or a
        screen) with the Qt property ``dispo_edits`` set is disabled, and every screen with
        a ``set_readonly(bool)`` method is told."""
        readonly = self.context.readonly
        self._update_title()
        self.readonly_label.setText(f"Skrivebeskyttet: {self.context.readonly_reason}" if readonly else "")
        self.readonly_label.setVisible(readonly)
        for action in (self.undo_action, self.redo_action):
            action.setVisible(not readonly)
        for screen in self.screens:
            for view in screen.findChildren(QAbstractItemView):
                saved = view.property("dispo_edit_triggers")
                if readonly:
                    if saved is None:
                        view.setProperty("dispo_edit_triggers", view.editTriggers())
                    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
                elif saved is not None:
                    view.setEditTriggers(saved)
                    view.setProperty("dispo_edit_triggers", None)
            if hasattr(screen, "set_readonly"):
                screen.set_readonly(readonly)
        for control in [*self.findChildren(QWidget), *self.findChildren(QAction)]:
            if control.property(EDITS_PROPERTY):
                control.setEnabled(not readonly)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Åbn database", str(self.context.db_path.parent),
                                              "Dispo-database (*.sqlite *.db);;Alle filer (*)")
        if not path:
            return
        try:
            open_context(Path(path), self, self.context)
        except DispoError as ex:
            QMessageBox.warning(self, "Databasen kan ikke åbnes", str(ex))
            return
        remember_database(path)
        self.set_up_if_new()

    def set_up_if_new(self) -> None:
        """A database without its municipality (a new file) gets the first-run guide's
        questions; the file itself is already chosen."""
        if not needs_first_run(self.context):
            return
        wizard = FirstRunWizard(self, fixed_path=self.context.db_path)
        self.first_run_wizard = wizard
        if wizard.exec() == FirstRunWizard.DialogCode.Accepted:
            choice = wizard.choice()
            apply_choice(self.context.db, choice)
            self.context.notify_changed("settings")
            if choice.next_step == "import":
                self.open_import()

    def open_import(self, path: str | None = None):
        """Open the import wizard (on ``path`` when a file was dropped on the window)."""
        wizard = ImportWizard(self.context, path, parent=self)
        wizard.open()
        return wizard

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_import(files[0])

    def show_backups(self) -> None:
        BackupDialog(self.context, self).exec()

    def show_about(self) -> None:
        AboutDialog(self.context.db_path, self).exec()

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # at most the screen's free area: a 1366 × 768 laptop has no room for 800 pixels
            free = QWidget.screen(self).availableGeometry()
            self.resize(min(1280, free.width()), min(800, free.height()))

    def closeEvent(self, event) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)


__all__ = ["MainWindow", "Qt"]
