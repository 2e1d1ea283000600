"""Undo in the register: a new grant's new citizen goes and comes back with it, and an undo
that cannot be made says so in Danish and leaves the undo stack consistent."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.register import citizens
from core.errors import DispoError
from tests.dbcontent import content
from tests.gui.helpers import add_grant, close_warnings, count, fill, warnings_shown

NEW_CPR = "010203-4005"


@pytest.fixture
def screen(shown):
    from gui.register.grants_screen import GrantsScreen

    return shown(GrantsScreen)


@pytest.fixture(autouse=True)
def own_warnings():
    """Each test sees only its own warnings."""
    yield
    close_warnings()


def create_through_dialog(qtbot, screen, cpr: str, name: str) -> None:
    dialog = screen.new_grant()
    fill(qtbot, dialog, cpr=cpr, name=name, section="§ 108", provider_id="Botilbuddet Skovbrynet",
         rate="3.100,50", start="1.3.2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_undoing_a_new_grant_for_a_new_cpr_removes_the_citizen_and_redo_restores_both(qtbot, screen, context,
                                                                                      demo_db):
    citizens_before = count(demo_db, "SELECT count(*) FROM citizens")
    create_through_dialog(qtbot, screen, NEW_CPR, "Test Testesen")
    gid, cid = demo_db.execute("SELECT g.id, c.id FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                               "WHERE c.cpr = ?", [NEW_CPR]).fetchone()
    made = demo_db.execute("SELECT * FROM citizens WHERE id = ?", [cid]).fetchone()

    context.undo_stack.undo()
    assert count(demo_db, "SELECT count(*) FROM citizens") == citizens_before
    assert count(demo_db, "SELECT count(*) FROM citizens WHERE cpr = ?", [NEW_CPR]) == 0
    assert count(demo_db, "SELECT count(*) FROM grants WHERE id = ?", [gid]) == 0

    context.undo_stack.redo()
    assert demo_db.execute("SELECT * FROM citizens WHERE id = ?", [cid]).fetchone() == made
    assert demo_db.execute("SELECT citizen_id FROM grants WHERE id = ?", [gid]).fetchone() == (cid,)
    actions = [a for a, in demo_db.execute("SELECT action FROM audit WHERE table_name = 'citizens' AND row_id = ? "
                                           "ORDER BY id", [cid])]
    assert actions == ["insert", "restore", "restore"]  # undo and redo are in the audit log


def test_undoing_a_new_grant_for_a_known_citizen_keeps_her(qtbot, screen, context, demo_db):
    cpr, name = demo_db.execute("SELECT cpr, name FROM citizens WHERE temporary = 0 ORDER BY id").fetchone()
    citizens_before = count(demo_db, "SELECT count(*) FROM citizens")
    create_through_dialog(qtbot, screen, cpr, name)
    context.undo_stack.undo()
    assert count(demo_db, "SELECT count(*) FROM citizens") == citizens_before
    assert count(demo_db, "SELECT count(*) FROM citizens WHERE cpr = ?", [cpr]) == 1


def test_an_undo_that_fails_says_why_and_is_not_counted_as_undone(qtbot, screen, context, demo_db, tmp_path):
    create_through_dialog(qtbot, screen, NEW_CPR, "Test Testesen")
    # a second grant for her is made outside the undo stack (as an import would): she cannot go now
    add_grant(context.db, NEW_CPR, "Test Testesen", section="§ 85", unit="time", quantity="5", quantity_per="uge")
    stack = context.undo_stack
    assert (stack.count(), stack.index()) == (1, 1)
    before = content(tmp_path / "demo.sqlite")

    stack.undo()
    assert content(tmp_path / "demo.sqlite") == before  # nothing was changed
    shown = warnings_shown()
    assert len(shown) == 1 and "kan ikke fortrydes" in shown[0] and "andre bevillinger" in shown[0]
    # the command is gone: not undone (nothing to redo), and not undoable again
    assert (stack.count(), stack.index(), stack.canRedo(), stack.canUndo()) == (0, 0, False, False)
    assert count(demo_db, "SELECT count(*) FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                          "WHERE c.cpr = ?", [NEW_CPR]) == 2


def test_earlier_commands_stay_undoable_after_a_failed_one(qtbot, screen, context, demo_db):
    create_through_dialog(qtbot, screen, "020304-5006", "Første Borger")
    create_through_dialog(qtbot, screen, NEW_CPR, "Test Testesen")
    add_grant(context.db, NEW_CPR, "Test Testesen", section="§ 85", unit="time", quantity="5", quantity_per="uge")
    stack = context.undo_stack
    stack.undo()  # fails: the second citizen has another grant now
    assert warnings_shown()
    assert (stack.count(), stack.index()) == (1, 1)
    stack.undo()  # the first one still undoes
    assert count(demo_db, "SELECT count(*) FROM citizens WHERE cpr = '020304-5006'") == 0
    assert (stack.count(), stack.index(), stack.canRedo()) == (1, 0, True)


def test_removing_a_citizen_with_grants_is_refused_and_changes_nothing(demo_db, tmp_path):
    cid = demo_db.execute("SELECT citizen_id FROM grants LIMIT 1").fetchone()[0]
    before = content(tmp_path / "demo.sqlite")
    with pytest.raises(DispoError, match="kan ikke fjernes"):
        citizens.restore_citizen_state(demo_db, cid, None)
    assert content(tmp_path / "demo.sqlite") == before


def test_an_edit_changed_meanwhile_is_not_undone_over_the_later_change(qtbot, screen, context, demo_db, tmp_path):
    from core.register.grants import update_grant

    gid = add_grant(context.db, "030405-6007", "Tredje Borger", end="2026-12-31")
    screen.refresh()
    screen.panel.select_key(gid)
    dialog = screen.end_grant()
    fill(qtbot, dialog, end="30.6.2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert demo_db.execute("SELECT end FROM grants WHERE id = ?", [gid]).fetchone() == ("2026-06-30",)
    update_grant(context.db, gid, {"caseworker": "Ny Sagsbehandler"})  # outside the undo stack
    before = content(tmp_path / "demo.sqlite")
    stack = context.undo_stack
    stack.undo()
    assert content(tmp_path / "demo.sqlite") == before  # the later change is kept, nothing reverted
    shown = warnings_shown()
    assert len(shown) == 1 and "ændret siden" in shown[0]
    assert (stack.count(), stack.index()) == (0, 0)


def test_restoring_a_grant_that_is_not_in_the_expected_state_is_refused(demo_db, tmp_path):
    from core.register.grants import grant_state, restore_grant_state, update_grant

    gid = add_grant(demo_db, "030405-6007", "Tredje Borger")
    old = grant_state(demo_db, gid)
    update_grant(demo_db, gid, {"end": "2026-06-30"})
    new = grant_state(demo_db, gid)
    update_grant(demo_db, gid, {"caseworker": "Ny Sagsbehandler"})
    before = content(tmp_path / "demo.sqlite")
    with pytest.raises(DispoError, match="ændret siden"):
        restore_grant_state(demo_db, gid, old, expected=new)
    assert content(tmp_path / "demo.sqlite") == before
    restore_grant_state(demo_db, gid, old, expected=grant_state(demo_db, gid))
    assert grant_state(demo_db, gid) == old
