"""The one way into the database: opening, migrating and refusing what is not ours.

A Dispo database is one SQLite file reached through sqlite-utils. Every schema change is
a registered migration (``core/migrations``) applied in its own transaction; a file whose
applied migrations include one this version does not know was written by a newer Dispo
and is refused rather than opened.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from core.errors import DatabaseError, NewerDatabaseError, NotADispoDatabaseError

APPLICATION_ID = 0x44535030  # "DSP0": marks a SQLite file as Dispo's
MIGRATIONS_TABLE = "_sqlite_migrations"
APP_NAME = "Dispo"


def data_dir() -> Path:
    """Where Dispo keeps its data by default (the user's data folder)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "dispo.sqlite"


def current_user() -> str:
    """The operating-system user, recorded in the audit log."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return os.environ.get("USERNAME") or os.environ.get("USER") or "ukendt"


def _migration_sets():
    from core.migrations import MIGRATION_SETS

    return MIGRATION_SETS


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as ex:
        raise DatabaseError(f"Databasen '{path}' kan ikke læses: {ex.strerror}") from ex
    if header != b"SQLite format 3\x00":
        raise NotADispoDatabaseError(f"'{path}' er ikke en Dispo-database (ikke en SQLite-fil)")


def _check_ours(db: Database, path: Path) -> None:
    tables = set(db.table_names())
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if not tables:
        return
    if app_id != APPLICATION_ID:
        raise NotADispoDatabaseError(f"'{path}' er ikke en Dispo-database")
    if MIGRATIONS_TABLE not in tables:
        raise NotADispoDatabaseError(f"'{path}' er ikke en Dispo-database (mangler skemaversion)")
    known = {(s.name, m.name) for s in _migration_sets() for m in s._migrations}
    applied = {tuple(r) for r in db.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE}")}
    unknown = applied - known
    if unknown:
        raise NewerDatabaseError(
            f"Databasen '{path}' er skrevet af en nyere version af Dispo og kan ikke åbnes af denne version. "
            "Opdatér Dispo."
        )


def connect(path: str | Path) -> Database:
    """Open a connection with Dispo's settings, without migrating."""
    path = Path(path)
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = FULL")
    return db


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) a Dispo database and bring its schema up to date.

    Raises:
        NotADispoDatabaseError: the file is not SQLite, or SQLite but not Dispo's.
        NewerDatabaseError: written by a newer Dispo.
        DatabaseError: the file cannot be read or is damaged.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"'{path}' er en mappe, ikke en databasefil")
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as ex:
            raise DatabaseError(f"Mappen '{path.parent}' kan ikke oprettes: {ex.strerror}") from ex
    _check_is_sqlite(path)
    try:
        db = connect(path)
        _check_ours(db, path)
        if migrate:
            apply_migrations(db)
    except sqlite3.DatabaseError as ex:
        raise DatabaseError(f"Databasen '{path}' kan ikke bruges: {ex}") from ex
    return db


def apply_migrations(db: Database) -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns their names."""
    done = []
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for migrations in _migration_sets():
        pending = [m.name for m in migrations.pending(db)]
        if pending:
            migrations.apply(db)
            done += [f"{migrations.name}:{name}" for name in pending]
    return done


def pending_migrations(db: Database) -> list[str]:
    return [f"{s.name}:{m.name}" for s in _migration_sets() for m in s.pending(db)]


@contextmanager
def transaction(db: Database):
    """One transaction (a savepoint when nested): all of the block's changes or none."""
    with db.atomic():
        yield db


def query(db: Database, sql: str, params=()) -> list[dict]:
    """Rows of a query as dicts."""
    cur = db.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
