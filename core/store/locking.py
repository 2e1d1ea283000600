"""One writer per database: a lock file beside it, and a read-only view for everyone else.

SQLite itself keeps two writers from corrupting a file, but not from overwriting each
other's work: two Dispos open on the same file (a second window, or a colleague on a
network share) would each believe their view is current. So the Dispo that opens a
database for writing puts ``<database>.lock`` beside it, holding who has it (host, pid,
user, since when) and refreshed every minute while it is open. A second Dispo reads
that, says who is working in the file, and opens it read-only (SQLite refuses every
write of that connection).

A lock whose Dispo has died is stale: on the same host its process no longer exists,
or (from any host) it has not been refreshed for ``STALE_AFTER``. A stale lock can be
taken over (the GUI asks; the CLI takes ``--take-over-lock``); a live one never.

Within one process the lock is re-entrant: reopening the same file (or a second
``AppContext`` on it) shares the process's lock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from core.errors import DatabaseLockedError, ReadOnlyError, from_environment
from core.store.storage import current_user, open_db

log = logging.getLogger(__name__)

REFRESH_EVERY = dt.timedelta(seconds=60)
STALE_AFTER = dt.timedelta(minutes=10)

_held: dict[Path, "WriterLock"] = {}
_held_guard = threading.Lock()


@dataclass(frozen=True)
class LockInfo:
    """Who holds a database's lock, as written in the lock file."""

    host: str
    pid: int
    user: str
    since: dt.datetime
    refreshed: dt.datetime
    token: str

    def describe(self) -> str:
        """Danish: who has the database open, and since when."""
        return f"{self.user} på {self.host} (siden {self.since:%d-%m-%Y %H:%M})"


class LockedByOtherError(DatabaseLockedError):
    """Another running Dispo holds the writer lock."""

    def __init__(self, message: str, holder: LockInfo | None):
        super().__init__(message)
        self.holder = holder


class StaleLockError(LockedByOtherError):
    """The lock was left by a Dispo that is no longer running; it can be taken over."""


