"""CLI commands of the budget year: rate changes, savings measures, trends; and the extra
subcommands ``budget proposal``, ``catalogue add-section`` and the extra ``forecast --by``
groupings, which the follow-up and register modules hand over to this one."""

from __future__ import annotations

from core import cpr as cprs
from core.budget_year import breakdowns, proposal, rates, savings, trend
from core.budget_year.breakdowns import LABELS
from core.budget_year.centre import build_unit_report
from core.cli import date_arg, print_json, print_table, year_arg
from core.errors import DispoError, NotFoundError
from core.followup.forecast import add_rows, default_as_of
from core.money import format_date, format_kr, format_number, to_ore
from core.register import catalogue
from core.register.citizens import find_by_cpr
from core.register.grants import normalize_section
from core.reports.xlsx_writer import write_report, write_tables


def _kr(value) -> str:
    return "" if value is None else format_kr(to_ore(value))


def register(sub) -> None:
    p = sub.add_parser("rates", help="takstændringer: en leverandørs nye takst ud på bevillingerne",
                       description="En leverandørs nye takst fra en dato bliver en ny takstperiode på hver "
                                   "bevilling, der følger leverandørens takst; bevillinger med individuel takst "
                                   "listes og røres ikke. Hele ændringen er én kørsel, der kan fortrydes med "
                                   "'undo'.")
    rsub = p.add_subparsers(dest="rates_command", metavar="HANDLING")
    q = rsub.add_parser("apply", help="giv bevillingerne leverandørens nye takst",
                        description="Lægger en ny takst fra en dato på leverandøren og på de bevillinger, der "
                                    "følger leverandørens takst. Med --dry-run vises kun, hvad der ville ske.")
    q.add_argument("--provider", required=True, metavar="NAVN", help="leverandørens navn")
    q.add_argument("--from", dest="valid_from", type=date_arg, required=True, metavar="DATO",
                   help="den nye takst gælder fra denne dato")
    q.add_argument("--rate", required=True, metavar="KR", help="den nye takst i kr. pr. enhed")
    q.add_argument("--unit", metavar="ENHED", help="enheden (kan udelades, når leverandøren kun har én)")
    q.add_argument("--section", metavar="PARAGRAF", help="kun denne paragraf (standard: alle leverandørens)")
    q.add_argument("--dry-run", action="store_true", help="vis kun virkningen, gem intet")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_rates_apply)
    q = rsub.add_parser("index", help="vis eller sæt pris- og lønfremskrivningen for et år",
                        description="Pris- og lønfremskrivningen (procent) fremskriver de takster, der ikke har "
                                    "en kendt værdi for året, i budgetforslaget.")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    q.add_argument("--percent", metavar="PCT", help="ny værdi i procent, fx 2,4 (udeladt: vis)")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_rates_index)
    q = rsub.add_parser("project", help="giv bevillingerne årets takst, hvor den mangler",
                        description="Bevillinger, der løber i året uden en takst for året, får leverandørens "
                                    "katalogtakst for året (hvis de følger den) eller deres takst fremskrevet med "
                                    "årets pris- og lønfremskrivning fra 1. januar. Én kørsel, der kan fortrydes.")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året, fx 2027")
    q.add_argument("--dry-run", action="store_true", help="vis kun virkningen, gem intet")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_rates_project)
    p.set_defaults(handler=lambda args, db: _sub_help(p))

    p = sub.add_parser("savings", help="besparelser (budgetaftalens tiltag) pr. budgetår",
                       description="Besparelser pr. budgetår: tekst, konto/paragraf, planlagt beløb for op til fire "
                                   "år, status (planlagt, besluttet, gennemført, droppet), ansvarlig og "
                                   "tilknyttede bevillinger eller borgere; realiseret beløb ud fra forskellen i "
                                   "forventet regnskab, hvor tiltaget er tilknyttet.")
    ssub = p.add_subparsers(dest="savings_command", metavar="HANDLING")
    q = ssub.add_parser("add", help="opret et tiltag", description="Opretter et besparelsestiltag.")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="budgetåret")
    q.add_argument("--text", required=True, metavar="TEKST", help="tiltagets tekst")
    q.add_argument("--amount", required=True, metavar="KR",
                   help="planlagt besparelse i kr. for budgetåret, eller for flere år: 117000,150000,150000")
    q.add_argument("--account", default="", metavar="KONTO", help="funktion, fx 5.32.33")
    q.add_argument("--section", default="", metavar="PARAGRAF", help="paragraf, fx '§ 85'")
    q.add_argument("--status", default="planned", metavar="STATUS",
                   help="planlagt, besluttet, gennemført eller droppet (standard: planlagt)")
    q.add_argument("--responsible", default="", metavar="NAVN", help="ansvarlig")
    q.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    q.set_defaults(handler=cmd_savings_add)
    q = ssub.add_parser("list", help="vis tiltagene for et år", description="Viser besparelsestiltagene for et år "
                                                                          "med planlagt og realiseret beløb.")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="budgetåret")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_savings_list)
    q = ssub.add_parser("set", help="ændr status eller ansvarlig", description="Ændrer et tiltags status eller "
                                                                             "ansvarlige.")
    q.add_argument("id", type=int, metavar="NR", help="tiltagets nummer")
    q.add_argument("--status", metavar="STATUS", help="planlagt, besluttet, gennemført eller droppet")
    q.add_argument("--responsible", metavar="NAVN", help="ansvarlig")
    q.set_defaults(handler=cmd_savings_set)
    q = ssub.add_parser("link", help="knyt et tiltag til en bevilling eller borger",
                        description="Knytter tiltaget til en bevilling eller en borger; det realiserede beløb er "
                                    "faldet i deres forventede regnskab for året siden nu.")
    q.add_argument("id", type=int, metavar="NR", help="tiltagets nummer")
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--grant", type=int, metavar="BEVILLING", help="bevillingens nummer")
    who.add_argument("--citizen", type=int, metavar="BORGER", help="borgerens nummer")
    q.set_defaults(handler=cmd_savings_link)
    p.set_defaults(handler=lambda args, db: _sub_help(p))

    p = sub.add_parser("trend", help="udviklingen over år: udgift, helårspersoner, enhedspris, borgere",
                       description="Årene side om side pr. konto, paragraf, leverandør eller aldersgruppe: udgift, "
                                   "helårspersoner, enhedspris, unikke borgere i året og pr. 31. december.")
    p.add_argument("--from", dest="first_year", type=year_arg, required=True, metavar="ÅR", help="første år")
    p.add_argument("--to", dest="last_year", type=year_arg, required=True, metavar="ÅR", help="sidste år")
    p.add_argument("--by", default="account", choices=["account", "section", "provider", "age_group"],
                   metavar="OPDELING", help="account, section, provider eller age_group (standard: account)")
    p.add_argument("--out", metavar="FIL", help="skriv også som Excel-fil (.xlsx)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_trend)

    p = sub.add_parser("activity", help="aktiviteten måned for måned, fx pr. aldersgruppe",
                       description="Aktiviteten over året: pr. aldersgruppe (eller konto, paragraf, leverandør) og "
                                   "måned antal unikke borgere og borgerdøgn med en aktiv bevilling.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="året")
    p.add_argument("--by", default="age_group", choices=["account", "section", "provider", "age_group"],
                   metavar="OPDELING", help="age_group, account, section eller provider (standard: age_group)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_activity)

    p = sub.add_parser("unit-report", help="månedsoversigt for ét tilbud eller én paragraf (til en centerleder)",
                       description="Månedsoversigten for ét tilbud (leverandør) eller én paragraf som Excel-fil: "
                                   "oversigt med helårspersoner og gennemsnitspris, og borgerarket.")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="regnskabsåret")
    p.add_argument("--as-of", type=date_arg, metavar="DATO",
                   help="opgørelsesdato (standard: sidste dag i nyeste bogførte måned)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--provider", metavar="NAVN", help="tilbuddets (leverandørens) navn")
    which.add_argument("--section", metavar="PARAGRAF", help="paragraf, fx '§ 85'")
    p.add_argument("--out", required=True, metavar="FIL", help="filen der skrives (.xlsx)")
    p.add_argument("--mask-cpr", action="store_true", help="vis CPR-numre som DDMMÅÅ-xxxx")
    p.set_defaults(handler=cmd_unit_report)

    p = sub.add_parser("targetgroups", help="målgrupper: listen og borgernes målgruppe",
                       description="Listen over målgrupper, som borgerne kan knyttes til (fx til opdeling af "
                                   "dispositionsregnskabet med forecast --by target_group).")
    tsub = p.add_subparsers(dest="targetgroups_command", metavar="HANDLING")
    q = tsub.add_parser("list", help="vis målgrupperne", description="Viser listen over målgrupper.")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_targetgroups_list)
    q = tsub.add_parser("add", help="tilføj en målgruppe", description="Tilføjer en målgruppe til listen.")
    q.add_argument("name", metavar="NAVN", help="målgruppens navn")
    q.set_defaults(handler=cmd_targetgroups_add)
    q = tsub.add_parser("set", help="giv en borger en målgruppe", description="Sætter en borgers målgruppe.")
    q.add_argument("--cpr", required=True, metavar="CPR", help="borgerens CPR-nummer")
    q.add_argument("--group", default="", metavar="NAVN", help="målgruppen (tom: ingen)")
    q.set_defaults(handler=cmd_targetgroups_set)
    p.set_defaults(handler=lambda args, db: _sub_help(p))


def _sub_help(parser) -> int:
    parser.print_help()
    return 2


def cmd_rates_apply(args, db) -> int:
    change = rates.rates_apply(db, args.provider, args.valid_from, args.rate, args.unit, args.section,
                               dry_run=args.dry_run)
    if args.json:
        print_json(change.as_json())
        return 0
    head = "Forhåndsvisning (intet gemt)" if args.dry_run else f"Kørsel {change.batch_id} (fortryd med 'undo {change.batch_id}')"
    print(f"{head}: {change.provider}, {format_number(change.rate)} kr. pr. {change.unit} fra "
          f"{format_date(change.valid_from)}")
    print_table([{"id": g.grant_id, "cpr": g.cpr, "name": g.name, "section": g.section,
                  "old": format_number(g.old_rate), "new": format_number(g.new_rate),
                  "effect": format_kr(g.effect_ore)} for g in change.changed],
                [("id", "Nr."), ("cpr", "CPR-nr."), ("name", "Navn"), ("section", "Paragraf"), ("old", "Før"),
                 ("new", "Ny takst"), ("effect", f"Virkning {change.valid_from.year}")])
    print(f"{len(change.changed)} bevillinger får den nye takst; virkning {change.valid_from.year}: "
          f"{format_kr(change.effect_ore)} kr.")
    if change.individual:
        print(f"{len(change.individual)} bevillinger har individuel takst og er ikke ændret: "
              + ", ".join(str(g.grant_id) for g in change.individual))
    return 0


def cmd_rates_project(args, db) -> int:
    plan = rates.plan_projection(db, args.year)
    if not args.dry_run and plan.grants:
        plan = rates.apply_projection(db, plan)
    if args.json:
        print_json(plan.as_json())
        return 0
    head = "Forhåndsvisning (intet gemt)" if args.dry_run or not plan.grants else \
        f"Kørsel {plan.batch_id} (fortryd med 'undo {plan.batch_id}')"
    print(f"{head}: {len(plan.grants)} bevillinger får en takst for {args.year}; virkning "
          f"{format_kr(plan.effect_ore)} kr.")
    return 0


def cmd_rates_index(args, db) -> int:
    if args.percent is not None:
        rates.set_price_index(db, args.year, args.percent)
    found = rates.price_index(db, args.year)
    data = {"year": args.year, "percent": float(found[0]) if found else None, "from_year": found[1] if found else None}
    if args.json:
        print_json(data)
    elif found is None:
        print(f"Der er ingen pris- og lønfremskrivning for {args.year} eller tidligere")
    else:
        print(f"Pris- og lønfremskrivning {args.year}: {format_number(found[0])} %"
              + (f" (værdien fra {found[1]})" if found[1] != args.year else ""))
    return 0


# ------------------------------------------------------------------ budget proposal (under 'budget')

def register_budget(bsub) -> None:
    """The ``budget proposal`` and ``budget whatif`` subcommands (called by core.cli.followup)."""
    q = bsub.add_parser("proposal", help="budgetforslag for næste år",
                        description="Budgetforslaget for et år pr. konto og paragraf: løbende bevillinger til årets "
                                    "takster (fremskrevet med pris- og lønfremskrivningen, hvor årets takst ikke "
                                    "kendes), afsluttede ude, kommende borgere og unge, der fylder 18, med; ved "
                                    "siden af indeværende års budget og forventede regnskab. Med --version "
                                    "medregnes en gemt version af ændringerne (flere/færre helårspersoner, "
                                    "anden gennemsnitspris).")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="budgetåret, fx 2027")
    q.add_argument("--version", metavar="NAVN", help="en gemt version med ændringer")
    q.add_argument("--out", metavar="FIL", help="skriv forslaget som Excel-fil (.xlsx) til økonomifunktionen")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_budget_proposal)
    q = bsub.add_parser("whatif", help="gem en ændring af en linje i en version af budgetforslaget",
                        description="Gemmer en ændring på en linje (konto og paragraf) i en navngiven version af "
                                    "budgetforslaget: flere eller færre helårspersoner og/eller en anden "
                                    "gennemsnitspris. Uden begge fjernes linjens ændring.")
    q.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="budgetåret")
    q.add_argument("--version", required=True, metavar="NAVN", help="versionens navn (oprettes, hvis den er ny)")
    q.add_argument("--account", required=True, metavar="KONTO", help="funktion, fx 5.38.50")
    q.add_argument("--section", metavar="PARAGRAF", help="paragraf, fx '§ 108'")
    q.add_argument("--fye-change", metavar="ANTAL", help="flere (+) eller færre (-) helårspersoner, fx -1,5")
    q.add_argument("--average-price", metavar="KR", help="anden gennemsnitspris pr. helårsperson")
    q.set_defaults(handler=cmd_budget_whatif)
    q = bsub.add_parser("versions", help="vis de gemte versioner af budgetforslaget",
                        description="Viser de gemte versioner af budgetforslaget.")
    q.add_argument("--year", type=year_arg, metavar="ÅR", help="kun dette år")
    q.add_argument("--json", action="store_true", help="skriv som JSON")
    q.set_defaults(handler=cmd_budget_versions)


