"""Monthly report export for 30,000 grants: Dispo's xlsx writer against bare openpyxl.

The baseline writes the same cells (same values, same sheets) with openpyxl's write-only
mode and nothing else. Dispo adds number formats, bold totals, formulas, print setup and
the formula-injection and CPR checks on every text. Goal: ratio <= 1.5.

Run: python bench/bench_report.py [GRANTS]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from core.reports import TOTAL, Report  # noqa: E402
from core.reports.monthly import build_citizens, build_overview  # noqa: E402
from core.reports.xlsx_writer import write_report  # noqa: E402

SECTIONS = [("§ 85", "5.32.33"), ("§ 95", "5.32.32"), ("§ 96", "5.32.32"), ("§ 97", "5.38.53"),
            ("§ 98", "5.38.53"), ("§ 103", "5.38.58"), ("§ 104", "5.38.59"), ("§ 107", "5.38.52"),
            ("§ 108", "5.38.50")]
FIELDS = ("budget", "booked_to_date", "computed_to_date", "committed_rest", "expected_outturn", "deviation",
          "full_year_equivalents", "average_price", "volume_effect", "price_effect", "backlog")


class Row:
    """A forecast row as ``core.followup.forecast`` returns it (only the attributes the report reads)."""

    def __init__(self, **kw):
        for f in FIELDS:
            setattr(self, f, Decimal(0))
        for k in ("grant_id", "cpr", "name", "section", "account", "provider"):
            setattr(self, k, None)
        self.__dict__.update(kw)


def forecast_rows(n: int):
    rng = random.Random(7)
    grants, per_section = [], {}
    for i in range(n):
        section, account = rng.choice(SECTIONS)
        computed = Decimal(rng.randrange(1_000_00, 900_000_00)) / 100
        rest = Decimal(rng.randrange(0, 300_000_00)) / 100
        booked = computed - Decimal(rng.randrange(0, 20_000_00)) / 100
        grants.append(Row(grant_id=i, cpr=f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}"
                                             f"{rng.randrange(40, 99)}-{rng.randrange(1000, 9999)}",
                          name=f"Borger {i}", section=section, account=account, provider=f"Leverandør {i % 50}",
                          computed_to_date=computed, committed_rest=rest, expected_outturn=computed + rest,
                          booked_to_date=booked, backlog=computed - booked))
        agg = per_section.setdefault(section, Row(section=section, account=account))
        agg.expected_outturn += computed + rest
        agg.full_year_equivalents += 1
    for agg in per_section.values():
        agg.budget = agg.expected_outturn
    sections = sorted(per_section.values(), key=lambda r: r.section)
    accounts = {}
    for r in sections:
        acc = accounts.setdefault(r.account, Row(account=r.account))
        for f in FIELDS:
            setattr(acc, f, getattr(acc, f) + getattr(r, f))
    for r in [*sections, *accounts.values()]:
        r.average_price = (r.expected_outturn / r.full_year_equivalents).quantize(Decimal("0.01"))
    grant_total = Row(**{f: sum(getattr(g, f) for g in grants) for f in FIELDS})
    return grants, grant_total, sections, list(accounts.values())


def bare_openpyxl(report: Report, path: Path) -> None:
    wb = Workbook(write_only=True)
    for table in report.tables:
        ws = wb.create_sheet(table.title)
        ws.append([c.heading for c in table.columns])
        for row in table.rows:
            ws.append(row.values)
    wb.save(path)


def best_times(jobs: dict, repeat: int = 3) -> dict[str, float]:
    """The best of ``repeat`` runs of each job, interleaved so that a busy machine slows all alike."""
    best = {name: float("inf") for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            t0 = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    grants, grant_total, sections, accounts = forecast_rows(n)
    tables = [build_overview(sections, accounts, [], {}, {}), build_citizens(grants, grant_total)]
    report = Report("Månedsoversigt", 2026, dt.date(2026, 10, 31), "Bench Kommune", tables)
    cells = sum(len(t.rows) * len(t.columns) for t in tables)
    assert tables[1].rows[-1].kind == TOTAL
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        times = best_times({
            "bare": lambda: bare_openpyxl(report, out / "bare.xlsx"),
            "dispo": lambda: write_report(report, out / "dispo.xlsx"),
            "masked": lambda: write_report(report, out / "masked.xlsx", mask_cpr=True),
        })
    bare, dispo, dispo_masked = times["bare"], times["dispo"], times["masked"]
    print(f"{n} grants, {cells} cells")
    print(f"bare openpyxl write-only : {bare:.2f} s")
    print(f"Dispo writer             : {dispo:.2f} s   ratio {dispo / bare:.2f}x (goal <= 1.5x)")
    print(f"Dispo writer, masked CPR : {dispo_masked:.2f} s   ratio {dispo_masked / bare:.2f}x")


if __name__ == "__main__":
    main()
