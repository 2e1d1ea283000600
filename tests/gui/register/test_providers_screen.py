"""Providers and their catalogue rates: edits through dialogs, undo and redo, Danish messages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import count
from tests.gui.helpers import fill


@pytest.fixture
def screen(shown):
    from gui.register.providers_screen import ProvidersScreen

    return shown(ProvidersScreen)


def provider_row(db, name: str):
    return db.execute("SELECT kind, places, occupancy_target, invoice_lag_days FROM providers WHERE name = ?",
                      [name]).fetchone()


def rates_of(db, provider_id: int) -> list[tuple]:
    return db.execute("SELECT section, unit, valid_from, rate FROM provider_rates WHERE provider_id = ? "
                      "ORDER BY valid_from, id", [provider_id]).fetchall()


def select_provider(screen, db, name: str) -> int:
    pid = db.execute("SELECT id FROM providers WHERE name = ?", [name]).fetchone()[0]
    assert screen.providers.select_key(pid)
    return pid


def test_models_pass_the_model_tester(qtmodeltester, screen, demo_db):
    assert screen.providers.model.rowCount() == count(demo_db, "SELECT count(*) FROM providers")
    qtmodeltester.check(screen.providers.model)
    qtmodeltester.check(screen.providers.proxy)
    select_provider(screen, demo_db, "Engly Botilbud ApS")
    assert screen.rates.model.rowCount() == 4  # two sections, this year and the next
    qtmodeltester.check(screen.rates.model)


def test_kinds_are_shown_in_danish(screen, demo_db):
    screen.providers.filter_edit.setText("Fjordglimt")
    proxy = screen.providers.proxy
    assert proxy.rowCount() == 1 and proxy.index(0, 1).data() == "Anden kommune"
    screen.providers.filter_edit.setText("region")  # the kind's label is filterable too
    assert proxy.rowCount() == count(demo_db, "SELECT count(*) FROM providers WHERE kind = 'region'")


def test_new_provider_with_undo_and_redo(qtbot, screen, context, demo_db):
    dialog = screen.new_provider()
    fill(qtbot, dialog, name="Nyt Bosted ApS", kind="region", places="12", occupancy_target="95,5",
         invoice_lag_days="60")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert provider_row(demo_db, "Nyt Bosted ApS") == ("region", 12, "95.5", 60)
    assert screen.current_provider().name == "Nyt Bosted ApS"
    context.undo_stack.undo()
    assert provider_row(demo_db, "Nyt Bosted ApS") is None
    assert screen.providers.model.rowCount() == count(demo_db, "SELECT count(*) FROM providers")
    context.undo_stack.redo()
    assert provider_row(demo_db, "Nyt Bosted ApS") == ("region", 12, "95.5", 60)


@pytest.mark.parametrize("values, field, message", [
    ({"occupancy_target": "150"}, "occupancy_target", "Belægningsmål skal være mellem 0 og 100 %"),
    ({"name": "engly botilbud aps"}, "name", "findes allerede"),
    ({"name": "  "}, "name", "Leverandøren skal have et navn"),
    ({"places": "-3"}, "places", "Skal være et helt tal"),
])
def test_invalid_provider_is_refused_in_danish(qtbot, screen, demo_db, values, field, message):
    before = demo_db.execute("SELECT * FROM providers ORDER BY id").fetchall()
    dialog = screen.new_provider()
    fill(qtbot, dialog, **{"name": "Nyt Bosted ApS", **values})
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert message in dialog.errors[field].text()
    assert dialog.isVisible()
    assert demo_db.execute("SELECT * FROM providers ORDER BY id").fetchall() == before


def test_edit_provider_with_undo_and_redo(qtbot, screen, context, demo_db):
    select_provider(screen, demo_db, "Botilbuddet Skovbrynet")
    before = provider_row(demo_db, "Botilbuddet Skovbrynet")
    assert before[0] == "egen" and before[1] != 20 and before[3] != 60
    dialog = screen.edit_provider()
    fill(qtbot, dialog, invoice_lag_days="60", places="20")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert provider_row(demo_db, "Botilbuddet Skovbrynet") == ("egen", 20, "95", 60)
    context.undo_stack.undo()
    assert provider_row(demo_db, "Botilbuddet Skovbrynet") == before
    context.undo_stack.redo()
    assert provider_row(demo_db, "Botilbuddet Skovbrynet") == ("egen", 20, "95", 60)


def test_new_rate_from_a_date_and_delete_with_undo(qtbot, screen, context, demo_db):
    pid = select_provider(screen, demo_db, "Botilbuddet Skovbrynet")
    original = rates_of(demo_db, pid)
    screen.rates.table.setCurrentIndex(screen.rates.proxy.index(0, 0))
    dialog = screen.add_rate()
    assert dialog.fields["section"].currentData() == "§ 108"  # prefilled from the selected rate
    fill(qtbot, dialog, valid_from="1.1.2028", rate="4.000,25")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    added = rates_of(demo_db, pid)
    assert added == original + [("§ 108", "døgn", "2028-01-01", "4000.25")]
    context.undo_stack.undo()
    assert rates_of(demo_db, pid) == original
    context.undo_stack.redo()
    assert rates_of(demo_db, pid) == added

    assert screen.rates.select_key(screen.rates.model.records()[0].id)
    first = screen.rates.table.current_record()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.rates.table.setFocus()
    qtbot.keyClick(screen.rates.table, Qt.Key.Key_Delete)  # the Delete key deletes the selected rate
    assert len(rates_of(demo_db, pid)) == len(added) - 1
    assert (first.section, first.unit, first.valid_from.isoformat(), str(first.rate)) not in rates_of(demo_db, pid)
    context.undo_stack.undo()
    assert sorted(rates_of(demo_db, pid)) == sorted(added)


def test_rate_without_date_is_refused(qtbot, screen, demo_db):
    pid = select_provider(screen, demo_db, "Botilbuddet Skovbrynet")
    original = rates_of(demo_db, pid)
    dialog = screen.add_rate()
    fill(qtbot, dialog, valid_from="31.02.2028", rate="100")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Gyldig fra" in dialog.errors["valid_from"].text()
    fill(qtbot, dialog, valid_from="1.1.2028", rate="-5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["rate"].text() == "Taksten skal være større end 0"
    assert rates_of(demo_db, pid) == original