def cmd_budget_proposal(args, db) -> int:
    p = proposal.budget_proposal(db, args.year, args.version)
    if args.out:
        from pathlib import Path

        if Path(args.out).suffix.lower() != ".xlsx":
            raise DispoError(f"Filen skal ende på .xlsx, ikke '{Path(args.out).name}'")
        proposal.write_proposal(db, p, args.out, extra_tables=[savings.savings_table(db, args.year)])
    data = p.as_json()
    if args.json:
        print_json(data)
        return 0
    print(f"Budgetforslag {p.year}" + (f", version {p.version}" if p.version else ""))
    rows = [{**r, "current_budget": _kr(r["current_budget"]), "expected_outturn": _kr(r["expected_outturn"]),
             "proposal": _kr(r["proposal"]), "fye": format_number(r["full_year_equivalents"]),
             "average_price": _kr(r["average_price"]), "section": r["section"] or ""} for r in data["rows"]]
    t = data["total"]
    rows.append({"account": "I alt", "current_budget": _kr(t["current_budget"]),
                 "expected_outturn": _kr(t["expected_outturn"]), "proposal": _kr(t["proposal"]),
                 "fye": format_number(t["full_year_equivalents"])})
    print_table(rows, [("account", "Konto"), ("section", "Paragraf"), ("current_budget", f"Budget {p.year - 1}"),
                       ("expected_outturn", f"Forventet {p.year - 1}"), ("proposal", f"Forslag {p.year}"),
                       ("fye", "Helårspersoner"), ("average_price", "Gns. pris")])
    if args.out:
        print(f"Budgetforslaget er skrevet til {args.out}")
    return 0


