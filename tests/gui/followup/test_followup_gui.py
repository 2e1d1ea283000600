"""The follow-up screens driven with qtbot on the demo municipality."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QThreadPool, Qt

from core.followup import approval
from core.money import format_number
from gui.common.context import AppContext


@pytest.fixture
def context(demo_db, tmp_path):
    ctx = AppContext(tmp_path / "demo.sqlite")
    yield ctx
    QThreadPool.globalInstance().waitForDone(30000)
    ctx.close()


def _money(model, row, title):
    column = next(i for i, c in enumerate(model.columns) if c.title == title)
    return model.columns[column].value(model.rows[row])


def test_followup_screen_computes_drills_down_and_charts(qtbot, qtmodeltester, context, demo_db):
    from gui.followup.followup_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.result is not None, timeout=60000)
    last = demo_db.execute("SELECT MAX(date) FROM postings WHERE date LIKE '2026-%'").fetchone()[0]
    assert last == "2026-10-30"
    assert screen.as_of.date().toString("yyyy-MM-dd") == "2026-10-31"  # default: the newest booked month's end
    model = screen.main_model
    qtmodeltester.check(model)
    accounts = [r.account for r in model.rows]
    assert "5.38.50" in accounts and "5.38.59" in accounts
    # the demo's bookings, independently: the sum of all postings to Oct 31
    booked = demo_db.execute("SELECT SUM(amount_ore) FROM postings WHERE date <= ?", [last]).fetchone()[0]
    assert sum((r.booked_to_date for r in model.rows), Decimal(0)) == Decimal(booked) / 100
    for r in model.rows:
        if r.deviation is not None:
            assert r.volume_effect + r.price_effect == r.deviation
    assert format_number(screen.result.level.total.expected_outturn) in screen.status.text()
    assert "Kommende borgere" in screen.status.text()

    # sort by expected outturn, largest first
    column = next(i for i, c in enumerate(model.columns) if c.key == "expected_outturn")
    screen.main_view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    top = model.record(screen.main_proxy.mapToSource(screen.main_proxy.index(0, 0)).row())
    assert top.expected_outturn == max(r.expected_outturn for r in model.rows)

    # drill down: 5.38.50 -> its grants -> the postings behind one
    row = next(i for i in range(screen.main_proxy.rowCount())
               if model.record(screen.main_proxy.mapToSource(screen.main_proxy.index(i, 0)).row()).account == "5.38.50")
    screen.main_view.setCurrentIndex(screen.main_proxy.index(row, 0))
    screen.detail_level.setCurrentIndex(screen.detail_level.findData("grant"))
    detail = screen.detail_model
    qtmodeltester.check(detail)
    n_grants = demo_db.execute(
        "SELECT COUNT(*) FROM grants WHERE account = '5.38.50' AND start <= '2026-12-31' "
        "AND (end IS NULL OR end >= '2026-01-01')").fetchone()[0]
    assert len(detail.rows) == n_grants
    target = next(i for i, g in enumerate(detail.rows) if g.booked_to_date > 0 and sum(
        1 for h in detail.rows if h.cpr == g.cpr) == 1)
    source = detail.index(target, 0)
    screen.detail_view.setCurrentIndex(screen.detail_proxy.mapFromSource(source))
    qtmodeltester.check(screen.postings_model)
    assert screen.postings_model.rows
    assert sum(p["amount"] for p in screen.postings_model.rows) == detail.rows[target].booked_to_date
    screen.detail_level.setCurrentIndex(screen.detail_level.findData("provider"))
    assert sum(r.expected_outturn for r in detail.rows) == top_row_expected(model, "5.38.50")

    # the chart: December's cumulative expected outturn is the year's
    points = screen.chart_points()
    assert set(points) >= {"Forventet regnskab", "Budget", "Bogført"}   # the lines: test_followup_chart.py
    assert points["Forventet regnskab"][-1][1] == pytest.approx(
        float(screen.result.level.total.expected_outturn) / 1e6)


def top_row_expected(model, account):
    return next(r.expected_outturn for r in model.rows if r.account == account)


def test_followup_screen_section_level_and_bad_year(qtbot, context):
    from gui.followup.followup_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.as_of.setDate(QDate(2026, 6, 30))
    screen.level.setCurrentIndex(screen.level.findData("section"))
    screen.compute()
    qtbot.waitUntil(lambda: screen.result is not None, timeout=60000)
    assert {r.section for r in screen.main_model.rows} >= {"§ 85", "§ 108", "§ 96"}
    screen.year.setValue(1999)
    screen.as_of.setDate(QDate(1999, 6, 30))
    screen.compute()
    qtbot.waitUntil(lambda: "ingen bevillinger" in screen.status.text(), timeout=60000)
    assert screen.main_model.rowCount() == 0


def test_approval_screen(qtbot, qtmodeltester, context):
    from gui.followup.approval_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.refresh()
    qtmodeltester.check(screen.model)
    assert [s.month for s in screen.model.rows] == list(range(1, 10))   # the demo approved Jan-Sep
    # a month reads as people write it, and sorts by time (not alphabetically: april before januar)
    month = next(c for c, col in enumerate(screen.model.columns) if col.key == "month")
    shown = [screen.model.index(r, month).data() for r in range(screen.model.rowCount())]
    assert shown[:2] == ["januar 2026", "februar 2026"] and shown[-1] == "september 2026"
    screen.view.sortByColumn(month, Qt.SortOrder.DescendingOrder)
    assert screen.view.model().index(0, month).data() == "september 2026"
    qtbot.waitUntil(lambda: screen.live is not None, timeout=60000)
    screen.month.setCurrentIndex(screen.month.findData(10))
    # the demo's deliberate errors are shown before approving, and approving needs a reason
    qtbot.waitUntil(lambda: screen.found is not None, timeout=60000)
    assert "Datavalideringen har" in screen.checks_label.text()
    with qtbot.waitSignal(screen.approval_finished, timeout=60000):  # off the GUI thread
        screen.approve(ask_reason=lambda: None)
    assert [s.month for s in screen.model.rows] == list(range(1, 10))
    assert "begrundelse" in screen.message.text()
    with qtbot.waitSignal(screen.approval_finished, timeout=60000):
        screen.approve(ask_reason=lambda: "Kendte fejl i eksempeldata")
    assert [s.month for s in screen.model.rows] == list(range(1, 11))
    assert "godkendt" in screen.message.text()
    assert approval.snapshots(context.db, 2026)[-1].reason == "Kendte fejl i eksempeldata"
    def replaced():
        return context.db.execute("SELECT COUNT(*) FROM audit WHERE table_name = 'approvals' "
                                  "AND action = 'replace'").fetchone()[0]

    with qtbot.waitSignal(screen.approval_finished, timeout=60000):
        screen.approve(confirm_replace=lambda: False, ask_reason=lambda: "Igen")
    assert replaced() == 0
    with qtbot.waitSignal(screen.approval_finished, timeout=60000):
        screen.approve(confirm_replace=lambda: True, ask_reason=lambda: "Igen")
    assert replaced() == 1 and len(screen.model.rows) == 10
    assert {s.name() for s in screen.chart.series()} >= {"Godkendt forventet regnskab", "Budget"}


def test_approving_runs_off_the_gui_thread_behind_a_busy_bar(qtbot, context):
    """Godkend måned: the checks and the saving of the month's figures take seconds on a large
    register; while they run, the window answers, a busy bar shows and the button cannot be
    pressed twice. Afterwards the bar is gone and October is approved."""
    from core.followup import approval
    from gui.followup.approval_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    screen.month.setCurrentIndex(screen.month.findData(10))
    assert not screen.message.isVisible()  # no empty line above the table before there is a message
    with qtbot.waitSignal(screen.approval_finished, timeout=60000):
        screen.approve(ask_reason=lambda: "Kendte fejl i eksempeldata")
        # back in the event loop at once: the work is on a worker thread
        assert screen.busy_bar.isVisible() and not screen.approve_button.isEnabled()
        assert screen.message.text() == "Kontrollerer måneden …"
    assert not screen.busy_bar.isVisible() and screen.approve_button.isEnabled()
    assert screen.message.text() == "Oktober 2026 er godkendt." and screen.message.isVisible()
    assert [s.month for s in approval.snapshots(context.db, 2026)] == list(range(1, 11))


def test_reconcile_screen_finds_the_demo_errors(qtbot, qtmodeltester, context):
    from gui.followup.reconcile_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2026)
    screen.refresh()
    qtbot.waitUntil(lambda: bool(screen.rows), timeout=60000)
    qtmodeltester.check(screen.model)
    flags = {f for r in screen.model.rows for f in r.flags}
    assert {"no_grant", "wrong_account", "no_postings", "double_payment"} <= flags
    shown = screen.model.rowCount()
    screen.only_flagged.setChecked(False)
    assert screen.model.rowCount() > shown
    screen.search.setText("5.38.59")
    assert 0 < screen.proxy.rowCount() < screen.model.rowCount()


def test_validation_screen_opens_the_record(qtbot, qtmodeltester, context):
    from gui.followup.validation_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.as_of.setDate(QDate(2026, 10, 31))
    screen.refresh()
    qtbot.waitUntil(lambda: not screen.job.running, timeout=60000)  # the checks run off the GUI thread
    qtmodeltester.check(screen.model)
    assert screen.model.rows
    assert "duplicate" in {f.rule for f in screen.model.rows}
    screen.rule.setCurrentIndex(screen.rule.findData("duplicate"))
    assert all(f.rule == "duplicate" for f in screen.model.rows)
    screen.view.setCurrentIndex(screen.proxy.index(0, 0))
    dialog = screen.open_current(show=False)
    qtbot.addWidget(dialog)
    finding = screen.current_finding()
    assert dialog.windowTitle() == f"Bevilling {finding.record_id}"


def test_the_validation_runs_off_the_gui_thread_behind_a_busy_bar(qtbot, context):
    """Kontrollér reads the whole register (a second or more with 30,000 grants): the screen
    answers at once with a busy bar and "Kontrollerer …", and the findings come when done."""
    from gui.followup.validation_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.as_of.setDate(QDate(2026, 10, 31))
    screen.refresh()
    assert screen.busy_bar.isVisible() and screen.status.text() == "Kontrollerer …"
    qtbot.waitUntil(lambda: not screen.job.running, timeout=60000)
    assert not screen.busy_bar.isVisible() and screen.model.rows
    assert screen.status.text().startswith("11 fejl")  # the demo's deliberate errors


def test_a_missing_yearly_value_opens_where_it_is_entered(qtbot, context):
    from gui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("Datavalidering")
    screen.as_of.setDate(QDate(2026, 10, 31))
    screen.refresh()
    qtbot.waitUntil(lambda: not screen.job.running, timeout=60000)
    screen.rule.setCurrentIndex(screen.rule.findData("sats_missing"))
    assert screen.model.rows  # the demo has no 2026 refund thresholds
    screen.view.setCurrentIndex(screen.proxy.index(0, 0))
    catalogue = screen.open_current(show=False)
    assert window.current_screen() is catalogue and catalogue.tabs.currentWidget() is catalogue.satser_tab


def test_every_screen_report_and_the_cli_default_to_the_newest_booked_months_end(qtbot, context, demo_db):
    """One default as-of date however she gets there: the demo's newest booking is 30-10-2026,
    so Budgetopfølgning, Afstemning, Rapporter, Månedens gang and ``forecast --json`` all
    compute to 31-10-2026 (October's last day), not to the booking's day."""
    import datetime as dt
    import json

    from core.followup.monthly_cycle import latest_month
    from gui.followup.followup_screen import Screen as FollowUpScreen
    from gui.followup.reconcile_screen import Screen as ReconcileScreen
    from gui.reports.reports_screen import Screen as ReportsScreen
    from tests.conftest import run_cli

    assert demo_db.execute("SELECT max(date) FROM postings").fetchone()[0] == "2026-10-30"
    october_end = dt.date(2026, 10, 31)
    follow_up = FollowUpScreen(context)
    reconcile = ReconcileScreen(context)
    reports = ReportsScreen(context)
    for screen in (follow_up, reconcile, reports):
        qtbot.addWidget(screen)
        screen.year.setValue(2026)
    follow_up.refresh()
    reconcile.refresh()
    QThreadPool.globalInstance().waitForDone(30000)
    for screen in (follow_up, reconcile):
        assert screen.as_of.date() == QDate(2026, 10, 31), screen.TITLE
    assert reports.chosen_as_of() == october_end
    qtbot.waitUntil(lambda: follow_up.result is not None, timeout=30_000)
    assert follow_up.result.level.as_of == october_end
    assert latest_month(demo_db) == (2026, 10)  # Månedens gang works on October, reported on its last day
    out = run_cli("forecast", "--year", "2026", "--json", db=context.db_path)
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert cli["as_of"] == "2026-10-31"
    # the same figure on the screen and in the CLI: the whole area's expected outturn
    assert Decimal(str(cli["total"]["expected_outturn"])) == follow_up.result.level.total.expected_outturn


def test_the_screens_and_reconcile_start_on_the_newest_bookings_year(qtbot, db, db_path):
    """Bookings up to 14-11-2025 and none later (she opens Dispo before the new year's first
    booking): Budgetopfølgning and Afstemning start on 2025 as of 30-11-2025 (November's end),
    as Månedens gang does, not on the calendar's year; so does ``reconcile`` without --year."""
    import json

    from core.register.grants import create_grant
    from core.register.providers import create_provider
    from gui.followup.followup_screen import Screen as FollowUpScreen
    from gui.followup.reconcile_screen import Screen as ReconcileScreen
    from tests.conftest import run_cli

    db["settings"].upsert({"key": "municipality", "value": "Eksempel Kommune"}, pk="key")
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=45)
    create_grant(db, {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn",
                      "rate": "1000", "start": "2025-01-01", "paying_municipality": "Eksempel Kommune"})
    db["postings"].insert({"date": "2025-11-14", "account": "5.38.50", "amount_ore": 100_000, "cpr": "010180-1234"})
    context = AppContext(db_path)
    try:
        follow_up, reconcile = FollowUpScreen(context), ReconcileScreen(context)
        for screen in (follow_up, reconcile):
            qtbot.addWidget(screen)
            screen.refresh()
        QThreadPool.globalInstance().waitForDone(30000)
        for screen in (follow_up, reconcile):
            assert (screen.year.value(), screen.as_of.date()) == (2025, QDate(2025, 11, 30)), screen.TITLE
    finally:
        QThreadPool.globalInstance().waitForDone(30000)
        context.close()
    out = run_cli("reconcile", "--json", db=db_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["year"] == 2025


def test_ctrl_f_in_the_reconciliation_goes_to_its_search_field(qtbot, context):
    """Afstemning: Ctrl+F from the table puts the cursor in the search field, as in the registers'
    tables, and the field says so."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    from tests.gui.helpers import active_window

    window = active_window(qtbot, context)
    screen = window.show_screen("Afstemning")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=60000)
    screen.view.setFocus()
    qtbot.waitUntil(screen.view.hasFocus)
    QTest.keySequence(screen.view, QKeySequence(QKeySequence.StandardKey.Find))
    assert screen.search.hasFocus()
    assert "(Ctrl+F)" in screen.search.placeholderText()
