"""The follow-up screen shows the figures the independent recomputation gives
(tests/test_independent_figures.py), to the øre, on every operating line and total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QThreadPool, Qt

from tests.test_independent_figures import Independent, _sum, rha


def shown_texts(model) -> list[dict[str, str]]:
    """Every row of a table model as header -> the text shown."""
    headers = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
               for c in range(model.columnCount())]
    return [{h: model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "" for c, h in enumerate(headers)}
            for r in range(model.rowCount())]


def danish_ore(text: str) -> int | None:
    """'1.234.567,89' (or '' for nothing) as øre."""
    text = text.replace("kr.", "").strip()
    if not text:
        return None
    return int(Decimal(text.replace(".", "").replace(",", ".").replace("−", "-")) * 100)


def computed_followup(qtbot, context, level: str):
    """Budgetopfølgning shown and computed for 2026 as of 31-10-2026 at ``level``."""
    from gui.followup.followup_screen import Screen

    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.year.setValue(2026)
    screen.as_of.setDate(QDate(2026, 10, 31))
    screen._initialised = True  # keep the as-of date typed above
    screen.level.setCurrentIndex(screen.level.findData(level))
    with qtbot.waitSignal(screen.job.finished, timeout=60000):
        screen.compute()
    QThreadPool.globalInstance().waitForDone(30000)
    return screen


@pytest.mark.parametrize("level", ["account", "section"])
def test_followup_screen_equals_the_recomputation(qtbot, context, level):
    screen = computed_followup(qtbot, context, level)
    ind = Independent(context.db_path, 2026)
    rows = ind.forecast(dt.date(2026, 10, 31))
    to_date = _sum(rows, "to_date", lambda r: r[level])
    rest = _sum(rows, "rest", lambda r: r[level])
    budgets = ind.account_budgets() if level == "account" else {k: (v, None) for k, v in ind.section_budgets().items()}
    shown = shown_texts(screen.main_model)
    key = {"account": "Konto", "section": "Paragraf"}[level]
    seen = set()
    for row in shown:
        k = row[key]
        if k == "Ikke fordelt på paragraf":
            # the demo's budgets are all on accounts; an account whose grants all have one section
            # has it on that section: the rest (5.32.32's § 95/96, 5.38.53's § 97/98) is here,
            # expected 0, its deviation 0 − budget (not spent on this line), never red
            area = sum(b for b, _ in ind.account_budgets().values())
            rest_budget = area - sum(ind.section_budgets().values())
            assert (danish_ore(row["Budget"]), danish_ore(row["Forventet regnskab"])) == (rest_budget, 0), row
            assert danish_ore(row["Afvigelse"]) == -rest_budget
            continue
        if k not in to_date:
            assert k == "Posteringer uden bevilling" and danish_ore(row["Forventet regnskab"]) == 0, row
            continue
        seen.add(k)
        outturn = to_date[k] + rest[k]
        assert danish_ore(row["Beregnet til dato"]) == to_date[k], k
        assert danish_ore(row["Forventet regnskab"]) == outturn, k
        if k in budgets:
            assert danish_ore(row["Budget"]) == budgets[k][0]
            assert danish_ore(row["Afvigelse"]) == outturn - budgets[k][0]
        else:  # no budget on the level: none shown, never 0,00
            assert danish_ore(row["Budget"]) is None and danish_ore(row["Afvigelse"]) is None, k
    assert seen == set(to_date)

    totals = shown_texts(screen.totals_model)
    model = screen.totals_model
    labels = [model.data(model.index(r, 0), Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())]
    assert labels == ["Drift i alt", "Kommende borgere", "Forventet refusion (§ 176)", "I alt"], labels
    drift, expected, refund, grand = totals
    operating = sum(to_date.values()) + sum(rest.values())
    exp_to, exp_rest = ind.expected_line(dt.date(2026, 10, 31))
    refund_total = sum(ind.refund(rows).values())
    assert danish_ore(drift["Forventet regnskab"]) == operating
    assert danish_ore(expected["Forventet regnskab"]) == exp_to + exp_rest
    assert danish_ore(refund["Forventet regnskab"]) == -refund_total
    assert danish_ore(grand["Forventet regnskab"]) == operating + exp_to + exp_rest - refund_total
    # the refund has no budget: the grand total shows neither budget nor deviation
    assert danish_ore(grand["Budget"]) is None and danish_ore(grand["Afvigelse"]) is None
    # "Drift i alt" is the sum of the lines shown above it, at both levels (the section level's
    # budget through "Ikke fordelt på paragraf")
    for column in ("Budget", "Bogført", "Beregnet til dato", "Disponeret rest", "Forventet regnskab"):
        assert sum(danish_ore(r[column]) or 0 for r in shown) == danish_ore(drift[column]), (level, column)
    if level == "account":
        budget = sum(b for b, _ in budgets.values())
        assert danish_ore(drift["Budget"]) == budget
        assert danish_ore(drift["Afvigelse"]) == operating - budget
        assert danish_ore(drift["Mængdeeffekt"]) + danish_ore(drift["Priseffekt"]) == operating - budget
    assert "I alt: forventet" in screen.status.text()
    assert "tærskelværdierne for 2022" in screen.status.text()


def test_reconcile_screen_shows_the_figures_of_the_cli_and_the_workbook(qtbot, context, tmp_path):
    """The reconciliation screen's "Difference" is the workbook's and reconcile --json's
    (booked − computed to date), under the same heading; it was booked − due there."""
    import json

    from gui.followup.reconcile_screen import Screen
    from tests.conftest import run_cli

    data = json.loads(run_cli("reconcile", "--year", 2026, "--as-of", "31-10-2026", "--all", "--json",
                              db=context.db_path).stdout)
    ind = Independent(context.db_path, 2026)
    rows = ind.forecast(dt.date(2026, 10, 31))
    computed = _sum(rows, "to_date", lambda r: (r["cpr"], r["account"]))
    for r in data["rows"]:
        assert round(Decimal(str(r["computed"])) * 100) == computed.get((r["cpr"], r["account"]), 0), r
        assert Decimal(str(r["difference"])) == Decimal(str(r["booked"])) - Decimal(str(r["computed"]))
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.year.setValue(2026)
    screen.as_of.setDate(QDate(2026, 10, 31))
    screen.only_flagged.setChecked(False)
    with qtbot.waitSignal(screen.job.finished, timeout=60000):
        screen.compute()
    QThreadPool.globalInstance().waitForDone(30000)
    shown = shown_texts(screen.model)
    want = {(r["cpr"] or "", r["account"]): r for r in data["rows"]}
    assert len(shown) == len(want)
    for row in shown:
        r = want[(row["CPR-nr."], row["Konto"])]
        assert danish_ore(row["Difference (bogført − beregnet)"]) == round(Decimal(str(r["difference"])) * 100)
        assert danish_ore(row["Forfaldent efter fakturaforsinkelse"]) == round(Decimal(str(r["due"])) * 100)