def cmd_budget_whatif(args, db) -> int:
    proposal.set_whatif(db, args.year, args.version, args.account, args.section, fye_change=args.fye_change,
                        average_price=args.average_price)
    print(f"Ændringen er gemt i version '{args.version}' af budgetforslaget for {args.year}.")
    return 0


def cmd_budget_versions(args, db) -> int:
    rows = proposal.list_versions(db, args.year)
    if args.json:
        print_json(rows)
        return 0
    print_table(rows, [("year", "År"), ("name", "Version"), ("created_at", "Oprettet"), ("user", "Af")])
    return 0


# ------------------------------------------------------------------ savings

def cmd_savings_add(args, db) -> int:
    parts = [x for x in args.amount.split(",") if x.strip()] if args.amount.count(",") and "." not in args.amount \
        and all(x.strip().lstrip("-").isdigit() for x in args.amount.split(",")) else [args.amount]
    amounts = {args.year + i: value for i, value in enumerate(parts)}
    sid = savings.add_saving(db, args.year, args.text, amounts, account=args.account, section=args.section,
                             status=args.status, responsible=args.responsible)
    if args.json:
        print_json(savings.get_saving(db, sid).as_json())
    else:
        print(f"Besparelse {sid} er oprettet.")
    return 0


def cmd_savings_list(args, db) -> int:
    items = savings.list_savings(db, args.year)
    if args.json:
        print_json([s.as_json(args.year) for s in items])
        return 0
    print_table([{"id": s.id, "text": s.text, "account": s.account, "section": s.section,
                  "planned": format_kr(s.planned.get(args.year, 0)),
                  "realised": format_kr(s.realised_ore) if s.realised_ore is not None else "",
                  "status": savings.STATUSES[s.status], "responsible": s.responsible} for s in items],
                [("id", "Nr."), ("text", "Tiltag"), ("account", "Konto"), ("section", "Paragraf"),
                 ("planned", f"Planlagt {args.year}"), ("realised", "Realiseret"), ("status", "Status"),
                 ("responsible", "Ansvarlig")])
    return 0


