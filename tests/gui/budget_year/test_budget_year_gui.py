"""The Budgetår screen and the rate-change dialog, driven with qtbot on the demo municipality."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QThreadPool

from core.followup.forecast import forecast
from gui.common.context import AppContext

PROVIDER = "Engly Botilbud ApS"


@pytest.fixture
def context(demo_db, tmp_path):
    ctx = AppContext(tmp_path / "demo.sqlite")
    yield ctx
    QThreadPool.globalInstance().waitForDone(30000)
    ctx.close()


def provider_2027(db) -> Decimal:
    rows = forecast(db, 2027, dt.date(2027, 1, 1), by="provider", include_expected=False,
                    include_refund=False).rows
    return next(r.expected_outturn for r in rows if r.provider == PROVIDER)


def test_rate_change_dialog_moves_next_years_forecast_and_undo_restores(qtbot, qtmodeltester, context):
    from core.register.providers import find_by_name
    from gui.budget_year.budget_year_screen import Screen
    from gui.register.rate_change_dialog import RateChangeDialog

    db = context.db
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.proposal.year.setValue(2027)
    screen.proposal.compute()
    qtbot.waitUntil(lambda: screen.proposal.result is not None, timeout=60000)
    proposal_before = screen.proposal.result.total_ore("proposal_ore")
    before = provider_2027(db)
    # the grants that follow the provider's døgn rate, and their rate in force on 1-1-2027, by hand
    following = db.execute(
        """SELECT g.id, (SELECT rate FROM grant_rates r WHERE r.grant_id = g.id AND r.valid_from <= '2027-01-01'
                         ORDER BY r.valid_from DESC LIMIT 1)
           FROM grants g JOIN providers p ON p.id = g.provider_id
           WHERE p.name = ? AND g.rate_from_catalogue = 1 AND g.unit = 'døgn'
             AND (g."end" IS NULL OR g."end" >= '2027-01-01')""", [PROVIDER]).fetchall()
    assert following

    dialog = RateChangeDialog(context, find_by_name(db, PROVIDER), screen)
    dialog.valid_from.setText("01-01-2027")
    dialog.rate.setText("9.999,00")
    assert not dialog.ok_button.isEnabled()  # no preview yet
    dialog.preview_button.click()
    qtmodeltester.check(dialog.model)
    assert sorted(g.grant_id for g in dialog.preview.changed) == sorted(gid for gid, _ in following)
    # open-ended grants all year (365 days) at 9.999 instead of their 2027 rate
    open_ended = db.execute("SELECT id FROM grants WHERE id IN (%s) AND \"end\" IS NULL"
                            % ",".join(str(g) for g, _ in following)).fetchall()
    for (gid,) in open_ended:
        old = Decimal(dict(following)[gid])
        effect = next(g.effect_ore for g in dialog.preview.changed if g.grant_id == gid)
        assert effect == int((Decimal("9999") - old) * 365 * 100)
    assert provider_2027(db) == before  # a preview changes nothing
    dialog.ok_button.click()

    after = provider_2027(db)
    assert after > before
    assert after - before == sum(Decimal(g.effect_ore) / 100 for g in dialog.preview.changed)
    screen.proposal.compute()  # the Budgetår screen sees next year move too
    qtbot.waitUntil(lambda: screen.proposal.result.total_ore("proposal_ore") != proposal_before, timeout=60000)

    context.undo_stack.undo()  # one batch: all of it back
    assert provider_2027(db) == before


def test_budget_year_screen_what_if_savings_and_trend(qtbot, qtmodeltester, context, demo_db, tmp_path):
    from gui.budget_year.budget_year_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    tab = screen.proposal
    tab.year.setValue(2027)
    tab.compute()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60000)
    qtmodeltester.check(tab.model)
    # the 5.38.50 line: one full-year equivalent fewer at its own average price
    row = next(i for i, line in enumerate(tab.model.rows) if line.account == "5.38.50")
    line = tab.model.rows[row]
    expected = round(line.base_ore - line.base_ore / line.base_fye)  # (FYE − 1) · (base / FYE)
    tab.view.setCurrentIndex(tab.proxy.mapFromSource(tab.model.index(row, 0)))
    tab.version.setCurrentText("Stram")
    tab.fye_change.setText("-1")
    tab.save_whatif()
    qtbot.waitUntil(lambda: tab.result.version == "Stram", timeout=60000)
    changed = next(x for x in tab.result.lines if x.account == "5.38.50")
    assert abs(changed.proposal_ore - expected) <= 1
    out = tmp_path / "forslag.xlsx"
    tab.write(str(out))
    qtbot.waitUntil(out.exists, timeout=60000)

    savings = screen.savings
    savings.year.setValue(2027)
    dialog = savings.new_saving()
    dialog.fields["text"].setText("Hjemtagelse af enkeltmandstilbud")
    dialog.fields["amount_2027"].setText("969.550")
    dialog.fields["amount_2028"].setText("1.000.000")
    dialog.submit()
    shown = len(demo_db.execute("SELECT id FROM savings WHERE year = 2027").fetchall())
    assert len(savings.model.rows) == shown  # the demo's measures and the new one
    new = savings.model.rows[-1]
    assert (new.text, new.planned) == ("Hjemtagelse af enkeltmandstilbud", {2027: 96_955_000, 2028: 100_000_000})
    # linked to an open § 108 grant: realised is the fall of its 2027 expected outturn since then
    from core.register.grants import end_grant, get_grant
    from gui.budget_year.budget_year_screen import _link

    gid, = context.db.execute("""SELECT id FROM grants WHERE section = '§ 108' AND "end" IS NULL
                                 AND paying_municipality = 'Eksempel Kommune' ORDER BY id LIMIT 1""").fetchone()
    savings.view.setCurrentIndex(savings.proxy.index(shown - 1, 0))
    _link(savings, grant_id=gid)
    assert savings.model.rows[-1].realised_ore == 0
    rate_2027 = get_grant(context.db, gid).rate_on(dt.date(2027, 1, 1))
    end_grant(context.db, gid, dt.date(2027, 6, 30))  # Jul 1..Dec 31 = 184 days less
    savings.refresh()
    assert savings.model.rows[-1].realised_ore == int(rate_2027 * 184 * 100)
    context.undo_stack.undo()  # the link
    savings.refresh()
    assert savings.model.rows[-1].realised_ore is None

    trend = screen.trend
    trend.first.setValue(2025)
    trend.last.setValue(2026)
    trend.compute()
    qtbot.waitUntil(lambda: bool(trend.rows), timeout=60000)
    qtmodeltester.check(trend.model)
    assert {r.year for r in trend.rows} == {2025, 2026}
    assert len(trend.chart.series()) == len({r.key for r in trend.rows})


def test_breakdown_tab_and_trend_export(qtbot, qtmodeltester, context, demo_db, tmp_path):
    from openpyxl import load_workbook

    from gui.budget_year.budget_year_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    tab = screen.breakdown
    tab.year.setValue(2026)
    tab.by.setCurrentIndex(tab.by.findData("caseworker"))
    tab.compute()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60000)
    qtmodeltester.check(tab.model)
    caseworkers = {r[0] for r in demo_db.execute("SELECT DISTINCT caseworker FROM grants")}
    assert {r.key for r in tab.model.rows} - {"(uden bevilling)"} <= caseworkers
    assert sum(r.expected_outturn for r in tab.model.rows) == tab.result.total.expected_outturn
    sheet = tmp_path / "opdeling.xlsx"
    tab.write(str(sheet))
    values = [row for row in load_workbook(sheet)["Pr. sagsbehandler"].iter_rows(values_only=True)]
    assert any(row[0] == "Lise Holm" for row in values)

    trend = screen.trend
    trend.first.setValue(2026)
    trend.last.setValue(2026)
    trend.compute()
    qtbot.waitUntil(lambda: bool(trend.rows), timeout=60000)
    out = tmp_path / "udvikling.xlsx"
    trend.write(str(out))
    assert load_workbook(out).sheetnames == ["Udvikling"]


def test_projection_from_the_proposal_tab_moves_next_years_forecast(qtbot, context, demo_db):
    from core.budget_year import rates
    from gui.budget_year.budget_year_screen import Screen

    # the demo has rates for 2027 on every open grant, none for 2028; index 2028 = 2 %.
    # As of 31 December each grant's year is rounded once, as the plan's effect is.
    dec31 = dt.date(2028, 12, 31)
    rates.set_price_index(context.db, 2028, "2")
    screen = Screen(context)
    qtbot.addWidget(screen)
    tab = screen.proposal
    tab.year.setValue(2028)
    plan = rates.plan_projection(context.db, 2028)
    open_ids = {g for (g,) in demo_db.execute("""SELECT id FROM grants WHERE ("end" IS NULL OR "end" >= '2028-01-01')
                                                 AND start <= '2028-12-31'""")}
    assert {g.grant_id for g in plan.grants} == open_ids
    before = forecast(demo_db, 2028, dec31, include_expected=False, include_refund=False).total
    with qtbot.waitSignal(context.data_changed, timeout=60000):
        tab.confirm_projection(plan, ask=False)
    after = forecast(demo_db, 2028, dec31, include_expected=False, include_refund=False).total
    assert after.expected_outturn - before.expected_outturn == Decimal(plan.effect_ore) / 100
    context.undo_stack.undo()
    again = forecast(demo_db, 2028, dec31, include_expected=False, include_refund=False).total
    assert again.expected_outturn == before.expected_outturn
