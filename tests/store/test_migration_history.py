"""Migrations from every earlier schema version, with data in it, keep the data; a newer
schema is refused. The points are found from MIGRATION_SETS, so a migration added by any
area is covered without touching this file."""

import sqlite3

import pytest

from core.store import storage
from core.errors import NewerDatabaseError
from core.store.migrations import MIGRATION_SETS
from core.store.storage import open_db
from tests.conftest import run_cli
from tests.dbcontent import content

# Rows a user could have had in the foundation's tables, inserted in this order (foreign keys).
BASE_ROWS = [
    ("units", {"code": "test-enhed", "text": "Testenhed"}),
    ("accounts", {"code": "9.99.99", "text": "Egen testkonto"}),
    ("sections", {"code": "§ 999", "number": 999, "text": "Testparagraf", "account": "9.99.99",
                  "unit": "test-enhed"}),
    ("rate_kinds", {"code": "test_sats", "text": "Testsats"}),
    ("satser", {"kind": "test_sats", "year": 2025, "value": "123.45"}),
    ("batches", {"id": 7, "kind": "grants", "file": "gammel.xlsx", "created_at": "2025-01-02T10:00:00",
                 "user": "kp", "rows_read": 1, "imported": 1}),
    ("citizens", {"id": 11, "cpr": "010180-1234", "name": "Anna Hansen", "batch_id": 7}),
    ("providers", {"id": 5, "name": "Testbostedet", "kind": "privat"}),
    ("grants", {"id": 21, "citizen_id": 11, "section": "§ 999", "provider_id": 5, "account": "9.99.99",
                "unit": "test-enhed", "start": "2025-01-01", "rate_from_catalogue": 0, "batch_id": 7}),
    ("grant_rates", {"id": 31, "grant_id": 21, "valid_from": "2025-01-01", "rate": "1000.50"}),
    ("postings", {"id": 41, "date": "2025-02-28", "account": "9.99.99", "amount_ore": 123456,
                  "cpr": "010180-1234", "citizen_id": 11, "batch_id": 7}),
    ("budgets", {"id": 51, "year": 2025, "account": "9.99.99", "original_ore": 100000000}),
    ("audit", {"id": 61, "at": "2025-01-02T10:00:00", "user": "kp", "table_name": "grants", "row_id": 21,
               "action": "insert"}),
    ("settings", {"key": "municipality", "value": "Gammel Kommune"}),
]


def _points():
    """Every schema version a user's file can be at: before each migration of each set."""
    for index, migrations in enumerate(MIGRATION_SETS):
        for migration in migrations._migrations:
            yield pytest.param(index, migration.name, id=f"{migrations.name}:before:{migration.name}")


def _columns(db, table) -> list[dict]:
    return [dict(zip(("cid", "name", "type", "notnull", "default", "pk"), r))
            for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()]


def _generic_row(db, table) -> dict | None:
    """A plausible row for a table of a later area: required columns filled by type,
    foreign keys pointing at an existing row."""
    fks = {r[3]: (r[2], r[4]) for r in db.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()}
    row = {}
    for col in _columns(db, table):
        if col["pk"] and col["type"].upper() == "INTEGER":
            continue
        if col["name"] in fks:
            ref_table, ref_col = fks[col["name"]]
            found = db.execute(f"SELECT [{ref_col or 'rowid'}] FROM [{ref_table}] LIMIT 1").fetchone()
            if found is None:
                return None
            row[col["name"]] = found[0]
        elif col["notnull"] and col["default"] is None or col["pk"]:
            kind = col["type"].upper()
            row[col["name"]] = 1 if "INT" in kind else (1.5 if "REAL" in kind else f"test-{col['name']}")
    return row


def _build_old_database(path, set_index, stop_before):
    raw = storage.connect(path)
    raw.execute(f"PRAGMA application_id = {storage.APPLICATION_ID}")
    for migrations in MIGRATION_SETS[:set_index]:
        migrations.apply(raw)
    MIGRATION_SETS[set_index].apply(raw, stop_before=stop_before)
    tables = set(raw.table_names())
    inserted = {}
    for table, row in BASE_ROWS:
        if table in tables:
            present = {c["name"] for c in _columns(raw, table)}
            row = {k: v for k, v in row.items() if k in present}
            raw[table].insert(row)
            inserted[table] = row
    for table in sorted(tables - {t for t, _ in BASE_ROWS} - {storage.MIGRATIONS_TABLE}):
        row = _generic_row(raw, table)
        if row is None:
            continue
        try:
            raw[table].insert(row)
        except sqlite3.IntegrityError:  # a CHECK this generic row cannot know; the table stays empty
            continue
        inserted[table] = None
    raw.conn.commit()
    raw.close()
    return inserted


@pytest.mark.parametrize("set_index, stop_before", list(_points()))
def test_data_from_an_earlier_schema_survives_the_migrations(tmp_path, set_index, stop_before):
    path = tmp_path / "gammel.sqlite"
    inserted = _build_old_database(path, set_index, stop_before)
    before = content(path)
    db = open_db(path)
    try:
        assert storage.pending_migrations(db) == []
        for table, row in inserted.items():
            if row is None:  # a later area's table: its rows are still there
                assert db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] >= len(before[table])
                continue
            where = " AND ".join(f"[{k}] IS ?" for k in row)
            found = db.execute(f"SELECT count(*) FROM [{table}] WHERE {where}", list(row.values())).fetchone()[0]
            assert found == 1, f"{table} lost {row}"
    finally:
        db.close()
    if inserted:  # a file holding data was backed up before it was migrated
        from core.store import backup

        assert [b.reason for b in backup.list_backups(path)] == ["migration"]


@pytest.mark.parametrize("newer", [("dispo.base", "m999_future"), ("dispo.someday", "m001_new_area")])
def test_a_newer_schema_is_refused_by_core_and_cli(db_path, newer):
    db = open_db(db_path)
    db["_sqlite_migrations"].insert({"migration_set": newer[0], "name": newer[1], "applied_at": "x"})
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError):
        open_db(db_path)
    with pytest.raises(NewerDatabaseError):
        open_db(db_path, readonly=True)
    r = run_cli("grants", db=db_path)
    assert r.returncode == 1 and "nyere version" in r.stderr
    assert db_path.read_bytes() == before
