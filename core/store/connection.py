"""The SQLite connection underneath everything: opening a file with Dispo's settings,
the marks of a Dispo file, and the query helper.

The lowest layer of the store: it imports nothing of Dispo, so the audit log, backups
and migrations can use it without importing ``core.store.storage`` (which opens, checks, backs
up and migrates a database, and so depends on them). ``core.store.storage`` re-exports it all.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

APPLICATION_ID = 0x44535030  # "DSP0": marks a SQLite file as Dispo's
MIGRATIONS_TABLE = "_sqlite_migrations"


def current_user() -> str:
    """The operating-system user, recorded in the audit log."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return os.environ.get("USERNAME") or os.environ.get("USER") or "ukendt"


def readonly_uri(path: str | Path) -> str:
    """The SQLite URI that opens ``path`` so that SQLite refuses every write."""
    return _readonly(Path(path).resolve().as_uri())


def _readonly(file_uri: str) -> str:
    # A Windows network path (\\server\share\x) gives file://server/share/x, and SQLite refuses
    # a URI that names a host; file:////server/share/x is its form for such a path.
    if not file_uri.startswith("file:///"):
        file_uri = "file:////" + file_uri[len("file://"):]
    return file_uri + "?mode=ro"


def connect(path: str | Path, *, readonly: bool = False) -> Database:
    """Open a connection with Dispo's settings, without migrating.

    ``readonly`` opens the file so that SQLite itself refuses every write: the view a
    second Dispo gets while another one holds the writer lock.
    """
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=10,
                               check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    # no sqlite-utils plugins: Dispo uses none, and looking for them reads every installed package's
    # metadata (0.02-0.03 s at every start); a plugin found in the environment must not change Dispo's SQL
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        db.execute("PRAGMA synchronous = FULL")
    return db


def database_path(db: Database) -> Path | None:
    """The file behind an open connection (None for an in-memory database)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def query(db: Database, sql: str, params=()) -> list[dict]:
    """Rows of a query as dicts."""
    cur = db.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
