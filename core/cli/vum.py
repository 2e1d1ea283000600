"""CLI commands of the VUM-based allocation: ``vum allocation|assessments|assess|save-allocation|due|rule``."""

from __future__ import annotations

import datetime as dt

from core import cpr as cprs, vum
from core.register.citizens import find_by_cpr
from core.cli import date_arg, print_json, print_table, year_arg
from core.errors import NotFoundError, ValidationError
from core.vum.assessments import get_assessment
from core.money import InvalidNumber, format_date, format_kr, format_number, parse_number, to_ore


def _year_and_facility(parser, facility_help: str, facility_required: bool) -> None:
    parser.add_argument("--year", type=year_arg, required=True, help="budgetåret")
    parser.add_argument("--facility", metavar="NAVN", required=facility_required, help=facility_help)


def _command(vsub, handler, name: str, help_text: str, description: str, json_help: str | None = "skriv som JSON"):
    """A ``vum`` subcommand with its Danish help, ``--json`` (unless ``json_help`` is None) and handler."""
    parser = vsub.add_parser(name, help=help_text, description=description)
    if json_help:
        parser.add_argument("--json", action="store_true", help=json_help)
    parser.set_defaults(handler=handler)
    return parser


def register(sub) -> None:
    p = sub.add_parser("vum", help="VUM-baseret budgettildeling til egne tilbud",
                       description="VUM-vurderinger af borgerne i egne tilbud og den VUM-baserede "
                                   "budgettildeling pr. tilbud og år (Thisted-modellen).")
    vsub = p.add_subparsers(dest="vum_command", metavar="KOMMANDO")
    p.set_defaults(handler=lambda args, db: (p.print_help(), 2)[1])

    a = _command(vsub, cmd_allocation, "allocation", "vis tildelingen pr. tilbud for et år",
                 "Beregner den VUM-baserede tildeling pr. eget tilbud for året: antal beboere pr. kategori, "
                 "normtimer, timer og kroner pr. uge og pr. år, det faste budget, sidste tildeling og om "
                 "ændringen er væsentlig.")
    _year_and_facility(a, "kun dette tilbud", False)

    a = _command(vsub, cmd_assessments, "assessments", "vis VUM-vurderingerne",
                 "Viser VUM-vurderingerne (ældste først) med dato, vurderet af, scorer, foreslået og valgt "
                 "kategori og begrundelse. En importeret VUM-liste tæller som en vurdering på importdagen.")
    a.add_argument("--cpr", help="kun denne borgers vurderinger")

    a = _command(vsub, cmd_assess, "assess", "registrér en VUM-vurdering",
                 "Registrerer en VUM-vurdering: scorer 0-4 pr. tema (tema=score). Uden --category bruges "
                 "kategorien som reglen foreslår; en anden kategori kræver --reason.",
                 json_help="skriv den registrerede vurdering som JSON")
    a.add_argument("--cpr", required=True, help="borgerens CPR-nummer")
    a.add_argument("--facility", metavar="NAVN", help="det egne tilbud vurderingen gælder (ellers alle)")
    a.add_argument("--date", type=date_arg, metavar="DATO", default=None, help="vurderingens dato (standard: i dag)")
    a.add_argument("--assessor", required=True, help="hvem der har vurderet")
    a.add_argument("--score", action="append", default=[], metavar="TEMA=SCORE", help="score for et tema (gentag)")
    a.add_argument("--category", help="valgt kategori A-F (standard: forslaget)")
    a.add_argument("--hours", help="individuelle timer pr. uge (kategori F)")
    a.add_argument("--reason", default="", help="begrundelse når kategorien afviger fra forslaget")
    a.add_argument("--note", default="", help="fri note")

    a = _command(vsub, cmd_save_allocation, "save-allocation", "gem årets tildeling for et tilbud som en ny version",
                 "Beregner tildelingen for tilbuddet og året og gemmer den som en ny version. Tidligere "
                 "versioner bevares.", json_help="skriv den gemte version som JSON")
    _year_and_facility(a, "tilbuddets navn", True)
    a.add_argument("--decision", choices=["behold", "ændr"], help="beslutning (standard: forslaget)")
    a.add_argument("--note", default="", help="note til versionen")

    a = _command(vsub, cmd_fixed_budget, "fixed-budget", "sæt et tilbuds faste budget for et år",
                 "Sætter tilbuddets faste budget for året (kroner). Uden --amount fjernes årets beløb, så "
                 "leverandørens faste budget gælder.", json_help=None)
    _year_and_facility(a, "tilbuddets navn", True)
    a.add_argument("--amount", metavar="KR", help="beløbet i kroner, fx 8.700.000")

    a = _command(vsub, cmd_due, "due", "borgere der skal revurderes eller har skiftet kategori",
                 "Beboere i egne tilbud hvis VUM-vurdering mangler eller er ældre end grænsen i "
                 "indstillingerne, eller hvis kategori er ændret siden tildelingen.")
    a.add_argument("--date", type=date_arg, metavar="DATO", default=None, help="opgørelsesdato (standard: i dag)")

    a = _command(vsub, cmd_table, "table", "Thisted-tabellen for et tilbud (borgere × kategorier)",
                 "Viser Thisted-tabellen for tilbuddet og året: borgerne med et x i deres kategori, timer og "
                 "kroner pr. uge pr. kategori og i alt pr. år.")
    _year_and_facility(a, "tilbuddets navn", True)

    a = _command(vsub, cmd_rule, "rule", "vis eller ret kategorireglen og tærsklerne",
                 "Viser reglen der foreslår en kategori ud fra scorerne, tærsklen for en væsentlig ændring og "
                 "grænsen for revurdering. Med tilvalg rettes de.")
    a.add_argument("--measure", choices=["gennemsnit", "maksimum"], help="mål for scorerne")
    a.add_argument("--steps", metavar="TRIN", help="trin som 'grænse:kategori' adskilt af mellemrum eller ';', "
                                                   "fx '0:A 0,75:B 1,5:C 2,25:D 3:E 3,6:F'")
    a.add_argument("--threshold", metavar="PCT", help="tærskel for væsentlig ændring i procent")
    a.add_argument("--months", metavar="MÅNEDER", help="måneder før en vurdering skal fornyes")

