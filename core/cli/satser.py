"""CLI command ``satser``: the yearly values (thresholds, hourly prices, indexes) per year."""

from __future__ import annotations

from core.register import catalogue
from core.cli import print_json, print_table, year_arg
from core.money import format_number


def register(sub) -> None:
    p = sub.add_parser("satser", help="årlige satser (tærskler, timepriser, fremskrivning) pr. år",
                       description="Viser de årlige satser pr. år. 'satser set --year ÅR NAVN VÆRDI' sætter "
                                   "et års værdi; mangler et år, bruges det nyeste tidligere år, og det står "
                                   "ved tallene.")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_satser)
    actions = p.add_subparsers(dest="action", metavar="HANDLING")
    s = actions.add_parser("set", help="sæt et års sats",
                           description="Sætter værdien af en sats for et år, fx "
                                       "'satser set --year 2026 refund_t1 900.000'. Tal skrives på dansk. "
                                       "Ændringen skrives i revisionssporet.")
    s.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året værdien gælder for")
    s.add_argument("name", metavar="NAVN", help="satsens kode (se 'satser'), fx refund_t1")
    s.add_argument("value", metavar="VÆRDI", help="værdien")
    s.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    s.set_defaults(handler=cmd_set)


def cmd_satser(args, db) -> int:
    rows = catalogue.satser(db)
    if args.json:
        print_json([{"kind": r["kind"], "year": r["year"], "value": r["value"], "text": r["text"], "unit": r["unit"]}
                    for r in rows])
        return 0
    print_table([{**r, "value": format_number(r["value"])} for r in rows],
                [("kind", "Kode"), ("text", "Sats"), ("year", "År"), ("value", "Værdi"), ("unit", "Enhed")])
    return 0


def cmd_set(args, db) -> int:
    catalogue.set_sats(db, args.name, args.year, args.value)
    value, _ = catalogue.sats_of_year(db, args.name, args.year)
    if args.json:
        print_json({"kind": args.name, "year": args.year, "value": value})
    else:
        print(f"Satsen {args.name} for {args.year} er sat til {format_number(value)}.")
    return 0
