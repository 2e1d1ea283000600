"""Backups of the database: made with SQLite's online backup API, rotated, restorable.

Backups live in a folder ``backups`` beside the database file (for the default database
that is the user's data folder; for a ``--db`` file it is that file's folder), named
``<database name>_<YYYYMMDD-HHMMSS>_<reason>.sqlite``. They are made

- automatically when a database is opened, at most once a day (``daily_backup``),
- before pending migrations are applied (``core.store.storage.open_db``),
- before every import and undo of an import (``before(db, "import")`` / ``"undo"``),
- before a restore, so that a restore can itself be undone (``restore``),
- by hand (``backup`` command, Filer → Sikkerhedskopier).

Old backups are thinned out by a grandfather-father-son rule (``Retention``): every
backup of today, then the newest of each of the last 7 days, 4 ISO weeks and 12 months
that have one. The numbers are settings (``backup.keep_*``, declared in
``core.store.declared_settings``).

A backup is written to a temporary name and renamed when complete, so a crash while
backing up never leaves a half file that looks like a backup.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core.store import audit, settings
from core.store.connection import APPLICATION_ID, MIGRATIONS_TABLE, connect, database_path, readonly_uri
from core.errors import DispoError, from_environment
from core.store.declared_settings import SETTINGS
from core.store.migrations import apply_migrations, known_migrations, pending_migrations

log = logging.getLogger(__name__)

FOLDER = "backups"
REASONS = {
    "daily": "Daglig",
    "manual": "Manuel",
    "import": "Før import",
    "undo": "Før fortryd",
    "migration": "Før opdatering",
    "restore": "Før gendannelse",
    "damaged": "Beskadiget fil",
}
SETTING_KEYS = {"daily": "backup.keep_daily", "weekly": "backup.keep_weekly", "monthly": "backup.keep_monthly"}


@dataclass(frozen=True)
class Retention:
    """How many backups rotation keeps: the newest of each of this many days, weeks, months
    (by default the declared settings' defaults)."""

    daily: int = SETTINGS[SETTING_KEYS["daily"]].default
    weekly: int = SETTINGS[SETTING_KEYS["weekly"]].default
    monthly: int = SETTINGS[SETTING_KEYS["monthly"]].default


@dataclass(frozen=True)
class Backup:
    path: Path
    created: dt.datetime
    reason: str
    size: int

    @property
    def label(self) -> str:
        """The reason in Danish, for lists."""
        return REASONS.get(self.reason, self.reason)

    def as_json(self) -> dict:
        return {"file": str(self.path), "created": self.created.isoformat(timespec="seconds"),
                "reason": self.reason, "label": self.label, "size": self.size}


def backup_dir(db_path: str | Path) -> Path:
    """The folder that holds the backups of the database at ``db_path``."""
    return Path(db_path).resolve().parent / FOLDER


def _pattern(db_path: Path) -> re.Pattern:
    return re.compile(rf"^{re.escape(Path(db_path).stem)}_(\d{{8}}-\d{{6}})(?:-(\d+))?_([a-z]+)\.sqlite$")


def list_backups(db_path: str | Path) -> list[Backup]:
    """The backups of this database, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(Path(db_path))
    found = []
    for entry in folder.iterdir():
        m = pattern.match(entry.name)
        if not m:
            continue
        try:
            created = dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
        except ValueError:  # not one of ours after all
            continue
        found.append((created, int(m.group(2) or 0), Backup(entry, created, m.group(3), entry.stat().st_size)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [b for *_, b in found]


def latest_backup(db_path: str | Path) -> Backup | None:
    """The newest backup that can be restored (byte copies of damaged files do not count)."""
    return next((b for b in list_backups(db_path) if b.reason != "damaged"), None)


def _is_intact(path: Path) -> bool:
    try:
        conn = _read_only(path)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _target(db_path: Path, reason: str, now: dt.datetime) -> Path:
    """A new backup's file name; a second backup in the same second gets ``-2``, ``-3``, ...
    so that the order of backups is always known."""
    folder = backup_dir(db_path)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = {b.path.name.split("_")[-2] for b in list_backups(db_path) if b.created == now.replace(microsecond=0)}
    name, n = stamp, 1
    while name in taken:
        n += 1
        name = f"{stamp}-{n}"
    return folder / f"{db_path.stem}_{name}_{reason}.sqlite"


def _source_path(db_or_path) -> Path:
    if isinstance(db_or_path, Database):
        path = database_path(db_or_path)
        if path is None:
            raise DispoError("En database i hukommelsen kan ikke sikkerhedskopieres")
        return path
    return Path(db_or_path)


def _read_only(path: Path, timeout: float = 30) -> sqlite3.Connection:
    """A connection of its own that only reads: it sees what is committed, even while
    Dispo's connection is inside a transaction."""
    return sqlite3.connect(readonly_uri(path), uri=True, timeout=timeout)


def _copy_database(source_path: Path, dest_path: Path) -> None:
    """Copy a database file's committed state with SQLite's online backup API."""
    source = _read_only(source_path)
    try:
        dest = sqlite3.connect(str(dest_path))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def _discard(path: Path) -> None:
    """Remove a half-written file if there is one; never fails."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _wrap(ex: BaseException, what: str) -> DispoError:
    known = from_environment(ex)
    if known is None:
        return DispoError(f"{what}: {ex}")
    return type(known)(f"{what}: {known}")


def backup(db_or_path, reason: str = "manual", *, now: dt.datetime | None = None,
           retention: Retention | None = None) -> Backup:
    """Copy the database's committed state into a new backup file and rotate old ones.

    Args:
        db_or_path: an open database (its file is backed up) or a database file's path.
        reason: one of ``REASONS``; shown in the list of backups.

    Raises:
        DispoError: the backup cannot be written (full disk, read-only folder, ...).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    path = _source_path(db_or_path)
    now = now or dt.datetime.now()
    target = _target(path, reason, now)
    # a name of its own: two backups in the same second (two Dispo windows, or two connections of
    # one) would otherwise write the same file, and the one renamed first breaks the other's copy
    partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(path, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as ex:
        _discard(partial)
        raise _wrap(ex, "Sikkerhedskopien kunne ikke laves") from ex
    made = Backup(target, now.replace(microsecond=0), reason, target.stat().st_size)
    log.info("backup made: %s (%s)", target.name, reason)
    rotate(path, retention or _retention_of(db_or_path, path), now=now)
    return made


def before(db_or_path, reason: str) -> Backup:
    """The hook for a change that replaces much data (import, undo of an import, restore):
    back up first; when the backup cannot be made the change must not go ahead.

    Call it before opening the change's transaction.

    Raises:
        DispoError: the backup cannot be written.
    """
    return backup(db_or_path, reason)


def daily_backup(db_or_path, *, now: dt.datetime | None = None) -> Backup | None:
    """The automatic backup when a database is opened: made if none was made today.

    A failure (full disk, read-only folder) is logged and does not stop Dispo opening.
    """
    path = _source_path(db_or_path)
    now = now or dt.datetime.now()
    newest = latest_backup(path)
    if newest and newest.created.date() == now.date():
        return None
    try:
        return backup(db_or_path, "daily", now=now)
    except DispoError as ex:
        log.warning("automatic backup failed: %s", ex)
        return None


def retention(db) -> Retention:
    """The rotation settings (``backup.keep_*`` in ``core.store.settings``; their defaults where not set)."""
    try:
        return Retention(**{field: settings.get(db, name) for field, name in SETTING_KEYS.items()})
    except sqlite3.Error:  # a file that is not (yet) a Dispo database has no settings
        return Retention()


def set_retention(db, keep: Retention) -> None:
    """Store the rotation settings (checked as the settings are, one audited change)."""
    settings.set_values(db, {name: getattr(keep, field) for field, name in SETTING_KEYS.items()})


def _retention_of(db_or_path, path: Path) -> Retention:
    if isinstance(db_or_path, Database):
        return retention(db_or_path)
    try:
        conn = _read_only(path)
    except sqlite3.Error:
        return Retention()
    try:
        return retention(Database(conn, execute_plugins=False))
    finally:
        conn.close()


def to_keep(backups: list[Backup], keep: Retention, now: dt.datetime) -> set[Path]:
    """Which backups rotation keeps: all of today's, then the newest of each of the last
    ``keep.daily`` days, ``keep.weekly`` ISO weeks and ``keep.monthly`` months that have one."""
    newest_first = sorted(backups, key=lambda b: b.created, reverse=True)
    kept = {b.path for b in newest_first if b.created.date() == now.date()}
    periods = ((lambda d: d.date(), keep.daily),
               (lambda d: tuple(d.isocalendar())[:2], keep.weekly),
               (lambda d: (d.year, d.month), keep.monthly))
    for period_of, count in periods:
        seen = set()
        for b in newest_first:
            period = period_of(b.created)
            if period in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(period)
            kept.add(b.path)
    return kept


def rotate(db_path: str | Path, keep: Retention | None = None, *, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups the retention rule no longer keeps. Returns the deleted files."""
    backups = list_backups(db_path)
    kept = to_keep(backups, keep or Retention(), now or dt.datetime.now())
    deleted = []
    for b in backups:
        if b.path not in kept:
            try:
                b.path.unlink()
                deleted.append(b.path)
            except OSError as ex:  # a backup someone has open; try again next time
                log.warning("could not delete old backup %s: %s", b.path.name, ex)
    return deleted


def check_backup_file(path: str | Path) -> None:
    """Make sure a file is a readable, undamaged Dispo database this version can open.

    Raises:
        DispoError: naming what is wrong with it.
    """
    path = Path(path)
    if not path.is_file():
        raise DispoError(f"Sikkerhedskopien '{path}' findes ikke")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise DispoError(f"'{path}' er ikke en Dispo-database og kan ikke gendannes")
    try:
        conn = _read_only(path)
        try:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check(3)")]
            if check != ["ok"]:
                raise DispoError(f"Sikkerhedskopien '{path.name}' er selv beskadiget ({check[0]}); vælg en anden")
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise DispoError(f"'{path}' er ikke en Dispo-database og kan ikke gendannes")
            applied = set(conn.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE}").fetchall())
        finally:
            conn.close()
    except sqlite3.Error as ex:
        raise DispoError(f"Sikkerhedskopien '{path.name}' kan ikke læses: {ex}") from ex
    if applied - known_migrations():
        raise DispoError(f"Sikkerhedskopien '{path.name}' er lavet af en nyere version af Dispo. "
                         "Opdatér Dispo først.")


def _save_damaged(db_path: Path, now: dt.datetime) -> Backup:
    """Keep a byte copy of a database the backup API cannot read, before replacing it."""
    import shutil

    target = _target(db_path, "damaged", now)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_path, target)
    return Backup(target, now.replace(microsecond=0), "damaged", target.stat().st_size)


def restore(db_path: str | Path, backup_file: str | Path, *, now: dt.datetime | None = None) -> dict:
    """Replace the database with a backup; the current state is backed up first.

    The caller must hold the writer lock (``core.store.locking``) and have closed its own
    connections to the database. The restore is written to the audit log of the
    restored database. Returns ``{"restored": file, "safety_backup": file}``; restoring
    the safety backup undoes the restore.

    Raises:
        DispoError: the backup is not usable, or the files cannot be written.
    """
    db_path, backup_file = Path(db_path), Path(backup_file)
    now = now or dt.datetime.now()
    check_backup_file(backup_file)
    temp = db_path.with_name(db_path.name + ".restoring")
    try:
        # copy first: making the safety backup rotates, which may delete an old backup file
        _copy_database(backup_file, temp)
    except (sqlite3.Error, OSError) as ex:
        _discard(temp)
        raise _wrap(ex, "Sikkerhedskopien kunne ikke gendannes") from ex
    safety = None
    try:
        if db_path.exists() and db_path.stat().st_size > 0:
            if _is_intact(db_path):
                safety = backup(db_path, "restore", now=now)
            else:
                # the backup API cannot be trusted with a damaged file: keep its bytes instead
                safety = _save_damaged(db_path, now)
        # a journal left beside the old file belongs to it and must not be replayed into the new one
        for suffix in ("-journal", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(temp, db_path)
    except OSError as ex:
        raise _wrap(ex, "Sikkerhedskopien kunne ikke gendannes") from ex
    finally:
        _discard(temp)
    # checked by check_backup_file above: ours, intact, not newer; an older one is migrated
    # like any database Dispo opens, after a backup of the old schema
    db = connect(db_path)
    try:
        if pending_migrations(db):
            backup(db, "migration")
        apply_migrations(db)
        with db.atomic():
            audit.record(db, "database", None, "restore",
                         {"safety_backup": safety.path.name if safety else None},
                         {"restored_from": backup_file.name})
    finally:
        db.close()
    log.info("restored %s from %s", db_path.name, backup_file.name)
    return {"restored": str(backup_file), "safety_backup": str(safety.path) if safety else None}
