"""The grants screen on the demo: model, filters, sorting, editing through dialogs, undo/redo, copy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from core.money import parse_number
from tests.gui.helpers import add_grant, count, fill

CPR, NAME, SECTION, PROVIDER, RATE, UNIT, QUANTITY, START, END = range(9)


@pytest.fixture
def screen(shown):
    from gui.register.grants_screen import GrantsScreen

    return shown(GrantsScreen)


def texts(screen, column: int) -> list[str]:
    proxy = screen.panel.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def rates_of(db, grant_id: int) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.execute("SELECT valid_from, rate FROM grant_rates WHERE grant_id = ? "
                                         "ORDER BY valid_from", [grant_id])]


def test_models_pass_the_model_tester(qtmodeltester, screen):
    assert screen.panel.model.rowCount() > 100
    qtmodeltester.check(screen.panel.model)
    screen.panel.filter_edit.setText("108")
    qtmodeltester.check(screen.panel.proxy)


def test_all_grants_are_listed(screen, demo_db):
    assert screen.panel.model.rowCount() == count(demo_db, "SELECT count(*) FROM grants")


def test_text_filter_matches_every_word_in_any_column(screen, demo_db):
    screen.panel.filter_edit.setText("skovbrynet")
    expected = count(demo_db, "SELECT count(*) FROM grants g JOIN providers p ON p.id = g.provider_id "
                              "WHERE p.name LIKE '%skovbrynet%'")
    assert expected > 0 and screen.panel.proxy.rowCount() == expected
    screen.panel.filter_edit.setText("SKOVBRYNET nonsensword")
    assert screen.panel.proxy.rowCount() == 0
    screen.panel.filter_edit.clear()
    assert screen.panel.proxy.rowCount() == screen.panel.model.rowCount()


def test_section_status_and_date_filters(screen, demo_db):
    box = screen.section_filter
    box.setCurrentIndex(box.findData("§ 104"))
    assert screen.panel.proxy.rowCount() == count(demo_db, "SELECT count(*) FROM grants WHERE section = '§ 104'")
    assert set(texts(screen, SECTION)) == {"§ 104"}
    box.setCurrentIndex(0)
    screen.active_on.setText("31.10.2026")
    assert screen.panel.proxy.rowCount() == count(
        demo_db, "SELECT count(*) FROM grants WHERE start <= '2026-10-31' AND (end IS NULL OR end >= '2026-10-31')")
    screen.active_on.clear()
    status = screen.status_filter
    status.setCurrentIndex(status.findData("afsluttet"))
    assert screen.panel.proxy.rowCount() == count(demo_db, "SELECT count(*) FROM grants WHERE status = 'afsluttet'")


def test_rates_sort_as_numbers_not_text(screen, demo_db):
    screen.panel.table.sortByColumn(RATE, Qt.SortOrder.AscendingOrder)
    shown = texts(screen, RATE)
    values = [parse_number(t) for t in shown]
    assert values == sorted(values)
    assert shown != sorted(shown)  # as text the order would differ, so this is a numeric sort
    screen.panel.table.sortByColumn(RATE, Qt.SortOrder.DescendingOrder)
    # the highest rate in force today, straight from SQLite (a grant not started yet shows its first rate)
    today = dt.date.today().isoformat()
    rows = demo_db.execute(
        """SELECT g.id, (SELECT rate FROM grant_rates r WHERE r.grant_id = g.id
                         ORDER BY (r.valid_from <= ?) DESC, CASE WHEN r.valid_from <= ? THEN r.valid_from END DESC,
                                  r.valid_from LIMIT 1) FROM grants g""", [today, today]).fetchall()
    assert parse_number(texts(screen, RATE)[0]) == max(Decimal(r[1]) for r in rows)


def test_dates_sort_by_date_and_open_end_shows_loebende(screen):
    screen.panel.table.sortByColumn(END, Qt.SortOrder.AscendingOrder)
    shown = texts(screen, END)
    dated = [dt.datetime.strptime(t, "%d-%m-%Y").date() for t in shown if t != "løbende"]
    assert dated == sorted(dated) and len(dated) > 5
    assert "løbende" in shown and shown.index("løbende") == len(dated)  # open-ended last
    screen.panel.table.sortByColumn(START, Qt.SortOrder.DescendingOrder)
    starts = [dt.datetime.strptime(t, "%d-%m-%Y").date() for t in texts(screen, START)]
    assert starts == sorted(starts, reverse=True)


def test_sections_sort_by_number(screen):
    screen.panel.table.sortByColumn(SECTION, Qt.SortOrder.AscendingOrder)
    shown = texts(screen, SECTION)
    assert shown[0] == "§ 85" and shown[-1] == "§ 108"


def test_create_grant_through_the_dialog_and_undo_redo(qtbot, screen, context, demo_db):
    before = count(demo_db, "SELECT count(*) FROM grants")
    dialog = screen.new_grant()
    fill(qtbot, dialog, cpr="010203-4005", name="Test Testesen", section="§ 108",
         provider_id="Botilbuddet Skovbrynet", rate="3.100,50", start="1.3.2026")
    assert dialog.fields["account"].text() == "5.38.50"  # filled from the section
    assert dialog.fields["unit"].currentData() == "døgn"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    row = demo_db.execute("SELECT g.id, g.start, g.end, g.account, c.name FROM grants g "
                          "JOIN citizens c ON c.id = g.citizen_id WHERE c.cpr = '010203-4005'").fetchall()
    assert len(row) == 1
    gid, start, end, account, name = row[0]
    assert (start, end, account, name) == ("2026-03-01", None, "5.38.50", "Test Testesen")
    assert rates_of(demo_db, gid) == [("2026-03-01", "3100.50")]
    screen.panel.filter_edit.setText("010203-4005")
    assert texts(screen, RATE) == ["3.100,50"] and texts(screen, END) == ["løbende"]
    assert texts(screen, START) == ["01-03-2026"]

    context.undo_stack.undo()
    assert count(demo_db, "SELECT count(*) FROM grants") == before
    assert screen.panel.proxy.rowCount() == 0
    context.undo_stack.redo()
    assert count(demo_db, "SELECT count(*) FROM grants WHERE id = ?", [gid]) == 1
    assert rates_of(demo_db, gid) == [("2026-03-01", "3100.50")]
    assert texts(screen, RATE) == ["3.100,50"]


@pytest.mark.parametrize("values, field, message", [
    ({"end": "1.1.2026"}, "end", "Slutdato ligger før startdato"),
    ({"cpr": "311380-1234"}, "cpr", "fødselsdato"),
    ({"section": "§ 85"}, "quantity", "Mængde skal udfyldes"),
    ({"rate": "0"}, "rate", "Taksten skal være større end 0"),
    ({"start": "32.13.2026"}, "start", "er ikke en dato"),
])
def test_invalid_grant_shows_a_danish_message_and_writes_nothing(qtbot, screen, demo_db, values, field, message):
    before = demo_db.execute("SELECT count(*) FROM grants").fetchone()[0], \
        demo_db.execute("SELECT count(*) FROM citizens").fetchone()[0]
    dialog = screen.new_grant()
    fill(qtbot, dialog, **{**dict(cpr="010203-4005", name="Test Testesen", section="§ 108",
                                  provider_id="Botilbuddet Skovbrynet", rate="3.100,50", start="1.3.2026"), **values})
    assert message in dialog.errors[field].text()
    assert not dialog.ok_button.isEnabled()
    dialog.submit()  # even when forced, nothing is saved
    assert dialog.isVisible()
    assert (demo_db.execute("SELECT count(*) FROM grants").fetchone()[0],
            demo_db.execute("SELECT count(*) FROM citizens").fetchone()[0]) == before


def test_a_known_cpr_brings_the_citizens_name(qtbot, screen, demo_db):
    cpr, name = demo_db.execute("SELECT cpr, name FROM citizens ORDER BY id LIMIT 1").fetchone()
    dialog = screen.new_grant()
    qtbot.keyClicks(dialog.fields["cpr"], cpr.replace("-", "")[:9])
    assert dialog.fields["name"].text() == ""
    qtbot.keyClicks(dialog.fields["cpr"], cpr[-1])  # the tenth digit completes the number
    assert dialog.fields["name"].text() == name


def test_double_click_opens_the_editor(qtbot, screen):
    table = screen.panel.table
    index = screen.panel.proxy.index(3, NAME)
    position = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert screen.dialog.windowTitle() == "Rediger bevilling"
    assert screen.dialog.grant_id == table.current_record().id


def test_missing_provider_is_shown_next_to_the_provider(qtbot, screen):
    dialog = screen.new_grant()
    fill(qtbot, dialog, cpr="010203-4005", section="§ 108", rate="100", start="1.3.2026")
    assert dialog.errors["provider_id"].text() == "Leverandør skal udfyldes"
    assert dialog.general_error.text() == ""


def open_grant_id(db) -> int:
    return db.execute("SELECT id FROM grants WHERE end IS NULL AND start < '2026-01-01' ORDER BY id LIMIT 1"
                      ).fetchone()[0]


def test_new_rate_from_a_date_with_undo_and_redo(qtbot, screen, context, demo_db):
    gid = open_grant_id(demo_db)
    original = rates_of(demo_db, gid)
    assert screen.panel.select_key(gid)
    dialog = screen.change_rate()
    fill(qtbot, dialog, valid_from="1.7.2026", rate="9.999,99")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    changed = rates_of(demo_db, gid)
    assert ("2026-07-01", "9999.99") in changed and len(changed) == len(original) + 1
    context.undo_stack.undo()
    assert rates_of(demo_db, gid) == original
    context.undo_stack.redo()
    assert rates_of(demo_db, gid) == changed


def test_new_rate_before_the_grant_starts_is_refused(qtbot, screen, demo_db):
    gid = open_grant_id(demo_db)
    original = rates_of(demo_db, gid)
    screen.panel.select_key(gid)
    dialog = screen.change_rate()
    fill(qtbot, dialog, valid_from="1.1.1990", rate="500")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "inden for bevillingens periode" in dialog.errors["valid_from"].text()
    assert dialog.isVisible() and rates_of(demo_db, gid) == original
    fill(qtbot, dialog, valid_from="")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["valid_from"].text() == "Gyldig fra skal udfyldes"
    assert rates_of(demo_db, gid) == original


def test_end_grant_with_undo_and_redo(qtbot, screen, context, demo_db):
    gid = open_grant_id(demo_db)
    screen.panel.select_key(gid)
    dialog = screen.end_grant()
    fill(qtbot, dialog, end="30.11.2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    end_of = lambda: demo_db.execute("SELECT end FROM grants WHERE id = ?", [gid]).fetchone()[0]  # noqa: E731
    assert end_of() == "2026-11-30"
    assert screen.panel.table.current_record().id == gid
    current = screen.panel.table.currentIndex()
    assert current.siblingAtColumn(END).data() == "30-11-2026"
    context.undo_stack.undo()
    assert end_of() is None
    context.undo_stack.redo()
    assert end_of() == "2026-11-30"


def test_end_before_start_is_refused(qtbot, screen, demo_db):
    gid = open_grant_id(demo_db)
    screen.panel.select_key(gid)
    dialog = screen.end_grant()
    fill(qtbot, dialog, end="1.1.2000")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["end"].text() == "Slutdato ligger før startdato"
    assert demo_db.execute("SELECT end FROM grants WHERE id = ?", [gid]).fetchone()[0] is None


def test_edit_grant_with_undo(qtbot, screen, context, demo_db):
    gid = open_grant_id(demo_db)
    old = demo_db.execute("SELECT caseworker, quantity FROM grants WHERE id = ?", [gid]).fetchone()
    screen.panel.select_key(gid)
    screen.panel.table.setFocus()
    qtbot.keyClick(screen.panel.table, Qt.Key.Key_Return)  # Enter edits
    dialog = screen.dialog
    assert dialog.windowTitle() == "Rediger bevilling" and dialog.grant_id == gid
    fill(qtbot, dialog, caseworker="Ny Sagsbehandler")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert demo_db.execute("SELECT caseworker, quantity FROM grants WHERE id = ?", [gid]).fetchone() == \
        ("Ny Sagsbehandler", old[1])
    context.undo_stack.undo()
    assert demo_db.execute("SELECT caseworker FROM grants WHERE id = ?", [gid]).fetchone()[0] == old[0]


def test_copy_selected_cells_as_tab_separated_text(qtbot, screen, context):
    add_grant(context.db, "020304-1234", "Kopi Borger", section="§ 103", provider="Værkstedet Fabrikken",
              rate="12345,5")
    add_grant(context.db, "020304-1234", "Kopi Borger", rate="987", start="2026-02-01")
    screen.refresh()
    screen.panel.filter_edit.setText("020304-1234")
    table = screen.panel.table
    table.sortByColumn(SECTION, Qt.SortOrder.AscendingOrder)
    proxy, selection = screen.panel.proxy, table.selectionModel()
    for row in (0, 1):
        for column in (CPR, NAME, RATE):
            selection.select(proxy.index(row, column), QItemSelectionModel.SelectionFlag.Select)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ("020304-1234\tKopi Borger\t12.345,50\n"
                                               "020304-1234\tKopi Borger\t987,00\n")


def test_keyboard_shortcuts(qtbot, screen):
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.panel.table.setFocus()
    qtbot.keyClick(screen.panel.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is screen.panel.filter_edit
    qtbot.keyClick(screen.panel.filter_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.dialog is not None and screen.dialog.windowTitle() == "Ny bevilling"
    assert screen.dialog.isVisible()


def test_large_register_loads_in_the_background(qtbot, screen, context, demo_db):
    screen.background_above = 10  # the demo's ~200 grants count as large here
    screen.panel.filter_edit.setText("skovbrynet")
    shown_before = screen.panel.proxy.rowCount()
    gid = add_grant(context.db, "020304-1234", "Baggrund Borger")
    screen.refresh()
    assert screen.loading and screen.progress.isVisible()
    qtbot.waitUntil(lambda: not screen.loading, timeout=20000)
    assert not screen.progress.isVisible()
    assert screen.panel.model.rowCount() == count(demo_db, "SELECT count(*) FROM grants")
    assert screen.panel.proxy.rowCount() == shown_before + 1  # the filter still applies
    assert screen.panel.model.row_of(gid) is not None


def test_cancelled_load_keeps_the_grants_shown(qtbot, screen, context, demo_db):
    from PySide6.QtCore import QThreadPool

    screen.background_above = 10
    before = screen.panel.model.rowCount()
    add_grant(context.db, "020304-1234", "Baggrund Borger")
    screen.refresh()
    cancel = screen.progress.findChild(type(screen.new_button))
    assert cancel.text() == "Annuller"
    cancel.click()  # synchronous: no event is processed between starting and cancelling
    assert not screen.loading and not screen.progress.isVisible()
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)  # let a finished job's signal arrive: it must be ignored
    assert screen.panel.model.rowCount() == before == count(demo_db, "SELECT count(*) FROM grants") - 1


def test_a_new_grant_opens_without_errors_and_shows_them_when_she_leaves_a_field(qtbot, screen, demo_db):
    dialog = screen.new_grant()
    assert [key for key, label in dialog.errors.items() if label.text()] == []
    assert dialog.general_error.text() == "" and dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.fields["cpr"], "311380")  # no such birth date, and not ten digits yet
    assert dialog.errors["cpr"].text() != ""
    assert dialog.errors["provider_id"].text() == ""  # a later field she has not reached
    before = count(demo_db, "SELECT count(*) FROM grants")
    dialog.submit()  # OK shows every problem and saves nothing
    assert dialog.errors["provider_id"].text() == "Leverandør skal udfyldes"
    assert dialog.isVisible() and count(demo_db, "SELECT count(*) FROM grants") == before
