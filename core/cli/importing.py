"""CLI commands of the import: import, batches, undo, postings."""

from __future__ import annotations

from pathlib import Path

from core.cli import print_json, print_table, year_arg
from core.errors import DispoError
from core.formatting import count, date_text, datetime_text
from core.importing.batches import commit, list_batches, prepare, preview_result, undo
from core.importing.fields import KINDS
from core.money import format_kr
from core.storage import query


def register(sub) -> None:
    p = sub.add_parser("import", help="importér et regneark eller et udtræk fra økonomisystemet",
                       description="Læser en fil (xlsx, xls, ods eller csv), finder tabellen, genkender slags data "
                                   "og kolonner og gemmer rækkerne som én import, der kan fortrydes. Rækker, der "
                                   "allerede findes, gemmes ikke igen; ændrede rækker opdateres.")
    p.add_argument("file", metavar="FIL", help="filen der skal importeres")
    p.add_argument("--kind", choices=list(KINDS), help="slags data (standard: genkendes automatisk)")
    p.add_argument("--sheet", metavar="ARK", help="kun dette ark (også et skjult ark)")
    p.add_argument("--dry-run", action="store_true", help="vis hvad der ville ske, uden at gemme")
    p.add_argument("--skip-changed", action="store_true", help="behold databasens værdier for ændrede rækker")
    p.add_argument("--errors", metavar="FIL.xlsx", help="gem de afviste rækker i en fejlliste (xlsx)")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("batches", help="vis importerne", description="Viser alle importer med fil, ark, tidspunkt, "
                                                                      "bruger og antal rækker.")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_batches)

    p = sub.add_parser("undo", help="fortryd en import", description="Fjerner alt, hvad en import tilføjede, og "
                                                                      "genskaber de rækker, den ændrede.")
    p.add_argument("batch_id", type=int, metavar="IMPORT", help="importens nummer (se 'batches')")
    p.add_argument("--force", action="store_true", help="fortryd selvom senere ændringer bygger på importen")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_undo)

    p = sub.add_parser("import-profiles", help="vis, omdøb eller slet gemte importprofiler",
                       description="En importprofil husker, hvilke kolonner der hører til hvilke felter for filer "
                                   "med en bestemt overskriftsrække.")
    p.add_argument("--rename", nargs=2, metavar=("NR", "NAVN"), help="giv profil NR et nyt navn")
    p.add_argument("--delete", type=int, metavar="NR", help="slet profil NR")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_profiles)

    p = sub.add_parser("postings", help="vis posteringerne", description="Viser de importerede posteringer.")
    p.add_argument("--year", type=year_arg, metavar="ÅR", help="kun posteringer fra dette år")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_postings)


def cmd_import(args, db) -> int:
    plan = prepare(db, Path(args.file), args.kind, args.sheet)
    if args.dry_run:
        res = preview_result(plan, not args.skip_changed)
    else:
        res = commit(db, plan, update_changed=not args.skip_changed)
    if args.errors:
        from core.importing.errors_workbook import write_error_workbook

        write_error_workbook(Path(args.errors), plan, res["rejected"])
    if args.json:
        print_json(res)
        return 0
    print(f"{res['file']} ({res['sheet']}), {KINDS[res['kind']].label.lower()}: "
          f"{count(res['rows_read'], 'række')} læst.")
    head = "Prøvekørsel, intet er gemt" if args.dry_run else f"Import nr. {res['batch_id']}"
    print(f"{head}: {count(res['imported'])} nye, {count(res['updated'])} opdateret, "
          f"{count(res['unchanged'])} fandtes allerede, {count(len(res['rejected']))} afvist.")
    for r in res["rejected"][:50]:
        print(f"  Afvist: ark '{r['sheet']}' række {r['row']}, kolonne '{r['column']}' ('{r['value']}'): {r['reason']}")
    for note in res["notes"]:
        print(f"  Bemærk: {note}")
    sums: dict[str, list[int]] = {}
    others = []
    for w in res["warnings"]:
        if w["warning"].startswith("Sum-rækken"):
            sums.setdefault(w["sheet"], []).append(w["row"])
        else:
            others.append(w)
    for sheet, rows in sums.items():
        print(f"  Sum-rækker sprunget over i arket '{sheet}': række {', '.join(map(str, rows))}")
    for w in others[:50]:
        print(f"  Bemærk: ark '{w['sheet']}' række {w['row']}: {w['warning']}")
    return 0


def cmd_batches(args, db) -> int:
    rows = list_batches(db)
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "created_at": datetime_text(r["created_at"]), "undone_at": "fortrudt" if r["undone_at"]
                  else "", "kind": KINDS[r["kind"]].label if r["kind"] in KINDS else r["kind"],
                  **{k: count(r[k]) for k in ("imported", "updated", "unchanged", "rejected")}} for r in rows],
                [("id", "Nr."), ("file", "Fil"), ("sheet", "Ark"), ("kind", "Slags"), ("created_at", "Tidspunkt"),
                 ("user", "Bruger"), ("imported", "Nye"), ("updated", "Opdateret"), ("unchanged", "Uændret"),
                 ("rejected", "Afvist"), ("undone_at", "")])
    return 0


def cmd_undo(args, db) -> int:
    res = undo(db, args.batch_id, force=args.force)
    if args.json:
        print_json(res)
    else:
        print(f"Import {res['batch_id']} er fortrudt: {count(sum(res['removed'].values()), 'række')} fjernet, "
              f"{count(res['restored'])} genskabt.")
    return 0


def cmd_profiles(args, db) -> int:
    from core.importing import profiles

    if args.rename:
        try:
            number = int(args.rename[0])
        except ValueError:
            raise DispoError(f"'{args.rename[0]}' er ikke et profilnummer") from None
        profiles.rename_profile(db, number, args.rename[1])
    if args.delete is not None:
        profiles.delete_profile(db, args.delete)
    rows = profiles.list_profiles(db)
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "mapping": ", ".join(f"{k}={v}" for k, v in r["mapping"].items())} for r in rows],
                [("id", "Nr."), ("name", "Navn"), ("kind", "Slags"), ("mapping", "Kolonner")])
    return 0


def cmd_postings(args, db) -> int:
    sql = "SELECT * FROM postings" + (" WHERE date BETWEEN ? AND ?" if args.year else "") + " ORDER BY date, id"
    params = [f"{args.year}-01-01", f"{args.year}-12-31"] if args.year else []
    rows = query(db, sql, params)
    if args.json:
        print_json([{"date": r["date"], "account": r["account"], "art": r["art"], "amount": r["amount_ore"] / 100,
                     "cpr": r["cpr"] or None, "text": r["text"], "batch_id": r["batch_id"]} for r in rows])
        return 0
    print_table([{**r, "date": date_text(r["date"]), "amount": format_kr(r["amount_ore"])} for r in rows],
                [("date", "Dato"), ("account", "Konto"), ("art", "Art"), ("amount", "Beløb"), ("cpr", "CPR-nr."),
                 ("text", "Tekst"), ("voucher", "Bilag")])
    return 0


