"""CLI commands of the budget year: rate changes, savings measures, trends; and the extra
subcommands ``budget proposal``, ``catalogue add-section`` and the extra ``forecast --by``
groupings, which the follow-up and register modules hand over to this one."""

from __future__ import annotations

from core.budget_year import rates
from core.cli import date_arg, print_json, print_table, year_arg
from core.money import format_date, format_kr, format_number, to_ore


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
    from core.budget_year import proposal

    p = proposal.budget_proposal(db, args.year, args.version)
    if args.out:
        from pathlib import Path

        from core.errors import DispoError

        if Path(args.out).suffix.lower() != ".xlsx":
            raise DispoError(f"Filen skal ende på .xlsx, ikke '{Path(args.out).name}'")
        from core.budget_year import savings

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
    from core.budget_year import proposal

    proposal.set_whatif(db, args.year, args.version, args.account, args.section, fye_change=args.fye_change,
                        average_price=args.average_price)
    print(f"Ændringen er gemt i version '{args.version}' af budgetforslaget for {args.year}.")
    return 0


def cmd_budget_versions(args, db) -> int:
    from core.budget_year import proposal

    rows = proposal.list_versions(db, args.year)
    if args.json:
        print_json(rows)
        return 0
    print_table(rows, [("year", "År"), ("name", "Version"), ("created_at", "Oprettet"), ("user", "Af")])
    return 0


# ------------------------------------------------------------------ savings

def cmd_savings_add(args, db) -> int:
    from core.budget_year import savings

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
    from core.budget_year import savings

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
    from core.budget_year import savings

    savings.update_saving(db, args.id, status=args.status, responsible=args.responsible)
    print(f"Besparelse {args.id} er ændret.")
    return 0


def cmd_savings_link(args, db) -> int:
    from core.budget_year import savings

    savings.link(db, args.id, grant_id=args.grant, citizen_id=args.citizen)
    print(f"Besparelse {args.id} er tilknyttet.")
    return 0
