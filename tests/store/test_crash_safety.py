"""Crash safety: every change is one transaction; a process killed at any moment of a
large write (an import, or until it exists a big core transaction) leaves the database
intact with either none of the batch or all of it."""

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from core.register import citizens
from core.store.storage import open_db
from tests.conftest import ROOT
from tests.dbcontent import content, integrity
from tests.fuzzing import POSTINGS_HEADER, postings_rows

KILL_RUNS = int(os.environ.get("DISPO_KILL_RUNS", "4"))


def test_a_change_and_its_audit_row_are_one_transaction(db):
    cid = citizens.ensure_citizen(db, "010180-1234")
    db.execute("ALTER TABLE audit RENAME TO audit_away")  # the audit write will fail
    with pytest.raises(sqlite3.OperationalError):
        citizens.ensure_citizen(db, "010180-1234", "Anna Hansen")
    db.execute("ALTER TABLE audit_away RENAME TO audit")
    assert citizens.get_citizen(db, cid).name == ""


WRITER = textwrap.dedent("""
    import sys, datetime as dt
    sys.path.insert(0, sys.argv[1])
    from core.register import grants, providers
    from core.store.storage import open_db
    db = open_db(sys.argv[2])
    n = int(sys.argv[3])
    if providers.find_by_name(db, "Testbostedet") is None:
        providers.create_provider(db, "Testbostedet", "privat")
    with db.atomic():
        batch = db["batches"].insert({"kind": "test", "file": "kill", "created_at": dt.datetime.now().isoformat(),
                                      "user": "test"}).last_pk
        print("begun", flush=True)
        for i in range(n):
            grants.create_grant(db, {"cpr": f"{i % 28 + 1:02d}{i // 28 % 12 + 1:02d}80-{i:04d}", "name": f"B {i}",
                                     "section": "§ 108", "provider": "Testbostedet", "rate": "2.000,00",
                                     "start": "01-01-2026"}, batch_id=batch)
        db["batches"].update(batch, {"imported": n})
    print("done", flush=True)
""")


def _batch_state(path) -> tuple[int, int, int, int]:
    """(test batches, grants and citizens of a batch, the batch's count), read after the crash."""
    conn = sqlite3.connect(path)
    try:
        batches = conn.execute("SELECT id, imported FROM batches WHERE file = 'kill'").fetchall()
        in_batch = conn.execute("SELECT count(*) FROM grants WHERE batch_id IS NOT NULL").fetchone()[0]
        loose = conn.execute("SELECT count(*) FROM citizens WHERE batch_id IS NOT NULL").fetchone()[0]
        return len(batches), in_batch, loose, batches[0][1] if batches else 0
    finally:
        conn.close()


def _start(path, n):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(path), str(n)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "begun"
    return proc


def test_a_big_write_killed_at_random_moments_leaves_all_or_nothing(tmp_path):
    n = int(os.environ.get("DISPO_KILL_GRANTS", "600"))
    rng = random.Random(int(os.environ.get("DISPO_KILL_SEED", "8")))
    # one full run tells how long the transaction takes here
    full = tmp_path / "full.sqlite"
    open_db(full).close()
    proc = _start(full, n)
    started = time.monotonic()
    proc.wait(timeout=300)
    duration = time.monotonic() - started
    assert _batch_state(full) == (1, n, n, n)
    outcomes = set()
    for run in range(KILL_RUNS):
        path = tmp_path / f"run{run}.sqlite"
        open_db(path).close()
        proc = _start(path, n)
        time.sleep(rng.uniform(0, duration * 1.1))
        proc.kill()
        proc.wait()
        assert integrity(path) == "ok"
        state = _batch_state(path)
        assert state in {(0, 0, 0, 0), (1, n, n, n)}, f"half a batch after a kill: {state}"
        outcomes.add(state[0])
        db = open_db(path)  # and Dispo opens it normally afterwards
        db.close()
    assert outcomes  # at least one run was checked


def _postings_csv(path, rows: int) -> None:
    """A finance extract (bookings) with ``rows`` valid lines."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(";".join(POSTINGS_HEADER) + "\n")
        for row in postings_rows(rows, random.Random(3)):
            fh.write(";".join(str(v) for v in row) + "\n")


def test_a_killed_import_leaves_no_half_batch(tmp_path):
    rows = int(os.environ.get("DISPO_KILL_ROWS", "15000"))
    extract = tmp_path / "bogforing.csv"
    _postings_csv(extract, rows)
    cmd = [sys.executable, str(ROOT / "main.py"), "--db"]
    # a full import first: how long it takes, and how many postings a whole batch has
    full = tmp_path / "full.sqlite"
    started = time.monotonic()
    done = subprocess.run(cmd + [str(full), "import", str(extract), "--kind", "postings", "--json"],
                          capture_output=True, text=True, timeout=600)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    whole = _postings(full)
    assert whole[0] == 1 and whole[1] > 0
    rng = random.Random(int(os.environ.get("DISPO_KILL_SEED", "8")))
    for run in range(KILL_RUNS):
        path = tmp_path / f"run{run}.sqlite"
        open_db(path).close()
        before = content(path)
        proc = subprocess.Popen(cmd + [str(path), "import", str(extract), "--kind", "postings"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(duration * 0.1, duration * 1.05))
        proc.kill()
        proc.wait()
        assert integrity(path) == "ok"
        state = _postings(path)
        if state[0] == 0:
            after = content(path)
            assert after["postings"] == before["postings"] == [] and state[1] == 0
        else:
            assert state == whole, f"half a batch after a kill: {state} of {whole}"


def _postings(path) -> tuple[int, int]:
    """(import batches, postings) in a database."""
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM batches").fetchone()[0],
                conn.execute("SELECT count(*) FROM postings").fetchone()[0])
    finally:
        conn.close()
