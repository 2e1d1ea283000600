"""Load and filter 30,000 grants in the grants table model, against a bare SQLite query.

(a) Dispo: core's ``list_grants`` -> the grants screen's ``RecordModel`` (every cell
    formatted) -> a text filter through ``RecordFilterProxy``.
(b) Bare: one ``sqlite3`` query of the same rows (with the rate in force) and a Python
    substring filter over each row's text.

Run from the project folder: ``python bench/bench_grants_model.py [--grants N]``. Runs offscreen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402

from core.register.catalogue import sections  # noqa: E402
from core.register.grants import list_grants  # noqa: E402
from core.store.storage import open_db  # noqa: E402
from gui.register.grants_screen import grant_columns, grant_key  # noqa: E402
from gui.common.models import RecordFilterProxy, RecordModel  # noqa: E402

NEEDLE = "skovbrynet"
PROVIDERS = ["Botilbuddet Skovbrynet", "Bofællesskabet Lærkevej", "Engly Botilbud ApS", "Fjordglimt",
             "Hjælperordning Nord ApS", "Værkstedet Fabrikken", "Aktivitetscentret Kilden", "Ledsagerkorpset"]


def _cpr(i: int) -> str:
    """A distinct valid CPR number per ``i`` (born 1950-1989, 7th digit 1)."""
    return f"{1 + i % 28:02d}{1 + i // 28 % 12:02d}{50 + i // 336 % 40:02d}-{1000 + i // 13440:04d}"


def generate(db, n_grants: int, seed: int = 30000) -> None:
    """``n_grants`` grants (one citizen per three grants) with one or two rate periods, bulk inserted."""
    rng = random.Random(seed)
    secs = sections(db)
    with db.atomic():
        db["providers"].insert_all({"id": i + 1, "name": name, "kind": "egen" if i < 3 else "privat"}
                                   for i, name in enumerate(PROVIDERS))
        n_citizens = n_grants // 3
        db["citizens"].insert_all(
            {"id": i + 1, "cpr": _cpr(i),
             "name": f"Borger {i:05d} {rng.choice(['Hansen', 'Jensen', 'Nielsen', 'Sørensen'])}"}
            for i in range(n_citizens))
        grants, rates = [], []
        for gid in range(1, n_grants + 1):
            sec = rng.choice(secs)
            start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 4000))
            end = start + dt.timedelta(days=rng.randrange(30, 3000)) if rng.random() < 0.3 else None
            quantity = str(rng.choice([2, 5, 7, 10])) if sec.unit in ("time", "dag") else None
            grants.append({
                "id": gid, "citizen_id": 1 + gid % n_citizens, "section": sec.code,
                "provider_id": 1 + rng.randrange(len(PROVIDERS)), "account": sec.account, "grouping": sec.grouping,
                "unit": sec.unit, "quantity": quantity, "quantity_per": sec.quantity_per if quantity else None,
                "start": start.isoformat(), "end": end.isoformat() if end else None,
                "status": "afsluttet" if end and end < dt.date(2026, 10, 31) else "aktiv",
                "paying_municipality": "Eksempel Kommune", "caseworker": "Lise Holm",
            })
            rate = rng.randrange(20_000, 600_000) / 100
            rates.append({"grant_id": gid, "valid_from": start.isoformat(), "rate": f"{rate:.2f}"})
            if end is None:
                rates.append({"grant_id": gid, "valid_from": "2027-01-01", "rate": f"{rate * 1.025:.2f}"})
        db["grants"].insert_all(grants, batch_size=2000)
        db["grant_rates"].insert_all(rates, batch_size=2000)


def dispo_model(db) -> tuple[int, dict[str, float]]:
    times = {}
    t0 = time.perf_counter()
    grants = list_grants(db)
    times["core list_grants"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    model = RecordModel(grant_columns(dt.date.today()), key=grant_key)
    model.set_records(grants)
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    times["model (format cells)"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    proxy.set_text(NEEDLE)
    shown = proxy.rowCount()
    times["proxy text filter"] = time.perf_counter() - t2
    return shown, times


BARE_SQL = """
    SELECT g.id, c.cpr, c.name, g.section, p.name, g.unit, g.quantity, g.start, g.end, g.account,
           g.vum_category, g.status, g.paying_municipality,
           (SELECT r.rate FROM grant_rates r WHERE r.grant_id = g.id AND r.valid_from <= ?
            ORDER BY r.valid_from DESC LIMIT 1)
    FROM grants g JOIN citizens c ON c.id = g.citizen_id JOIN providers p ON p.id = g.provider_id
"""


def bare_sqlite(path: Path) -> int:
    conn = sqlite3.connect(path)
    rows = conn.execute(BARE_SQL, [dt.date.today().isoformat()]).fetchall()
    shown = sum(1 for row in rows if NEEDLE in "\t".join("" if v is None else str(v) for v in row).casefold())
    conn.close()
    return shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        db = open_db(path)
        t0 = time.perf_counter()
        generate(db, args.grants)
        print(f"generated {args.grants} grants in {time.perf_counter() - t0:.2f} s")

        best_dispo, best_parts, best_bare = float("inf"), {}, float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            shown_dispo, parts = dispo_model(db)
            elapsed = time.perf_counter() - t
            if elapsed < best_dispo:
                best_dispo, best_parts = elapsed, parts
            t = time.perf_counter()
            shown_bare = bare_sqlite(path)
            best_bare = min(best_bare, time.perf_counter() - t)
        db.close()
    if shown_dispo != shown_bare:
        print(f"MISMATCH: the model shows {shown_dispo} rows, the bare filter {shown_bare}")
        return 1
    print(f"rows matching '{NEEDLE}': {shown_dispo}")
    for name, seconds in best_parts.items():
        print(f"  {name:<22} {seconds:7.3f} s")
    print(f"(a) Dispo model + proxy filter: {best_dispo:7.3f} s")
    print(f"(b) bare sqlite3 + substring:   {best_bare:7.3f} s")
    print(f"ratio (a)/(b): {best_dispo / best_bare:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
