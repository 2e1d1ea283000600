"""Used hours of personal assistance in employment: imported per citizen and period, matched to the
citizen's grant, previewed, rejected rows explained, undone as a whole; the follow-up list uses them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from core.importing.batches import import_file, prepare, undo
from core.importing.parsers import ParseError, parse_month_or_range
from core.register import providers
from core.register.grants import delete_grant
from core.errors import DispoError
from core.register import pa_hours
from core.scenarios import pa_followup
from tests.conftest import run_cli
from tests.import_files import write_xlsx
from tests.reports.conftest import add

PA = {"unit": "time", "quantity": "10", "quantity_per": "uge", "account": "5.68.91"}
HEADER = ["CPR-nr.", "Navn", "Måned", "Forbrugte timer", "Leverandør", "Kommentar"]


@pytest.fixture
def pa_db(db):
    """Anna: one grant of personal assistance in employment in 2026; Bo: two (two providers);
    Carl: § 85 support on its own account (not personal assistance in employment)."""
    providers.create_provider(db, "Jobassistance ApS", "privat")
    providers.create_provider(db, "Hjælp A/S", "privat")
    ids = {
        "anna": add(db, "010190-1234", "Anna", "§ 85", "200", "01-01-2026", "31-12-2026",
                    provider="Jobassistance ApS", followup_date="15-03-2026", **PA),
        "bo1": add(db, "020185-1234", "Bo", "§ 85", "200", "01-01-2026", provider="Jobassistance ApS", **PA),
        "bo2": add(db, "020185-1234", "Bo", "§ 85", "210", "01-01-2026", provider="Hjælp A/S", **PA),
        "carl": add(db, "030185-1234", "Carl", "§ 85", "350", "01-01-2026", provider="Jobassistance ApS",
                    unit="time", quantity="10", quantity_per="uge"),
    }
    db.ids = ids
    return db


def test_month_or_range():
    assert parse_month_or_range("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert parse_month_or_range("marts 2026") == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert parse_month_or_range(dt.date(2026, 4, 1)) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert parse_month_or_range("01.02.2026 - 15.02.2026") == (dt.date(2026, 2, 1), dt.date(2026, 2, 15))
    with pytest.raises(ParseError, match="mangler året"):
        parse_month_or_range("marts")


def test_import_used_hours(pa_db, tmp_path):
    db = pa_db
    rows = [HEADER,
            ["010190-1234", "Anna", "2026-01", 40, "", "januar"],                # 2: new
            ["010190-1234", "Anna", "01.02.2026 - 28.02.2026", "38,5", "", ""],   # 3: new
            ["010190-1234", "Anna", "marts", 30, "", ""],                         # 4: no year
            ["020185-1234", "Bo", "2026-01", 20, "", ""],                         # 5: two grants
            ["020185-1234", "Bo", "2026-01", 21, "Hjælp A/S", ""],                # 6: new, Bo's second grant
            ["030185-1234", "Carl", "2026-01", 10, "", ""],                       # 7: no such grant
            ["040185-1234", "Dorte", "2026-01", 10, "", ""],                      # 8: unknown citizen
            ["010190-1234", "Anna", "15.01.2026 - 20.01.2026", 5, "", ""],        # 9: overlaps row 2
            ["010190-1234", "Anna", "2026-03", -5, "", ""]]                       # 10: negative
    path = write_xlsx(tmp_path / "timer.xlsx", {"Timer": rows})
    plan = prepare(db, path)  # the kind is recognised; nothing is written by the preview
    assert plan.kind == "pa_hours"
    assert db.execute("SELECT count(*) FROM pa_hours_used").fetchone()[0] == 0
    res = import_file(db, path)
    assert res["kind"] == "pa_hours" and res["imported"] == 3
    reasons = {r["row"]: r["reason"] for r in res["rejected"]}
    assert sorted(reasons) == [4, 5, 7, 8, 9, 10]
    assert "mangler året" in reasons[4]
    assert reasons[5].startswith("Borgeren har 2 bevillinger af personlig assistance i job i perioden")
    assert "angiv leverandøren eller bevillingens nr." in reasons[5]
    assert reasons[7] == ("Borgeren har ingen bevilling af personlig assistance i job (konto 5.68.91) i perioden "
                          "01-01-2026–31-01-2026")
    assert reasons[8] == "Borgeren 040185-1234 findes ikke i registret"
    assert reasons[9] == "Perioden overlapper række 2 i arket 'Timer' for samme bevilling"
    assert reasons[10] == "Timerne skal være mellem 0 og 744 (24 timer i hver af periodens 31 dage)"  # 24 · 31
    assert [u["column"] for u in res["unused_columns"]] == ["Kommentar"]
    ids = db.ids
    stored = [(u.grant_id, u.start, u.end, u.hours) for u in pa_hours.used_rows(db)]
    assert stored == [(ids["anna"], dt.date(2026, 1, 1), dt.date(2026, 1, 31), D(40)),
                      (ids["anna"], dt.date(2026, 2, 1), dt.date(2026, 2, 28), D("38.5")),
                      (ids["bo2"], dt.date(2026, 1, 1), dt.date(2026, 1, 31), D(21))]
    # January 40 h, and of February's 38,5 h the first 14 of 28 days: 40 + 38,5 · 14 / 28 = 59,25
    assert pa_hours.hours_used(db, [ids["anna"]], dt.date(2026, 1, 1), dt.date(2026, 2, 14)) == {ids["anna"]: D("59.25")}

    # the same January with 42 hours: one changed row (old -> new), the others already there
    rows2 = [HEADER, ["010190-1234", "Anna", "januar 2026", 42, "", ""],
             ["010190-1234", "Anna", "2026-02", "38,5", "", ""]]
    res2 = import_file(db, write_xlsx(tmp_path / "timer2.xlsx", {"Timer": rows2}))
    assert (res2["updated"], res2["unchanged"]) == (1, 1)
    assert [(c["field"], c["old"], c["new"]) for c in res2["changes"]] == [("hours_used", "40.0", "42.0")]  # number cells
    # a grant with imported hours cannot be deleted (the hours would lose their grant)
    with pytest.raises(DispoError, match="har importerede forbrugte timer"):
        delete_grant(db, ids["anna"])
    # undo: the second import puts 40 back, the first removes its three rows
    undo(db, res2["batch_id"])
    assert [u.hours for u in pa_hours.used_rows(db, [ids["anna"]])] == [D(40), D("38.5")]
    undo(db, res["batch_id"])
    assert pa_hours.used_rows(db) == []


def test_provider_and_grant_number_choose_the_grant(pa_db):
    ids = pa_db.ids
    jan = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert pa_hours.match_grant(pa_db, "020185-1234", *jan, provider="jobassistance  aps")[0].id == ids["bo1"]
    assert pa_hours.match_grant(pa_db, "020185-1234", *jan, grant_id=ids["bo2"])[0].id == ids["bo2"]
    with pytest.raises(pa_hours.NoGrantForHours, match="ingen bevilling af personlig assistance i job hos Andre"):
        pa_hours.match_grant(pa_db, "020185-1234", *jan, provider="Andre")
    with pytest.raises(pa_hours.NoGrantForHours, match=f"Bevilling {ids['carl']} er ikke borgerens"):
        pa_hours.match_grant(pa_db, "020185-1234", *jan, grant_id=ids["carl"])
    # December 2026 – January 2027 lies partly after Anna's grant (ends 31-12-2026): placed, with a warning
    grant, [warning] = pa_hours.match_grant(pa_db, "010190-1234", dt.date(2026, 12, 15), dt.date(2027, 1, 14))
    assert grant.id == ids["anna"] and "delvis uden for bevilling" in warning


def test_followup_uses_imported_hours_and_marks_estimates(pa_db, tmp_path):
    db = pa_db
    ids = db.ids
    # Anna is due on her follow-up date 15-03-2026; booked 12.000 kr. in February
    anna = db.execute("SELECT id FROM citizens WHERE cpr = '010190-1234'").fetchone()[0]
    db["postings"].insert({"date": "2026-02-10", "account": "5.68.91", "art": "4.0", "amount_ore": 1200000,
                           "cpr": "010190-1234", "citizen_id": anna})
    [due] = pa_followup.followups_due(db, dt.date(2026, 3, 1), days=30)
    # no imported hours: used = booked 12.000 / rate 200 = 60,00 hours, an estimate
    assert (due.grant_id, due.hours_used, due.hours_used_estimated) == (ids["anna"], D("60.00"), True)
    rows = [HEADER, ["010190-1234", "Anna", "2026-01", 40, "", ""], ["010190-1234", "Anna", "2026-02", "38,5", "", ""]]
    import_file(db, write_xlsx(tmp_path / "timer.xlsx", {"Timer": rows}))
    [due] = pa_followup.followups_due(db, dt.date(2026, 3, 1), days=30)
    # imported: January 40 + February 38,5 (1 March is outside both) = 78,50 hours, not an estimate
    assert (due.hours_used, due.hours_used_estimated) == (D("78.50"), False)
    assert due.as_json()["hours_used_estimated"] is False
    assert (due.as_json()["working_hours"], due.as_json()["cap_reason"]) == (None, "")


def test_import_cli_with_kind_pa_hours(pa_db, db_path, tmp_path):
    pa_db.close()  # the register above is in the file; the CLI opens it as a user would
    rows = [["CPR", "Periode fra", "Periode til", "Timer brugt"],
            ["010190-1234", "01-01-2026", "31-01-2026", 40],
            ["010190-1234", "01-02-2026", "", 10]]
    path = write_xlsx(tmp_path / "timer.xlsx", {"Ark1": rows})
    r = run_cli("import", path, "--kind", "pa_hours", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["kind"], out["imported"]) == ("pa_hours", 1)
    assert out["mapping"] == {"cpr": "CPR", "period_start": "Periode fra", "period_end": "Periode til",
                              "hours_used": "Timer brugt"}
    [rejected] = out["rejected"]
    assert (rejected["row"], rejected["reason"]) == (3, "Perioden mangler: giv en måned (fx 2026-03) eller både fra "
                                                        "og til")
    # Anna's follow-up (15-03-2026) is due within 30 days of 01-03-2026: January's 40 imported hours are used
    r = run_cli("pa-followup", "--date", "01-03-2026", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    [due] = json.loads(r.stdout)
    assert (due["name"], due["hours_used"], due["hours_used_estimated"], due["working_hours"]) == (
        "Anna", 40.0, False, None)
    r = run_cli("pa-followup", "--date", "01-03-2026", db=db_path)
    assert "40,00" in r.stdout and "(skøn)" not in r.stdout
    r = run_cli("undo", out["batch_id"], db=db_path)
    assert r.returncode == 0, r.stderr
    # a file without months: every row says so and how to give them all one month; --set does it
    path = write_xlsx(tmp_path / "marts.xlsx", {"Marts": [["Cpr-nr.", "Borger", "Brugte timer"],
                                                          ["0101901234", "Anna", "42,5"]]})
    out = json.loads(run_cli("import", path, "--json", db=db_path).stdout)
    assert out["kind"] == "pa_hours" and out["imported"] == 0
    assert out["rejected"][0]["reason"].endswith("giv alle rækker samme måned med --set period=2026-03 "
                                                 "(i guiden: en fast værdi)")
    out = json.loads(run_cli("import", path, "--set", "period=2026-03", "--json", db=db_path).stdout)
    assert (out["imported"], out["rejected"]) == (1, [])
    r = run_cli("undo", out["batch_id"], db=db_path)
    assert r.returncode == 0, r.stderr


def test_validation_lists_over_cap_grants_and_missing_working_hours(pa_db):
    from core.followup.validation import record_details, validate
    from core.register.grants import update_grant

    db = pa_db
    ids = db.ids
    # Anna: 10 h/week with 15 working hours: cap 20 · 15 / 37 = 8,11 < 10, no reason -> over the cap
    # Bo's first grant: 10 h/week, working hours missing -> the full-time cap 20 is used (10 ≤ 20: not over)
    # Bo's second: 10 h with 15 working hours and a reason -> nothing; Carl's § 85 support is not capped
    update_grant(db, ids["anna"], {"working_hours": "15"})
    update_grant(db, ids["bo2"], {"working_hours": "15", "cap_reason": "synshandicap"})
    found = [(f.rule, f.record_id, f.severity) for f in validate(db, dt.date(2026, 3, 1))
             if f.rule in ("pa_cap", "pa_working_hours")]
    assert found == [("pa_cap", ids["anna"], "advarsel"), ("pa_working_hours", ids["bo1"], "advarsel")]
    [cap] = [f for f in validate(db, dt.date(2026, 3, 1)) if f.rule == "pa_cap"]
    assert cap.label == "Personlig assistance over timeloftet"
    assert cap.message == (f"Bevilling {ids['anna']} (010190-1234 Anna, § 85): Personlig assistance på 10 timer "
                           "om ugen er over loftet på 8,11 timer (20 · 15 / 37 arbejdstimer). Flere timer kræver "
                           "en begrundelse.")
    [missing] = [f for f in validate(db, dt.date(2026, 3, 1)) if f.rule == "pa_working_hours"]
    assert missing.message.endswith("uden arbejdstimer; loftet for fuld tid (20 timer ved 37 timer om ugen) er "
                                    "brugt, til arbejdstimerne er udfyldt")
    title, details = record_details(db, "grants", ids["anna"])
    assert ("Arbejdstimer pr. uge", "15,00") in details and ("Begrundelse for flere timer", "") in details
    # a reason recorded: the finding goes
    update_grant(db, ids["anna"], {"cap_reason": "kræver hjælp til al læsning"})
    assert [f for f in validate(db, dt.date(2026, 3, 1)) if f.rule == "pa_cap"] == []


def test_validation_report_shows_the_over_cap_grant_with_a_masked_cpr(pa_db, tmp_path):
    import openpyxl

    from core.register.grants import update_grant
    from core.reports.validation_report import build_validation
    from core.reports.xlsx_writer import write_report

    update_grant(pa_db, pa_db.ids["anna"], {"working_hours": "15"})  # 10 h > 20 · 15 / 37 = 8,11
    path = write_report(build_validation(pa_db, 2026, dt.date(2026, 3, 1)), tmp_path / "v.xlsx", mask_cpr=True)
    texts = [str(c.value) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row if c.value]
    [cap] = [t for t in texts if "over loftet på 8,11 timer" in t]
    assert "010190-xxxx Anna" in cap and not any("010190-1234" in t for t in texts)