def cmd_savings_set(args, db) -> int:
    savings.update_saving(db, args.id, status=args.status, responsible=args.responsible)
    print(f"Besparelse {args.id} er ændret.")
    return 0


def cmd_savings_link(args, db) -> int:
    savings.link(db, args.id, grant_id=args.grant, citizen_id=args.citizen)
    print(f"Besparelse {args.id} er tilknyttet.")
    return 0


# ------------------------------------------------------------------ the catalogue grows (under 'catalogue')

def register_catalogue(p) -> None:
    """``catalogue add-section``, ``retire-section``, ``add-grouping``, ``retire-account`` (called by
    core.cli.register)."""
    csub = p.add_subparsers(dest="catalogue_command", metavar="HANDLING")
    q = csub.add_parser("add-section", help="tilføj en paragraf til kataloget",
                        description="Tilføjer en paragraf (fx § 102 behandling) med standardkonto og enhed, "
                                    "gyldig fra en dato. En ny konto oprettes samtidig.")
    q.add_argument("--section", required=True, metavar="PARAGRAF", help="fx '§ 102'")
    q.add_argument("--text", required=True, metavar="TEKST", help="paragraffens tekst")
    q.add_argument("--account", required=True, metavar="KONTO", help="standardkonto, fx 5.38.45")
    q.add_argument("--unit", required=True, metavar="ENHED", help="sædvanlig enhed: døgn, dag, time, uge, måned, år")
    q.add_argument("--quantity-per", choices=["uge", "måned"], metavar="PR", help="timer/dage pr. uge eller måned")
    q.add_argument("--grouping", default="", metavar="GRP", help="gruppering, fx 007")
    q.add_argument("--from", dest="valid_from", type=date_arg, required=True, metavar="DATO", help="gyldig fra")
    q.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    q.set_defaults(handler=cmd_add_section)
    q = csub.add_parser("retire-section", help="lad en paragraf udgå fra en dato",
                        description="En udgået paragraf kan ikke bruges på nye bevillinger; de eksisterende "
                                    "beholder den.")
    q.add_argument("--section", required=True, metavar="PARAGRAF", help="fx '§ 102'")
    q.add_argument("--from", dest="retired_from", type=date_arg, required=True, metavar="DATO", help="udgår fra")
    q.set_defaults(handler=cmd_retire_section)
    q = csub.add_parser("add-grouping", help="del en paragraf i grupperinger",
                        description="Tilføjer en gruppering, der deler en paragraf på kontoen (fx § 85 i "
                                    "botilbudslignende tilbud og i eget hjem), gyldig fra en dato.")
    q.add_argument("--section", required=True, metavar="PARAGRAF", help="fx '§ 85'")
    q.add_argument("--grouping", required=True, metavar="GRP", help="tre cifre, fx 005")
    q.add_argument("--text", required=True, metavar="TEKST", help="grupperingens tekst")
    q.add_argument("--account", metavar="KONTO", help="konto (standard: paragraffens)")
    q.add_argument("--from", dest="valid_from", type=date_arg, required=True, metavar="DATO", help="gyldig fra")
    q.set_defaults(handler=cmd_add_grouping)
    q = csub.add_parser("retire-account", help="lad en konto udgå fra en dato",
                        description="Markerer en konto som udgået fra en dato.")
    q.add_argument("--account", required=True, metavar="KONTO", help="fx 5.38.45")
    q.add_argument("--from", dest="retired_from", type=date_arg, required=True, metavar="DATO", help="udgår fra")
    q.set_defaults(handler=cmd_retire_account)
    q = csub.add_parser("add-account", help="tilføj en konto til kataloget",
                        description="Tilføjer en konto (funktion, fx 5.68.91) gyldig fra en dato.")
    q.add_argument("--account", required=True, metavar="KONTO", help="fx 5.68.91")
    q.add_argument("--text", required=True, metavar="TEKST", help="kontoens tekst")
    q.add_argument("--from", dest="valid_from", type=date_arg, required=True, metavar="DATO", help="gyldig fra")
    q.set_defaults(handler=cmd_add_account)
    q = csub.add_parser("retire-unit", help="lad en enhed udgå fra en dato",
                        description="En udgået enhed tilbydes ikke længere til nye paragraffer.")
    q.add_argument("--unit", required=True, metavar="ENHED", help="fx uge")
    q.add_argument("--from", dest="retired_from", type=date_arg, required=True, metavar="DATO", help="udgår fra")
    q.set_defaults(handler=cmd_retire_unit)


