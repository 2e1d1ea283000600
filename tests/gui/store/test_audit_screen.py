"""Revisionsspor on the one record model: sorted by time, row number and text, filtered by every word."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.store import audit
from gui.common.context import AppContext
from gui.store.audit_screen import Screen


@pytest.fixture
def context(db, db_path):
    with db.atomic():  # three changes, in this order (ids 1, 2, 3)
        audit.record(db, "grants", 10, "update", {"note": "Gammel"}, {"note": "Ny note til 010180-1234"})
        audit.record(db, "grants", 2, "rate", None, {"rate": "4000.00", "valid_from": "2026-12-01"})
        audit.record(db, "providers", 9, "insert", None, {"name": "Åhuset"})
    ctx = AppContext(db_path)
    yield ctx
    ctx.close()


def test_the_audit_log_sorts_by_row_number_and_filters_every_word(qtbot, context, qtmodeltester):
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    qtmodeltester.check(screen.model)
    shown = lambda column: [screen.proxy.index(r, column).data() for r in range(screen.proxy.rowCount())]  # noqa: E731
    assert shown(3) == ["9", "2", "10"]  # the newest first
    assert screen.status.text() == "3 ændringer"
    screen.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert shown(3) == ["2", "9", "10"]  # as numbers: 10 after 9
    screen.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert shown(2) == ["Leverandør", "Bevilling", "Bevilling"]
    screen.text_edit.setText("bevilling takst")  # every word somewhere in the row
    assert shown(4) == ["Ny takst"]
    screen.text_edit.setText("note 010180-1234")
    assert shown(3) == ["10"]
    change = screen.proxy.index(0, 5)
    assert change.data() == change.data(Qt.ItemDataRole.ToolTipRole) and "Ny note til 010180-1234" in change.data()


def test_the_change_is_masked_and_filtered_by_the_full_cpr_number(qtbot, context):
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    context.set_cpr_masked(True)
    try:
        screen.text_edit.setText("010180-1234")  # she searches with the full number; it is shown masked
        assert screen.proxy.rowCount() == 1
        assert "010180-xxxx" in screen.proxy.index(0, 5).data()
        assert "010180-1234" not in screen.proxy.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    finally:
        context.set_cpr_masked(False)
