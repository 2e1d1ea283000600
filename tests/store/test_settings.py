"""The settings registry and the ``settings`` command, on a real database file."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from core.store import settings
from core.errors import ValidationError
from tests.conftest import ROOT


def dispo(db_path, *args):
    return subprocess.run([sys.executable, "main.py", "--db", str(db_path), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_setting_not_stored_gives_its_declared_default(db):
    assert settings.get(db, "municipality") is None
    assert settings.get(db, "reconcile_threshold") == Decimal("1000")
    assert not settings.is_set(db, "municipality")


def test_set_value_parses_danish_numbers_and_writes_the_audit_log(db):
    assert settings.set_value(db, "reconcile_threshold", "2.500,50") == Decimal("2500.50")
    assert settings.get(db, "reconcile_threshold") == Decimal("2500.50")
    last = db.execute("SELECT table_name, new FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "settings" and "2500.50" in last[1]


@pytest.mark.parametrize("name, text", [("reconcile_threshold", "mange"), ("backup.keep_daily", "2,5"),
                                        ("backup.keep_weekly", "-1"), ("municipality", "  "),
                                        ("no.such.setting", "1")])
def test_bad_values_are_refused_and_nothing_is_stored(db, name, text):
    before = db.execute("SELECT count(*) FROM settings").fetchone()[0]
    audit_before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(ValidationError):
        settings.set_value(db, name, text)
    assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before


def test_set_values_stores_several_in_one_go(db):
    stored = settings.set_values(db, {"municipality": "Testrup Kommune", "reconcile_threshold": "1.500"})
    assert stored == {"municipality": "Testrup Kommune", "reconcile_threshold": Decimal("1500")}
    assert settings.get(db, "municipality") == "Testrup Kommune"


def test_set_values_stores_none_when_one_is_bad(db):
    audit_before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(ValidationError):  # the first is fine, the second is not: neither is stored
        settings.set_values(db, {"municipality": "Testrup Kommune", "reconcile_threshold": "mange"})
    assert settings.get(db, "municipality") is None
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before


def test_cli_sets_and_lists_the_municipality(db_path):
    r = dispo(db_path, "settings", "set", "municipality", "Testrup Kommune")
    assert r.returncode == 0, r.stderr
    r = dispo(db_path, "settings", "--json")
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert rows["municipality"]["value"] == "Testrup Kommune"
    assert rows["reconcile_threshold"]["is_default"] is True


def test_cli_refuses_an_unknown_setting_with_exit_1(db_path):
    r = dispo(db_path, "settings", "set", "kommune", "X")
    assert r.returncode == 1
    assert "ikke en indstilling" in r.stderr and "Traceback" not in r.stderr