def cmd_add_section(args, db) -> int:
    code = catalogue.add_section(db, args.section, args.text, args.account, args.unit, args.valid_from,
                                 grouping=args.grouping, quantity_per=args.quantity_per)
    if args.json:
        print_json(catalogue.section(db, code).__dict__)
    else:
        print(f"Paragraffen {code} er tilføjet fra {format_date(args.valid_from)}.")
    return 0


def cmd_retire_section(args, db) -> int:
    catalogue.retire_section(db, normalize_section(args.section) or args.section, args.retired_from)
    print(f"Paragraffen udgår fra {format_date(args.retired_from)}.")
    return 0


def cmd_add_grouping(args, db) -> int:
    catalogue.add_grouping(db, normalize_section(args.section) or args.section, args.grouping, args.text,
                           args.valid_from, account=args.account)
    print(f"Grupperingen {args.grouping} er tilføjet.")
    return 0


def cmd_add_account(args, db) -> int:
    catalogue.add_account(db, args.account, args.text, args.valid_from)
    print(f"Kontoen {args.account} er tilføjet fra {format_date(args.valid_from)}.")
    return 0


def cmd_retire_unit(args, db) -> int:
    catalogue.retire_unit(db, args.unit, args.retired_from)
    print(f"Enheden {args.unit} udgår fra {format_date(args.retired_from)}.")
    return 0


