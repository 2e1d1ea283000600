"""Read-only mode (another Dispo writes to the database): no control that changes data is
left enabled on any screen, the Importér menu item is off, and shortcuts and double-clicks
that would edit do nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMessageBox, QPushButton

from gui import app as gui_app
from gui.common.context import AppContext
from tests.dbcontent import content
from tests.gui.test_gui_safety import _answer, demo_file, live_lock, window  # noqa: F401 - fixtures

# Buttons that only read, compute or export (by screen); every other button changes data.
READING = {
    "Månedens gang": {"Åbn afstemningen", "Åbn valideringen", "Åbn opfølgningen", "Åbn godkendelsen", "Godkend …",
                      "Skriv rapport …"},
    "Budgetopfølgning": {"Beregn", "Annuller"},
    "Afstemning": {"Afstem"},
    "Datavalidering": {"Kontrollér", "Åbn posten"},
    "Godkend måned": set(),
    "Budgetår": {"Beregn", "Eksportér …", "Vis"},  # issue #16: computing and exporting only
    "Bevillinger": {"Vis borger", "Annuller"},
    "Borgere": {"Vis borger"},
    "Leverandører og takster": set(),
    "VUM-tildeling": set(),
    "Scenarier": {"Hent", "Linje før", "Linje efter", "Fjern linje", "Beregn", "Eksportér …", "PDF …", "Hent købte pladser",
                  "Sammenlign", "Beregn nøgletal", "Tjek loftet", "Vis bevillinger"},
    "Rapporter": {"Vis", "Eksportér til Excel …", "Eksportér til PDF …", "Udskriv …", "Vis udskrift …"},
    "Importer": set(),
    "Katalog og satser": set(),
    "Revisionsspor": {"Eksportér …"},
}


def buttons(screen) -> dict[str, list[QPushButton]]:
    found: dict[str, list[QPushButton]] = {}
    for b in screen.findChildren(QPushButton):
        found.setdefault(b.text().replace("&", ""), []).append(b)
    return found


def test_read_only_leaves_no_editing_control_enabled(demo_file, live_lock, window, monkeypatch, qtbot):
    _answer(monkeypatch, QMessageBox.StandardButton.No)
    context = gui_app.open_context(demo_file)
    w = window(context)
    w.show()
    assert context.readonly
    before = content(demo_file)
    assert not w.import_action.isEnabled()
    editing_seen = 0
    for screen in w.screens:
        w.show_screen(screen.TITLE)
        reading = READING.get(screen.TITLE, set())
        for text, found in buttons(screen).items():
            if text not in reading:
                editing_seen += 1
                assert not any(b.isEnabled() for b in found), (screen.TITLE, text)
        for view in screen.findChildren(QAbstractItemView):
            assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers, screen.TITLE
    assert len(READING) == len(w.screens)
    assert editing_seen >= 15  # grants, providers, catalogue, VUM, approval and imports have them

    # a shortcut or Enter on a row would open an editor: nothing happens
    grants = w.show_screen("Bevillinger")
    grants.panel.table.setFocus()
    grants.panel.table.setCurrentIndex(grants.panel.proxy.index(0, 0))
    qtbot.keyClick(grants.panel.table, Qt.Key.Key_Return)
    qtbot.keyClick(grants.panel.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert grants.dialog is None
    assert not [d for d in w.findChildren(QDialog) if d.isVisible()]
    assert content(demo_file) == before


def test_the_same_controls_are_enabled_for_the_writer(demo_file, window):
    context = AppContext(demo_file)
    w = window(context)
    assert not context.readonly and w.import_action.isEnabled()
    grants = w.screen("Bevillinger")
    assert all(b.isEnabled() for b in (grants.new_button, grants.edit_button, grants.rate_button, grants.end_button))
    for title in ("VUM-tildeling", "Katalog og satser", "Leverandører og takster"):
        assert all(b.isEnabled() for b in w.screen(title).findChildren(QPushButton)
                   if b.property("dispo_edits")), title
