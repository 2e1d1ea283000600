"""The screens on the second dataset (tests/followup/test_independent_surfaces.py: built through the
CLI, budgets on an account, on a section and on both, the 2026 thresholds and occupancy target):
the follow-up screen's and the report preview's models show the recomputation's figures, the
section level adds up to "Drift i alt", and "Ikke fordelt på paragraf" is never an overspend."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import QThreadPool, Qt

from tests.followup.test_independent_surfaces import UNALLOCATED, build_second
from tests.gui.helpers import app_context
from tests.gui.test_independent_followup import computed_followup, danish_ore, shown_texts
from tests.test_independent_figures import Independent, _sum

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def second_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("second_gui")
    return build_second(folder / "second.sqlite", folder)


@pytest.fixture
def second_context(second_template, tmp_path):
    path = tmp_path / "second.sqlite"
    shutil.copy(second_template, path)
    with app_context(path) as ctx:
        yield ctx


def test_followup_screen_by_section_on_the_second_dataset(qtbot, second_context):
    screen = computed_followup(qtbot, second_context, "section")

    ind = Independent(second_context.db_path, 2026)
    rows = ind.forecast(AS_OF)
    outturn = _sum(rows, "to_date", lambda r: r["section"])
    for k, v in _sum(rows, "rest", lambda r: r["section"]).items():
        outturn[k] += v
    budgets = ind.section_budgets()
    # by hand: § 95 20.000.000 (its own), § 107 17.000.000 (its own), § 108 25.000.000 (5.38.50's:
    # all its grants are § 108); 5.32.32's 50.000.000 − 20.000.000 = 30.000.000 is not broken down
    assert budgets == {"§ 95": 2000000000, "§ 107": 1700000000, "§ 108": 2500000000}
    shown = shown_texts(screen.main_model)
    for row in shown:
        k = row["Paragraf"]
        if k == UNALLOCATED:
            assert (danish_ore(row["Budget"]), danish_ore(row["Afvigelse"])) == (3000000000, -3000000000)
            continue
        if k not in outturn:
            continue  # the postings without a grant
        assert danish_ore(row["Forventet regnskab"]) == outturn[k], k
        if k in budgets:
            assert danish_ore(row["Budget"]) == budgets[k]
            assert danish_ore(row["Afvigelse"]) == outturn[k] - budgets[k]
        else:
            assert row["Budget"] == "" and row["Afvigelse"] == "", k
    drift = shown_texts(screen.totals_model)[0]
    for column in ("Budget", "Bogført", "Beregnet til dato", "Disponeret rest", "Forventet regnskab"):
        assert sum(danish_ore(r[column]) or 0 for r in shown) == danish_ore(drift[column]), column
    assert danish_ore(drift["Budget"]) == 9200000000
    # the unallocated line's deviation is an underspend: not in the warning colour
    model = screen.main_model
    dev = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index("Afvigelse")
    for r in range(model.rowCount()):
        if model.data(model.index(r, 0)) == UNALLOCATED:
            assert model.data(model.index(r, dev), Qt.ItemDataRole.ForegroundRole) is None
    assert "tærskelværdierne for 2022" not in screen.status.text()


def test_report_preview_on_the_second_dataset(qtbot, second_context):
    """Rapporter: the monthly overview's preview shows 5.32.32's unallocated 30.000.000 with its
    own deviation -30.000.000, not marked; § 108 with 5.38.50's budget; the refund sheet's
    thresholds of 2026 and the occupancy sheet's 90 % target."""
    from gui.reports.reports_screen import Screen

    screen = Screen(second_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.year.setValue(2026)
    screen.month.setCurrentIndex(9)  # October: as of 31-10-2026
    assert screen.chosen_as_of() == AS_OF
    with qtbot.waitSignal(screen.report_ready, timeout=60000):
        screen.build_preview()
    QThreadPool.globalInstance().waitForDone(30000)
    titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    overview = shown_texts(screen.models[titles.index("Oversigt")])
    rest = next(r for r in overview if r["Konto"] == "5.32.32" and r["Tekst"] == UNALLOCATED)
    assert (danish_ore(rest["Budget"]), danish_ore(rest["Afvigelse"])) == (3000000000, -3000000000)
    model = screen.models[titles.index("Oversigt")]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = overview.index(rest)
    assert model.data(model.index(row, headers.index("Afvigelse")), Qt.ItemDataRole.ForegroundRole) is None
    # while the account's overspend (59.682.715,29 against 50.000.000) is marked
    account = overview.index(next(r for r in overview if r["Konto"] == "5.32.32 i alt"))
    assert danish_ore(overview[account]["Afvigelse"]) > 0
    assert model.data(model.index(account, headers.index("Afvigelse")), Qt.ItemDataRole.ForegroundRole) is not None
    section_108 = next(r for r in overview if r["Paragraf"] == "§ 108")
    ind = Independent(second_context.db_path, 2026)
    rows = ind.forecast(AS_OF)
    expected_108 = sum(r["to_date"] + r["rest"] for r in rows if r["section"] == "§ 108")
    assert danish_ore(section_108["Budget"]) == 2500000000
    assert danish_ore(section_108["Afvigelse"]) == expected_108 - 2500000000
    refund = screen.models[titles.index("Refusion")]
    assert any("tærskelværdier for 2026" in n for n in refund.table.notes)
    occupancy = shown_texts(screen.models[titles.index("Belægning")])
    assert {r["Mål"] for r in occupancy if r["Måned"] not in ("", "året")} == {"90,0 %"}