def cmd_retire_account(args, db) -> int:
    catalogue.retire_account(db, args.account, args.retired_from)
    print(f"Kontoen {args.account} udgår fra {format_date(args.retired_from)}.")
    return 0


# ------------------------------------------------------------------ forecast --by caseworker etc.

def print_breakdown(result) -> int:
    """The text table of ``forecast --by`` one of the breakdowns (called by core.cli.followup)."""
    print(f"Dispositionsregnskab {result.year} pr. {format_date(result.as_of)}, pr. {LABELS[result.by]}")
    money = [("computed_to_date", "Beregnet til dato"), ("committed_rest", "Disponeret rest"),
             ("expected_outturn", "Forventet regnskab"), ("booked_to_date", "Bogført"), ("backlog", "Efterslæb")]
    rows = [{"key": r.key, **{k: _kr(getattr(r, k)) for k, _ in money},
             "fye": format_number(r.full_year_equivalents)} for r in result.rows]
    total = add_rows(result.total)
    rows.append({"key": "I alt", **{k: _kr(getattr(total, k)) for k, _ in money}})
    for line in result.lines:
        rows.append({"key": line.name, **{k: _kr(getattr(line, k)) for k, _ in money}})
    print_table(rows, [("key", LABELS[result.by].capitalize()), *money, ("fye", "Helårspersoner")])
    return 0


