"""The safety commands as a user runs them: backup, backups, restore, integrity, audit;
a damaged database gives a message naming restore, never a traceback."""

import csv
import json

import pytest
from openpyxl import load_workbook

from core.register import grants
from core.store.storage import open_db
from tests.conftest import run_cli
from tests.dbcontent import content, integrity


@pytest.fixture
def demo_file(tmp_path, _demo_template):
    import shutil

    path = tmp_path / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    return path


def _damage(path):
    data = bytearray(path.read_bytes())
    data[8192:40960] = b"\x13" * (40960 - 8192)
    path.write_bytes(bytes(data))


def test_backup_then_backups_json(demo_file):
    r = run_cli("backup", "--json", db=demo_file)
    assert r.returncode == 0, r.stderr
    made = json.loads(r.stdout)
    listed = json.loads(run_cli("backups", "--json", db=demo_file).stdout)
    assert made["file"] in [b["file"] for b in listed]
    assert {b["reason"] for b in listed} == {"daily", "manual"}  # opening made the day's backup
    assert all(set(b) == {"file", "created", "reason", "label", "size"} for b in listed)
    assert content(made["file"]) == content(demo_file)


def test_backup_keep_sets_the_rotation(demo_file):
    r = run_cli("backup", "--keep", "2,0,1", db=demo_file)
    assert r.returncode == 0, r.stderr
    db = open_db(demo_file)
    from core.store import backup

    assert backup.retention(db) == backup.Retention(2, 0, 1)
    db.close()
    assert run_cli("backup", "--keep", "7,4", db=demo_file).returncode == 2


def test_a_damaged_database_exits_1_naming_restore_and_restore_repairs_it(demo_file):
    run_cli("backup", db=demo_file)
    good = content(demo_file)
    _damage(demo_file)
    r = run_cli("grants", db=demo_file)
    assert r.returncode == 1
    assert "beskadiget" in r.stderr and "restore" in r.stderr and "Traceback" not in r.stderr
    latest = json.loads(run_cli("backups", "--json", db=demo_file).stdout)[0]["file"]
    assert latest in r.stderr
    r = run_cli("restore", latest, db=demo_file)
    assert r.returncode == 0, r.stderr
    assert "fortryde" in r.stdout
    assert integrity(demo_file) == "ok"
    restored = content(demo_file)
    assert {k: v for k, v in restored.items() if k != "audit"} == {k: v for k, v in good.items() if k != "audit"}
    r = run_cli("grants", "--json", db=demo_file)
    assert r.returncode == 0 and len(json.loads(r.stdout)) > 100


@pytest.mark.parametrize("damage", ["truncated", "zeros", "garbage_header"])
def test_damaged_files_of_every_kind_exit_1_with_a_message(demo_file, damage):
    data = demo_file.read_bytes()
    if damage == "truncated":
        demo_file.write_bytes(data[:len(data) // 3])
    elif damage == "zeros":
        demo_file.write_bytes(data[:4096] + b"\0" * (len(data) - 4096))
    else:
        demo_file.write_bytes(b"\x00" * 100 + data[100:])
    r = run_cli("grants", db=demo_file)
    assert r.returncode == 1 and r.stderr.startswith("Fejl: ") and "Traceback" not in r.stderr


def test_restore_of_a_file_that_is_not_a_backup_exits_1_and_changes_nothing(demo_file, tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"\x01\x02" * 3000)
    before = content(demo_file)
    r = run_cli("restore", bad, db=demo_file)
    assert r.returncode == 1 and "ikke en Dispo-database" in r.stderr
    assert content(demo_file) == before


def test_integrity_ok(demo_file):
    r = run_cli("integrity", "--full", "--json", db=demo_file)
    assert r.returncode == 0 and json.loads(r.stdout) == {"ok": True, "check": "integrity_check"}


def test_audit_per_grant_and_export(demo_file, tmp_path):
    db = open_db(demo_file)
    gid = next(g.id for g in grants.list_grants(db) if g.unit == "døgn")
    grants.update_grant(db, gid, {"note": "=HYPERLINK(\"x\")"})
    grants.update_grant(db, gid, {"note": "Flyttet"})
    db.close()
    rows = json.loads(run_cli("audit", "--table", "grants", "--row", gid, "--json", db=demo_file).stdout)
    assert [r["action"] for r in rows] == ["update", "update"]
    assert rows[0]["new"]["note"] == "Flyttet" and rows[0]["old"]["note"] == "=HYPERLINK(\"x\")"
    xlsx = tmp_path / "spor.xlsx"
    r = run_cli("audit", "--export", xlsx, db=demo_file)
    assert r.returncode == 0, r.stderr
    sheet = load_workbook(xlsx).active
    values = list(sheet.values)
    assert values[0][:6] == ("Nr.", "Tidspunkt", "Bruger", "Tabel", "Række", "Handling")
    assert values[1][3:6] == ("Bevilling", gid, "Ændret")
    assert "Note: =HYPERLINK(\"x\") → Flyttet" in values[1][6]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    out = tmp_path / "spor.csv"
    assert run_cli("audit", "--table", "grants", "--export", out, db=demo_file).returncode == 0
    with out.open(encoding="utf-8-sig") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert len(table) == 3 and table[1][5] == "Ændret"


def test_audit_usage_errors(demo_file, tmp_path):
    r = run_cli("audit", "--row", "3", db=demo_file)
    assert r.returncode == 1 and "--table" in r.stderr
    r = run_cli("audit", "--export", tmp_path / "spor.pdf", db=demo_file)
    assert r.returncode == 1 and ".xlsx" in r.stderr
