"""The CLI of the comparisons: ``inhouse``, ``keyfigures`` and ``keyfigure-reference``."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_inhouse_from_amounts(tmp_path):
    db = tmp_path / "a.sqlite"
    r = run_cli("inhouse", "--external", "600.000", "--own", "480.000", "--investment", "150.000", "--json", db=db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # 12 · 150.000 / (600.000 − 480.000) = 15; over 4 years −30.000 + 3 · 120.000 = 330.000
    assert (out["break_even_month"], out["total_saving"]) == (15, 330000.0)
    assert [y["saving"] for y in out["years"]] == [-30000.0, 120000.0, 120000.0, 120000.0]


def test_inhouse_bad_input_exits_1(tmp_path):
    db = tmp_path / "a.sqlite"
    r = run_cli("inhouse", "--external", "mange", "--own", "1", db=db)
    assert r.returncode == 1 and "--external: 'mange' er ikke et beløb" in r.stderr
    r = run_cli("inhouse", "--own", "1", db=db)
    assert r.returncode == 1 and "Angiv borgerne med --cpr" in r.stderr
    r = run_cli("inhouse", "--external", "1", "--own", "1", "--years", "5", db=db)
    assert r.returncode == 1 and "1–4 år" in r.stderr


def test_reference_and_key_figures(tmp_path):
    db = tmp_path / "a.sqlite"
    assert run_cli("demo", db=db).returncode == 0
    r = run_cli("keyfigure-reference", "--year", "2026", "--figure", "expense_per_grant", "--scope", "§ 108",
                "--value", "1.000.000", db=db)
    assert r.returncode == 0, r.stderr
    rows = {x["key"]: x for x in json.loads(run_cli("keyfigures", "--year", "2026", "--json", db=db).stdout)}
    s108 = rows["§ 108"]
    # the difference is the own figure minus the reference
    ref = s108["references"]["expense_per_grant"]
    assert ref["reference"] == 1000000.0
    assert abs(ref["difference"] - (s108["expense_per_grant"] - 1000000.0)) < 0.005
    r = run_cli("keyfigure-reference", "--year", "2026", "--figure", "expense_per_grant", "--value", "-5", db=db)
    assert r.returncode == 1 and "negativ" in r.stderr


def test_pa_followup_command(tmp_path):
    db = tmp_path / "a.sqlite"
    assert run_cli("demo", db=db).returncode == 0
    r = run_cli("pa-followup", "--date", "01-03-2026", "--json", db=db)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []  # the demo has no personal assistance in employment
    r = run_cli("pa-followup", "--date", "31-02-2026", db=db)
    assert r.returncode == 2  # not a date: a usage error


def test_import_sets_working_hours_and_pa_followup_json_shows_them(tmp_path):
    from tests.import_files import write_xlsx

    db = tmp_path / "a.sqlite"
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Timer pr. uge", "Konto", "Startdato",
             "Slutdato"],
            ["010190-1234", "Anna", "§ 85", "Jobassistance ApS", 180, "time", 14, "5.68.91", "01-03-2026",
             "28-02-2028"]]
    path = write_xlsx(tmp_path / "pa.xlsx", {"PA": rows})
    # no column for the working hours: the same for every row with --set; 14 > 20 · 25 / 37 = 13,51: warned
    r = run_cli("import", path, "--set", "working_hours=25", "--json", db=db)
    assert r.returncode == 0, r.stderr
    [warning] = json.loads(r.stdout)["warnings"]
    assert "over loftet på 13,51 timer" in warning["warning"]
    # the yearly follow-up is 01-03-2027 (the first anniversary), within 400 days of 01-03-2026
    r = run_cli("pa-followup", "--date", "01-03-2026", "--days", "400", "--json", db=db)
    [grant] = json.loads(r.stdout)
    assert (grant["working_hours"], grant["cap_reason"], grant["due"]) == (25.0, "", "2027-03-01")
    # a fixed value that is no number of hours: exit 1, a Danish message, nothing imported
    r = run_cli("import", path, "--set", "working_hours=mange", "--json", db=db)
    assert r.returncode == 1 and "'mange' er ikke en mængde" in r.stderr
    assert len(json.loads(run_cli("grants", "--json", db=db).stdout)) == 1
