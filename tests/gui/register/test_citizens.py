"""The citizens screen and the citizen view: grants over time with rate periods, and her history."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from core.register import grants as core_grants
from gui.register.citizen_view import describe_change
from tests.gui.helpers import add_grant, count, fill


@pytest.fixture
def citizens(shown):
    from gui.register.citizens_screen import CitizensScreen

    return shown(CitizensScreen)


@pytest.fixture
def grants_screen(shown):
    from gui.register.grants_screen import GrantsScreen

    return shown(GrantsScreen)


def citizen_with_most_grants(db) -> tuple[int, str, int]:
    return db.execute("SELECT c.id, c.cpr, count(*) AS n FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                      "GROUP BY c.id ORDER BY n DESC, c.id LIMIT 1").fetchone()


def test_citizens_list_with_counts_and_filter(qtmodeltester, citizens, demo_db):
    model = citizens.panel.model
    assert model.rowCount() == count(demo_db, "SELECT count(*) FROM citizens")
    qtmodeltester.check(model)
    cid, cpr, n = citizen_with_most_grants(demo_db)
    citizens.panel.filter_edit.setText(cpr)
    proxy = citizens.panel.proxy
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0).data() == cpr and proxy.index(0, 4).data() == str(n)


def test_birth_date_and_age_follow_the_century_rule(citizens, context):
    # 7th digit 4 and year 03: born 2003 (CPR office's rule, worked out by hand)
    add_grant(context.db, "010203-4005", "Ung Borger", start="2026-03-01")
    citizens.refresh()
    citizens.panel.filter_edit.setText("ung borger")
    proxy = citizens.panel.proxy
    today = dt.date.today()
    age = today.year - 2003 - ((today.month, today.day) < (2, 1))
    assert [proxy.index(0, c).data() for c in range(6)] == ["010203-4005", "Ung Borger", "01-02-2003", str(age),
                                                            "1", "1" if today >= dt.date(2026, 3, 1) else "0"]


def test_citizen_view_from_the_citizens_screen(qtbot, citizens, demo_db):
    cid, cpr, n = citizen_with_most_grants(demo_db)
    citizens.panel.filter_edit.setText(cpr)
    citizens.panel.table.setCurrentIndex(citizens.panel.proxy.index(0, 1))
    citizens.panel.table.setFocus()
    qtbot.keyClick(citizens.panel.table, Qt.Key.Key_Return)
    views = [w for w in citizens.children() if w.__class__.__name__ == "CitizenView"]
    assert len(views) == 1 and views[0].citizen_id == cid
    periods = count(demo_db, "SELECT count(*) FROM grant_rates r JOIN grants g ON g.id = r.grant_id "
                             "WHERE g.citizen_id = ? AND (g.end IS NULL OR r.valid_from <= g.end)", [cid])
    assert views[0].periods.model.rowCount() == periods >= n


def test_citizen_view_shows_history_and_follows_changes(qtbot, qtmodeltester, grants_screen, context, demo_db):
    gid = demo_db.execute("SELECT id FROM grants WHERE end IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    grants_screen.panel.select_key(gid)
    view = grants_screen.show_citizen()
    qtbot.addWidget(view)
    qtmodeltester.check(view.periods.model)
    history_before = view.history.model.rowCount()
    dialog = grants_screen.end_grant()
    fill(qtbot, dialog, end="30.11.2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert view.history.model.rowCount() == history_before + 1
    newest = view.history.model.records()[0]
    assert newest["action"] == "update" and newest["row_id"] == gid
    assert "slut: løbende → 30-11-2026" in view.history.proxy.index(0, 4).data()
    assert view.history.proxy.index(0, 2).data() == "Rettet"
    qtmodeltester.check(view.history.model)


def test_citizen_view_keeps_a_deleted_grants_history(qtbot, context):
    from gui.register.citizen_view import CitizenView

    gid = add_grant(context.db, "010203-4005", "Test", start="2025-03-01", end="2027-06-30")
    core_grants.update_grant(context.db, gid, {"caseworker": "Lise Holm"})
    cid = core_grants.get_grant(context.db, gid).citizen_id
    section = core_grants.get_grant(context.db, gid).section
    kept = add_grant(context.db, "010203-4005", "Test", start="2026-01-01")
    view = CitizenView(context, cid)
    qtbot.addWidget(view)
    core_grants.delete_grant(context.db, gid)
    context.notify_changed("grants")
    shown = [(e["action"], e["grant_label"]) for e in view.history.model.records()]
    assert shown == [("delete", f"{section} (nr. {gid})"), ("insert", f"{section} (nr. {kept})"),
                     ("update", f"{section} (nr. {gid})"), ("insert", f"{section} (nr. {gid})"), ("insert", "Borger")]
    assert view.history.proxy.index(0, 2).data() == "Slettet"


def test_describe_change_names_fields_in_danish():
    assert describe_change({"end": None, "caseworker": "A", "id": 1}, {"end": "2026-12-31", "caseworker": "B",
                                                                       "id": 1}) \
        == "slut: løbende → 31-12-2026; sagsbehandler: A → B"
    assert describe_change(None, {"end": None}) == ""


def test_a_changed_provider_reads_by_name(context):
    from core.register import providers
    from core.store import audit

    gid = add_grant(context.db, "010203-4005", "Test")
    before = core_grants.get_grant(context.db, gid).provider
    providers.create_provider(context.db, "Nyt Bosted", "privat")
    core_grants.update_grant(context.db, gid, {"provider": "Nyt Bosted"})
    newest = audit.for_grant(context.db, gid)[0]
    assert describe_change(newest["old"], newest["new"], newest["names"]) == f"leverandør: {before} → Nyt Bosted"
