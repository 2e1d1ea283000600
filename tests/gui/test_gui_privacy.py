"""CPR masking across the whole GUI: every table, the drill-downs, dialogs and wizards show
``DDMMYY-xxxx`` while the user has chosen Vis → Skjul CPR-numre, and the full numbers again
when she turns it off — live, without a restart."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel

from gui.register.citizen_view import open_citizen
from gui.common.context import AppContext
from gui.importing.import_wizard import ImportWizard
from gui.main_window import MainWindow
from gui.vum.vum_wizard import AllocationWizard
from tests.import_files import grants_sheet, write_xlsx
from tests.gui.test_gui_safety import demo_file  # noqa: F401 - a fixture
from tests.gui.importing.test_import_gui import _walk_to_preview

FULL_CPR = re.compile(r"\d{6}-\d{4}")


@pytest.fixture
def window(qtbot, demo_file):
    context = AppContext(demo_file)
    context.set_cpr_masked(False)
    w = MainWindow(context)
    qtbot.addWidget(w)
    w.show()
    yield w
    context.set_cpr_masked(False)  # the choice is remembered: leave it as other tests expect
    context.undo_stack.clear()
    context.close()


def model_texts(widget) -> list[str]:
    """Every DisplayRole text of every model of every item view in ``widget``."""
    texts = []
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        columns = model.columnCount() if isinstance(model, QAbstractTableModel | QSortFilterProxyModel) else 1
        for r in range(model.rowCount()):
            for c in range(columns):
                value = model.index(r, c).data()
                if isinstance(value, str):
                    texts.append(value)
    return texts


def shown_texts() -> list[str]:
    """All model texts, label texts and window titles of the application's windows."""
    texts = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        texts.append(top.windowTitle())
        texts += model_texts(top)
        texts += [label.text() for label in top.findChildren(QLabel)]
    return texts


def full_cprs(texts: list[str]) -> set[str]:
    return {m for t in texts for m in FULL_CPR.findall(t)}


def open_everything(qtbot, w, tmp_path):
    """Show every screen with data loaded, the follow-up drill-down on citizens, a citizen view,
    the VUM wizard's residents and the import wizard's preview; returns the windows opened."""
    context = w.context
    for screen in w.screens:
        w.show_screen(screen.TITLE)
    follow = w.screen("Budgetopfølgning")
    qtbot.waitUntil(lambda: follow.main_model.rowCount() > 0, timeout=20000)
    follow.main_view.setCurrentIndex(follow.main_proxy.index(0, 0))
    follow.detail_level.setCurrentIndex(follow.detail_level.findData("citizen"))
    assert follow.detail_model.rowCount() > 0
    follow.detail_view.setCurrentIndex(follow.detail_proxy.index(0, 0))
    reconcile = w.screen("Afstemning")
    qtbot.waitUntil(lambda: bool(reconcile.rows), timeout=20000)
    reconcile.only_flagged.setChecked(False)
    reports = w.screen("Rapporter")
    reports.kind.setCurrentIndex(reports.kind.findData("monthly"))
    reports.year.setValue(2026)
    with qtbot.waitSignal(reports.report_ready, timeout=20000):
        reports.preview_button.click()
    vum_screen = w.show_screen("VUM-tildeling")
    vum_screen.due_view.selectRow(0)
    vum_screen.assess_selected()
    assert vum_screen.dialog.isVisible()
    person = context.db.execute("SELECT id FROM citizens WHERE temporary = 0 ORDER BY id LIMIT 1").fetchone()[0]
    view = open_citizen(context, person, w)
    wizard = AllocationWizard(context, 2027)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choose_page.choose(2027, "Botilbuddet Skovbrynet")
    wizard.next()
    sheet = write_xlsx(tmp_path / "bevillinger.xlsx", {"Dispo": grants_sheet()})
    importer = ImportWizard(context, str(sheet))
    qtbot.addWidget(importer)
    _walk_to_preview(qtbot, importer)
    return view, wizard, importer


def test_masking_hides_every_cpr_in_every_screen_and_shows_them_again(qtbot, window, tmp_path):
    w = window
    view, wizard, importer = open_everything(qtbot, w, tmp_path)
    before = full_cprs(shown_texts())
    # the places that show CPR numbers really show them while unmasked
    for place in (w.screen("Bevillinger"), w.screen("Borgere"), w.screen("Budgetopfølgning").detail_view,
                  w.screen("Afstemning"), w.screen("Rapporter"), w.screen("VUM-tildeling"),
                  w.screen("VUM-tildeling").dialog, view, wizard, importer.preview_page):
        assert full_cprs(model_texts(place) + [label.text() for label in place.findChildren(QLabel)]), place

    w.mask_cpr_action.setChecked(True)
    assert full_cprs(shown_texts()) == set()
    masked = " ".join(shown_texts())
    assert all(f"{cpr[:6]}-xxxx" in masked for cpr in before)
    assert w.screen("Rapporter").mask_cpr.isChecked()  # exports default to masked too

    w.mask_cpr_action.setChecked(False)
    assert full_cprs(shown_texts()) == before
    assert not w.screen("Rapporter").mask_cpr.isChecked()


def test_a_full_cpr_still_finds_the_citizen_while_masked(qtbot, window):
    w = window
    context = w.context
    cpr = context.db.execute("SELECT cpr FROM citizens c WHERE temporary = 0 "
                             "AND EXISTS (SELECT 1 FROM grants g WHERE g.citizen_id = c.id) ORDER BY id").fetchone()[0]
    w.mask_cpr_action.setChecked(True)
    for title in ("Bevillinger", "Borgere"):
        panel = w.show_screen(title).panel
        panel.filter_edit.setText(cpr)
        assert panel.proxy.rowCount() >= 1
        assert {panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())} == {cpr[:6] + "-xxxx"}
    reconcile = w.show_screen("Afstemning")
    qtbot.waitUntil(lambda: bool(reconcile.rows), timeout=20000)
    reconcile.only_flagged.setChecked(False)
    reconcile.search.setText(cpr)
    assert reconcile.proxy.rowCount() >= 1
    assert {reconcile.proxy.index(r, 0).data() for r in range(reconcile.proxy.rowCount())} == {cpr[:6] + "-xxxx"}


def test_one_citizen_is_revealed_deliberately(qtbot, window):
    w = window
    context = w.context
    person, cpr = context.db.execute("SELECT id, cpr FROM citizens WHERE temporary = 0 ORDER BY id").fetchone()
    view = open_citizen(context, person, w)
    assert cpr in view.header.text() and not view.reveal_button.isVisible()  # nothing to reveal
    w.mask_cpr_action.setChecked(True)
    assert cpr not in view.header.text() and cpr[:6] + "-xxxx" in view.header.text()
    assert view.reveal_button.isVisible()
    qtbot.mouseClick(view.reveal_button, Qt.MouseButton.LeftButton)
    assert cpr in view.header.text() and not view.reveal_button.isVisible()
    assert full_cprs(model_texts(w.show_screen("Borgere"))) == set()  # only that one window shows it
    other = open_citizen(context, person, w)
    assert cpr not in other.header.text()