def cmd_allocation(args, db) -> int:
    if args.facility:
        allocations = [vum.compute_allocation(db, vum.facility_by_name(db, args.facility).id, args.year)]
    else:
        allocations = vum.all_allocations(db, args.year)
    items = [vum.allocation_json(a) for a in allocations]
    if args.json:
        print_json({"year": args.year, "facilities": items})
        return 0
    rows = [{"facility": i["facility"], "hours_per_week": format_number(i["hours_per_week"]),
             "hours_per_year": format_number(i["hours_per_year"]), "kr_per_year": format_number(i["kr_per_year"]),
             "fixed_budget": format_number(i["fixed_budget"]),
             "previous": format_number(i["previous_allocation"]),
             "change": "" if i["change_pct"] is None else f"{format_number(i['change_pct'])} %",
             "significant": "ja" if i["significant"] else "nej"} for i in items]
    print(f"VUM-tildeling {args.year}")
    print_table(rows, [("facility", "Tilbud"), ("hours_per_week", "Timer/uge"), ("hours_per_year", "Timer/år"),
                       ("kr_per_year", "Kr./år"), ("fixed_budget", "Fast budget"), ("previous", "Sidste tildeling"),
                       ("change", "Ændring"), ("significant", "Væsentlig")])
    return 0


def cmd_assessments(args, db) -> int:
    citizen_id = None
    if args.cpr:
        try:
            citizen = find_by_cpr(db, cprs.normalize(args.cpr))
        except cprs.InvalidCPR as ex:
            raise ValidationError({"cpr": str(ex)}) from None
        if citizen is None:
            raise NotFoundError("Borgeren findes ikke i registret")
        citizen_id = citizen.id
    items = vum.list_assessments(db, citizen_id=citizen_id)
    if args.json:
        print_json([vum.assessment_json(a) for a in items])
        return 0
    print_table([{"cpr": a.cpr, "name": a.name, "facility": a.facility or "", "date": format_date(a.date),
                  "assessor": a.assessor, "suggested": a.suggested_category or "", "category": a.category,
                  "reason": a.reason} for a in items],
                [("cpr", "CPR-nr."), ("name", "Navn"), ("facility", "Tilbud"), ("date", "Dato"),
                 ("assessor", "Vurderet af"), ("suggested", "Forslag"), ("category", "Kategori"),
                 ("reason", "Begrundelse")])
    return 0


def cmd_assess(args, db) -> int:
    provider_id = vum.facility_by_name(db, args.facility).id if args.facility else None
    new_id = vum.record_assessment(
        db, cpr=args.cpr, date=(args.date or dt.date.today()), assessor=args.assessor, scores=vum.parse_scores(db, args.score),
        provider_id=provider_id, note=args.note, category=args.category, hours=args.hours, reason=args.reason)
    saved = get_assessment(db, new_id)
    if args.json:
        print_json(vum.assessment_json(saved))
    else:
        print(f"Vurderingen er registreret: kategori {saved.category}"
              + (f" (forslag {saved.suggested_category})" if saved.suggested_category else "") + ".")
    return 0


