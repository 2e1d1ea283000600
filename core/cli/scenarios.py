"""CLI commands of the scenarios: ``businesscase FILE.json`` and the saved cases (``scenarios``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from core.register.citizens import find_by_cpr
from core.cli import date_arg, pdf_writer, print_json, print_table, year_arg
from core.errors import DispoError, NotFoundError
from core.money import InvalidNumber, format_date, format_number, parse_number
from core.register.providers import find_by_name as find_provider
from core.scenarios import businesscase as bc, inhouse, keyfigures as kf, pa_followup, store
from core.scenarios.export import case_report, write_business_case


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
                    "bloktilskuddet. 'weeks_on_benefit' er antal hele uger på ydelse, når måneden begynder; "
                    "månedens refusionsandel er trappens trin (80 % uge 1–4, 40 % uge 5–26, 30 % uge 27–52, "
                    "20 % fra uge 53) vægtet med, hvor mange af månedens uger der falder i hvert trin.")
    p.add_argument("file", metavar="FIL.json", help="business casens JSON-fil")
    p.add_argument("--year", type=year_arg, metavar="ÅR", help="året hvis satser bruges (standard: filens 'year' eller i år)")
    p.add_argument("--standard-variants", action="store_true",
                   help="beregn også standardvarianterne: 7 og 14 timer × timesats 127,86, 165 og 180 kr.")
    p.add_argument("--out", metavar="FIL", help="skriv business casen og varianterne til et Excel-ark med formler (.xlsx) eller en PDF (.pdf)")
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
    a.add_argument("--out", metavar="FIL", help="skriv den til et Excel-ark med formler (.xlsx) eller en PDF (.pdf)")
    a.add_argument("--mask-cpr", action="store_true", help="skriv CPR-nummeret som DDMMYY-xxxx i filen")
    a.add_argument("--json", action="store_true", help="skriv som JSON")
    a.set_defaults(handler=cmd_show)
    a = ssub.add_parser("delete", help="slet en gemt business case",
                        description="Sletter en gemt business case (sletningen skrives i revisionssporet).")
    a.add_argument("id", type=int, metavar="NR", help="business casens nummer")
    a.set_defaults(handler=cmd_delete)
    register_comparisons(sub)


def register_comparisons(sub) -> None:
    p = sub.add_parser("inhouse", help="egen plads mod købt plads: udgift over 1–4 år og hvornår det er tjent hjem",
                       description="Sammenligner den nuværende udgift til købte pladser (borgernes bevillinger hos "
                                   "eksterne leverandører med taksterne pr. datoen, eller --external) med en egen "
                                   "plads (--own, et eget tilbuds takst med --facility, eller en VUM-kategori) og en "
                                   "investering i år 1; viser år for år og måneden, hvor investeringen er tjent hjem.")
    p.add_argument("--cpr", action="append", default=[], help="en borger i købt plads (gentag for en gruppe)")
    p.add_argument("--date", type=date_arg, help="taksterne pr. denne dato (standard: i dag)")
    p.add_argument("--external", metavar="KR", help="ekstern udgift pr. år (i stedet for borgernes bevillinger)")
    p.add_argument("--own", metavar="KR", help="egen plads pr. år i kroner")
    p.add_argument("--facility", metavar="NAVN", help="eget tilbud, hvis takster bruges til den egne plads (med "
                                                       "--cpr: de købte bevillingers paragraf, enhed og mængde)")
    p.add_argument("--section", default="§ 108", help="paragraf for tilbuddets takst uden --cpr (standard: § 108)")
    p.add_argument("--unit", default="døgn", help="enhed for tilbuddets takst uden --cpr (standard: døgn)")
    p.add_argument("--vum-category", metavar="KAT", help="egen plads efter VUM-kategori (normtimer · 52 · timepris)")
    p.add_argument("--investment", metavar="KR", default="0", help="investering i år 1 i kroner")
    p.add_argument("--years", type=int, default=4, help="antal år, 1–4 (standard: 4)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_inhouse)

    p = sub.add_parser("pa-followup", help="personlig assistance i job: tidsbegrænsede bevillinger til årlig opfølgning",
                       description="Tidsbegrænsede bevillinger af personlig assistance i job (konto 5.68.91), hvis "
                                   "årlige opfølgning (opfølgningsdatoen, ellers årsdagen for starten) er inden for "
                                   "--days dage eller overskredet, med timer bevilget og brugt i året til datoen "
                                   "og advarsel over timeloftet. Bevilget: beregnet udgift divideret med timesatsen. "
                                   "Brugt: de importerede forbrugte timer (import --kind pa_hours), ellers et skøn: "
                                   "bogført divideret med timesatsen, markeret '(skøn)' (i JSON "
                                   "hours_used_estimated).")
    p.add_argument("--date", type=date_arg, help="opgørelsesdato (standard: i dag)")
    p.add_argument("--days", type=int, default=30, help="dage frem (standard: 30)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_pa_followup)

    p = sub.add_parser("keyfigures", help="nøgletal pr. paragraf eller leverandør med referenceværdier",
                       description="Udgift pr. bevilling og pr. helårsperson, timebånd (1–4, 5–9, 10–12, 13+ timer "
                                   "pr. uge) og andel bevillinger pr. leverandørtype, ved siden af de "
                                   "referenceværdier, der er indtastet for året, med forskellen.")
    p.add_argument("--year", type=year_arg, required=True, help="året")
    p.add_argument("--by", choices=["section", "provider"], default="section",
                   help="pr. paragraf (section) eller leverandør (provider)")
    p.add_argument("--json", action="store_true", help="skriv som JSON")
    p.set_defaults(handler=cmd_keyfigures)

    p = sub.add_parser("keyfigure-reference", help="indtast en referenceværdi for et nøgletal og år",
                       description="Gemmer (eller fjerner uden --value) en referenceværdi, fx landsgennemsnittet for "
                                   "kommuner af samme størrelse. Nøgletal: " + ", ".join(kf.FIGURES) +
                                   ". Andele skrives som 0,25.")
    p.add_argument("--year", type=year_arg, required=True, help="året")
    p.add_argument("--figure", required=True, choices=list(kf.FIGURES), help="nøgletallet")
    p.add_argument("--scope", default="", help="paragraf, fx '§ 85' (tom: hele området)")
    p.add_argument("--value", help="værdien (tom: fjern den)")
    p.add_argument("--source", default="", help="kilden, fx Socialstyrelsens kortlægning")
    p.set_defaults(handler=cmd_reference)


def _kr(text: str | None, what: str):
    if text in (None, ""):
        return None
    try:
        return parse_number(text)
    except InvalidNumber:
        raise DispoError(f"{what}: '{text}' er ikke et beløb") from None


def cmd_inhouse(args, db) -> int:
    on = args.date or dt.date.today()
    grants = []
    external = _kr(args.external, "--external")
    if external is None:
        ids = [_citizen_id(db, c) for c in args.cpr]
        if not ids:
            raise DispoError("Angiv borgerne med --cpr eller den eksterne udgift med --external")
        external, grants = inhouse.external_cost_per_year(db, ids, on)
    own = _kr(args.own, "--own")
    if own is None and args.facility:
        provider = find_provider(db, args.facility)
        if provider is None:
            raise NotFoundError(f"Tilbuddet '{args.facility}' findes ikke")
        own = (inhouse.own_cost_for(db, provider.id, grants, on) if grants else
               inhouse.own_rate_per_year(db, provider.id, args.section, args.unit, on, places=max(1, len(args.cpr))))
    elif own is None and args.vum_category:
        own = inhouse.vum_place_per_year(db, args.vum_category, on.year) * max(1, len(args.cpr))
    if own is None:
        raise DispoError("Angiv den egne plads med --own, --facility eller --vum-category")
    result = inhouse.compare(external, own, _kr(args.investment, "--investment") or 0, args.years)
    if args.json:
        print_json({"external_per_year": result.external_per_year, "own_per_year": result.own_per_year,
                    "investment": result.investment, "break_even_month": result.break_even_month,
                    "within_horizon": result.within_horizon, "total_saving": result.total_saving,
                    "years": [y.__dict__ for y in result.years], "grants": grants})
        return 0
    for g in grants:
        print(f"{g['cpr']} {g['name']}: {g['provider']} ({g['section']}) {format_number(g['per_year'])} kr. pr. år")
    print_table([{"year": y.year_no, "external": format_number(y.external), "own": format_number(y.own),
                  "saving": format_number(y.saving), "cumulative": format_number(y.cumulative_saving)}
                 for y in result.years],
                [("year", "År"), ("external", "Købt plads"), ("own", "Egen plads"), ("saving", "Besparelse"),
                 ("cumulative", "Akkumuleret")])
    if result.break_even_month is None:
        print("En egen plads koster mindst det samme som den købte: den tjener sig ikke hjem.")
    else:
        after = "" if result.within_horizon else " (efter perioden)"
        print(f"Tjent hjem i måned {result.break_even_month}{after}.")
    return 0


def cmd_pa_followup(args, db) -> int:
    rows = pa_followup.followups_due(db, args.date or dt.date.today(), args.days)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    print_table([{"due": format_date(r.due), "cpr": r.cpr, "name": r.name, "provider": r.provider,
                  "end": format_date(r.end), "hours": format_number(r.hours_per_week),
                  "granted": format_number(r.hours_granted), "used": pa_followup.used_text(r),
                  "warning": r.warning or ""} for r in rows],
                [("due", "Opfølgning"), ("cpr", "CPR"), ("name", "Navn"), ("provider", "Leverandør"),
                 ("end", "Slutdato"), ("hours", "Timer/uge"), ("granted", "Bevilget i år"), ("used", "Brugt i år"),
                 ("warning", "Advarsel")])
    return 0


def cmd_keyfigures(args, db) -> int:
    rows = kf.key_figures(db, args.year, args.by)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0

    def ref(r, figure):
        if figure not in r.references:
            return ""
        value, diff = r.references[figure]
        return f"{format_number(value)} ({format_number(diff) if diff is not None else ''})"

    print_table([{"key": r.key, "grants": r.grants, "expected": format_number(r.expected_outturn),
                  "fye": format_number(r.full_year_equivalents), "per_grant": format_number(r.expense_per_grant),
                  "ref_grant": ref(r, "expense_per_grant"), "per_fye": format_number(r.expense_per_fye),
                  "ref_fye": ref(r, "expense_per_fye"),
                  "bands": " ".join(f"{b}: {n}" for b, n in r.bands.items()),
                  "kinds": " ".join(f"{k}: {format_number(r.figure('share_' + k) * 100, 0)} %" for k in r.kinds)}
                 for r in rows],
                [("key", "Paragraf" if args.by == "section" else "Leverandør"), ("grants", "Bevillinger"),
                 ("expected", "Forventet"), ("fye", "Helårspers."), ("per_grant", "Pr. bevilling"),
                 ("ref_grant", "Reference (forskel)"), ("per_fye", "Pr. helårsperson"),
                 ("ref_fye", "Reference (forskel)"), ("bands", "Timer/uge"), ("kinds", "Leverandørtyper")])
    return 0


def cmd_reference(args, db) -> int:
    value = _kr(args.value, "--value")
    kf.set_reference(db, args.year, args.figure, value, args.scope, args.source)
    print(f"Referenceværdien for {kf.FIGURES[args.figure]} {args.year}"
          f"{' ' + args.scope if args.scope else ''} er {'fjernet' if value is None else 'gemt'}.")
    return 0


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
    for key, label in bc.TOTALS:
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
        mask = getattr(args, "mask_cpr", False)
        out = Path(args.out)
        if out.suffix.lower() == ".pdf":
            pdf_writer(args)(case_report(result, title=title, subtitle=subtitle, variants=compared), out, mask_cpr=mask)
        elif out.suffix.lower() == ".xlsx":
            write_business_case(out, result, title=title, subtitle=subtitle, variants=compared, mask_cpr=mask)
        else:
            raise DispoError(f"Filen skal ende på .xlsx eller .pdf, ikke '{out.name}'")
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
