"""Forecast speed: a generated municipality of 30,000 grants and 1,000,000 postings.

Prints Dispo's forecast time (by grant and by account, exact to the øre) next to a bare
SQL aggregation of the same postings (one GROUP BY), and the ratio. Goal: under 1 s.
The forecast sums the postings on a second connection while it computes the grants, so it
uses two cores; the time includes the § 176 refund and the expected citizens' lines.

    python bench/bench_forecast.py [--grants N] [--postings N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.followup.forecast import forecast  # noqa: E402
from core.store.storage import open_db  # noqa: E402

UNITS = [("døgn", None, None, "§ 108", "5.38.50", (2000, 6000)), ("dag", "3", "uge", "§ 104", "5.38.59", (400, 900)),
         ("time", "7", "uge", "§ 85", "5.32.33", (450, 600)), ("time", "12", "måned", "§ 97", "5.38.53", (200, 260)),
         ("måned", None, None, "§ 103", "5.38.58", (8000, 15000)), ("år", None, None, "§ 96", "5.32.32",
                                                                     (700000, 3000000))]


def generate(db, n_grants: int, n_postings: int, rng: random.Random) -> None:
    db["settings"].upsert({"key": "municipality", "value": "Bench Kommune"}, pk="key")
    with db.atomic():
        db.conn.executemany("INSERT INTO providers (id, name, kind) VALUES (?, ?, ?)",
                       [(i, f"Leverandør {i}", rng.choice(["egen", "privat", "kommune"])) for i in range(1, 201)])
        # the adult social area: born 1950-2007, so about one in ten is 67 or over
        cprs = [f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{y % 100:02d}-{0 if y < 2000 else 4}{i:03d}"
                for i, y in ((i % 1000, rng.randrange(1950, 2008)) for i in range(n_grants // 2))]
        cprs = [c for c in dict.fromkeys(cprs)]
        db.conn.executemany("INSERT INTO citizens (id, cpr, name) VALUES (?, ?, ?)",
                       [(i + 1, c, f"Borger {i}") for i, c in enumerate(cprs)])
        grants, rates, accounts = [], [], []
        for gid in range(1, n_grants + 1):
            unit, q, per, section, account, (lo, hi) = rng.choice(UNITS)
            cid = rng.randrange(1, len(cprs) + 1)
            start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 4300))
            end = start + dt.timedelta(days=rng.randrange(30, 3000)) if rng.random() < 0.3 else None
            grants.append((gid, cid, section, rng.randrange(1, 201), account, unit, q, per, start.isoformat(),
                           end.isoformat() if end else None, "Bench Kommune" if rng.random() < 0.95 else "Nabo"))
            rate = rng.randrange(lo * 100, hi * 100) / 100
            rates.append((gid, start.isoformat(), f"{rate:.2f}"))
            if end is None or end >= dt.date(2026, 7, 1):
                rates.append((gid, max(start, dt.date(2026, 7, 1)).isoformat(), f"{rate * 1.02:.2f}"))
            accounts.append((cprs[cid - 1], account))
        db.conn.executemany("INSERT INTO grants (id, citizen_id, section, provider_id, account, unit, quantity, "
                       "quantity_per, start, end, paying_municipality) VALUES (?,?,?,?,?,?,?,?,?,?,?)", grants)
        db.conn.executemany("INSERT OR IGNORE INTO grant_rates (grant_id, valid_from, rate) VALUES (?, ?, ?)", rates)
        start = dt.date(2026, 1, 1).toordinal()

        def postings():
            for _ in range(n_postings):
                cpr, account = rng.choice(accounts)
                yield (dt.date.fromordinal(start + rng.randrange(0, 304)).isoformat(), account,
                       rng.randrange(1000, 5_000_000), cpr)

        db.conn.executemany("INSERT INTO postings (date, account, amount_ore, cpr) VALUES (?, ?, ?, ?)", postings())


def best_of(n: int, fn) -> float:
    """The shortest of ``n`` runs of ``fn``; its result is freed after the clock stops (for
    both sides alike: the time is that of computing the result, not of throwing it away)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        del result
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=30_000)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="FILE", help="generate into FILE once and reuse it on later runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.sqlite"
        fresh = not path.exists()
        db = open_db(path)
        if fresh:
            t = time.perf_counter()
            generate(db, args.grants, args.postings, random.Random(1))
            print(f"generated {args.grants:,} grants and {args.postings:,} postings in {time.perf_counter() - t:.1f} s")
        as_of = dt.date(2026, 10, 31)
        bare = best_of(3, lambda: db.execute(
            "SELECT cpr, account, SUM(amount_ore) FROM postings WHERE +date BETWEEN ? AND ? GROUP BY cpr, account",
            ["2026-01-01", as_of.isoformat()]).fetchall())
        print(f"bare SQL aggregation of the postings:     {bare:.3f} s")
        for by in ("grant", "account"):
            took = best_of(3, lambda: forecast(db, 2026, as_of, by=by))
            print(f"Dispo forecast by {by:<8} (exact, øre):    {took:.3f} s   ratio {took / bare:.2f}x   "
                  f"{'under' if took < 1 else 'OVER'} 1 s")
        db.close()


if __name__ == "__main__":
    main()