def lock_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def hostname() -> str:
    return socket.gethostname() or "ukendt"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def read_lock(db_path: str | Path) -> LockInfo | None:
    """The lock file's content; None when there is no lock (or only an unreadable scrap)."""
    try:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
        return LockInfo(host=str(data["host"]), pid=int(data["pid"]), user=str(data["user"]),
                        since=dt.datetime.fromisoformat(data["since"]),
                        refreshed=dt.datetime.fromisoformat(data["refreshed"]), token=str(data["token"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # a lock file half written by a Dispo that crashed while writing it
        path = lock_path(db_path)
        if path.exists():
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
            return LockInfo("ukendt", -1, "ukendt", stamp, stamp, "")
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl+C there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(info: LockInfo, now: dt.datetime | None = None) -> bool:
    """A lock whose Dispo is gone: on this host its process is dead; from another host
    (a network share) it stopped refreshing the lock."""
    now = now or _now()
    if info.host == hostname() and info.pid > 0:
        # on this machine the process tells for sure (a sleeping laptop's Dispo is alive)
        return info.pid != os.getpid() and not pid_alive(info.pid)
    return now - info.refreshed > STALE_AFTER


class WriterLock:
    """The writer lock of one database, held by this process. Use ``acquire``."""

    def __init__(self, db_path: Path, info: LockInfo):
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.info = info
        self._users = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep_fresh, name="dispo-lock", daemon=True)
        self._thread.start()

    def _write(self, info: LockInfo, *, exclusive: bool) -> None:
        data = json.dumps({"host": info.host, "pid": info.pid, "user": info.user,
                           "since": info.since.isoformat(), "refreshed": info.refreshed.isoformat(),
                           "token": info.token}, ensure_ascii=False)
        _write_lock_file(self.path, data, exclusive=exclusive)

    def refresh(self) -> None:
        """Show that this Dispo is still alive (done every minute by a background thread)."""
        current = read_lock(self.db_path)
        if current is None or current.token != self.info.token:
            log.warning("writer lock of %s was taken by another Dispo", self.db_path.name)
            return
        self.info = LockInfo(**{**self.info.__dict__, "refreshed": _now()})
        try:
            self._write(self.info, exclusive=False)
        except OSError as ex:
            log.warning("could not refresh the writer lock: %s", ex)

    def _keep_fresh(self) -> None:
        while not self._stop.wait(REFRESH_EVERY.total_seconds()):
            self.refresh()

    @property
    def still_ours(self) -> bool:
        current = read_lock(self.db_path)
        return current is not None and current.token == self.info.token

    def release(self) -> None:
        """Give the lock up (when the last user in this process releases it)."""
        with _held_guard:
            self._users -= 1
            if self._users > 0:
                return
            _held.pop(self.db_path, None)
        self._stop.set()
        if self.still_ours:
            try:
                self.path.unlink()
            except OSError as ex:
                log.warning("could not remove the writer lock: %s", ex)

    def __enter__(self) -> "WriterLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _write_lock_file(path: Path, data: str, *, exclusive: bool) -> None:
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        return
    temp = path.with_name(path.name + f".{os.getpid()}.tmp")
    temp.write_text(data, encoding="utf-8")
    os.replace(temp, path)


def _locked_message(db_path: Path, holder: LockInfo) -> str:
    return (f"Databasen '{db_path.name}' er åbnet af {holder.describe()}. Den kan kun læses, indtil "
            "den anden Dispo er lukket; ændringer er ikke mulige.")


def _stale_message(db_path: Path, holder: LockInfo) -> str:
    return (f"Databasen '{db_path.name}' blev ikke lukket korrekt af {holder.describe()}, sidst aktiv "
            f"{holder.refreshed:%d-%m-%Y %H:%M}. Den Dispo kører ikke længere, så låsen kan overtages.")


def acquire(db_path: str | Path, *, take_over: bool = False) -> WriterLock:
    """Become the one writer of a database.

    Args:
        take_over: take a stale lock (its Dispo is gone). A live lock is never taken.

    Raises:
        LockedByOtherError: another running Dispo has it (``holder`` says who).
        StaleLockError: a crashed Dispo left its lock and ``take_over`` is false.
        DispoError: the lock file cannot be written (read-only folder, ...).
    """
    db_path = Path(db_path).resolve()
    with _held_guard:
        mine = _held.get(db_path)
        if mine is not None and mine.still_ours:
            mine._users += 1
            return mine
        now = _now()
        info = LockInfo(hostname(), os.getpid(), _user(), now, now, secrets.token_hex(8))
        data = json.dumps({**info.__dict__, "since": now.isoformat(), "refreshed": now.isoformat()},
                          ensure_ascii=False)
        path = lock_path(db_path)
        for _ in range(3):
            try:
                _write_lock_file(path, data, exclusive=True)
                break
            except FileExistsError:
                holder = read_lock(db_path)
                if holder is None:
                    continue  # released in between
                if holder.host == hostname() and holder.pid == os.getpid():
                    pass  # our own, left by a lock object that was never released: take it back
                elif not is_stale(holder, now):
                    raise LockedByOtherError(_locked_message(db_path, holder), holder) from None
                elif not take_over:
                    raise StaleLockError(_stale_message(db_path, holder), holder) from None
                log.warning("taking over the stale writer lock of %s (pid %s on %s)",
                            db_path.name, holder.pid, holder.host)
                try:
                    _write_lock_file(path, data, exclusive=False)
                except OSError as ex:
                    raise from_environment(ex) or ex from ex
                if (read_lock(db_path) or holder).token == info.token:
                    break
                raise LockedByOtherError(_locked_message(db_path, read_lock(db_path) or holder),
                                         read_lock(db_path)) from None
            except OSError as ex:
                raise from_environment(ex) or ex from ex
        else:
            raise DatabaseLockedError(f"Låsen på databasen '{db_path.name}' kan ikke tages; prøv igen")
        lock = WriterLock(db_path, info)
        _held[db_path] = lock
        return lock


def _user() -> str:
    return current_user()


@dataclass
class Session:
    """An open database with the lock that makes it writable, or the reason it is read-only."""

    db: object
    path: Path
    lock: WriterLock | None
    readonly_reason: str | None = None
    holder: LockInfo | None = None

    @property
    def readonly(self) -> bool:
        return self.lock is None

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_session(db_path: str | Path, *, take_over: bool = False, readonly_if_locked: bool = True) -> Session:
    """Open a database as its one writer, or read-only when another Dispo writes to it.

    Args:
        take_over: take a lock left by a Dispo that is no longer running.
        readonly_if_locked: when another Dispo has the lock, open read-only instead of raising.

    Raises:
        LockedByOtherError / StaleLockError: when ``readonly_if_locked`` is false.
        DatabaseError and subclasses: from ``core.store.storage.open_db``.
    """
    db_path = Path(db_path)
    if db_path.parent.exists() and not db_path.is_dir():
        try:
            lock = acquire(db_path, take_over=take_over)
        except LockedByOtherError as ex:
            if not readonly_if_locked or not db_path.exists():
                raise
            return Session(open_db(db_path, readonly=True), db_path, None, str(ex), ex.holder)
        except ReadOnlyError as ex:
            if not db_path.exists():
                raise
            return Session(open_db(db_path, readonly=True), db_path, None, str(ex), None)
    else:
        lock = None  # open_db explains why it cannot open it
    try:
        db = open_db(db_path)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is None:
        lock = acquire(db_path, take_over=take_over)
    return Session(db, db_path, lock)
