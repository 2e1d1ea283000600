"""Undo of VUM changes that can no longer be made: a Danish message, an unchanged database
and a consistent undo stack, as for the register's edits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from core import vum
from tests.dbcontent import content
from tests.gui.helpers import close_warnings, warnings_shown

FACILITY = "Åhuset, midlertidigt botilbud"
YEAR = 2028


@pytest.fixture(autouse=True)
def own_warnings():
    """Each test sees only its own warnings (and leaves no computation running)."""
    yield
    close_warnings()
    QThreadPool.globalInstance().waitForDone(30000)


@pytest.fixture
def screen(shown):
    from gui.vum.vum_screen import Screen

    widget = shown(Screen)
    widget.year.setValue(YEAR)
    widget.refresh()
    return widget


def type_fixed_budget(screen, text: str) -> int:
    """Type the facility's fixed budget in the overview like a user; returns its provider id."""
    model = screen.overview
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index(FACILITY)
    assert model.setData(model.index(row, 4), text)
    return model.rows[row].provider_id


def test_undo_over_a_later_change_is_refused_in_danish(screen, context, tmp_path):
    pid = type_fixed_budget(screen, "6.100.000,50")
    vum.set_fixed_budget(context.db, pid, YEAR, 700_000_000)   # later, outside the undo stack (core)
    stack = context.undo_stack
    assert (stack.count(), stack.index()) == (1, 1)
    before = content(tmp_path / "demo.sqlite")

    stack.undo()
    assert content(tmp_path / "demo.sqlite") == before          # the later change is kept
    assert vum.fixed_budget_ore(context.db, pid, YEAR) == 700_000_000
    shown = warnings_shown()
    assert len(shown) == 1 and "kan ikke fortrydes" in shown[0] and "ændret siden" in shown[0]
    # the command is gone: neither undone (nothing to redo) nor undoable again
    assert (stack.count(), stack.index(), stack.canUndo(), stack.canRedo()) == (0, 0, False, False)


def test_redo_over_a_later_change_is_refused_in_danish(screen, context, tmp_path):
    pid = type_fixed_budget(screen, "6.100.000,50")
    stack = context.undo_stack
    stack.undo()
    original = vum.fixed_budget_ore(context.db, pid, YEAR)
    assert original != 610_000_050
    vum.set_fixed_budget(context.db, pid, YEAR, 1_000)
    before = content(tmp_path / "demo.sqlite")

    stack.redo()
    assert content(tmp_path / "demo.sqlite") == before
    shown = warnings_shown()
    assert len(shown) == 1 and "kan ikke gentages" in shown[0]
    assert (stack.count(), stack.canUndo(), stack.canRedo()) == (0, False, False)


def test_a_failed_undo_leaves_earlier_vum_changes_undoable(screen, context, qtbot):
    from gui.vum.vum_settings_dialog import SettingsDialog

    pid = type_fixed_budget(screen, "6.100.000,50")
    assert vum.significant_change_pct(context.db) not in (8, 12)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.threshold.setText("8")
    dialog.accept()
    assert vum.significant_change_pct(context.db) == 8
    vum.set_significant_change_pct(context.db, "12")           # later change of the same setting
    stack = context.undo_stack
    assert (stack.count(), stack.index()) == (2, 2)

    stack.undo()   # the settings: refused, and all of the dialog's rows stay as they are
    assert warnings_shown()
    assert vum.significant_change_pct(context.db) == 12
    assert (stack.count(), stack.index()) == (1, 1)
    stack.undo()   # the fixed budget typed before still undoes
    assert vum.fixed_budget_ore(context.db, pid, YEAR) != 610_000_050
    assert (stack.count(), stack.index(), stack.canRedo()) == (1, 0, True)
    stack.redo()
    assert vum.fixed_budget_ore(context.db, pid, YEAR) == 610_000_050
