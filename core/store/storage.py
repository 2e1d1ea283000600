"""The one way into the database: opening, migrating and refusing what is not ours.

A Dispo database is one SQLite file reached through sqlite-utils. Every schema change is
a registered migration (``core/store/migrations``) applied in its own transaction; a file whose
applied migrations include one this version does not know was written by a newer Dispo
and is refused rather than opened.

The top of the store layer: it opens a file with ``core.store.connection``, backs it up with
``core.store.backup`` and migrates it with ``core.store.migrations``; none of those imports this
module. The connection helpers (``connect``, ``query``, ...) are re-exported here.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from core.store import backup as backups
from core.store.connection import (APPLICATION_ID, MIGRATIONS_TABLE, connect, current_user,  # noqa: F401 (re-exported)
                             database_path, query, readonly_uri)
from core.errors import (CorruptDatabaseError, DatabaseError, NewerDatabaseError, NotADispoDatabaseError,
                         from_environment)
from core.store.migrations import apply_migrations, known_migrations, pending_migrations  # noqa: F401 (re-exported)

APP_NAME = "Dispo"


def data_dir() -> Path:
    """Where Dispo keeps its data by default (the user's data folder, or ``DISPO_DATA_DIR``)."""
    override = os.environ.get("DISPO_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The default database, in the user's data folder (which is created: it is Dispo's own)."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as ex:
        raise DatabaseError(f"Datamappen '{folder}' kan ikke oprettes: {ex.strerror}") from ex
    return folder / "dispo.sqlite"


def config_dir() -> Path:
    """Where Dispo keeps the user's own choices (the last database), not in any database;
    ``DISPO_CONFIG_DIR`` overrides it (the tests use it on every platform)."""
    override = os.environ.get("DISPO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


_NETWORK_ROOTS = ("/mnt/", "/media/", "/net/", "/smb/", "/Volumes/")


def is_network_path(path: str | Path) -> bool:
    r"""Whether ``path`` looks like a shared (network) folder: a UNC path (``\\server\share``,
    ``//server/share``), a mounted share, or a Windows drive other than C: (municipal
    network drives are mapped to letters such as H: or X:)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        return text[0].upper() != "C"
    return text.startswith(_NETWORK_ROOTS) or "/gvfs/" in text


LAST_DB_FILE = "last_database.txt"


def last_database(*, existing: bool = True) -> Path | None:
    """The database the user opened last: None the first time, and (unless ``existing`` is
    false) when the file is not there now (a network drive not connected, say)."""
    try:
        text = (config_dir() / LAST_DB_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text:
        return None
    return Path(text) if not existing or Path(text).is_file() else None


def remember_database(path: str | Path) -> None:
    """Remember ``path`` as the database to open next time (best effort: never fails)."""
    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LAST_DB_FILE).write_text(str(Path(path).resolve()), encoding="utf-8")
    except OSError:
        pass


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
    applied = {tuple(r) for r in db.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE}")}
    unknown = applied - known_migrations()
    if unknown:
        raise NewerDatabaseError(
            f"Databasen '{path}' er skrevet af en nyere version af Dispo og kan ikke åbnes af denne version. "
            "Opdatér Dispo."
        )


def has_data(db: Database) -> bool:
    """Whether the database holds any table yet (a new file holds none)."""
    return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])


def check_integrity(db: Database, path: Path, *, full: bool = False) -> None:
    """SQLite's quick check (or full ``integrity_check``); a damaged file raises.

    Raises:
        CorruptDatabaseError: naming the first problem and the newest backup to restore.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        problems = [r[0] for r in db.execute(f"PRAGMA {pragma}(5)").fetchall()]
    except sqlite3.DatabaseError as ex:
        problems = [str(ex)]
    if problems != ["ok"]:
        lines = [line for p in problems for line in p.splitlines() if line and not line.startswith("***")]
        raise corrupt_error(path, lines[0] if lines else "ukendt fejl")


def corrupt_error(path: Path, detail: str) -> CorruptDatabaseError:
    """The error for a damaged database, pointing at the newest backup if there is one."""
    latest = backups.latest_backup(path)
    if latest:
        advice = (f"Gendan den seneste sikkerhedskopi fra {latest.created:%d-%m-%Y %H:%M} "
                  f"({latest.path}) med Filer → Sikkerhedskopier eller kommandoen "
                  f"'restore \"{latest.path}\"'.")
    else:
        advice = "Der findes ingen sikkerhedskopi ved siden af databasen; kontakt IT for at få en fra deres backup."
    error = CorruptDatabaseError(f"Databasen '{path}' er beskadiget ({detail}). {advice}")
    error.latest_backup = latest
    return error


def open_db(path: str | Path, *, migrate: bool = True, readonly: bool = False, backup: bool = True,
            check: bool = True) -> Database:
    """Open (creating if needed) a Dispo database and bring its schema up to date.

    Args:
        migrate: apply pending migrations (after backing the file up when it holds data).
        readonly: open it so that every write is refused by SQLite; nothing is created,
            migrated or backed up.
        backup: make the day's automatic backup if there is none yet (``core.store.backup``).
        check: run SQLite's quick integrity check first.

    Raises:
        NotADispoDatabaseError: the file is not SQLite, or SQLite but not Dispo's.
        NewerDatabaseError: written by a newer Dispo.
        CorruptDatabaseError: the file is damaged (names the newest backup).
        DatabaseError: the file cannot be read.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"'{path}' er en mappe, ikke en databasefil")
    if readonly and not path.exists():
        raise DatabaseError(f"Databasen '{path}' findes ikke")
    if not path.parent.is_dir():
        # never create folders: a mistyped path must not leave an empty database somewhere
        raise DatabaseError(f"Mappen '{path.parent}' findes ikke. Tjek stien til databasen, "
                            "eller opret mappen først.")
    _check_is_sqlite(path)
    db = None
    checked = False
    try:
        db = connect(path, readonly=readonly)
        if check:
            check_integrity(db, path)
        checked = check
        _check_ours(db, path)
        if readonly:
            if migrate and pending_migrations(db):
                raise DatabaseError(
                    f"Databasen '{path}' skal opdateres til denne version af Dispo, men den kan ikke "
                    "ændres lige nu (den er åbnet skrivebeskyttet). Prøv igen, når den anden Dispo er lukket.")
        elif has_data(db):
            _automatic_backup(db, path, migrate, backup)
        if migrate and not readonly:
            apply_migrations(db)
    except sqlite3.DatabaseError as ex:
        if db is not None:
            db.close()
        known = from_environment(ex)
        if known is not None and not isinstance(known, CorruptDatabaseError):
            raise known from ex
        if checked:
            raise DatabaseError(f"Databasen '{path}' kan ikke bruges: {ex}") from ex
        raise corrupt_error(path, str(ex)) from ex
    except BaseException:
        if db is not None:
            db.close()
        raise
    return db


def _automatic_backup(db: Database, path: Path, migrate: bool, daily: bool) -> None:
    """Back the file up before pending migrations, or once a day when it is opened."""
    if migrate and pending_migrations(db):
        backups.backup(db, "migration")
    elif daily:
        backups.daily_backup(db)


@contextmanager
def transaction(db: Database):
    """One transaction (a savepoint when nested): all of the block's changes or none."""
    with db.atomic():
        yield db


@contextmanager
def bulk_work():
    """Pause the cyclic garbage collector while tens of thousands of long-lived objects are
    made at once (an import's records, the grant register): each collection would scan them
    all again without freeing anything (reference counting still frees the rest).

    At the end the objects made go straight to the collector's oldest generation
    (``gc.freeze()`` + ``gc.unfreeze()`` moves every tracked object there without scanning
    it); otherwise the first collection after the pause would scan them all at once, and the
    middle generation's again later. The oldest generation is still collected as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # The objects made meanwhile all sit in the youngest generation: the first
            # collection after gc.enable() would scan every one of them. Freezing and at once
            # unfreezing moves them to the oldest generation in constant time (the lists are
            # spliced), where they wait for the next full collection like any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class BackgroundRead:
    """A read of committed data run on a second, read-only connection in another thread.

    SQLite does its work with the GIL released, so a long aggregation (the year's postings)
    runs on the second core while this thread computes. ``fn(conn)`` gets a plain
    ``sqlite3.Connection`` and should return its result from one statement step (for
    example one ``json_group_array`` row): every further step needs the GIL again.

    It runs ``fn`` right away on ``db``'s own connection instead when a second connection
    could not see the same data: an in-memory database, or uncommitted changes on ``db``.
    A failing second connection (locked, removed) falls back the same way in ``result``.
    """

    def __init__(self, db: Database, fn):
        self._db, self._fn = db, fn
        self._value = self._error = None
        self._thread = None
        path = database_path(db)
        if path is None or db.conn.in_transaction:
            self._value = fn(db.conn)
            return
        self._uri = readonly_uri(path)
        self._thread = threading.Thread(target=self._run, name="dispo-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=10, check_same_thread=False)
            try:
                self._value = self._fn(conn)
            finally:
                conn.close()
        except sqlite3.Error as ex:
            self._error = ex

    def result(self):
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            if self._error is not None:
                self._value, self._error = self._fn(self._db.conn), None
        return self._value


def bulk_insert(db: Database, table: str, columns: list[str], rows, *, values: list[str] | None = None,
                progress=None, chunk: int = 5000) -> None:
    """Insert many rows with ``executemany``, inside the caller's transaction.

    Args:
        rows: a list of parameter tuples, or of dicts when ``values`` names them.
        values: the SQL expression for each column (default ``?``), e.g. ``:cpr`` or a subquery.
        progress: called with the number of rows inserted after each ``chunk`` of them; it may
            raise to stop (the caller's transaction then rolls everything back).

    When the new rows are at least as many as the table holds, its plain (non-unique)
    indexes are dropped first and built again afterwards: SQLite builds an index from the
    sorted rows several times faster than it updates it row by row. The drop and the
    rebuild are part of the caller's transaction, so a rollback leaves the indexes as they
    were. Outside a transaction the indexes are never touched.
    """
    if not rows:
        return
    conn = db.conn
    rebuild = []
    if conn.in_transaction:
        existing = conn.execute(f"SELECT MAX(rowid) FROM [{table}]").fetchone()[0] or 0
        if len(rows) >= existing:
            rebuild = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                "AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name", [table]).fetchall()
    sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
           f"VALUES ({', '.join(values or ['?'] * len(columns))})")
    # a 64 MB page cache while inserting: the indexes of a big table stay in memory
    cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA cache_size = -65536")
    try:
        for name, _ in rebuild:
            conn.execute(f"DROP INDEX [{name}]")
        for start in range(0, len(rows), chunk):
            conn.executemany(sql, rows[start:start + chunk])
            if progress is not None:
                progress(min(start + chunk, len(rows)))
        for _, sql in rebuild:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
