"""CLI commands of the scenarios: ``businesscase FILE.json`` and the saved cases (``scenarios``)."""

from __future__ import annotations

import json
from pathlib import Path

from core.citizens import find_by_cpr
from core.cli import print_json, print_table, year_arg
from core.errors import DispoError, NotFoundError
from core.money import format_number
from core.scenarios import businesscase as bc, store
from core.scenarios.export import write_business_case


def register(sub) -> None:
    p = sub.add_parser(
        "businesscase", help="business case for personlig assistance i job (jobcentrets udgift før og efter)",
        description="Beregner jobcentrets månedlige nettoudgift for én borger før og efter ud fra en JSON-fil "
                    "med linjerne 'before' og 'after': ydelse {\"kind\": \"benefit\", \"amount\", \"refund_pct\"} "
                    "eller {\"kind\": \"benefit\", \"amount\", \"weeks_on_benefit\"} (refusionstrappen), "
                    "løntilskud {\"kind\": \"wage_subsidy\", \"amount\", \"refund_pct\", \"flex_contribution\"}, "
                    "personlig assistance {\"kind\": \"pa\", \"hours_per_week\"}. Valgfrit: \"rates\" "
                    "(pa_hourly, weeks_per_month), ellers årets satser ('year', standard: i år; mangler årets "
                    "sats, bruges det nyeste tidligere års), og \"variants\" [{\"hours_per_week\", \"pa_hourly\"}]. "
                    "Viser netto før og efter, besparelse pr. måned og år og hvad der kommer retur via "
                    "bloktilskuddet.")
    p.add_argument("file", metavar="FIL.json", help="business casens JSON-fil")
    p.add_argument("--year", type=year_arg, help="året hvis satser bruges (standard: filens 'year' eller i år)")
    p.add_argument("--standard-variants", action="store_true",
                   help="beregn også standardvarianterne: 7 og 14 timer × timesats 127,86, 165 og 180 kr.")
    p.add_argument("--out", metavar="FIL.xlsx", help="skriv business casen og varianterne til et Excel-ark med formler")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_businesscase)

    s = sub.add_parser("scenarios", help="gemte business cases pr. borger",
                       description="Viser, gemmer og sletter business cases, navngivet pr. borger.")
    ssub = s.add_subparsers(dest="scenarios_command", metavar="HANDLING")
    s.set_defaults(handler=lambda args, db: (s.print_help(), 2)[1])
    a = ssub.add_parser("list", help="vis de gemte business cases",
                        description="Viser de gemte business cases med borger, navn, år og besparelse pr. måned.")
    a.add_argument("--cpr", help="kun denne borgers")
    a.add_argument("--json", action="store_true", help="skriv som JSON")
    a.set_defaults(handler=cmd_list)
    a = ssub.add_parser("save", help="gem en business case fra en JSON-fil",
                        description="Gemmer business casen i filen under et navn, for en borger eller uden borger. "
                                    "Findes navnet allerede for borgeren, afvises den.")
    a.add_argument("file", metavar="FIL.json", help="business casens JSON-fil (som til 'businesscase')")
    a.add_argument("--name", required=True, help="navnet på business casen")
    a.add_argument("--cpr", help="borgerens CPR-nummer")
    a.add_argument("--note", default="", help="note")
    a.add_argument("--json", action="store_true", help="skriv den gemte som JSON")
    a.set_defaults(handler=cmd_save)
    a = ssub.add_parser("show", help="vis en gemt business case med varianter",
                        description="Beregner en gemt business case og dens varianter med årets satser.")
    a.add_argument("id", type=int, metavar="NR", help="business casens nummer (se 'scenarios list')")
    a.add_argument("--out", metavar="FIL.xlsx", help="skriv den til et Excel-ark med formler")
    a.add_argument("--mask-cpr", action="store_true", help="skriv CPR-nummeret som DDMMYY-xxxx i filen")
    a.add_argument("--json", action="store_true", help="skriv som JSON")
    a.set_defaults(handler=cmd_show)
    a = ssub.add_parser("delete", help="slet en gemt business case",
                        description="Sletter en gemt business case (sletningen skrives i revisionssporet).")
    a.add_argument("id", type=int, metavar="NR", help="business casens nummer")
    a.set_defaults(handler=cmd_delete)


