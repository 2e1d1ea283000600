"""CLI commands of the register: demo, citizens, grants, catalogue."""

from __future__ import annotations

from core.register import catalogue, citizens, demo, grants
from core.cli import budget_year, date_arg, print_json, print_table
from core.errors import DispoError
from core.money import format_date, format_number


def register(sub) -> None:
    p = sub.add_parser("demo", help="opret eller nulstil demokommunen (Eksempel Kommune)",
                       description="Sletter alle data i databasen og opretter demokommunen Eksempel Kommune. "
                                   "Kataloget bevares. Resultatet er det samme hver gang.")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("citizens", help="vis borgerne", description="Viser alle borgere med CPR-nummer og navn.")
    p.add_argument("--search", default="", help="kun borgere hvis CPR eller navn indeholder teksten")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_citizens)

    p = sub.add_parser("grants", help="vis bevillingerne",
                       description="Viser bevillingerne med paragraf, leverandør, takst, enhed og periode.")
    p.add_argument("--active-on", type=date_arg, metavar="DATO", help="kun bevillinger der er aktive på datoen")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_grants)

    p = sub.add_parser("catalogue", help="vis kataloget (paragraffer, konti, enheder, VUM, satser)",
                       description="Viser kataloget: paragraffer med konto og enhed, enheder, "
                                   "VUM-kategorier og årlige satser.")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_catalogue)
    budget_year.register_catalogue(p)  # add-section, retire-section, add-grouping (issue #16)


def cmd_demo(args, db) -> int:
    counts = demo.build_demo(db)
    if args.json:
        print_json(counts)
    else:
        print(f"Demokommunen {demo.MUNICIPALITY} er oprettet: {counts['citizens']} borgere, "
              f"{counts['grants']} bevillinger, {counts['providers']} leverandører.")
    return 0


def cmd_citizens(args, db) -> int:
    rows = [{"id": c.id, "cpr": c.cpr, "name": c.name, "temporary": c.temporary}
            for c in citizens.list_citizens(db, args.search)]
    if args.json:
        print_json(rows)
    else:
        print_table(rows, [("cpr", "CPR-nr."), ("name", "Navn")])
    return 0


def cmd_grants(args, db) -> int:
    items = grants.list_grants(db, active_on=args.active_on)
    if args.json:
        print_json([grants.grant_json(g) for g in items])
        return 0
    rows = [{"id": g.id, "cpr": g.cpr, "name": g.name, "section": g.section, "provider": g.provider,
             "rate": format_number(g.rate), "unit": g.unit,
             "quantity": "" if g.quantity is None else f"{format_number(g.quantity, 1)} pr. {g.quantity_per}",
             "start": format_date(g.start), "end": format_date(g.end) or "løbende", "status": g.status}
            for g in items]
    print_table(rows, [("id", "Nr."), ("cpr", "CPR-nr."), ("name", "Navn"), ("section", "Paragraf"),
                       ("provider", "Leverandør"), ("rate", "Takst"), ("unit", "Enhed"), ("quantity", "Mængde"),
                       ("start", "Start"), ("end", "Slut"), ("status", "Status")])
    return 0


def cmd_catalogue(args, db) -> int:
    data = {
        "sections": [s.__dict__ for s in catalogue.sections(db)],
        "units": [{"code": u.code, "text": u.text, "needs_quantity": u.needs_quantity,
                   "quantity_per": list(u.quantity_per)} for u in catalogue.units(db)],
        "accounts": catalogue.accounts(db),
        "vum_categories": catalogue.vum_categories(db),
        "satser": [{"kind": s["kind"], "year": s["year"], "value": s["value"], "text": s["text"]}
                   for s in catalogue.satser(db)],
    }
    if args.json:
        print_json(data)
        return 0
    print("Paragraffer")
    print_table(data["sections"], [("code", "Paragraf"), ("text", "Tekst"), ("account", "Konto"),
                                   ("grouping", "Gruppering"), ("unit", "Enhed")])
    print("\nSatser")
    print_table([{**s, "value": format_number(s["value"])} for s in data["satser"]],
                [("text", "Sats"), ("year", "År"), ("value", "Værdi")])
    return 0


__all__ = ["register", "DispoError"]
