"""The command line as a user runs it: exit codes, JSON shape, help texts."""

import json

import pytest

from core.cli import command_names
from tests.conftest import run_cli

GRANT_KEYS = {"id", "cpr", "name", "section", "provider", "rate", "unit", "quantity", "quantity_per", "start",
              "end", "account", "vum_category", "paying_municipality", "status"}


def test_demo_then_grants_json(db_path):
    r = run_cli("demo", db=db_path)
    assert r.returncode == 0, r.stderr
    r = run_cli("grants", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data) >= 100
    assert all(set(g) == GRANT_KEYS for g in data)
    g = data[0]
    assert g["section"].startswith("§ ") and len(g["cpr"]) == 11 and g["cpr"][6] == "-"
    assert g["unit"] in {"døgn", "dag", "time", "uge", "måned", "år", "engang"}


def test_demo_is_deterministic(tmp_path):
    outs = []
    for name in ("a.sqlite", "b.sqlite"):
        run_cli("demo", db=tmp_path / name)
        outs.append(run_cli("grants", "--json", db=tmp_path / name).stdout)
    assert outs[0] == outs[1]


def test_active_on_filters(db_path):
    run_cli("demo", db=db_path)
    all_grants = json.loads(run_cli("grants", "--json", db=db_path).stdout)
    active = json.loads(run_cli("grants", "--active-on", "31-10-2026", "--json", db=db_path).stdout)
    assert 0 < len(active) < len(all_grants)
    assert all(g["start"] <= "2026-10-31" and (g["end"] is None or g["end"] >= "2026-10-31") for g in active)


def test_catalogue_and_citizens_json(db_path):
    run_cli("demo", db=db_path)
    cat = json.loads(run_cli("catalogue", "--json", db=db_path).stdout)
    assert {s["code"] for s in cat["sections"]} >= {"§ 85", "§ 108"}
    people = json.loads(run_cli("citizens", "--json", db=db_path).stdout)
    assert len(people) >= 100


def test_wrong_usage_exits_2(db_path):
    r = run_cli("no-such-command", db=db_path)
    assert r.returncode == 2 and "ugyldigt valg" in r.stderr and "brug: dispo" in r.stderr
    r = run_cli("grants", "--active-on", "not a date", db=db_path)
    assert r.returncode == 2


def test_a_file_that_is_not_a_database_exits_1_with_a_message(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("hello")
    r = run_cli("grants", db=bad)
    assert r.returncode == 1
    assert "ikke en Dispo-database" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", sorted(command_names()))
def test_every_command_has_help(command):
    r = run_cli(command, "--help")
    assert r.returncode == 0 and len(r.stdout) > 80, r.stdout


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("Dispo ")
