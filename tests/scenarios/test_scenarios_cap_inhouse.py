"""The personal-assistance cap and the in-house vs bought comparison, worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest

from core.register import catalogue, providers
from core.errors import NotFoundError
from core.register import pa_cap
from core.scenarios import inhouse, pa_followup
from tests.reports.conftest import add


def test_cap_scales_with_working_hours():
    # 20 · 30 / 37 = 600/37 = 16,216… hours a week
    check = pa_cap.check_hours(16, 30)
    assert check.cap == Fraction(600, 37) and not check.over and check.warning is None
    over = pa_cap.check_hours(17, 30)
    assert over.over
    assert over.warning == ("Personlig assistance på 17 timer om ugen er over loftet på 16,22 timer "
                            "(20 · 30 / 37 arbejdstimer). Flere timer kræver en begrundelse.")
    # a recorded reason: still over the cap, but no warning
    reasoned = pa_cap.check_hours(17, 30, "Kræver hjælp til al kommunikation")
    assert reasoned.over and reasoned.warning is None


def test_cap_full_time_and_more():
    # full time 37 h: cap 20; 20 is allowed, 20,5 is not; 45 working hours still cap at 20
    assert not pa_cap.check_hours(20, 37).over
    assert pa_cap.check_hours("20.5", 37).over
    assert pa_cap.hours_cap(45) == 20


def test_cap_follows_the_year_satser(db):
    # from 2027 the cap is 25 hours: 22 h/week for a full-time job is fine in 2027, over in 2026 (20)
    catalogue.set_sats(db, "pa_cap_hours", 2027, "25")
    grant = {"account": "5.68.91", "unit": "time", "quantity": "22", "quantity_per": "uge"}
    assert pa_cap.grant_warning(db, grant, on=dt.date(2027, 3, 1)) is None
    assert "over loftet på 20 timer" in pa_cap.grant_warning(db, grant, on=dt.date(2026, 3, 1))


def test_grant_warning_only_for_pa_in_employment(db):
    on = dt.date(2026, 5, 1)
    per_month = {"account": "5.68.91", "unit": "time", "quantity_per": "måned"}
    # 80 h/month / 4,33 = 18,48 h/week ≤ 20: no warning; 90 / 4,33 = 20,79 > 20: warning
    assert pa_cap.grant_warning(db, {**per_month, "quantity": "80"}, on=on) is None
    assert "20,79 timer om ugen" in pa_cap.grant_warning(db, {**per_month, "quantity": "90"}, on=on)
    # 15 h/week with 20 working hours: cap 20 · 20 / 37 = 10,81
    warning = pa_cap.grant_warning(db, {**per_month, "quantity": "15", "quantity_per": "uge", "working_hours": "20"},
                                   on=on)
    assert "loftet på 10,81 timer" in warning
    # § 85 support on another account is not capped
    assert pa_cap.grant_warning(db, {"account": "5.32.33", "unit": "time", "quantity": "30",
                                     "quantity_per": "uge"}, on=on) is None


def test_inhouse_break_even_and_years():
    # bought 600.000 a year, own 480.000 a year, investment 150.000 in year one:
    # year 1: own 630.000, saving −30.000; years 2–4: saving 120.000 each, cumulative 90.000, 210.000, 330.000
    r = inhouse.compare(600000, 480000, 150000, 4)
    assert [(y.own, y.saving, y.cumulative_saving) for y in r.years] == [
        (D("630000.00"), D("-30000.00"), D("-30000.00")), (D("480000.00"), D("120000.00"), D("90000.00")),
        (D("480000.00"), D("120000.00"), D("210000.00")), (D("480000.00"), D("120000.00"), D("330000.00"))]
    # break-even: 12 · 150.000 / 120.000 = 15 → month 15 (750.000 bought = 150.000 + 15 · 40.000 own)
    assert (r.break_even_month, r.within_horizon) == (15, True)
    assert r.total_saving == D("330000.00")
    # 125.000: 12 · 125.000 / 120.000 = 12,5 → month 13 (month 12: 600.000 < 605.000; 13: 650.000 ≥ 645.000)
    assert inhouse.compare(600000, 480000, 125000, 4).break_even_month == 13
    # over one year the month-15 break-even is beyond the horizon
    assert not inhouse.compare(600000, 480000, 150000, 1).within_horizon
    # an own place costing as much or more never breaks even; no investment: from month 1
    assert inhouse.compare(480000, 480000, 0, 2).break_even_month is None
    assert inhouse.compare(600000, 480000, 0, 2).break_even_month == 1


def test_the_cumulative_costs_cross_at_break_even():
    r = inhouse.compare(D("120000"), D("60000"), D("30000"), years=1)
    # break-even: 12 · 30.000 / (120.000 − 60.000) = month 6
    assert r.break_even_month == 6
    costs = {m: (bought, own) for m, bought, own in r.cumulative_costs()}
    assert sorted(costs) == list(range(13))
    assert costs[0] == (D("0.00"), D("30000.00"))            # the investment at the start
    assert costs[6] == (D("60000.00"), D("60000.00"))        # 120.000 · 6/12 = 30.000 + 60.000 · 6/12
    assert costs[12] == (D("120000.00"), D("90000.00"))
    assert costs[1] == (D("10000.00"), D("35000.00"))        # 120.000 / 12; 30.000 + 60.000 / 12


@pytest.mark.parametrize("args, message", [((1, 1, 0, 5), "1–4 år"), ((1, -1, 0, 2), "egen plads"),
                                           ((1, 1, -5, 2), "investeringen")])
def test_inhouse_bad_input(args, message):
    with pytest.raises(inhouse.InhouseError, match=message):
        inhouse.compare(*args)


def test_external_cost_and_own_place_from_the_register(db):
    own = providers.create_provider(db, "Bostedet", "egen", places=10)
    providers.create_provider(db, "Engly ApS", "privat")
    add(db, "010180-1234", "Anna Hansen", "§ 108", "2000", "01-01-2026", provider="Engly ApS")
    add(db, "010180-1234", "Anna Hansen", "§ 85", "350", "01-01-2026", provider="Engly ApS", unit="time",
        quantity="10", quantity_per="uge")
    add(db, "010180-1234", "Anna Hansen", "§ 104", "500", "01-01-2026", provider="Bostedet", unit="dag",
        quantity="3", quantity_per="uge")
    anna = db.execute("SELECT id FROM citizens WHERE cpr = '010180-1234'").fetchone()[0]
    total, rows = inhouse.external_cost_per_year(db, [anna], dt.date(2026, 6, 1))
    # § 108: 2.000 · 365 = 730.000; § 85: 350 · 10 / 7 · 365 = 182.500; the own § 104 place is not bought
    assert sorted(r["per_year"] for r in rows) == [D("182500.00"), D("730000.00")]
    assert total == D("912500.00")
    providers.add_provider_rate(db, own, "døgn", dt.date(2026, 1, 1), "1500", section="§ 108")
    # own place: 1.500 · 365 = 547.500
    assert inhouse.own_rate_per_year(db, own, "§ 108", "døgn", dt.date(2026, 6, 1)) == D("547500.00")
    with pytest.raises(NotFoundError, match="ingen takst pr. døgn"):
        inhouse.own_rate_per_year(db, own, "§ 108", "døgn", dt.date(2025, 6, 1))
    # the same places at the own facility: § 108 at 1.500 · 365 = 547.500; § 85 has no own rate for 'time'
    with pytest.raises(NotFoundError, match="ingen takst pr. time for § 85"):
        inhouse.own_cost_for(db, own, rows, dt.date(2026, 6, 1))
    providers.add_provider_rate(db, own, "time", dt.date(2026, 1, 1), "300", section="§ 85")
    # § 85 at 300 · 10 / 7 · 365 = 156.428,571… → 156.428,57; together 703.928,57
    assert inhouse.own_cost_for(db, own, rows, dt.date(2026, 6, 1)) == D("703928.57")
    # VUM category C: 15,5 norm hours · 52 · 412 (2026) = 332.072
    assert inhouse.vum_place_per_year(db, "C", 2026) == D("332072.00")
    # a place a citizen: Anna's two bought grants are one place; with Bo's too, 2 · 332.072 = 664.144
    assert inhouse.vum_places_per_year(db, "C", 2026, rows) == (D("332072.00"), 1)
    assert inhouse.vum_places_per_year(db, "C", 2026, [*rows, {**rows[0], "cpr": "020290-2345"}]) == \
        (D("664144.00"), 2)
    assert inhouse.vum_places_per_year(db, "C", 2026, []) == (D("332072.00"), 1)


def test_grant_warnings_use_the_working_hours_and_reason_fields(db):
    from core.register.grants import grant_warnings

    grant = {"account": "5.68.91", "unit": "time", "quantity": "18", "quantity_per": "uge", "start": "01-03-2026"}
    assert grant_warnings(db, grant) == []  # 18 ≤ 20 (full time)
    # 25 working hours: cap 20 · 25 / 37 = 13,51 < 18
    [warning] = grant_warnings(db, {**grant, "working_hours": "25"})
    assert "loftet på 13,51 timer" in warning
    assert grant_warnings(db, {**grant, "working_hours": "25", "cap_reason": "blind, al læsning"}) == []
    # the note is only a note now: 'Arbejdstimer: 25' there changes nothing (18 ≤ 20)
    assert grant_warnings(db, {**grant, "note": "Arbejdstimer: 25"}) == []
    # 22 hours without working hours: over the full-time cap, and the warning says the hours are missing
    [warning] = grant_warnings(db, {**grant, "quantity": "22"})
    assert warning.endswith("Arbejdstimerne er ikke udfyldt, så loftet for fuld tid er brugt.")


def test_import_maps_working_hours_and_reason_and_warns_above_the_cap(db, tmp_path):
    from core.importing.batches import import_file, undo
    from core.register.grants import list_grants
    from tests.import_files import write_xlsx

    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Antal timer", "Konto", "Startdato",
             "Ugentlig arbejdstid", "Begrundelse"],
            ["010190-1234", "Anna", "§ 85", "Jobassistance ApS", 180, "time", 25, "5.68.91", "01-03-2026", 37, ""],
            ["020185-1234", "Bo", "§ 85", "Jobassistance ApS", 180, "time", 12, "5.68.91", "01-03-2026", "22,5", ""],
            ["030185-1234", "Carl", "§ 85", "Jobassistance ApS", 180, "time", 25, "5.68.91", "01-03-2026", 30,
             "døvblind"],
            ["040185-1234", "Dorte", "§ 85", "Jobassistance ApS", 180, "time", 14, "5.68.91", "01-03-2026", 25, ""]]
    res = import_file(db, write_xlsx(tmp_path / "pa.xlsx", {"PA": rows}))
    assert res["mapping"]["working_hours"] == "Ugentlig arbejdstid" and res["mapping"]["cap_reason"] == "Begrundelse"
    # all four are imported. Anna: 25 > 20 · 37 / 37 = 20, no reason: warned (row 2); Bo: 12 ≤ 20 · 22,5 / 37
    # = 12,16; Carl: 25 > 20 · 30 / 37 = 16,22 but with a reason; Dorte: 14 > 20 · 25 / 37 = 13,51: warned (row 5)
    assert res["imported"] == 4
    assert [w["row"] for w in res["warnings"]] == [2, 5]
    assert res["warnings"][0]["warning"].startswith(
        "Personlig assistance på 25 timer om ugen er over loftet på 20 timer (20 · 37 / 37 arbejdstimer)")
    assert "loftet på 13,51 timer (20 · 25 / 37" in res["warnings"][1]["warning"]
    fields = {g.name: (g.working_hours, g.cap_reason) for g in list_grants(db)}
    assert fields == {"Anna": (D(37), ""), "Bo": (D("22.5"), ""), "Carl": (D(30), "døvblind"), "Dorte": (D(25), "")}
    # the same file with Dorte's reason and Bo's new hours: two changed rows, old -> new; undo puts them back
    rows[2][9], rows[4][10] = 20, "kræver tolk"
    res = import_file(db, write_xlsx(tmp_path / "pa2.xlsx", {"PA": rows}))
    assert (res["updated"], res["unchanged"]) == (2, 2)
    assert sorted((c["field"], c["old"], c["new"]) for c in res["changes"]) == [
        ("cap_reason", "", "kræver tolk"), ("working_hours", "22.5", "20.0")]  # 20 read from a number cell
    undo(db, res["batch_id"])
    assert {g.name: (g.working_hours, g.cap_reason) for g in list_grants(db)} == fields


def test_import_rejects_working_hours_that_are_no_hours(db, tmp_path):
    from core.importing.batches import import_file
    from tests.import_files import write_xlsx

    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Antal timer", "Konto", "Startdato",
             "Arbejdstimer"],
            ["010190-1234", "Anna", "§ 85", "Jobassistance ApS", 180, "time", 10, "5.68.91", "01-03-2026", "fuld tid"],
            ["020185-1234", "Bo", "§ 85", "Jobassistance ApS", 180, "time", 10, "5.68.91", "01-03-2026", 0]]
    before = db.execute("SELECT count(*) FROM grants").fetchone()[0]
    res = import_file(db, write_xlsx(tmp_path / "pa.xlsx", {"PA": rows}))
    assert res["imported"] == 0
    assert [(r["row"], r["column"]) for r in res["rejected"]] == [(2, "Arbejdstimer"), (3, "Arbejdstimer")]
    assert "er ikke en mængde" in res["rejected"][0]["reason"]
    assert res["rejected"][1]["reason"] == "Arbejdstimer skal være flere end 0 og højst 168 om ugen"
    assert db.execute("SELECT count(*) FROM grants").fetchone()[0] == before


def test_followups_due_with_hours_granted_and_used(db):
    providers.create_provider(db, "Jobassistance ApS", "privat")
    pa = {"provider": "Jobassistance ApS", "unit": "time", "quantity": "10", "quantity_per": "uge", "account": "5.68.91"}
    add(db, "010190-1234", "Anna", "§ 85", "200", "15-03-2025", "14-03-2027", **pa)
    add(db, "020185-1234", "Bo", "§ 85", "200", "01-09-2025", "31-08-2027", **pa)  # due 01-09-2026: later
    add(db, "030185-1234", "Carl", "§ 85", "200", "01-03-2025", **pa)  # open-ended: not time-limited
    add(db, "040185-1234", "Dorte", "§ 85", "200", "01-06-2025", "31-05-2027", followup_date="01-02-2026",
        **{**pa, "quantity": "25"})  # overdue follow-up date; 25 h > 20 without a reason
    anna = db.execute("SELECT id FROM citizens WHERE cpr = '010190-1234'").fetchone()[0]
    db["postings"].insert({"date": "2026-02-10", "account": "5.68.91", "art": "4.0", "amount_ore": 1200000,
                           "cpr": "010190-1234", "citizen_id": anna})
    due = pa_followup.followups_due(db, dt.date(2026, 3, 1), days=30)
    assert [(f.name, f.due) for f in due] == [("Dorte", dt.date(2026, 2, 1)), ("Anna", dt.date(2026, 3, 15))]
    dorte, anna_f = due
    # Anna, 1 Jan–1 Mar 2026 = 60 days · 200 · 10/7 = 17.142,857… → 17.142,86 kr. / 200 = 85,71 hours granted;
    # booked 12.000 kr. / 200 = 60,00 hours used
    assert (anna_f.hours_per_week, anna_f.hours_granted, anna_f.hours_used) == (D(10), D("85.71"), D("60.00"))
    assert anna_f.warning is None
    assert dorte.hours_used == D("0.00")
    assert "25 timer om ugen er over loftet på 20 timer" in dorte.warning


def test_followup_date_is_the_next_anniversary():
    # start 29-02-2024: the anniversary in 2025 is 28-02; asked on 01-03-2025, the next is 28-02-2026
    assert pa_cap.followup_date(dt.date(2024, 2, 29), None, dt.date(2025, 1, 10)) == dt.date(2025, 2, 28)
    assert pa_cap.followup_date(dt.date(2024, 2, 29), None, dt.date(2025, 3, 1)) == dt.date(2026, 2, 28)
    # never before the first anniversary; a date set on the grant wins
    assert pa_cap.followup_date(dt.date(2026, 1, 5), None, dt.date(2026, 1, 6)) == dt.date(2027, 1, 5)
    assert pa_cap.followup_date(dt.date(2026, 1, 5), dt.date(2026, 6, 1), dt.date(2026, 1, 6)) == dt.date(2026, 6, 1)


def test_import_without_the_columns_checks_the_cap_with_the_grants_own_fields(db, tmp_path):
    from core.importing.batches import import_file
    from tests.import_files import write_xlsx

    providers.create_provider(db, "Jobassistance ApS", "privat")
    add(db, "010190-1234", "Anna", "§ 85", "180", "01-03-2026", provider="Jobassistance ApS", unit="time",
        quantity="10", quantity_per="uge", account="5.68.91", working_hours="25", cap_reason="blind")
    add(db, "020185-1234", "Bo", "§ 85", "180", "01-03-2026", provider="Jobassistance ApS", unit="time",
        quantity="10", quantity_per="uge", account="5.68.91", working_hours="25")
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Antal timer", "Konto", "Startdato"],
            ["010190-1234", "Anna", "§ 85", "Jobassistance ApS", 180, "time", 18, "5.68.91", "01-03-2026"],
            ["020185-1234", "Bo", "§ 85", "Jobassistance ApS", 180, "time", 18, "5.68.91", "01-03-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "pa.xlsx", {"PA": rows}))
    # both grants go from 10 to 18 hours; the cap is 20 · 25 / 37 = 13,51 (their own working hours, not the
    # full-time 20): Anna has a reason, Bo has none and is warned about (row 3)
    assert res["updated"] == 2
    assert [(w["row"], "loftet på 13,51 timer" in w["warning"]) for w in res["warnings"]] == [(3, True)]
