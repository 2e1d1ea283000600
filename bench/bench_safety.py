"""Cost of data protection, against the bare library doing the same work.

    python bench/bench_safety.py [COPIES]

On the demo municipality with COPIES rounds of audit history it prints:
- a backup by ``core.store.backup.backup`` (online backup API, atomic rename, rotation) against a
  bare ``sqlite3.Connection.backup`` of the same file;
- opening with ``core.store.locking.open_session`` (writer lock, quick check, migrations check)
  against a bare ``sqlite3.connect`` plus one query.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def build(folder: Path, copies: int) -> Path:
    from core.register.demo import build_demo
    from core.store.storage import open_db

    path = folder / "bench.sqlite"
    db = open_db(path)
    build_demo(db)
    with db.atomic():  # grow the file with audit history: one row per grant per copy
        for n in range(copies - 1):
            db.execute("INSERT INTO audit (at, user, table_name, row_id, action, old, new) "
                       "SELECT '2026-01-01T00:00:00', 'bench', 'grants', id, 'update', "
                       "json_object('note', ?, 'rate', start), json_object('note', ?, 'rate', start) FROM grants",
                       [f"note {n}" * 20, f"note {n + 1}" * 20])
    db.close()
    return path


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    from core.store import backup
    from core.store.locking import open_session

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build(folder, copies)
        size = path.stat().st_size / 1e6

        def bare_backup():
            src, dst = sqlite3.connect(path), sqlite3.connect(folder / "bare.sqlite")
            src.backup(dst)
            dst.close()
            src.close()

        def bare_open():
            conn = sqlite3.connect(path)
            conn.execute("SELECT count(*) FROM grants").fetchone()
            conn.close()

        def dispo_open():
            session = open_session(path)
            session.db.execute("SELECT count(*) FROM grants").fetchone()
            session.close()

        rows = [("backup", best_of(bare_backup), best_of(lambda: backup.backup(path, "manual"))),
                ("open", best_of(bare_open), best_of(dispo_open))]
        print(f"database: {size:.1f} MB")
        for name, bare, dispo in rows:
            print(f"{name:8} bare {bare * 1000:8.1f} ms   Dispo {dispo * 1000:8.1f} ms   ratio {dispo / bare:5.1f}x")


if __name__ == "__main__":
    main()
