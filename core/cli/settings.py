"""CLI command ``settings``: list the settings, or set one."""

from __future__ import annotations

from core.store import settings
from core.cli import print_json, print_table
from core.money import format_number


def register(sub) -> None:
    p = sub.add_parser("settings", help="vis eller ændr indstillingerne (fx egen kommune)",
                       description="Uden handling vises alle indstillinger med værdi og forklaring. "
                                   "'settings set NAVN VÆRDI' ændrer én, fx "
                                   "settings set municipality \"Testrup Kommune\".")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_settings)
    actions = p.add_subparsers(dest="action", metavar="HANDLING")
    s = actions.add_parser("set", help="ændr én indstilling", description="Gemmer en indstilling. Tal skrives "
                           "på dansk (1.000,50). Ændringen skrives i revisionssporet.")
    s.add_argument("name", metavar="NAVN", help="indstillingens navn (se 'settings')")
    s.add_argument("value", metavar="VÆRDI", help="den nye værdi")
    s.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    s.set_defaults(handler=cmd_set)


def _text(row: dict) -> str:
    value = row["value"]
    if value is None:
        return "(ikke sat)"
    if row["kind"] in ("amount", "percent"):
        return format_number(value)
    return str(value)


def cmd_settings(args, db) -> int:
    rows = settings.all_values(db)
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "shown": _text(r)} for r in rows],
                [("name", "Navn"), ("label", "Indstilling"), ("shown", "Værdi")])
    return 0


def cmd_set(args, db) -> int:
    value = settings.set_value(db, args.name, args.value)
    if args.json:
        print_json({"name": args.name, "value": value})
    else:
        label = settings.SETTINGS[args.name].label
        print(f"{label} er sat til {value}.")
    return 0