def cmd_save_allocation(args, db) -> int:
    facility = vum.facility_by_name(db, args.facility)
    allocation = vum.compute_allocation(db, facility.id, args.year)
    new_id = vum.save_allocation(db, allocation, decision=args.decision, note=args.note)
    saved = next(v for v in vum.versions(db, facility.id, args.year) if v.id == new_id)
    if args.json:
        print_json({"facility": facility.name, "year": saved.year, "version": saved.version,
                    "hours_per_year": saved.hours_per_year, "kr_per_year": saved.kr_per_year_ore / 100,
                    "decision": saved.decision})
    else:
        print(f"Tildelingen for {facility.name} {args.year} er gemt som version {saved.version}: "
              f"{format_number(saved.hours_per_year)} timer, {format_number(saved.kr_per_year_ore / 100)} kr. pr. år.")
    return 0


def cmd_fixed_budget(args, db) -> int:
    facility = vum.facility_by_name(db, args.facility)
    try:
        amount = to_ore(parse_number(args.amount)) if args.amount else None
    except InvalidNumber as ex:
        raise ValidationError({"amount": f"Beløb: {ex}"}) from None
    vum.set_fixed_budget(db, facility.id, args.year, amount)
    print(f"Det faste budget for {facility.name} {args.year} er nu "
          f"{format_kr(vum.fixed_budget_ore(db, facility.id, args.year)) or 'ikke sat'} kr.")
    return 0


def cmd_due(args, db) -> int:
    items = vum.due(db, (args.date or dt.date.today()))
    if args.json:
        print_json(items)
        return 0
    print_table([{**i, "assessed_on": format_date(i["assessed_on"]), "category": i["category"] or "",
                  "reasons": "; ".join(i["reasons"])} for i in items],
                [("facility", "Tilbud"), ("cpr", "CPR-nr."), ("name", "Navn"), ("category", "Kategori"),
                 ("assessed_on", "Vurderet"), ("reasons", "Hvorfor")])
    return 0


def cmd_table(args, db) -> int:
    facility = vum.facility_by_name(db, args.facility)
    table = vum.thisted_table(vum.compute_allocation(db, facility.id, args.year))
    if args.json:
        print_json(table)
        return 0
    print(f"VUM-baseret budgettildeling {table['year']} – {table['facility']}  "
          f"(timepris {format_number(table['hourly_price'])} kr.)")
    codes = list(vum.CATEGORIES)
    rows = [{"cpr": c["cpr"], **c["marks"], "F": c["marks"]["F"] and format_number(c["individual_hours"])}
            for c in table["citizens"]]
    rows.append({"cpr": "Timer pr. uge", **{k: format_number(v) for k, v in table["hours_per_week"].items()}})
    rows.append({"cpr": "Kr. pr. uge", **{k: format_number(v) for k, v in table["kr_per_week"].items()}})
    print_table(rows, [("cpr", "Borger (cpr-nr.)"), *((c, c) for c in codes)])
    print(f"Samlet tildeling i timer pr. år: {format_number(table['hours_per_year'])}")
    print(f"Samlet tildeling i kr. pr. år: {format_number(table['kr_per_year'])}")
    return 0


def _steps(text: str) -> list[list[str]]:
    steps = []
    for part in text.replace(";", " ").split():
        bound, sep, category = part.partition(":")
        if not sep:
            raise ValidationError({"steps": f"Trinnet '{part}' skal skrives som grænse:kategori, fx 0,75:B"})
        steps.append([bound, category])
    return steps


def cmd_rule(args, db) -> int:
    with db.atomic():
        if args.measure or args.steps:
            current = vum.category_rule(db)
            vum.set_category_rule(db, {
                "measure": args.measure or current.measure,
                "steps": _steps(args.steps) if args.steps else [[str(b), c] for b, c in current.steps]})
        if args.threshold is not None:
            vum.set_significant_change_pct(db, args.threshold)
        if args.months is not None:
            vum.set_reassessment_months(db, args.months)
    rule = vum.category_rule(db)
    data = {"measure": rule.measure, "steps": [[s, c] for s, c in rule.steps], "text": rule.text(),
            "significant_change_pct": vum.significant_change_pct(db),
            "reassessment_months": vum.reassessment_months(db),
            "themes": [{"code": t.code, "text": t.text, "active": t.active}
                       for t in vum.themes(db, include_inactive=True)]}
    if args.json:
        print_json(data)
        return 0
    print(data["text"])
    print(f"Væsentlig ændring: mere end {format_number(data['significant_change_pct'])} %. "
          f"Revurdering efter {data['reassessment_months']} måneder.")
    return 0
