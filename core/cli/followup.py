"""CLI commands of the budget follow-up: forecast, budgets, expected citizens, refund,
reconciliation, occupancy, validation and the monthly approval."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from core.followup import approval, expected, forecast as fc, occupancy, reconcile, refund, validation
from core.followup.monthly_cycle import latest_month
from core.register import budgets
from core.cli import budget_year, date_arg, month_arg, print_json, print_table, year_arg
from core.errors import DispoError
from decimal import Decimal

from core.formatting import datetime_text, month_text
from core.money import format_date, format_kr, format_number, to_ore


def _by_arg(text: str) -> str:
    if text not in fc.GROUPINGS + fc.BREAKDOWNS:
        raise argparse.ArgumentTypeError(f"ukendt opdeling '{text}': vælg mellem "
                                         f"{', '.join(fc.GROUPINGS + fc.BREAKDOWNS)}")
    return text


def _kr(value) -> str:
    return "" if value is None else format_kr(to_ore(value))


def register(sub) -> None:
    p = sub.add_parser("forecast", help="dispositionsregnskab: beregnet, disponeret, forventet regnskab",
                       description="Dispositionsregnskabet for et år pr. en dato: beregnet til dato, disponeret "
                                   "resten af året, forventet regnskab, bogført og efterslæb, opdelt pr. "
                                   "bevilling, borger, konto, paragraf eller leverandør.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="regnskabsåret")
    p.add_argument("--as-of", type=date_arg, metavar="DATO",
                   help="opgørelsesdato (standard: sidste dag i årets nyeste måned med bogføringer)")
    p.add_argument("--by", type=_by_arg, default="grant", metavar="OPDELING",
                   help="grant, citizen, account, section, provider, caseworker, target_group, age_group, "
                        "provider_kind, paying_municipality eller grouping (standard: grant)")
    p.add_argument("--no-expected", action="store_true", help="uden linjen med kommende borgere")
    p.add_argument("--no-refund", action="store_true", help="uden linjen med forventet refusion (§ 176)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_forecast)

    p = sub.add_parser("budget", help="budgetter pr. konto (og paragraf)",
                       description="Vis eller sæt budgettet pr. konto, evt. pr. paragraf og måned.")
    bsub = p.add_subparsers(dest="budget_command", metavar="HANDLING")
    q = bsub.add_parser("list", help="vis budgetterne", description="Viser budgetlinjerne for et år.")
    q.add_argument("--year", type=year_arg, metavar="ÅR", help="kun dette år")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_budget_list)
    q = bsub.add_parser("set", help="sæt et budget",
                        description="Sætter (eller erstatter) et budget pr. konto (evt. paragraf og måned), "
                                    "eller med --refund årets budget for refusion (§ 176).")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    q.add_argument("--account", metavar="KONTO", help="funktion, fx 5.38.50")
    q.add_argument("--amount", metavar="KR", help="oprindeligt budget i kr.")
    q.add_argument("--refund", metavar="KR",
                   help="budgetteret refusion for særligt dyre enkeltsager (§ 176) i kr. (indtægt)")
    q.add_argument("--corrected", metavar="KR", help="korrigeret budget i kr.")
    q.add_argument("--section", metavar="PARAGRAF", help="paragraf, fx '§ 108' (valgfri)")
    q.add_argument("--month", type=month_arg, metavar="MÅNED", help="måned 1–12 (udeladt: hele året)")
    q.add_argument("--fye", metavar="ANTAL", help="budgetterede helårspersoner")
    q.set_defaults(handler=cmd_budget_set)
    budget_year.register_budget(bsub)  # budget proposal / whatif / versions (issue #16)
    p.set_defaults(handler=lambda args, db: _sub_help(p))

    p = sub.add_parser("expected", help="kommende borgere (planlagte sager)",
                       description="Vis, opret eller indlæs kommende borgere, fx unge der fylder 18.")
    esub = p.add_subparsers(dest="expected_command", metavar="HANDLING")
    q = esub.add_parser("list", help="vis kommende borgere", description="Viser de kommende borgere.")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_expected_list)
    q = esub.add_parser("add", help="opret en kommende borger",
                        description="Opretter en kommende borger; uden CPR gives et midlertidigt id (T-0001).")
    q.add_argument("--ident", metavar="CPR", help="CPR-nummer eller midlertidigt id (valgfrit)")
    q.add_argument("--name", default="", metavar="NAVN", help="navn")
    q.add_argument("--section", required=True, metavar="PARAGRAF", help="paragraf, fx '§ 108'")
    q.add_argument("--rate", required=True, metavar="KR", help="takst")
    q.add_argument("--unit", metavar="ENHED", help="enhed (standard: paragraffens)")
    q.add_argument("--quantity", metavar="MÆNGDE", help="mængde (timer/dage)")
    q.add_argument("--start", type=date_arg, required=True, metavar="DATO", help="forventet start")
    q.add_argument("--end", type=date_arg, metavar="DATO", help="forventet slut")
    q.add_argument("--provider", metavar="NAVN", help="leverandør")
    q.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    q.set_defaults(handler=cmd_expected_add)
    q = esub.add_parser("import", help="indlæs listen over unge der fylder 18",
                        description="Indlæser en liste (csv/xlsx med kolonnerne CPR, navn, paragraf, takst, "
                                    "evt. start) fra børneområdet. Alle rækker eller ingen.")
    q.add_argument("file", metavar="FIL", help="listen")
    q.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    q.set_defaults(handler=cmd_expected_import)
    p.set_defaults(handler=lambda args, db: _sub_help(p))

    p = sub.add_parser("refund", help="refusion for særligt dyre enkeltsager (§ 176)",
                       description="Personer hvis udgifter i året overstiger tærskel 1, med forventet refusion "
                                   "(25/50/75 %) efter aldersreglen.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    p.add_argument("--as-of", type=date_arg, metavar="DATO",
                   help="opgørelsesdato for udgifterne (standard: som dispositionsregnskabet)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_refund)

    p = sub.add_parser("reconcile", help="afstemning: bogført mod beregnet pr. borger og konto",
                       description="Afstemning pr. borger og konto med markering af posteringer uden bevilling, "
                                   "posteringer på forkert konto, bevillinger uden posteringer ud over "
                                   "leverandørens fakturaforsinkelse, mulige dobbeltbetalinger og differencer "
                                   "over tærsklen.")
    p.add_argument("--year", type=year_arg, metavar="ÅR", help="året (standard: året for den nyeste bogføring)")
    p.add_argument("--as-of", type=date_arg, metavar="DATO",
                   help="opgørelsesdato (standard: sidste dag i nyeste bogførte måned)")
    p.add_argument("--all", action="store_true", help="vis også rækker uden bemærkninger")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_reconcile)

    p = sub.add_parser("occupancy", help="belægning på egne tilbud pr. måned",
                       description="Belægning pr. eget tilbud og måned: belagte pladsdøgn / (pladser · dage), "
                                   "solgte pladser som indtægt, sammenholdt med belægningsmålet.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_occupancy)

    p = sub.add_parser("validate", help="datavalidering (månedlig tjekliste)",
                       description="Kontrollerer registret efter den månedlige tjekliste: takst, datoer, "
                                   "leverandør, afsluttede bevillinger, manuelle takster, dobbelte bevillinger, "
                                   "opfølgning, kun betaling og ejerform.")
    p.add_argument("--as-of", type=date_arg, metavar="DATO", help="kontroldato (standard: i dag)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("approve", help="godkend en måned (gem et øjebliksbillede)",
                       description="Godkender måneden: dispositionsregnskabet pr. månedens sidste dag gemmes pr. "
                                   "konto, paragraf og i alt. En måned kan kun godkendes én gang, medmindre "
                                   "--replace angives.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    p.add_argument("--month", type=month_arg, required=True, metavar="MÅNED", help="måned 1–12")
    p.add_argument("--replace", action="store_true", help="erstat en tidligere godkendelse af måneden")
    p.add_argument("--reason", metavar="TEKST",
                   help="begrundelse for at godkende trods fejl i kontrollerne (gemmes med godkendelsen)")
    p.add_argument("--check", action="store_true", help="vis kun kontrollerne; godkend ikke")
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.set_defaults(handler=cmd_approve)

    p = sub.add_parser("snapshots", help="vis godkendte måneder",
                       description="Viser de godkendte måneders øjebliksbilleder.")
    p.add_argument("--year", type=year_arg, metavar="ÅR", help="kun dette år")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_snapshots)


def _sub_help(parser) -> int:
    parser.print_help()
    return 2


def cmd_forecast(args, db) -> int:
    result = fc.forecast(db, args.year, args.as_of, by=args.by, include_expected=not args.no_expected,
                         include_refund=not args.no_refund)
    if args.json:
        print_json(result.as_json())
        return 0
    if result.by in fc.BREAKDOWNS:
        return budget_year.print_breakdown(result)
    print(f"Dispositionsregnskab {result.year} pr. {format_date(result.as_of)}, "
          f"pr. {fc.GROUPING_LABELS[result.by]}")
    key_columns = {"grant": [("grant_id", "Nr."), ("cpr", "CPR-nr."), ("section", "Paragraf"),
                             ("provider", "Leverandør")],
                   "citizen": [("cpr", "CPR-nr."), ("name", "Navn")],
                   "account": [("account", "Konto"), ("name", "Tekst")],
                   "section": [("section", "Paragraf"), ("name", "Tekst")],
                   "provider": [("provider", "Leverandør")]}[result.by]
    money = [("computed_to_date", "Beregnet til dato"), ("committed_rest", "Disponeret rest"),
             ("expected_outturn", "Forventet regnskab"), ("booked_to_date", "Bogført"), ("backlog", "Efterslæb")]
    if result.by in ("account", "section"):
        money += [("budget", "Budget"), ("deviation", "Afvigelse")]
    rows = []
    for r in result.rows:
        keys = {k: getattr(r, k) for k, _ in key_columns}
        if keys[key_columns[0][0]] is None and "name" not in keys:  # postings with no grant: no key, a label
            keys[key_columns[0][0]] = r.name
        rows.append({**keys, **{k: _kr(getattr(r, k)) for k, _ in money}})
    # DOMAIN.md's structure: "Drift i alt", the separate lines, the grand total with them
    for label, r in (("Drift i alt", result.total), *((line.name, line) for line in result.lines),
                     ("I alt", result.grand_total)):
        rows.append({key_columns[0][0]: label, **{k: _kr(getattr(r, k)) for k, _ in money}})
    print_table(rows, key_columns + money)
    for warning in result.warnings:
        print(warning)
    return 0


def cmd_budget_list(args, db) -> int:
    rows = budgets.list_budgets(db, args.year)
    if args.json:
        print_json([budgets.budget_json(r) for r in rows])
        return 0
    print_table([{**r, "original": format_kr(r["original_ore"]), "corrected": format_kr(r["corrected_ore"]),
                  "fye": format_number(budgets.budget_json(r)["full_year_equivalents"])
                  if r["full_year_equivalents"] else ""} for r in rows],
                [("year", "År"), ("account", "Konto"), ("section", "Paragraf"), ("month", "Måned"),
                 ("original", "Budget"), ("corrected", "Korrigeret"), ("fye", "Helårspersoner")])
    return 0


def cmd_budget_set(args, db) -> int:
    if args.refund is not None:
        if args.account or args.amount:
            print("Angiv enten --refund eller --account og --amount", file=sys.stderr)
            return 2
        refund.set_refund_budget(db, args.year, args.refund)
        print(f"Refusionsbudget for {args.year} er gemt.")
        return 0
    if not args.account or args.amount is None:
        print("budget set kræver --account og --amount (eller --refund)", file=sys.stderr)
        return 2
    budgets.set_budget(db, args.year, args.account, args.amount, section=args.section, month=args.month,
                       corrected=args.corrected, full_year_equivalents=args.fye)
    print(f"Budget for {args.account} {args.year} er gemt.")
    return 0


def cmd_expected_list(args, db) -> int:
    items = expected.list_expected(db)
    if args.json:
        print_json([e.as_json() for e in items])
        return 0
    print_table([{"ident": e.ident + (" (midlertidigt)" if e.temporary else ""), "name": e.name,
                  "section": e.section, "rate": format_number(e.rate), "unit": e.unit,
                  "start": format_date(e.start), "source": expected.SOURCES[e.source]} for e in items],
                [("ident", "Id"), ("name", "Navn"), ("section", "Paragraf"), ("rate", "Takst"), ("unit", "Enhed"),
                 ("start", "Start"), ("source", "Kilde")])
    return 0


def cmd_expected_add(args, db) -> int:
    new_id = expected.add_expected(db, {"ident": args.ident, "name": args.name, "section": args.section,
                                        "rate": args.rate, "unit": args.unit, "quantity": args.quantity,
                                        "start": format_date(args.start),
                                        "end": format_date(args.end) if args.end else None,
                                        "provider": args.provider})
    item = next(e for e in expected.list_expected(db) if e.id == new_id)
    if args.json:
        print_json(item.as_json())
    else:
        print(f"Kommende borger {item.ident} er oprettet.")
    return 0


def cmd_expected_import(args, db) -> int:
    ids = expected.import_young_people(db, args.file)
    if args.json:
        print_json({"imported": len(ids), "ids": ids})
    else:
        print(f"{len(ids)} unge er indlæst som kommende borgere.")
    return 0


def cmd_refund(args, db) -> int:
    as_of = args.as_of or fc.default_as_of(db, args.year)
    if as_of.year != args.year:
        raise DispoError(f"Opgørelsesdatoen {format_date(as_of)} ligger ikke i {args.year}")
    t, rows = refund.refund_rows(db, args.year, as_of=as_of)
    if t is None:
        raise DispoError(f"Tærsklerne for refusion (refund_t1–t3) er ikke sat for {args.year} eller tidligere")
    note = refund.thresholds_note(db, args.year)
    warning = fc.municipality_warning(db)
    if args.json:
        print_json({"year": args.year, "as_of": as_of.isoformat(), "thresholds": t.as_json(),
                    "thresholds_year": t.year, "total": float(sum((r.refund for r in rows), Decimal(0))),
                    "warnings": [w for w in (note, warning) if w], "rows": [r.as_json() for r in rows]})
        return 0
    print(f"Refusion {args.year} pr. {format_date(as_of)}: T1 {format_kr(t.t1)}, T2 {format_kr(t.t2)}, "
          f"T3 {format_kr(t.t3)} (tærskelværdier for {t.year})")
    for w in (note, warning):
        if w:
            print(w)
    total = {"cpr": "I alt", "name": "", "age": "", "expenses": _kr(sum((r.expenses for r in rows), Decimal(0))),
             "refund": _kr(sum((r.refund for r in rows), Decimal(0)))}
    print_table([{"cpr": r.cpr, "name": r.name, "age": r.age, "expenses": _kr(r.expenses), "refund": _kr(r.refund)}
                 for r in rows] + [total],
                [("cpr", "CPR-nr."), ("name", "Navn"), ("age", "Alder"), ("expenses", "Udgifter"),
                 ("refund", "Refusion")])
    return 0


def cmd_reconcile(args, db) -> int:
    year = args.year or (args.as_of.year if args.as_of else latest_month(db)[0])
    rows = reconcile.reconcile(db, year, args.as_of)
    shown = rows if args.all else [r for r in rows if r.flags]
    if args.json:
        warning = fc.municipality_warning(db)
        print_json({"year": year, "threshold": reconcile.threshold(db), "rows": [r.as_json() for r in shown],
                    "warnings": [warning] if warning else []})
        return 0
    print_table([{"cpr": r.cpr or "", "name": r.name, "account": r.account, "booked": format_kr(r.booked),
                  "computed": format_kr(r.computed), "flags": "; ".join(r.messages)} for r in shown],
                [("cpr", "CPR-nr."), ("name", "Navn"), ("account", "Konto"), ("booked", "Bogført"),
                 ("computed", "Beregnet"), ("flags", "Bemærkning")])
    return 0


def cmd_occupancy(args, db) -> int:
    rows = occupancy.occupancy(db, args.year)
    warnings = [w for w in (fc.municipality_warning(db), occupancy.target_note(rows)) if w]
    if args.json:
        print_json({"year": args.year, "rows": [r.as_json() for r in rows], "warnings": warnings})
        return 0
    for warning in warnings:
        print(warning)
    print_table([{"provider": r.provider, "month": r.month, "places": r.places,
                  "occupancy": format_number(r.occupancy, 1) + " %", "target": format_number(r.target, 1) + " %"
                  if r.target is not None else "", "sold": format_number(r.sold), "income": _kr(r.sold_income)} for r in rows],
                [("provider", "Tilbud"), ("month", "Måned"), ("places", "Pladser"), ("occupancy", "Belægning"),
                 ("target", "Mål"), ("sold", "Solgte døgn"), ("income", "Indtægt")])
    return 0


def cmd_validate(args, db) -> int:
    findings = validation.validate(db, args.as_of)
    if args.json:
        print_json([f.as_json() for f in findings])
        return 0
    print_table([{"severity": f.severity.capitalize(), "label": f.label, "message": f.message,
                  "record": f.record_text} for f in findings],
                [("severity", "Niveau"), ("label", "Regel"), ("message", "Fund"), ("record", "Post")])
    return 0


def cmd_approve(args, db) -> int:
    if args.check:
        found = approval.checks(db, args.year, args.month)
        if args.json:
            print_json([c.as_json() for c in found])
        else:
            print("\n".join(c.message for c in found) or "Ingen bemærkninger: måneden kan godkendes.")
        return 0
    approval_id = approval.approve_month(db, args.year, args.month, replace=args.replace, reason=args.reason)
    snap = approval.snapshot(db, approval_id)
    if args.json:
        print_json(snap.as_json())
    else:
        print(f"{approval.MONTHS[args.month - 1].capitalize()} {args.year} er godkendt: forventet regnskab "
              f"{format_kr(snap.total['expected_ore'])} kr.")
    return 0


def cmd_snapshots(args, db) -> int:
    snaps = approval.snapshots(db, args.year)
    if args.json:
        print_json([s.as_json() for s in snaps])
        return 0
    print_table([{"period": month_text(s.year, s.month), "at": datetime_text(s.approved_at),
                  "user": s.user, "expected": format_kr(s.total["expected_ore"]),
                  "budget": format_kr(s.total["budget_ore"]), "deviation": format_kr(s.total["deviation_ore"])}
                 for s in snaps],
                [("period", "Måned"), ("at", "Godkendt"), ("user", "Af"), ("expected", "Forventet regnskab"),
                 ("budget", "Budget"), ("deviation", "Afvigelse")])
    if snaps:  # the figure stored is the operating total, not the overview's bottom line
        print("Beløbene er 'Drift i alt' (uden kommende borgere og forventet refusion).")
    return 0
