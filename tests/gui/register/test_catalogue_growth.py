"""The catalogue grows from the "Katalog og satser" screen: a new section and a retired one, with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import fill


@pytest.fixture
def screen(shown):
    from gui.register.catalogue_screen import CatalogueScreen

    return shown(CatalogueScreen)


def section(db, code):
    return db.execute("SELECT account, unit, valid_from, retired_from FROM sections WHERE code = ?",
                      [code]).fetchone()


def test_new_section_and_retire_with_undo(qtbot, qtmodeltester, screen, context, demo_db):
    from gui.register.catalogue_growth import new_section, retire_section

    dialog = new_section(screen)
    fill(qtbot, dialog, code="§ 102", text="Behandling", account="5.38.45", unit="time", quantity_per="uge",
         valid_from="01-01-2027")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert section(demo_db, "§ 102") == ("5.38.45", "time", "2027-01-01", None)
    assert demo_db.execute("SELECT text FROM accounts WHERE code = '5.38.45'").fetchone() == ("Behandling",)
    qtmodeltester.check(screen.sections.model)
    assert screen.sections.select_key("§ 102")
    row = screen.sections.model.row_of("§ 102")
    assert screen.sections.model.index(row, 6).data() == "fra 01-01-2027"

    dialog = retire_section(screen)
    fill(qtbot, dialog, retired_from="01-01-2030")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert section(demo_db, "§ 102")[3] == "2030-01-01"
    context.undo_stack.undo()
    assert section(demo_db, "§ 102")[3] is None
    context.undo_stack.undo()
    assert section(demo_db, "§ 102") is None

    dialog = new_section(screen)  # a section that exists: a Danish message, nothing changes
    fill(qtbot, dialog, code="§ 85", text="Igen", account="5.32.33", valid_from="01-01-2027")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "findes allerede" in dialog.errors["code"].text()
    assert demo_db.execute("SELECT text FROM sections WHERE code = '§ 85'").fetchone() == ("Socialpædagogisk støtte",)
