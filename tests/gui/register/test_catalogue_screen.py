"""The catalogue screen: sections, VUM norm hours and satser edited through dialogs, with undo/redo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import fill


@pytest.fixture
def screen(shown):
    from gui.register.catalogue_screen import CatalogueScreen

    return shown(CatalogueScreen)


def sats_value(db, kind: str, year: int):
    row = db.execute("SELECT value FROM satser WHERE kind = ? AND year = ?", [kind, year]).fetchone()
    return row[0] if row else None


def test_models_pass_the_model_tester(qtmodeltester, screen, demo_db):
    # the satser: as shipped in the catalogue plus those later areas' migrations add
    satser = demo_db.execute("SELECT count(*) FROM satser").fetchone()[0]
    assert satser >= 7
    for panel, rows in ((screen.sections, 9), (screen.vum, 6), (screen.satser, satser)):
        assert panel.model.rowCount() == rows  # as shipped in the catalogue
        qtmodeltester.check(panel.model)


def test_sections_sort_by_number_and_show_the_account(screen):
    screen.sections.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    proxy = screen.sections.proxy
    assert (proxy.index(0, 0).data(), proxy.index(0, 2).data()) == ("§ 108", "5.38.50")
    assert proxy.index(proxy.rowCount() - 1, 0).data() == "§ 85"


def test_edit_section_with_undo_and_redo(qtbot, screen, context, demo_db):
    section = lambda: demo_db.execute(  # noqa: E731
        "SELECT account, grouping, unit FROM sections WHERE code = '§ 85'").fetchone()
    assert section() == ("5.32.33", "004", "time")
    screen.sections.select_key("§ 85")
    dialog = screen.edit_section()
    fill(qtbot, dialog, grouping="009", account="5.38.53")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert section() == ("5.38.53", "009", "time")
    context.undo_stack.undo()
    assert section() == ("5.32.33", "004", "time")
    context.undo_stack.redo()
    assert section() == ("5.38.53", "009", "time")


def test_vum_norm_hours_with_undo(qtbot, screen, context, demo_db):
    norm = lambda: demo_db.execute("SELECT norm_hours FROM vum_categories WHERE code = 'B'").fetchone()[0]  # noqa
    screen.vum.select_key("B")
    dialog = screen.edit_vum()
    assert dialog.fields["norm_hours"].text() == "6,5"
    fill(qtbot, dialog, norm_hours="7,5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert norm() == "7.5"
    context.undo_stack.undo()
    assert norm() == "6.5"


def test_new_edit_and_delete_sats_with_undo_and_redo(qtbot, screen, context, demo_db):
    dialog = screen.new_sats()
    fill(qtbot, dialog, kind="vum_hourly_price", value="420,50")
    dialog.fields["year"].setValue(2028)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert sats_value(demo_db, "vum_hourly_price", 2028) == "420.50"
    context.undo_stack.undo()
    assert sats_value(demo_db, "vum_hourly_price", 2028) is None
    context.undo_stack.redo()
    assert sats_value(demo_db, "vum_hourly_price", 2028) == "420.50"

    screen.satser.select_key(("vum_hourly_price", 2026))
    dialog = screen.edit_sats()
    assert not dialog.fields["year"].isEnabled()
    fill(qtbot, dialog, value="415")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert sats_value(demo_db, "vum_hourly_price", 2026) == "415"
    context.undo_stack.undo()
    assert sats_value(demo_db, "vum_hourly_price", 2026) == "412"

    screen.satser.select_key(("refund_t1", 2022))
    screen.delete_sats()
    assert sats_value(demo_db, "refund_t1", 2022) is None
    assert screen.satser.model.row_of(("refund_t1", 2022)) is None
    context.undo_stack.undo()
    assert sats_value(demo_db, "refund_t1", 2022) == "860000"


def test_sats_that_is_no_number_is_refused(qtbot, screen, demo_db):
    before = demo_db.execute("SELECT * FROM satser ORDER BY kind, year").fetchall()
    screen.satser.select_key(("vum_hourly_price", 2026))
    dialog = screen.edit_sats()
    fill(qtbot, dialog, value="fire hundrede")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "er ikke et tal" in dialog.general_error.text()
    assert dialog.isVisible()
    assert demo_db.execute("SELECT * FROM satser ORDER BY kind, year").fetchall() == before