# ------------------------------------------------------------------ trend, target groups

def cmd_trend(args, db) -> int:
    rows = trend.trend(db, args.first_year, args.last_year, args.by)
    if args.out:
        write_tables([trend.trend_table(rows, args.by)], args.out,
                     title=f"Udvikling {args.first_year}-{args.last_year}")
    if args.json:
        print_json({"from": args.first_year, "to": args.last_year, "by": args.by, "rows": [r.as_json() for r in rows]})
        return 0
    print_table([{"key": r.key, "year": r.year, "expenses": format_kr(r.expenses_ore),
                  "fye": format_number(r.as_json()["full_year_equivalents"]),
                  "unit": format_kr(r.unit_cost_ore) if r.unit_cost_ore is not None else "",
                  "users": r.users_year, "dec31": r.users_dec31} for r in rows],
                [("key", trend.LABELS[args.by].capitalize()), ("year", "År"), ("expenses", "Udgift"),
                 ("fye", "Helårspersoner"), ("unit", "Enhedspris"), ("users", "Borgere i året"),
                 ("dec31", "Borgere 31.12.")])
    return 0


def cmd_targetgroups_list(args, db) -> int:
    names = breakdowns.target_groups(db)
    if args.json:
        print_json(names)
    else:
        print("\n".join(names) if names else "Der er ingen målgrupper endnu.")
    return 0


def cmd_targetgroups_add(args, db) -> int:
    print(f"Målgruppen '{breakdowns.add_target_group(db, args.name)}' er tilføjet.")
    return 0


def cmd_targetgroups_set(args, db) -> int:
    citizen = find_by_cpr(db, cprs.normalize(args.cpr))
    if citizen is None:
        raise NotFoundError("Borgeren findes ikke")
    breakdowns.set_target_group(db, citizen.id, args.group)
    print("Målgruppen er sat.")
    return 0


def cmd_unit_report(args, db) -> int:
    from pathlib import Path

    if Path(args.out).suffix.lower() != ".xlsx":
        raise DispoError(f"Filen skal ende på .xlsx, ikke '{Path(args.out).name}'")
    as_of = args.as_of or default_as_of(db, args.year)
    report = build_unit_report(db, args.year, as_of, provider=args.provider, section=args.section)
    write_report(report, args.out, mask_cpr=args.mask_cpr)
    print(f"{report.title} pr. {format_date(as_of)} er skrevet til {args.out}")
    return 0


def cmd_activity(args, db) -> int:
    rows = trend.activity_by_month(db, args.year, args.by)
    if args.json:
        print_json({"year": args.year, "by": args.by, "rows": [r.as_json() for r in rows]})
        return 0
    keys = list(dict.fromkeys(r.key for r in rows))
    table = [{"key": k, **{str(r.month): r.users for r in rows if r.key == k}} for k in keys]
    print(f"Unikke borgere pr. måned {args.year}")
    print_table(table, [("key", trend.LABELS[args.by].capitalize())] + [(str(m), str(m)) for m in range(1, 13)])
    return 0
