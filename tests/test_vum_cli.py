"""The ``vum`` commands as a user runs them: JSON shape, saving versions, bad input."""

import json
import sqlite3

from tests.conftest import run_cli

FACILITY_KEYS = {"facility", "year", "hourly_price", "categories", "hours_per_year", "kr_per_year", "fixed_budget",
                 "previous_allocation", "change_pct", "significant"}
CATEGORY_KEYS = {"count", "norm_hours", "hours_per_week", "kr_per_week"}
ASSESSMENT_KEYS = {"cpr", "date", "assessor", "scores", "suggested_category", "category", "reason"}


def rows(path, table):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        con.close()


def js(path, *args):
    r = run_cli(*args, "--json", db=path)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_allocation_assessments_and_versions_on_the_demo(db_path):
    assert run_cli("demo", db=db_path).returncode == 0
    data = js(db_path, "vum", "allocation", "--year", "2027")
    assert data["year"] == 2027 and len(data["facilities"]) >= 3
    for f in data["facilities"]:
        assert FACILITY_KEYS <= set(f) and f["year"] == 2027
        assert set(f["categories"]) == set("ABCDEF")
        assert all(set(c) == CATEGORY_KEYS for c in f["categories"].values())
        weekly = sum(c["hours_per_week"] for c in f["categories"].values())
        assert abs(f["hours_per_year"] - weekly * 52) < 0.01
        assert abs(f["kr_per_year"] - f["hours_per_year"] * f["hourly_price"]) < 0.01
        assert f["categories"]["F"]["norm_hours"] is None
    name = data["facilities"][0]["facility"]
    one = js(db_path, "vum", "allocation", "--year", "2027", "--facility", name.upper())
    assert [f["facility"] for f in one["facilities"]] == [name]

    saved = js(db_path, "vum", "save-allocation", "--year", "2027", "--facility", name)
    again = js(db_path, "vum", "save-allocation", "--year", "2027", "--facility", name, "--decision", "behold")
    assert (saved["version"] + 1, "behold") == (again["version"], again["decision"])
    later = js(db_path, "vum", "allocation", "--year", "2028", "--facility", name)["facilities"][0]
    assert later["previous_allocation"] == again["kr_per_year"]

    assessments = js(db_path, "vum", "assessments")
    assert assessments and all(ASSESSMENT_KEYS <= set(a) for a in assessments)
    cpr = assessments[0]["cpr"]
    mine = js(db_path, "vum", "assessments", "--cpr", cpr.replace("-", ""))
    assert mine and {a["cpr"] for a in mine} == {cpr}


def test_assess_records_and_bad_input_gets_a_danish_message(db_path):
    run_cli("demo", db=db_path)
    cpr = js(db_path, "citizens")[0]["cpr"]
    before = rows(db_path, "vum_assessments")
    r = run_cli("vum", "assess", "--cpr", cpr, "--assessor", "Pia", "--score", "egenomsorg=3",
                "--score", "mobilitet=3", "--category", "A", db=db_path)
    assert r.returncode == 1 and "begrundelse" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("vum", "assess", "--cpr", cpr, "--assessor", "Pia", "--score", "egenomsorg=7", db=db_path)
    assert r.returncode == 1 and "0 til 4" in r.stderr
    r = run_cli("vum", "allocation", "--year", "2027", "--facility", "Findes Ikke", db=db_path)
    assert r.returncode == 1 and "findes ikke" in r.stderr
    assert rows(db_path, "vum_assessments") == before
    done = js(db_path, "vum", "assess", "--cpr", cpr, "--assessor", "Pia", "--date", "01-11-2026",
              "--score", "egenomsorg=3", "--score", "mobilitet=3", "--note", "fin samtale")
    assert (done["category"], done["suggested_category"], done["date"]) == ("E", "E", "2026-11-01")
    assert done["scores"] == {"egenomsorg": 3, "mobilitet": 3}
    assert len(rows(db_path, "vum_assessments")) == len(before) + 1


def test_due_and_rule(db_path):
    run_cli("demo", db=db_path)
    items = js(db_path, "vum", "due", "--date", "31-10-2026")
    assert items and all(i["reasons"] and i["facility"] for i in items)
    rule = js(db_path, "vum", "rule")
    assert rule["measure"] == "gennemsnit" and "Kategorien foreslås" in rule["text"]
