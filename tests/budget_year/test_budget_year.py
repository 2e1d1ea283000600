"""The budget year: rate changes that reach the grants, the budget proposal with what-ifs,
savings measures, a catalogue that grows, breakdowns and trends. Hand-worked figures."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from core.register import budgets, catalogue
from core.followup import expected
from core.budget_year import breakdowns, proposal, rates, savings, trend
from core.errors import DispoError, ValidationError
from core.followup.forecast import forecast
from core.register.grants import change_rate, create_grant, end_grant
from core.importing.batches import undo
from core.register.providers import add_provider_rate, create_provider, find_by_name, provider_rates
from tests.conftest import run_cli

D = Decimal
OWN = "Eksempel Kommune"


@pytest.fixture
def bdb(db):
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    pid = create_provider(db, "Privat ApS", "privat")
    add_provider_rate(db, pid, "døgn", dt.date(2026, 1, 1), "1000", section="§ 108")
    create_provider(db, "Eget Bosted", "egen", places=4)
    return db


def grant(db, **fields) -> int:
    data = {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn", "rate": "1000",
            "start": "2026-01-01", "paying_municipality": OWN, "rate_from_catalogue": True}
    data.update(fields)
    return create_grant(db, data)


def expected_2027(db, grant_id: int) -> D:
    rows = forecast(db, 2027, dt.date(2027, 1, 1), include_expected=False, include_refund=False).rows
    return next(r.expected_outturn for r in rows if r.grant_id == grant_id)


def snapshot(db) -> dict:
    return {t: db.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall()
            for t in ("grants", "grant_rates", "provider_rates", "batches", "savings", "savings_amounts",
                      "sections", "accounts", "budget_versions", "budget_version_lines")}


# ------------------------------------------------------------------ rates reach the grants

def test_provider_rate_change_reaches_following_grants_only(bdb):
    a = grant(bdb, cpr="010180-1234")                                     # follows, open-ended
    b = grant(bdb, cpr="020280-2345", end="2027-03-31")                   # follows, ends in March
    c = grant(bdb, cpr="030380-3456", rate="1200", rate_from_catalogue=False)  # individual rate
    d = grant(bdb, cpr="040480-4567", end="2026-12-31")                   # follows, ended before the date
    e = grant(bdb, cpr="050580-5678", start="2027-07-01")                 # follows, starts after the date
    preview = rates.rates_apply(bdb, "privat aps", dt.date(2027, 1, 1), "1100", "døgn", dry_run=True)
    assert [g.grant_id for g in preview.changed] == [a, b, e]
    assert [g.grant_id for g in preview.individual] == [c]
    assert d not in [g.grant_id for g in preview.changed + preview.individual]
    # +100 a day: a 365 days = 36.500; b Jan 1..Mar 31 = 90 days = 9.000; e Jul 1..Dec 31 = 184 days = 18.400
    assert [g.effect_ore for g in preview.changed] == [3_650_000, 900_000, 1_840_000]
    assert preview.effect_ore == 6_390_000
    assert expected_2027(bdb, a) == D("365000.00")  # the preview changed nothing

    applied = rates.apply_rate_change(bdb, preview)
    assert expected_2027(bdb, a) == D("401500.00")  # 1.100 · 365
    assert expected_2027(bdb, e) == D("202400.00")  # 1.100 · 184: the grant's first period gets the rate
    assert expected_2027(bdb, c) == D("438000.00")  # 1.200 · 365, untouched
    assert [(r.valid_from, r.rate) for r in provider_rates(bdb)] == [
        (dt.date(2026, 1, 1), D("1000")), (dt.date(2027, 1, 1), D("1100"))]

    undo(bdb, applied.batch_id)  # one batch: everything back
    assert expected_2027(bdb, a) == D("365000.00")
    assert expected_2027(bdb, e) == D("184000.00")
    assert bdb.execute("SELECT COUNT(*) FROM provider_rates").fetchone()[0] == 1


def test_rate_change_on_a_day_the_provider_already_has_a_rate_updates_it_and_undo_restores(bdb):
    pid = find_by_name(bdb, "Privat ApS").id
    add_provider_rate(bdb, pid, "døgn", dt.date(2027, 1, 1), "1025", section="§ 108")
    a = grant(bdb)
    change_rate(bdb, a, dt.date(2027, 1, 1), "1025")
    applied = rates.rates_apply(bdb, "Privat ApS", "01-01-2027", "1050", "døgn")
    assert expected_2027(bdb, a) == D("383250.00")  # 1.050 · 365
    assert bdb.execute("SELECT rate FROM provider_rates WHERE valid_from = '2027-01-01'").fetchall() == [("1050",)]
    undo(bdb, applied.batch_id)
    assert expected_2027(bdb, a) == D("374125.00")  # 1.025 · 365
    assert bdb.execute("SELECT rate FROM provider_rates WHERE valid_from = '2027-01-01'").fetchall() == [("1025",)]


def test_sold_place_rate_change_is_income(bdb):
    sold = grant(bdb, provider="Eget Bosted", paying_municipality="Nabo Kommune")
    change = rates.rates_apply(bdb, "Eget Bosted", dt.date(2027, 1, 1), "1100", dry_run=True)
    assert [g.grant_id for g in change.changed] == [sold]
    assert change.effect_ore == -3_650_000  # 100 more a day for 365 days is 36.500 more income


@pytest.mark.parametrize("kwargs, field", [
    ({"provider": "Ukendt ApS", "valid_from": dt.date(2027, 1, 1), "rate": "1100"}, "provider"),
    ({"provider": "Privat ApS", "valid_from": dt.date(2027, 1, 1), "rate": "elleve"}, "rate"),
    ({"provider": "Privat ApS", "valid_from": dt.date(2027, 1, 1), "rate": "-5"}, "rate"),
    ({"provider": "Privat ApS", "valid_from": "32-13-2027", "rate": "1100"}, "valid_from"),
    ({"provider": "Privat ApS", "valid_from": dt.date(2027, 1, 1), "rate": "1100", "unit": "fortnight"}, "unit"),
])
def test_bad_rate_change_is_refused_and_nothing_changes(bdb, kwargs, field):
    grant(bdb)
    before = snapshot(bdb)
    with pytest.raises(ValidationError) as ex:
        rates.rates_apply(bdb, **kwargs)
    assert field in ex.value.problems
    assert snapshot(bdb) == before


def test_rates_apply_cli(bdb, db_path):
    a = grant(bdb)
    c = grant(bdb, cpr="030380-3456", rate_from_catalogue=False)
    r = run_cli("rates", "apply", "--provider", "Privat ApS", "--from", "01-01-2027", "--rate", "1100",
                "--unit", "døgn", "--dry-run", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["provider"], out["from"], out["rate"]) == ("Privat ApS", "2027-01-01", 1100.0)
    assert (out["grants_changed"], out["grants_individual"], out["effect_year"]) == ([a], [c], 36500.0)
    assert expected_2027(bdb, a) == D("365000.00")  # dry run
    r = run_cli("rates", "apply", "--provider", "Nogen", "--from", "01-01-2027", "--rate", "1100", db=db_path)
    assert r.returncode == 1 and "Leverandøren 'Nogen' findes ikke" in r.stderr


# ------------------------------------------------------------------ price index and budget proposal

@pytest.fixture
def pdb(bdb):
    """2026: A open at 1.000 (no 2027 rate), B 2.000 → 2.100 from 2027 ending 30-06-2027, C ended
    30-06-2026; § 85: 5 hours a week at 500; an expected citizen on § 108 from 01-03-2027 at 3.000."""
    ids = {"A": grant(bdb, cpr="010180-1234"),
           "B": grant(bdb, cpr="020280-2345", rate="2000", end="2027-06-30", rate_from_catalogue=False),
           "C": grant(bdb, cpr="030380-3456", end="2026-06-30"),
           "D": grant(bdb, cpr="040480-4567", section="§ 85", unit="time", quantity="5", quantity_per="uge",
                      rate="500", rate_from_catalogue=False)}
    change_rate(bdb, ids["B"], dt.date(2027, 1, 1), "2100")
    expected.add_expected(bdb, {"ident": "T-0001", "section": "§ 108", "rate": "3000", "start": "2027-03-01"})
    rates.set_price_index(bdb, 2027, "2")
    budgets.set_budget(bdb, 2026, "5.38.50", "900000", full_year_equivalents="2")
    budgets.set_budget(bdb, 2026, "5.32.33", "100000", section="§ 85")
    # the last booking of 2026 is 30-06-2026: the forecast's as-of date for this year's expected outturn
    bdb["postings"].insert({"date": "2026-06-30", "account": "5.38.50", "amount_ore": 100, "cpr": "010180-1234"})
    return bdb


def test_budget_proposal_hand_worked(pdb):
    p = proposal.budget_proposal(pdb, 2027)
    lines = {(line.account, line.section): line for line in p.lines}
    assert set(lines) == {("5.32.33", "§ 85"), ("5.38.50", "§ 108")}
    s108, s85 = lines[("5.38.50", "§ 108")], lines[("5.32.33", "§ 85")]
    # A projected 1.000 · 1,02 = 1.020 · 365 = 372.300; B 2.100 · 181 (Jan–Jun) = 380.100; C ended;
    # the expected citizen 3.000 · 306 (Mar 1..Dec 31) = 918.000 → 1.670.400
    assert s108.proposal_ore == 167_040_000
    assert s108.projected == 1
    # the account's budget, kept on the account only, is shown on its one section
    assert s108.current_budget_ore == 90_000_000
    # 2026: A 365.000 + B 730.000 + C 181.000 (Jan 1..Jun 30) = 1.276.000
    assert s108.expected_outturn_ore == 127_600_000
    # full-year equivalents (365 + 181 + 306) / 365 = 852/365 = 2,33
    assert p.as_json()["rows"][1]["full_year_equivalents"] == 2.33
    # § 85: 500 projected to 510, 5 hours a week: 510 · 5 / 7 · 365 = 132.964,2857 → 132.964,29
    assert s85.proposal_ore == 13_296_429
    assert s85.current_budget_ore == 10_000_000
    # 2026 as the forecast has it as of 30-06-2026: Jan 1..Jun 30 = 181 days · 500 · 5 / 7 = 64.642,857 → 64.642,86
    # and Jul 1..Dec 31 = 184 days → 65.714,286 → 65.714,29: 130.357,15 (each part rounded once)
    assert s85.expected_outturn_ore == 13_035_715
    by_section = forecast(pdb, 2026, by="section", include_expected=False, include_refund=False).rows
    assert next(r.expected_outturn for r in by_section if r.section == "§ 85") == D("130357.15")
    js = p.as_json()
    assert js["total"]["proposal"] == 1_803_364.29  # 1.670.400 + 132.964,29
    assert js["total"]["current_budget"] == 1_000_000.00
    assert sum(round(r["proposal"] * 100) for r in js["rows"]) == round(js["total"]["proposal"] * 100)


def test_budget_proposal_what_ifs_saved_as_versions(pdb):
    proposal.set_whatif(pdb, 2027, "Stram", "5.38.50", "§ 108", fye_change="-1")
    proposal.set_whatif(pdb, 2027, "Stram", "5.32.33", "§ 85", average_price="120000")
    p = proposal.budget_proposal(pdb, 2027, "Stram")
    lines = {line.section: line for line in p.lines}
    # (852/365 − 1) FYE at 1.670.400 / (852/365) per FYE = 487 · 1.670.400 / 852 = 954.794,366 → 954.794,37
    assert lines["§ 108"].proposal_ore == 95_479_437
    # § 85 has 365/365 = 1 FYE at another price of 120.000
    assert lines["§ 85"].proposal_ore == 12_000_000
    assert p.as_json()["total"]["proposal"] == 1_074_794.37
    assert proposal.budget_proposal(pdb, 2027).as_json()["total"]["proposal"] == 1_803_364.29  # unchanged
    assert [v["name"] for v in proposal.list_versions(pdb, 2027)] == ["Stram"]
    with pytest.raises(DispoError):
        proposal.budget_proposal(pdb, 2027, "Findes ikke")
    before = snapshot(pdb)
    with pytest.raises(ValidationError):
        proposal.set_whatif(pdb, 2027, "Stram", "5.38.50", "§ 108", fye_change="mange")
    assert snapshot(pdb) == before


def test_budget_proposal_shows_planned_savings_next_to_the_lines(pdb):
    savings.add_saving(pdb, 2027, "Hjemtagelse", {2027: "100000", 2028: "200000"}, account="5.38.50",
                       section="§ 108")
    savings.add_saving(pdb, 2027, "Droppet tiltag", "50000", account="5.38.50", section="§ 108", status="dropped")
    savings.add_saving(pdb, 2027, "Effektivisering 1,3 %", "25000")
    p = proposal.budget_proposal(pdb, 2027)
    lines = {line.section: line for line in p.lines}
    assert (lines["§ 108"].savings_ore, lines["§ 85"].savings_ore) == (10_000_000, 0)  # the dropped one is out
    assert p.other_savings_ore == 2_500_000
    assert p.as_json()["total"]["savings_planned"] == 125000.0  # 100.000 + 25.000
    assert p.as_json()["total"]["proposal"] == 1_803_364.29  # information only: the proposal is the register's


def test_budget_proposal_workbook(pdb, db_path, tmp_path):
    from openpyxl import load_workbook

    savings.add_saving(pdb, 2027, "Hjemtagelse af enkeltmandstilbud", "969550", account="5.38.50")
    out = tmp_path / "forslag.xlsx"
    r = run_cli("budget", "proposal", "--year", "2027", "--out", out, "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total"]["proposal"] == 1_803_364.29
    wb = load_workbook(out)
    assert wb.sheetnames == ["Budgetforslag 2027", "Besparelser"]
    values = [v for row in wb["Budgetforslag 2027"].iter_rows(values_only=True) for v in row if v is not None]
    assert 1_670_400 in values and "§ 108" in values
    texts = [row[0] for row in wb["Besparelser"].iter_rows(values_only=True)]
    assert "Hjemtagelse af enkeltmandstilbud" in texts


# ------------------------------------------------------------------ savings

def test_savings_planned_and_realised_from_linked_grant(bdb):
    a = grant(bdb)  # 1.000 a day, open: 365.000 in 2027
    sid = savings.add_saving(bdb, 2027, "Gennemgang af § 85 bevillinger", {2027: "117000", 2028: "150.000"},
                             account="5.38.50", section="§ 108", status="besluttet", responsible="Lise Holm")
    savings.link(bdb, sid, grant_id=a)
    assert savings.get_saving(bdb, sid).realised_ore == 0
    end_grant(bdb, a, dt.date(2027, 6, 30))  # Jan–Jun = 181 days: 181.000, so 184.000 saved
    s = savings.get_saving(bdb, sid)
    assert s.realised_ore == 18_400_000
    js = s.as_json(2028)
    assert (js["planned"], js["status"], js["planned_by_year"]) == (150000.0, "decided",
                                                                   {"2027": 117000.0, "2028": 150000.0})
    assert [x.id for x in savings.list_savings(bdb, 2028)] == [sid]  # planned in 2028 too


@pytest.mark.parametrize("kwargs, field", [
    ({"text": "", "amounts": "1000"}, "text"),
    ({"text": "Tiltag", "amounts": "tusind"}, "amount"),
    ({"text": "Tiltag", "amounts": {2031: "1000"}}, "years"),
    ({"text": "Tiltag", "amounts": "1000", "status": "måske"}, "status"),
    ({"text": "Tiltag", "amounts": "1000", "section": "§ 999"}, "section"),
])
def test_bad_saving_is_refused(bdb, kwargs, field):
    before = snapshot(bdb)
    with pytest.raises(ValidationError) as ex:
        savings.add_saving(bdb, 2027, **kwargs)
    assert field in ex.value.problems
    assert snapshot(bdb) == before


def test_savings_cli(bdb, db_path):
    r = run_cli("savings", "add", "--year", "2027", "--text", "Effektivisering 1,3 %", "--amount", "250000",
                "--account", "5.38.50", "--status", "planned", db=db_path)
    assert r.returncode == 0, r.stderr
    r = run_cli("savings", "list", "--year", "2027", "--json", db=db_path)
    rows = json.loads(r.stdout)
    assert [{k: row[k] for k in ("year", "text", "account", "section", "planned", "realised", "status")}
            for row in rows] == [{"year": 2027, "text": "Effektivisering 1,3 %", "account": "5.38.50",
                                  "section": None, "planned": 250000.0, "realised": None, "status": "planned"}]
    r = run_cli("savings", "add", "--year", "2027", "--text", "X", "--amount", "1", "--status", "vist", db=db_path)
    assert r.returncode == 1 and "Status skal være" in r.stderr


# ------------------------------------------------------------------ catalogue

def test_catalogue_add_section_then_a_grant_uses_it(bdb, db_path):
    r = run_cli("catalogue", "add-section", "--section", "§ 102", "--text", "Behandling", "--account", "5.38.45",
                "--unit", "time", "--quantity-per", "uge", "--from", "01-01-2027", db=db_path)
    assert r.returncode == 0, r.stderr
    sec = catalogue.section(bdb, "§ 102")
    assert (sec.account, sec.unit, sec.valid_from) == ("5.38.45", "time", "2027-01-01")
    gid = grant(bdb, section="§ 102", unit="time", quantity="7", quantity_per="uge", rate="700",
                start="2027-01-01", rate_from_catalogue=False)
    # 700 · 7 / 7 = 700 a day · 365
    assert expected_2027(bdb, gid) == D("255500.00")
    assert [s.code for s in catalogue.active_sections(bdb, dt.date(2026, 12, 31))].count("§ 102") == 0
    before = snapshot(bdb)
    r = run_cli("catalogue", "add-section", "--section", "§ 102", "--text", "Igen", "--account", "5.38.45",
                "--unit", "time", "--from", "01-01-2027", db=db_path)
    assert r.returncode == 1 and "findes allerede" in r.stderr
    assert snapshot(bdb) == before
    with pytest.raises(ValidationError) as ex:  # before the section's valid-from date
        grant(bdb, cpr="020280-2345", section="§ 102", unit="time", quantity="7", quantity_per="uge", rate="700",
              start="2026-12-01")
    assert ex.value.problems["section"] == "§ 102 gælder først fra 01-01-2027"
    catalogue.retire_section(bdb, "§ 102", dt.date(2028, 1, 1))
    assert "§ 102" not in [s.code for s in catalogue.active_sections(bdb, dt.date(2028, 1, 1))]
    with pytest.raises(ValidationError) as ex:  # a new grant on a retired section
        grant(bdb, cpr="020280-2345", section="§ 102", unit="time", quantity="7", quantity_per="uge", rate="700",
              start="2028-02-01")
    assert ex.value.problems["section"] == "§ 102 er udgået fra 01-01-2028"
    assert expected_2027(bdb, gid) == D("255500.00")  # the grant from before keeps its section
    r = run_cli("catalogue", "add-account", "--account", "5.68.91", "--text", "Personlig assistance (LKB)",
                "--from", "01-01-2027", db=db_path)
    assert r.returncode == 0, r.stderr
    assert bdb.execute("SELECT text, valid_from FROM accounts WHERE code = '5.68.91'").fetchone() == (
        "Personlig assistance (LKB)", "2027-01-01")
    catalogue.retire_unit(bdb, "uge", dt.date(2028, 1, 1))
    with pytest.raises(ValidationError) as ex:  # a retired unit is not offered for a new section
        catalogue.add_section(bdb, "§ 110", "Forsorgshjem", "5.38.44", "uge", dt.date(2028, 1, 1))
    assert "unit" in ex.value.problems
    catalogue.add_grouping(bdb, "§ 85", "005", "Støtte i eget hjem", dt.date(2027, 1, 1))
    assert ("§ 85", "005") in [(g["section"], g["grouping"]) for g in catalogue.groupings(bdb)]


# ------------------------------------------------------------------ breakdowns

def test_forecast_by_caseworker_age_group_and_provider_kind(bdb):
    grant(bdb, cpr="010180-1234", caseworker="Lise Holm")                 # born 1980: 46 on 1-1-2026
    grant(bdb, cpr="020205-4321", caseworker="", provider="Eget Bosted")  # born 2005: 20 on 1-1-2026
    as_of = dt.date(2026, 6, 30)
    by_cw = forecast(bdb, 2026, as_of, by="caseworker", include_expected=False, include_refund=False)
    # 1.000 a day: Jan 1..Jun 30 = 181.000 computed, Jul 1..Dec 31 = 184.000 committed, each
    assert [(r.key, r.computed_to_date, r.committed_rest) for r in by_cw.rows] == [
        ("Lise Holm", D("181000.00"), D("184000.00")), ("(ingen)", D("181000.00"), D("184000.00"))]
    assert by_cw.rows[0].full_year_equivalents == D("1.00")
    by_age = forecast(bdb, 2026, as_of, by="age_group", include_expected=False, include_refund=False)
    assert [r.key for r in by_age.rows] == ["18-24", "35-49"]
    by_kind = forecast(bdb, 2026, as_of, by="provider_kind", include_expected=False, include_refund=False)
    assert [r.key for r in by_kind.rows] == ["Egen", "Privat"]
    assert by_kind.as_json()["rows"][0]["provider_kind"] == "Egen"
    assert sum(r.expected_outturn for r in by_kind.rows) == by_kind.total.expected_outturn == D("730000.00")


def test_target_group_from_the_list(bdb):
    grant(bdb)
    cid = bdb.execute("SELECT id FROM citizens").fetchone()[0]
    with pytest.raises(ValidationError):
        breakdowns.set_target_group(bdb, cid, "Sindslidende")  # not on the list yet
    assert breakdowns.target_group_of(bdb, cid) == ""
    breakdowns.add_target_group(bdb, "Sindslidende")
    breakdowns.set_target_group(bdb, cid, "sindslidende")
    assert breakdowns.target_group_of(bdb, cid) == "Sindslidende"  # the list's spelling
    assert breakdowns.target_group_of(bdb, cid + 1) == ""  # no such citizen
    rows = forecast(bdb, 2026, dt.date(2026, 6, 30), by="target_group", include_expected=False,
                    include_refund=False).rows
    assert [(r.key, r.expected_outturn) for r in rows] == [("Sindslidende", D("365000.00"))]


def test_forecast_by_breakdown_cli_and_bad_value(bdb, db_path):
    grant(bdb, caseworker="Lise Holm")
    r = run_cli("forecast", "--year", "2026", "--as-of", "30-06-2026", "--by", "caseworker", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    assert [row["caseworker"] for row in json.loads(r.stdout)["rows"]] == ["Lise Holm"]
    r = run_cli("forecast", "--year", "2026", "--by", "hårfarve", db=db_path)
    assert r.returncode == 2 and "ukendt opdeling" in r.stderr


# ------------------------------------------------------------------ trends

def test_trend_by_section_hand_worked(bdb, db_path):
    grant(bdb, start="2025-07-01", end="2026-06-30")
    rows = trend.trend(bdb, 2025, 2026, "section")
    r25, r26 = rows
    # 2025: Jul 1..Dec 31 = 184 days · 1.000; FYE 184/365 = 0,504; unit cost 184.000 / (184/365) = 365.000
    assert (r25.key, r25.year, r25.expenses_ore, r25.unit_cost_ore, r25.users_year, r25.users_dec31) == (
        "§ 108", 2025, 18_400_000, 36_500_000, 1, 1)
    # 2026: Jan 1..Jun 30 = 181 days; nobody on 31 December
    assert (r26.expenses_ore, r26.users_year, r26.users_dec31) == (18_100_000, 1, 0)
    r = run_cli("trend", "--from", "2025", "--to", "2026", "--by", "section", "--json", db=db_path)
    got = json.loads(r.stdout)["rows"]
    assert set(got[0]) >= {"key", "year", "expenses", "full_year_equivalents", "unit_cost", "users_year",
                           "users_dec31"}
    assert got[0]["full_year_equivalents"] == 0.5
    with pytest.raises(DispoError):
        trend.trend(bdb, 2026, 2025, "section")


def test_projection_uses_the_providers_known_rate_else_the_price_index(bdb):
    pid = find_by_name(bdb, "Privat ApS").id
    add_provider_rate(bdb, pid, "døgn", dt.date(2027, 1, 1), "1050", section="§ 108")
    f = grant(bdb, cpr="010180-1234")                                       # follows: 1.050 is known for 2027
    i = grant(bdb, cpr="020280-2345", rate_from_catalogue=False)            # individual: projected
    before = snapshot(bdb)
    with pytest.raises(ValidationError) as ex:  # no index yet, and the individual grant needs one
        rates.plan_projection(bdb, 2027)
    assert "price_index" in ex.value.problems
    assert snapshot(bdb) == before
    rates.set_price_index(bdb, 2027, "2")
    # the proposal: f 1.050 · 365 = 383.250; i 1.000 · 1,02 = 1.020 · 365 = 372.300
    p = proposal.budget_proposal(bdb, 2027)
    assert p.lines[0].proposal_ore == 75_555_000 and p.lines[0].projected == 1
    plan = rates.plan_projection(bdb, 2027)
    # f: +50 · 365 = 18.250; i: +20 · 365 = 7.300
    assert [(g.grant_id, g.new_rate, g.effect_ore) for g in plan.grants] == [
        (f, D("1050"), 1_825_000), (i, D("1020.00"), 730_000)]
    applied = rates.apply_projection(bdb, plan)
    assert (expected_2027(bdb, f), expected_2027(bdb, i)) == (D("383250.00"), D("372300.00"))
    assert rates.plan_projection(bdb, 2027).grants == []  # every grant has its 2027 rate now
    undo(bdb, applied.batch_id)
    assert (expected_2027(bdb, f), expected_2027(bdb, i)) == (D("365000.00"), D("365000.00"))


def test_monthly_workbook_gets_the_savings_sheet(demo_db):
    from core.reports.monthly import build_monthly

    assert "Besparelser" not in [t.title for t in build_monthly(demo_db, 2026, dt.date(2026, 10, 31)).tables]
    savings.add_saving(demo_db, 2026, "Gennemgang af § 85 bevillinger", "117000", account="5.32.33")
    report = build_monthly(demo_db, 2026, dt.date(2026, 10, 31))
    sheet = next(t for t in report.tables if t.title == "Besparelser")
    assert sheet.value(sheet.rows[0], "planned_2026") == D("117000.00")


def test_unit_report_for_one_facility_and_one_section(bdb, db_path, tmp_path):
    from openpyxl import load_workbook

    from core.budget_year.centre import build_unit_report

    grant(bdb, cpr="010180-1234", provider="Eget Bosted")
    grant(bdb, cpr="020280-2345", provider="Eget Bosted", section="§ 107", rate="2000")
    grant(bdb, cpr="030380-3456")  # Privat ApS: not in the facility's report
    report = build_unit_report(bdb, 2026, dt.date(2026, 6, 30), provider="eget bosted")
    overview = report.tables[0]
    # § 107: 2.000 · 365 = 730.000; § 108: 1.000 · 365 = 365.000; total 1.095.000 for 2 FYE
    assert [(overview.value(r, "key"), overview.value(r, "expected_outturn")) for r in overview.rows] == [
        ("§ 107", D("730000.00")), ("§ 108", D("365000.00")), ("I alt", D("1095000.00"))]
    assert overview.value(overview.rows[-1], "average_price") == D("547500.00")
    by_section = build_unit_report(bdb, 2026, dt.date(2026, 6, 30), section="108").tables[0]
    assert [by_section.value(r, "key") for r in by_section.rows] == ["Eget Bosted", "Privat ApS", "I alt"]
    with pytest.raises(DispoError):
        build_unit_report(bdb, 2026, dt.date(2026, 6, 30), provider="Findes ikke")
    out = tmp_path / "center.xlsx"
    r = run_cli("unit-report", "--year", "2026", "--as-of", "30-06-2026", "--provider", "Eget Bosted", "--out", out,
                db=db_path)
    assert r.returncode == 0, r.stderr
    assert load_workbook(out).sheetnames == ["Oversigt", "Borgere"]


def test_forecast_by_grouping_honours_a_section_split_in_two(bdb):
    catalogue.add_grouping(bdb, "§ 85", "005", "Støtte i eget hjem", dt.date(2026, 1, 1))
    common = {"section": "§ 85", "unit": "time", "quantity": "7", "quantity_per": "uge", "rate": "500",
              "rate_from_catalogue": False}
    grant(bdb, cpr="010180-1234", **common)                      # the section's grouping 004
    grant(bdb, cpr="020280-2345", grouping="005", **common)      # split off: support in her own home
    rows = forecast(bdb, 2026, dt.date(2026, 6, 30), by="grouping", include_expected=False,
                    include_refund=False).rows
    # 500 · 7 / 7 = 500 a day · 365 = 182.500 each
    assert [(r.key, r.expected_outturn) for r in rows] == [
        ("5.32.33.004 Socialpædagogisk støtte", D("182500.00")), ("5.32.33.005 Støtte i eget hjem", D("182500.00"))]


def test_activity_by_age_group_over_the_year(bdb, db_path):
    grant(bdb, cpr="010180-1234", start="2026-03-15", end="2026-04-10")   # 46 years old: 35-49
    grant(bdb, cpr="020205-4321", start="2025-01-01", end="2026-01-31")   # 20 years old: 18-24
    grant(bdb, cpr="020205-4321", section="§ 107", start="2026-01-20", end="2026-02-05")  # same citizen, overlap
    rows = {(r.key, r.month): (r.users, r.days) for r in trend.activity_by_month(bdb, 2026, "age_group")}
    # March 15..31 = 17 days, April 1..10 = 10 days
    assert (rows[("35-49", 3)], rows[("35-49", 4)], rows[("35-49", 5)]) == ((1, 17), (1, 10), (0, 0))
    # January: Jan 1..31 once although two grants overlap Jan 20..31; February 1..5 = 5 days
    assert (rows[("18-24", 1)], rows[("18-24", 2)]) == ((1, 31), (1, 5))
    r = run_cli("activity", "--year", "2026", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    assert {"key": "18-24", "month": 1, "users": 1, "days": 31} in json.loads(r.stdout)["rows"]