def read_case_file(path: str) -> tuple[dict, bc.Case, list[bc.Variant]]:
    """The JSON of a case file, parsed.

    Raises:
        DispoError: the file is missing, not JSON, or malformed (the message names the line and field).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DispoError(f"Filen '{file}' findes ikke") from None
    except UnicodeDecodeError:
        raise DispoError(f"'{file.name}' er ikke en tekstfil i UTF-8 (JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as ex:
        raise DispoError(f"'{file.name}' er ikke gyldig JSON: linje {ex.lineno}, kolonne {ex.colno}") from None
    return data, bc.parse_case(data), bc.parse_variants(data)


def _print_result(result: bc.CaseResult, variants) -> None:
    rows = [{"side": bc.SIDE_TEXT[r.side], "nr": r.number, "kind": bc.KIND_TEXT[r.line.kind], "text": r.line.text,
             "gross": format_number(r.gross), "refund": format_number(r.refund), "net": format_number(r.net),
             "formula": r.formula} for r in result.lines]
    print_table(rows, [("side", "Side"), ("nr", "Nr."), ("kind", "Art"), ("text", "Tekst"), ("gross", "Brutto"),
                       ("refund", "Refusion"), ("net", "Netto"), ("formula", "Formel")])
    print()
    for key, label in (("before_net", "Netto før pr. måned"), ("after_net", "Netto efter pr. måned"),
                       ("saving_month", "Besparelse pr. måned"), ("saving_year", "Besparelse pr. år"),
                       ("block_grant_month", "Retur via bloktilskud pr. måned (efter 2 år)")):
        print(f"{label}: {format_number(getattr(result, key))} kr.   ({result.formulas[key]})")
    rates = result.rates
    print(f"\nSatser for {result.year}: timesats {format_number(rates.pa_hourly.value)} kr. "
          f"({rates.pa_hourly.source()}), uger pr. måned {format_number(rates.weeks_per_month.value)} "
          f"({rates.weeks_per_month.source()}), refusion af personlig assistance "
          f"{format_number(rates.pa_refund_pct.value, 0)} % ({rates.pa_refund_pct.source()})")
    if variants:
        print()
        print_table([{"name": v.name, "after": format_number(r.after_net), "saving": format_number(r.saving_month),
                      "year": format_number(r.saving_year), "block": format_number(r.block_grant_month)}
                     for v, r in variants],
                    [("name", "Variant"), ("after", "Netto efter"), ("saving", "Besparelse/md."),
                     ("year", "Besparelse/år"), ("block", "Bloktilskud/md.")])


def _output(args, db, case: bc.Case, variants: list[bc.Variant], title: str, subtitle: str = "") -> int:
    result = bc.evaluate(db, case)
    compared = bc.compare_variants(db, case, variants)
    if args.out:
        write_business_case(args.out, result, title=title, subtitle=subtitle, variants=compared,
                            mask_cpr=getattr(args, "mask_cpr", False))
    if args.json:
        out = result.as_json()
        out["variants"] = [{**v.as_dict(), **r.as_json()} for v, r in compared]
        print_json(out)
    else:
        _print_result(result, compared)
        if args.out:
            print(f"\nSkrevet til {args.out}")
    return 0


def cmd_businesscase(args, db) -> int:
    _, case, variants = read_case_file(args.file)
    if args.year:
        case = bc.Case(case.before, case.after, args.year, case.rates)
    if args.standard_variants:
        variants = variants + bc.standard_variants()
    return _output(args, db, case, variants, f"Business case: {Path(args.file).stem}")


def _citizen_id(db, cpr: str | None) -> int | None:
    if not cpr:
        return None
    citizen = find_by_cpr(db, cpr)
    if citizen is None:
        raise NotFoundError(f"Der er ingen borger med CPR-nummeret {cpr}")
    return citizen.id


def cmd_list(args, db) -> int:
    rows = []
    for saved in store.list_cases(db, _citizen_id(db, args.cpr)):
        try:
            saving = bc.evaluate(db, saved.case).saving_month
        except bc.CaseError:
            saving = None  # a rate is missing; 'scenarios show' says which
        rows.append({"id": saved.id, "cpr": saved.cpr, "citizen": saved.citizen_name, "name": saved.name,
                     "year": saved.case.year, "variants": len(saved.variants), "saving_month": saving,
                     "updated_at": saved.updated_at})
    if args.json:
        print_json(rows)
        return 0
    print_table([{**r, "saving_month": format_number(r["saving_month"])} for r in rows],
                [("id", "Nr."), ("cpr", "CPR"), ("citizen", "Borger"), ("name", "Navn"), ("year", "År"),
                 ("variants", "Varianter"), ("saving_month", "Besparelse/md."), ("updated_at", "Ændret")])
    return 0


def cmd_save(args, db) -> int:
    data, case, variants = read_case_file(args.file)
    case_id = store.save_case(db, args.name, case, variants, citizen_id=_citizen_id(db, args.cpr), note=args.note)
    if args.json:
        print_json({"id": case_id, "name": args.name})
    else:
        print(f"Business casen '{args.name}' er gemt som nr. {case_id}.")
    return 0


def cmd_show(args, db) -> int:
    saved = store.get_case(db, args.id)
    who = f"{saved.cpr} {saved.citizen_name}".strip() if saved.cpr else "ingen borger"
    return _output(args, db, saved.case, list(saved.variants), f"Business case: {saved.name}",
                   f"Borger: {who} · År {saved.case.year or 'i år'}")


def cmd_delete(args, db) -> int:
    store.delete_case(db, args.id)
    print(f"Business case nr. {args.id} er slettet.")
    return 0
