"""CLI commands that protect the data: backup, restore, backups, integrity, audit."""

from __future__ import annotations

from core.store import audit, backup
from core.cli import database_path, print_json, print_table
from core.errors import DispoError
from core.formatting import count, datetime_text
from core.store.locking import acquire
from core.store.storage import check_integrity


def register(sub) -> None:
    p = sub.add_parser("backup", help="tag en sikkerhedskopi af databasen nu",
                       description="Tager en sikkerhedskopi af databasen med SQLites backup-funktion og lægger "
                                   "den i mappen 'backups' ved siden af databasen. Gamle kopier ryddes op efter "
                                   "reglen 7 daglige, 4 ugentlige og 12 månedlige.")
    p.add_argument("--keep", type=_retention_arg, metavar="D,U,M",
                   help="gem fremover så mange daglige, ugentlige og månedlige kopier (standard 7,4,12)")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("backups", help="vis sikkerhedskopierne af databasen",
                       description="Viser databasens sikkerhedskopier, nyeste først, med tidspunkt, årsag "
                                   "og størrelse.")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_backups, opens_database=False)

    p = sub.add_parser("restore", help="gendan databasen fra en sikkerhedskopi",
                       description="Erstatter databasen med en sikkerhedskopi. Den nuværende database gemmes "
                                   "først som en ny sikkerhedskopi, så gendannelsen kan fortrydes ved at gendanne "
                                   "den. Virker også, når databasen er beskadiget.")
    p.add_argument("file", metavar="FIL", help="sikkerhedskopien (se kommandoen 'backups')")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_restore, opens_database=False)

    p = sub.add_parser("integrity", help="tjek at databasefilen er hel",
                       description="Kører SQLites integritetstjek på databasen. Afslutter med 1 og en besked, "
                                   "hvis filen er beskadiget.")
    p.add_argument("--full", action="store_true", help="det grundige (langsommere) tjek")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_integrity)

    p = sub.add_parser("audit", help="vis eller eksportér revisionssporet",
                       description="Viser revisionssporet (hvem ændrede hvad, hvornår, fra hvad til hvad), nyeste "
                                   "først. Kan afgrænses til en tabel, en række, en borger, og gemmes som xlsx/csv.")
    p.add_argument("--table", metavar="TABEL", help="kun én tabel, fx grants, citizens, satser")
    p.add_argument("--row", metavar="ID", type=int, help="kun én række (sammen med --table)")
    p.add_argument("--citizen", metavar="ID", type=int, help="alt om én borger, på tværs af hendes bevillinger")
    p.add_argument("--limit", type=int, default=None, help="højst så mange rækker")
    p.add_argument("--export", metavar="FIL", help="gem som .xlsx eller .csv")
    p.add_argument("--mask-cpr", action="store_true", help="vis CPR-numre som DDMMÅÅ-xxxx i eksporten")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_audit)


def _retention_arg(text: str) -> backup.Retention:
    import argparse

    parts = text.split(",")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"'{text}' skal være tre hele tal adskilt af komma, fx 7,4,12")
    return backup.Retention(*(int(p) for p in parts))


def cmd_backup(args, db) -> int:
    if args.keep is not None:
        backup.set_retention(db, args.keep)
    made = backup.backup(db, "manual")
    if args.json:
        print_json(made.as_json())
    else:
        print(f"Sikkerhedskopien er gemt: {made.path}")
    return 0


def cmd_backups(args, db) -> int:
    items = backup.list_backups(database_path(args))
    if args.json:
        print_json([b.as_json() for b in items])
        return 0
    if not items:
        print(f"Der er ingen sikkerhedskopier i {backup.backup_dir(database_path(args))}")
        return 0
    print_table([{"created": f"{b.created:%d-%m-%Y %H:%M:%S}", "label": b.label,
                  "size": f"{b.size / 1024:.0f} kB".replace(".", ","), "file": b.path} for b in items],
                [("created", "Tidspunkt"), ("label", "Årsag"), ("size", "Størrelse"), ("file", "Fil")])
    return 0


def cmd_restore(args, db) -> int:
    path = database_path(args)
    with acquire(path, take_over=args.take_over_lock):
        result = backup.restore(path, args.file)
    if args.json:
        print_json(result)
    else:
        print(f"Databasen er gendannet fra {result['restored']}.")
        if result["safety_backup"]:
            print(f"Den hidtidige database er gemt som {result['safety_backup']}; "
                  "gendan den for at fortryde.")
    return 0


def cmd_integrity(args, db) -> int:
    check_integrity(db, database_path(args), full=args.full)
    if args.json:
        print_json({"ok": True, "check": "integrity_check" if args.full else "quick_check"})
    else:
        print("Databasen er hel.")
    return 0


def cmd_audit(args, db) -> int:
    if args.row is not None and not args.table:
        raise DispoError("--row kræver --table (fx --table grants --row 12)")
    rows = audit.entries(db, args.table, args.row, args.limit, citizen_id=args.citizen)
    if args.export:
        n = audit.export(rows, args.export, mask_cpr=args.mask_cpr)
        print(f"{count(n, 'række')} er gemt i {args.export}")
        return 0
    if args.json:
        print_json(rows)
        return 0
    print_table([{"at": datetime_text(r["at"]), "user": r["user"],
                  "table": audit.TABLES.get(r["table_name"], r["table_name"]), "row": r["row_id"],
                  "action": audit.ACTIONS.get(r["action"], r["action"]),
                  "change": audit.describe_change(r)[:100]} for r in rows],
                [("at", "Tidspunkt"), ("user", "Bruger"), ("table", "Tabel"), ("row", "Række"),
                 ("action", "Handling"), ("change", "Ændring")])
    return 0
