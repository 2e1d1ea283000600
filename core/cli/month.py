"""CLI command ``month``: Månedens gang, the monthly cycle's steps and their state."""

from __future__ import annotations

from core.followup import monthly_cycle
from core.formatting import month_text
from core.cli import month_arg, print_json, print_table, year_arg


def register(sub) -> None:
    p = sub.add_parser("month", help="månedens gang: status for månedens trin (import, afstemning, …)",
                       description="Viser månedens trin i rækkefølge (importér posteringer, afstem, validér, "
                                   "følg op på budgettet, godkend, skriv rapporten) med status og hvad der "
                                   "mangler. Uden --year og --month: måneden med den nyeste postering.")
    p.add_argument("--year", type=year_arg, metavar="ÅR", help="året")
    p.add_argument("--month", type=month_arg, metavar="MÅNED", help="måneden 1-12")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_month, writes=False)


def cmd_month(args, db) -> int:
    year, month = monthly_cycle.latest_month(db)
    year, month = args.year or year, args.month or month
    steps = monthly_cycle.cycle(db, year, month)
    if args.json:
        print_json({"year": year, "month": month, "steps": [s.as_json() for s in steps]})
        return 0
    print(f"Månedens gang, {month_text(year, month)}:")
    print_table([{"number": f"{i}.", "title": s.title, "state": s.state_label, "summary": s.summary}
                 for i, s in enumerate(steps, start=1)],
                [("number", ""), ("title", "Trin"), ("state", "Status"), ("summary", "Hvad nu")])
    return 0
