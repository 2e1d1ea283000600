"""One writer: a second Dispo gets a read-only view and a clear message; a lock left by a
crashed Dispo is detected and can be taken over, a live one never."""

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest

from core.store import locking
from core.errors import ReadOnlyError, from_environment
from core.store.locking import LockedByOtherError, StaleLockError
from tests.conftest import ROOT, run_cli
from tests.dbcontent import content


@pytest.fixture
def demo_file(tmp_path, _demo_template):
    import shutil

    path = tmp_path / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    return path


def _write_lock(db_path, *, host=None, pid, refreshed=None, user="kollega"):
    now = dt.datetime.now().replace(microsecond=0)
    refreshed = refreshed or now
    locking.lock_path(db_path).write_text(json.dumps({
        "host": host or locking.hostname(), "pid": pid, "user": user, "since": refreshed.isoformat(),
        "refreshed": refreshed.isoformat(), "token": "theirs"}))


@pytest.fixture
def other_dispo(demo_file):
    """A real second Dispo process holding the writer lock of ``demo_file``."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from core.store.locking import open_session
        session = open_session({str(demo_file)!r})
        print("ready", flush=True)
        sys.stdin.readline()
        session.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_lock_says_who_and_goes_away_on_close(demo_file):
    session = locking.open_session(demo_file)
    info = locking.read_lock(demo_file)
    assert (info.host, info.pid) == (locking.hostname(), os.getpid())
    assert not session.readonly
    session.close()
    assert not locking.lock_path(demo_file).exists()


def test_a_second_dispo_gets_a_readonly_view_and_a_message(demo_file, other_dispo):
    session = locking.open_session(demo_file)
    try:
        assert session.readonly and session.holder.pid == other_dispo.pid
        assert "kan kun læses" in session.readonly_reason
        assert session.db.execute("SELECT count(*) FROM grants").fetchone()[0] > 100
        with pytest.raises(Exception) as caught:
            session.db.execute("DELETE FROM grants")
        assert isinstance(from_environment(caught.value), ReadOnlyError)
    finally:
        session.close()
    with pytest.raises(LockedByOtherError):
        locking.open_session(demo_file, readonly_if_locked=False)
    # the other Dispo's lock is still there, untouched
    assert locking.read_lock(demo_file).pid == other_dispo.pid


def test_cli_reads_but_refuses_to_write_while_another_dispo_has_the_database(demo_file, other_dispo):
    before = content(demo_file)
    r = run_cli("grants", "--json", db=demo_file)
    assert r.returncode == 0 and len(json.loads(r.stdout)) > 100
    r = run_cli("demo", db=demo_file)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "åbnet af" in r.stderr and locking.hostname() in r.stderr
    # a live lock is never taken over
    r = run_cli("--take-over-lock", "demo", db=demo_file)
    assert r.returncode == 1
    assert content(demo_file) == before
    assert locking.read_lock(demo_file).pid == other_dispo.pid


def test_a_lock_left_by_a_crashed_dispo_is_stale_and_can_be_taken_over(demo_file):
    _write_lock(demo_file, pid=_dead_pid())
    assert locking.is_stale(locking.read_lock(demo_file))
    with pytest.raises(StaleLockError, match="overtages"):
        locking.acquire(demo_file)
    r = run_cli("demo", db=demo_file)
    assert r.returncode == 1 and "--take-over-lock" in r.stderr
    r = run_cli("--take-over-lock", "demo", db=demo_file)
    assert r.returncode == 0, r.stderr
    assert not locking.lock_path(demo_file).exists()


@pytest.mark.allow_log("core.store.locking")  # taking the stale lock over is logged
def test_a_lock_from_another_host_is_stale_only_when_it_stopped_refreshing(demo_file):
    _write_lock(demo_file, host="kollegas-pc", pid=1)
    with pytest.raises(LockedByOtherError) as caught:
        locking.acquire(demo_file, take_over=True)
    assert not isinstance(caught.value, StaleLockError)
    assert "kollega på kollegas-pc" in str(caught.value)
    old = dt.datetime.now() - locking.STALE_AFTER - dt.timedelta(minutes=1)
    _write_lock(demo_file, host="kollegas-pc", pid=1, refreshed=old)
    lock = locking.acquire(demo_file, take_over=True)
    assert locking.read_lock(demo_file).host == locking.hostname()
    lock.release()


def test_the_lock_is_reentrant_within_one_process_and_refreshes(demo_file):
    first = locking.acquire(demo_file)
    second = locking.acquire(demo_file)
    assert first is second
    old = first.info.refreshed
    first.info = locking.LockInfo(**{**first.info.__dict__, "refreshed": old - dt.timedelta(hours=1)})
    first.refresh()
    assert locking.read_lock(demo_file).refreshed >= old
    first.release()
    assert locking.lock_path(demo_file).exists()
    second.release()
    assert not locking.lock_path(demo_file).exists()


@pytest.mark.allow_log("core.store.locking")  # taking the stale lock over is logged
def test_a_half_written_lock_file_counts_as_a_lock(demo_file):
    locking.lock_path(demo_file).write_text('{"host": "pc", "pi')
    with pytest.raises(LockedByOtherError):
        locking.acquire(demo_file)
    old = (dt.datetime.now() - locking.STALE_AFTER - dt.timedelta(minutes=5)).timestamp()
    os.utime(locking.lock_path(demo_file), (old, old))
    locking.acquire(demo_file, take_over=True).release()


def test_a_live_dispo_on_this_host_is_never_stale_even_after_a_long_sleep(demo_file):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _write_lock(demo_file, pid=proc.pid, refreshed=dt.datetime.now() - dt.timedelta(hours=5))
        assert not locking.is_stale(locking.read_lock(demo_file))
        with pytest.raises(LockedByOtherError):
            locking.acquire(demo_file, take_over=True)
    finally:
        proc.kill()
        proc.wait()
    assert locking.is_stale(locking.read_lock(demo_file))
