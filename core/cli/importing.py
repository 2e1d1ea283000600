"""CLI commands of the import: import, batches, undo, postings."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import print_json, print_table, year_arg
from core.cpr import mask_all
from core.errors import DispoError
from core.formatting import count, date_text, datetime_text, import_counts
from core.importing.batches import (ACCEPT_UNLIKELY, SKIP_UNLIKELY, commit, confirm_unlikely, list_batches, prepare,
                                    preview_result, save_plan_profile, undo)
from core.importing.choices import Choices
from core.importing import profiles
from core.importing.fields import KINDS
from core.money import format_kr
from core.store.storage import query


def register(sub) -> None:
    p = sub.add_parser("import", help="importér et regneark eller et udtræk fra økonomisystemet",
                       description="Læser en fil (xlsx, xls, ods eller csv), finder tabellen, genkender slags data "
                                   "og kolonner og gemmer rækkerne som én import, der kan fortrydes. Rækker, der "
                                   "allerede findes, gemmes ikke igen; ændrede rækker opdateres.")
    p.add_argument("file", metavar="FIL", help="filen der skal importeres")
    p.add_argument("--kind", choices=list(KINDS), help="slags data (standard: genkendes automatisk)")
    p.add_argument("--sheet", metavar="ARK", help="kun dette ark (også et skjult ark)")
    p.add_argument("--map", action="append", default=[], type=_pair, metavar="FELT=KOLONNE",
                   help="brug kolonnen til feltet (fx --map start=Indflyttet); FELT= uden kolonne: ingen kolonne")
    p.add_argument("--set", action="append", default=[], type=_pair, metavar="FELT=VÆRDI",
                   help="giv alle rækker samme værdi i feltet (fx --set section='§ 108' eller --set unit=døgn)")
    p.add_argument("--translate", action="append", default=[], type=_translation, metavar="FELT:VÆRDI=BETYDNING",
                   help="læs en værdi i filen som noget andet (fx --translate vum_category:N2=B)")
    p.add_argument("--profile", metavar="NAVN", help="brug den gemte importprofil NAVN (kolonner, faste værdier, "
                                                      "oversættelser)")
    p.add_argument("--save-profile", metavar="NAVN", help="gem valgene for filens opsætning som importprofil NAVN, "
                                                           "så næste fil med samme kolonner importeres af sig selv")
    p.add_argument("--dry-run", action="store_true", help="vis hvad der ville ske, uden at gemme")
    changed = p.add_mutually_exclusive_group()
    changed.add_argument("--update-changed", action="store_true",
                         help="opdatér rækker, der findes med andre værdier, med filens værdier")
    changed.add_argument("--skip-changed", action="store_true",
                         help="behold databasens værdier for ændrede rækker (standard)")
    unlikely = p.add_mutually_exclusive_group()
    unlikely.add_argument(ACCEPT_UNLIKELY, action="store_true",
                          help="gem også usandsynlige værdier (fx en dato i år 2146 eller et beløb på milliarder); "
                               "uden dette gemmes en fil med sådanne værdier ikke")
    unlikely.add_argument(SKIP_UNLIKELY, action="store_true",
                          help="udelad rækkerne med usandsynlige værdier (de står som afviste rækker), og gem resten")
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


def _pair(value: str) -> tuple[str, str]:
    """``FELT=VÆRDI`` as a pair (argparse type: a malformed one is a usage error)."""
    name, sep, rest = value.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"'{value}' skal skrives FELT=VÆRDI")
    return name.strip(), rest.strip()


def _translation(value: str) -> tuple[str, str, str]:
    """``FELT:VÆRDI=BETYDNING`` as a triple (argparse type)."""
    name, sep, rest = value.partition(":")
    written, sep2, meaning = rest.rpartition("=")
    if not sep or not sep2 or not name.strip() or not written.strip():
        raise argparse.ArgumentTypeError(f"'{value}' skal skrives FELT:VÆRDI=BETYDNING")
    return name.strip(), written.strip(), meaning.strip()


def choices_from_args(args) -> Choices:
    """The choices given on the command line."""
    translations: dict[str, dict[str, str]] = {}
    for name, written, meaning in args.translate:
        translations.setdefault(name, {})[written] = meaning
    return Choices(dict(args.map), dict(args.set), translations)


def _write_errors(path: Path, plan, rejected: list[dict]) -> None:
    """The error workbook of ``--errors``."""
    # loaded on use (LAZY_LOADS in tests/test_import_rules.py): the workbook needs the reports' writer and
    # openpyxl, which an import without --errors does not load
    from core.importing.errors_workbook import write_error_workbook

    write_error_workbook(path, plan, rejected)


def cmd_import(args, db) -> int:
    plan = prepare(db, Path(args.file), args.kind, args.sheet, choices=choices_from_args(args), profile=args.profile)
    if args.skip_unlikely:
        confirm_unlikely(plan, skip=True, update_changed=args.update_changed)
    question = plan.needs_choice()
    if args.dry_run:
        res = preview_result(plan, args.update_changed)
    elif question:  # nothing would come in: ask instead of saving an empty import
        if args.errors:
            _write_errors(Path(args.errors), plan, plan.rejected)
        raise DispoError(question)
    else:
        confirm_unlikely(plan, accept=args.accept_unlikely, update_changed=args.update_changed)
        res = commit(db, plan, update_changed=args.update_changed)
        if args.save_profile:
            res["profile_id"] = save_plan_profile(db, plan, args.save_profile)
    if args.errors:
        _write_errors(Path(args.errors), plan, res["rejected"])
    if args.json:
        print_json(res)
        return 0
    print(f"{res['file']} ({res['sheet']}), {KINDS[res['kind']].label.lower()}: "
          f"{count(res['rows_read'], 'række')} læst.")
    head = "Prøvekørsel, intet er gemt" if args.dry_run else f"Import nr. {res['batch_id']}"
    print(f"{head}: {import_counts(res)}.")
    for r in res["rejected"][:50]:
        print(f"  Afvist: ark '{r['sheet']}' række {r['row']}, kolonne '{r['column']}' ('{r['value']}'): {r['reason']}")
    for note in res["notes"]:
        print(f"  Bemærk: {note}")
    if res["changes"]:
        verb = "opdateres" if args.update_changed else "er ikke opdateret (brug --update-changed for at opdatere)"
        print(f"  Ændrede rækker {verb}:")
        for c in res["changes"][:50]:
            old, new = ("(tom)" if v is None else mask_all(str(v)) for v in (c["old"], c["new"]))
            print(f"    ark '{c['sheet']}' række {c['row']}, {c['field']}: {old} → {new}")
    for u in res["unused_columns"][:30]:
        print(f"  Ikke brugt: ark '{u['sheet']}' kolonne '{u['column']}'"
              + (f" (fx {', '.join(u['samples'])})" if u["samples"] else ""))
    if len(res["unused_columns"]) > 30:
        print(f"  … og {len(res['unused_columns']) - 30} kolonner mere, der ikke er brugt (se --json)")
    for q in res["questions"]:
        values = ", ".join(f"'{v['value']}' ({v['count']})" for v in q["values"][:10])
        if q["option"].startswith("--translate"):
            print(f"  Spørgsmål: kolonnen '{q['column']}' har værdier, Dispo ikke kan læse som {q['field']}: "
                  f"{values}. Sig hvad de betyder med {q['option']}")
        else:
            print(f"  Spørgsmål: {q['field']} er ukendt for rækker med {values}. Giv alle rækker en værdi med "
                  f"{q['option']}")
    if args.save_profile and args.dry_run:
        print("  Profilen gemmes først, når importen gemmes (kør igen uden --dry-run)")
    if res.get("profile_id"):
        print(f"  Valgene er gemt som importprofil nr. {res['profile_id']} ('{args.save_profile}')")
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
        place = f"række {w['row']}: " if w.get("row") is not None else ""
        sheet = f"ark '{w['sheet']}' " if w["sheet"] else ""
        print(f"  Bemærk: {sheet}{place}{w['warning']}")
    if res["unlikely"]:
        n = count(len(res["unlikely"]))
        if args.dry_run and not args.accept_unlikely:
            print(f"  Usandsynlige værdier (se ovenfor): {n}. De gemmes kun med {ACCEPT_UNLIKELY}; udelad rækkerne "
                  f"med {SKIP_UNLIKELY}")
        elif not args.dry_run:
            print(f"  Usandsynlige værdier gemt, som du bekræftede med {ACCEPT_UNLIKELY}: {n}")
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
    print_table([{**r, "mapping": ", ".join(f"{k}={v}" for k, v in r["mapping"].items()),
                  "choices": profiles.describe_profile(r)} for r in rows],
                [("id", "Nr."), ("name", "Navn"), ("kind", "Slags"), ("mapping", "Kolonner"),
                 ("choices", "Faste værdier og oversættelser")])
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


