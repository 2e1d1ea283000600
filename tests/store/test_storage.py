"""Storage: fresh databases, migrations from older schemas, refusing what is not ours."""

import sqlite3
import threading

import pytest
from sqlite_utils import Database

from core.store import storage
from core.errors import DatabaseError, NewerDatabaseError, NotADispoDatabaseError
from core.store.migrations import MIGRATION_SETS
from core.store.storage import open_db


def test_a_fresh_database_has_the_catalogue_and_foreign_keys_on(db):
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM sections").fetchone()[0] == 9
    assert db.execute("SELECT value FROM satser WHERE kind = 'refund_t1' AND year = 2022").fetchone()[0] == "860000"
    assert storage.pending_migrations(db) == []


def test_reopening_applies_nothing_twice(db_path):
    open_db(db_path).close()
    again = open_db(db_path)
    n = again.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert n == sum(len(s._migrations) for s in MIGRATION_SETS)
    assert again.execute("SELECT count(*) FROM sections").fetchone()[0] == 9


def test_migration_from_the_first_schema_keeps_existing_data(db_path):
    base = MIGRATION_SETS[0]
    raw = storage.connect(db_path)
    raw.execute(f"PRAGMA application_id = {storage.APPLICATION_ID}")
    base.apply(raw, stop_before="m002_catalogue")
    raw["accounts"].insert({"code": "5.38.50", "text": "Min egen tekst"})
    raw.conn.commit()
    raw.close()
    db = open_db(db_path)
    # the user's own text survives, the rest of the catalogue arrives
    assert db.execute("SELECT text FROM accounts WHERE code = '5.38.50'").fetchone()[0] == "Min egen tekst"
    assert db.execute("SELECT count(*) FROM sections").fetchone()[0] == 9


def test_a_database_from_a_newer_dispo_is_refused_and_left_alone(db_path):
    db = open_db(db_path)
    db["_sqlite_migrations"].insert({"migration_set": "dispo.base", "name": "m999_future", "applied_at": "x"})
    db.conn.commit()
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="nyere version"):
        open_db(db_path)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "budget.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 20)
    with pytest.raises(NotADispoDatabaseError):
        open_db(path)
    assert path.read_bytes().startswith(b"PK")


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    other = Database(path)
    other["things"].insert({"a": 1})
    other.close()
    with pytest.raises(NotADispoDatabaseError):
        open_db(path)
    assert Database(path).table_names() == ["things"]


def test_a_damaged_file_gives_a_clear_error(db_path):
    open_db(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError):
        open_db(db_path)


def test_a_failing_migration_leaves_no_trace(db_path, monkeypatch):
    from sqlite_utils import Migrations

    broken = Migrations("dispo.test_broken")

    @broken()
    def m001_half(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr("core.store.migrations.MIGRATION_SETS", [*MIGRATION_SETS, broken])
    with pytest.raises(RuntimeError):
        open_db(db_path)
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM _sqlite_migrations WHERE migration_set = 'dispo.test_broken'"
                      ).fetchone()[0] == 0


def _count_postings(conn) -> tuple[int, int]:
    return conn.execute("SELECT count(*) FROM postings").fetchone()[0], threading.get_ident()


def _add_posting(db, amount_ore: int) -> None:
    db.execute("INSERT INTO postings (date, account, amount_ore) VALUES ('2026-03-01', '5.38.50', ?)", [amount_ore])


def test_a_background_read_runs_on_another_thread_and_sees_committed_data(db):
    with db.atomic():
        _add_posting(db, 100)
    count, thread = storage.BackgroundRead(db, _count_postings).result()
    assert count == 1
    assert thread != threading.get_ident()


def test_a_background_read_inside_a_transaction_sees_its_uncommitted_rows(db):
    with db.atomic():
        _add_posting(db, 100)
        count, thread = storage.BackgroundRead(db, _count_postings).result()
        assert count == 1  # a second connection would not see the row yet
        assert thread == threading.get_ident()


def test_a_background_read_falls_back_to_the_own_connection_when_the_second_fails(db):
    with db.atomic():
        _add_posting(db, 100)

    def only_on_own(conn):
        if conn is not db.conn:
            raise sqlite3.OperationalError("database is locked")
        return _count_postings(conn)

    count, thread = storage.BackgroundRead(db, only_on_own).result()
    assert (count, thread) == (1, threading.get_ident())


def test_a_background_read_of_an_in_memory_database_runs_on_its_connection():
    db = storage.connect(":memory:")
    db.execute("CREATE TABLE postings (x)")
    db.execute("INSERT INTO postings VALUES (1)")
    assert storage.BackgroundRead(db, _count_postings).result() == (1, threading.get_ident())


class _Node:
    def __init__(self):
        self.other = self


def test_bulk_work_leaves_its_objects_out_of_the_next_young_collection_and_cycles_collectable():
    import gc
    import weakref

    assert gc.isenabled()
    with storage.bulk_work():
        assert not gc.isenabled()
        kept = [[i] for i in range(50_000)]
        cycle = _Node()
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    # the 50,000 lists do not wait in the youngest generation for the next collection to scan them
    assert gc.get_count()[0] < 1_000
    assert len(kept) == 50_000
    gc.collect()
    assert gone() is None  # a reference cycle made meanwhile is still freed by a full collection


def test_the_read_only_uri_of_a_local_file_and_of_a_windows_network_path():
    from pathlib import PureWindowsPath

    from core.store.connection import _readonly

    assert storage.readonly_uri("/data/Budget 2026.sqlite") == "file:///data/Budget%202026.sqlite?mode=ro"
    # SQLite refuses file://server/...: a network share needs the four-slash form
    unc = PureWindowsPath(r"\\kommune-fs\budget\dispo.sqlite").as_uri()
    assert _readonly(unc) == "file:////kommune-fs/budget/dispo.sqlite?mode=ro"
    local = PureWindowsPath(r"C:\Budget\dispo.sqlite").as_uri()
    assert _readonly(local) == "file:///C:/Budget/dispo.sqlite?mode=ro"
