"""The "Scenarier" screen: a business case typed like a user, formulas on hover, variants side by
side, saving per citizen, the export, in-house vs bought and key figures."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt, QThreadPool

from core.scenarios import store
from core.scenarios.export import CASE_SHEET
from tests.dbcontent import content


@pytest.fixture(autouse=True)
def no_running_work():
    yield
    QThreadPool.globalInstance().waitForDone(30000)


@pytest.fixture
def screen(shown):
    from gui.scenarios.scenarios_screen import Screen

    return shown(Screen)


def type_case(tab):
    """Before: benefit 7.552 kr. at 20 %; after: 7 hours of personal assistance (the default rows)."""
    tab.set_cell(0, "amount", "7.552")
    tab.set_cell(0, "refund_pct", "20")
    tab.set_kind(1, "pa")
    tab.set_cell(1, "hours_per_week", "7")
    tab.year.setValue(2026)


def test_business_case_typed_in_the_screen(screen):
    tab = screen.case_tab
    type_case(tab)
    tab.variant_hours.setText("7; 14")
    tab.variant_rates.setText("127,86; 180")
    assert tab.compute()
    # before 7552 · 0,8 = 6.041,60; after 7 · 127,86 · 4,33 · 0,5 = 1.937,72; saving 4.103,88; year 49.246,56
    totals = tab.totals_model
    shown = {totals.index(r, 0).data(): totals.index(r, 1).data() for r in range(totals.rowCount())}
    assert shown["Netto før pr. måned"] == "6.041,60"
    assert shown["Besparelse pr. år"] == "49.246,56"
    # the formula on hover, on the line and on the total
    pa_net = tab.line_model.index(1, 6)
    assert pa_net.data() == "1.937,72"
    assert pa_net.data(Qt.ItemDataRole.ToolTipRole).startswith("7 t/uge × 127,86 kr. × 4,33 uger × (1 − 50 %)")
    assert totals.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == "6.041,60 − 1.937,72 = 4.103,88"
    assert "sats for 2022" in tab.rates_label.text()
    # variants side by side: 14 h at 180 kr.: 14 · 180 · 4,33 · 0,5 = 5.455,80; saving 6041,60 − 5455,80 = 585,80
    vm = tab.variant_model
    headers = [vm.headerData(c, Qt.Orientation.Horizontal) for c in range(vm.columnCount())]
    assert headers == ["Figur", "7 t/uge · 127,86 kr./t", "7 t/uge · 180 kr./t", "14 t/uge · 127,86 kr./t",
                       "14 t/uge · 180 kr./t"]
    assert vm.index(2, 4).data() == "585,80"
    assert vm.index(2, 4).data(Qt.ItemDataRole.ToolTipRole) == "14 t/uge · 180 kr./t: 6.041,60 − 5.455,80 = 585,80"
    assert len(tab.chart.series()) == 1


def test_a_bad_line_is_named_and_nothing_is_saved(screen, tmp_path):
    tab = screen.case_tab
    type_case(tab)
    tab.set_cell(1, "hours_per_week", "syv")
    before = content(tmp_path / "demo.sqlite")
    tab.name.setText("Forsøg")
    assert tab.save() is None
    assert tab.error.text() == "Linje 1 i 'Efter' (personlig assistance): feltet 'Timer pr. uge' skal være et tal, " \
                               "ikke 'syv'"
    assert content(tmp_path / "demo.sqlite") == before


def test_save_per_citizen_reload_and_export(screen, context, tmp_path):
    tab = screen.case_tab
    type_case(tab)
    cpr = context.db.execute("SELECT cpr FROM citizens ORDER BY id LIMIT 1").fetchone()[0]
    tab.name.setText("Uddannelseshjælp til job")
    tab.cpr.setText(cpr)
    case_id = tab.save()
    assert case_id is not None
    saved = store.get_case(context.db, case_id)
    assert saved.cpr == cpr and saved.name == "Uddannelseshjælp til job"
    # a fresh line table, then the saved case back
    tab.lines.setRowCount(0)
    tab.load_selected()
    assert tab.lines.rowCount() == 2
    assert str(tab.result.saving_month) == "4103.88"  # 6.041,60 − 1.937,72
    # saved again under its name: replaced, not a second case; under a new name: a new case
    tab.set_cell(1, "hours_per_week", "14")
    assert tab.save() == case_id
    assert store.get_case(context.db, case_id).case.after[0].hours_per_week == 14
    tab.name.setText("Med 14 timer")
    assert tab.save() not in (None, case_id)
    assert len(store.list_cases(context.db)) == 2
    path = tab.export(str(tmp_path / "bc.xlsx"))
    ws = openpyxl.load_workbook(path)[CASE_SHEET]
    assert any(str(c.value).startswith("=ROUND(") for row in ws.iter_rows() for c in row)
    # the PDF: the figures beside their formulas (the case is now 14 hours: 14 · 127,86 · 4,33 · 0,5 = 3.875,44;
    # saving 6.041,60 − 3.875,44 = 2.166,16), the CPR masked when the screen masks it
    from tests.reports.pdf_text import pdf_text

    text = pdf_text(tab.export_pdf(str(tmp_path / "bc.pdf")))
    assert "6.041,60 − 3.875,44 = 2.166,16" in text


def test_inhouse_tab(screen):
    tab = screen.inhouse_tab
    tab.external.setText("600.000")
    tab.own.setText("480.000")
    tab.investment.setText("150.000")
    tab.years.setValue(4)
    assert tab.compute()
    # break-even 12 · 150.000 / 120.000 = month 15; saving over 4 years −30.000 + 3 · 120.000 = 330.000
    assert "måned 15" in tab.message.text()
    assert "330.000,00" in tab.message.text()
    assert tab.years_model.rowCount() == 4
    assert len(tab.chart.series()) == 2
    tab.external.setText("mange")
    assert not tab.compute()
    assert "er ikke et tal" in tab.message.text()


def test_key_figures_tab(screen, qtbot):
    tab = screen.keyfigures_tab
    tab.year.setValue(2026)
    with qtbot.waitSignal(tab.job.finished, timeout=60000):
        tab.compute()
    keys = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    assert "§ 108" in keys and "§ 85" in keys


def test_assistance_tab(screen, context):
    from core.register import grants

    tab = screen.assistance_tab
    tab.hours.setText("17")
    tab.working.setText("30")
    tab.check()
    # 20 · 30 / 37 = 16,22 < 17
    assert "over loftet på 16,22 timer" in tab.cap_result.text()
    tab.hours.setText("16")
    tab.check()
    assert tab.cap_result.text() == "Inden for loftet: 20 · 30 / 37 = 16,22 timer pr. uge."
    grants.create_grant(context.db, {"cpr": "010190-1234", "name": "Anna", "section": "§ 85",
                                     "provider": "Bostøtteteamet", "rate": "200", "unit": "time", "quantity": "10",
                                     "quantity_per": "uge", "account": "5.68.91", "start": "15-03-2025",
                                     "end": "14-03-2027"})
    tab.on.setText("01-03-2026")
    tab.show_due()
    assert tab.due_model.rowCount() == 1
    # 1 Jan–1 Mar 2026: 60 days · 10/7 hours = 85,71 hours granted this year
    assert tab.due_model.index(0, 6).data() == "85,71"
    assert tab.due_model.index(0, 0).data() == "15-03-2026"
    # nothing booked and no used hours imported: 0 hours used, shown as an estimate
    assert tab.due_model.index(0, 7).data() == "0,00 (skøn)"
    assert "et skøn" in tab.due_model.index(0, 7).data(Qt.ItemDataRole.ToolTipRole)


def test_inhouse_tab_from_the_register(screen, context):
    from core.register import grants, providers

    tab = screen.inhouse_tab
    engly = providers.find_by_name(context.db, "Engly Botilbud ApS").id
    own = providers.find_by_name(context.db, "Botilbuddet Skovbrynet")
    grants.create_grant(context.db, {"cpr": "010190-1234", "name": "Anna", "section": "§ 108", "provider_id": engly,
                                     "rate": "3000", "start": "01-01-2026"})
    # a new rate from 15-05-2026 (the demo's 2026 rate is from 01-01-2026)
    providers.add_provider_rate(context.db, own.id, "døgn", dt.date(2026, 5, 15), "2000", section="§ 108")
    tab.cprs.setText("010190-1234")
    tab.on.setText("01-06-2026")
    tab.fetch_external()
    # bought: 3.000 · 365 = 1.095.000; own at Skovbrynet: 2.000 · 365 = 730.000
    assert tab.external.text() == "1.095.000,00"
    tab.refresh()
    tab.facility.setCurrentIndex(tab.facility.findData(own.id))
    assert tab.own.text() == "730.000,00"
    assert tab.message.text() == ("Egen plads hos Botilbuddet Skovbrynet: de samme 1 bevillinger med tilbuddets "
                                  "takster pr. 01-06-2026 = 730.000,00 kr. pr. år.")
    tab.investment.setText("365.000")
    assert tab.compute()
    # 12 · 365.000 / (1.095.000 − 730.000) = 12 → month 12
    assert "måned 12" in tab.message.text()


def test_inhouse_tab_prices_an_own_place_by_vum_category(screen):
    tab = screen.inhouse_tab
    tab.on.setText("01-06-2026")
    tab.vum_category.setCurrentIndex(tab.vum_category.findData("B"))
    # category B: 6,5 norm hours a week · 52 weeks · the 2026 hourly price 412 kr. = 139.256 kr.; one citizen
    assert tab.own.text() == "139.256,00"
    assert tab.message.text() == ("Egen plads efter VUM-kategori B: normtimer · 52 · årets timepris for 2026 = "
                                  "139.256,00 kr.")
    tab.on.setText("01-06-2020")  # no hourly price for 2020 or before: core's message, the figure kept
    tab.vum_category.setCurrentIndex(tab.vum_category.findData("C"))
    assert tab.own.text() == "139.256,00"
    assert tab.message.text() == "Der er ingen sats 'vum_hourly_price' for 2020 eller tidligere år"
