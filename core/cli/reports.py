"""CLI command ``report``: the reports for økonomifunktionen as Excel or PDF files."""

from __future__ import annotations

from pathlib import Path

from core.cli import date_arg, pdf_writer, year_arg
from core.errors import DispoError
from core.followup.forecast import default_as_of
from core.money import month_end
from core.reports.build import REPORT_KINDS, build_report
from core.reports.xlsx_writer import write_report


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="dan en rapport som Excel- eller PDF-fil",
        description="Danner månedsoversigten, kvartalsoversigten, VUM-fordelingen eller "
                    "datavalideringen for et år som Excel-fil (.xlsx) eller PDF (.pdf). "
                    "Opgørelsesdatoen er sidste dag i --month, --as-of eller ellers "
                    "sidste dag i årets nyeste måned med bogføringer (som i programmets skærmbilleder).")
    p.add_argument("kind", choices=[k.key for k in REPORT_KINDS], metavar="RAPPORT",
                   help="monthly (måned), quarterly (kvartal), vum eller validation")
    p.add_argument("--year", type=year_arg, required=True, metavar="ÅR", help="regnskabsåret")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--month", type=int, metavar="M", help="opgør pr. sidste dag i måneden (1-12)")
    when.add_argument("--as-of", type=date_arg, metavar="DATO", help="opgørelsesdato (DD-MM-ÅÅÅÅ)")
    p.add_argument("--out", required=True, metavar="FIL", help="filen der skrives: .xlsx eller .pdf")
    p.add_argument("--mask-cpr", action="store_true", help="vis CPR-numre som DDMMÅÅ-xxxx")
    expected = p.add_mutually_exclusive_group()
    expected.add_argument("--include-expected", dest="include_expected", action="store_true", default=True,
                          help="medtag kommende borgere (standard)")
    expected.add_argument("--no-expected", dest="include_expected", action="store_false",
                          help="udelad kommende borgere")
    p.set_defaults(handler=cmd_report)


def cmd_report(args, db) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise DispoError(f"Filen skal ende på .xlsx eller .pdf, ikke '{out.name}'")
    if args.month is not None:
        as_of = month_end(args.year, args.month)
    elif args.as_of:
        as_of = args.as_of
    else:
        as_of = default_as_of(db, args.year)  # every screen's, report's and command's default
    report = build_report(db, args.kind, args.year, as_of, include_expected=args.include_expected)
    if suffix == ".pdf":
        pdf_writer(args)(report, out, mask_cpr=args.mask_cpr)
    else:
        write_report(report, out, mask_cpr=args.mask_cpr)
    print(f"{report.title} pr. {as_of:%d-%m-%Y} er skrevet til {out}")
    return 0
