"""A business case with its variants as a workbook in the reports' style, figures as formulas.

Every figure is a real Excel formula over the cells it is built from (the satser at the
top, the line's amount or hours and refund share), with ``ROUND(…, 2)`` where Dispo rounds
to øre (Excel's ROUND is half away from zero, as Dispo's). Beside each figure, the column
"Formel" shows the same calculation in Danish words and numbers, so a reader of the
printed sheet can check it too. The figures Dispo computed are what the formulas give.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.money import format_number
from core.reports import Column as RColumn, Report, ReportTable, mask_text
from core.reports.xlsx_writer import (_HEADER_FILL, NUMBER_FORMATS, _header_text, check_folder, safe_text,
                                      save_workbook)
from core.scenarios.businesscase import (KIND_TEXT, RATE_TEXT, SIDE_TEXT, TOTALS, CaseResult, Variant,
                                         staircase_share)

CASE_SHEET = "Business case"
VARIANTS_SHEET = "Varianter"
SHARE_FORMAT = "0.00%"
COLUMNS = [("Side", 8), ("Nr.", 5), ("Art", 22), ("Tekst", 22), ("Beløb / timer pr. uge", 14),
           ("Refusionsandel", 12), ("Flekstilskud", 12), ("Brutto", 14), ("Refusion", 14), ("Netto", 14),
           ("Formel", 70)]


def _print_setup(ws, title: str, subtitle: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.left.text = _header_text(title)
    ws.oddHeader.center.text = _header_text(subtitle)
    ws.oddFooter.center.text = "Udskrevet &D"
    ws.oddFooter.right.text = "Side &P af &N"


def _heading(ws, row: int, values) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row, col, value)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(ws, row: int, col: int, value, fmt: str | None = None, bold: bool = False):
    if isinstance(value, str) and not value.startswith("="):
        value = safe_text(value, False)
    cell = ws.cell(row, col, value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    return cell


def _text(ws, row: int, col: int, text: str, mask_cpr: bool, bold: bool = False, size: int | None = None):
    """A cell of user or Danish text: never a formula (quote prefix), CPR masked when asked."""
    text = safe_text(text, mask_cpr)
    cell = ws.cell(row, col)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(("=", "+", "-", "@")):
        cell.quotePrefix = True
    if bold or size:
        cell.font = Font(bold=bold, size=size)
    return cell


def _rates_block(ws, result: CaseResult, row: int) -> tuple[dict, int]:
    """The satser at the top; returns name -> absolute cell reference, and the next free row."""
    _heading(ws, row, ["Sats", "Værdi", "Kilde"])
    refs = {}
    items = [(name, RATE_TEXT[name], getattr(result.rates, name)) for name in ("pa_hourly", "weeks_per_month",
                                                                              "pa_refund_pct")]
    items += [(f"step{first}", f"Refusionstrappen: uge {first}–{last}" if last else f"Refusionstrappen: fra uge {first}",
               rate) for first, last, rate in result.rates.staircase]
    for name, text, rate in items:
        row += 1
        ws.cell(row, 1, text)
        is_pct = name == "pa_refund_pct" or name.startswith("step")
        _put(ws, row, 2, rate.value / 100 if is_pct else rate.value,
             SHARE_FORMAT if is_pct else NUMBER_FORMATS["number"])
        ws.cell(row, 3, rate.source())
        refs[name] = f"$B${row}"
    return refs, row + 2


def _staircase_formula(line, result: CaseResult, refs: dict) -> str:
    _, parts = staircase_share(line.weeks_on_benefit, result.rates.weeks_per_month.value, result.rates.staircase)
    terms = []
    for weeks, _, first in parts:
        w = weeks.numerator / weeks.denominator if weeks.denominator != 1 else weeks.numerator
        terms.append(f"{w!r}*{refs[f'step{first}']}")
    return f"=({'+'.join(terms) or '0'})/{refs['weeks_per_month']}"


def write_case_sheet(wb: Workbook, result: CaseResult, title: str, subtitle: str, mask_cpr: bool) -> dict:
    """The case's sheet; returns the cell references of the totals and lines the variants sheet uses."""
    ws = wb.create_sheet(CASE_SHEET)
    for i, (_, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    _print_setup(ws, safe_text(title, mask_cpr), safe_text(subtitle, mask_cpr))
    _text(ws, 1, 1, title, mask_cpr, bold=True, size=14)
    _text(ws, 2, 1, subtitle, mask_cpr)
    refs, row = _rates_block(ws, result, 4)
    header = row
    _heading(ws, header, [c for c, _ in COLUMNS])
    ws.print_title_rows = f"{header}:{header}"
    net_cells = {"before": [], "after": [], "pa_after": []}
    money = NUMBER_FORMATS["amount"]
    for r in result.lines:
        row += 1
        ln = r.line
        ws.cell(row, 1, SIDE_TEXT[r.side].capitalize())
        ws.cell(row, 2, r.number)
        ws.cell(row, 3, KIND_TEXT[ln.kind])
        _text(ws, row, 4, ln.text, mask_cpr)
        e, f, g, h, j = (f"{c}{row}" for c in "EFGHJ")
        if ln.kind == "pa":
            _put(ws, row, 5, ln.hours_per_week, NUMBER_FORMATS["number"])
            _put(ws, row, 6, f"={refs['pa_refund_pct']}", SHARE_FORMAT)
            base = f"{e}*{refs['pa_hourly']}*{refs['weeks_per_month']}"
            _put(ws, row, 8, f"=ROUND({base},2)", money)
            _put(ws, row, 10, f"=ROUND({base}*(1-{f}),2)", money)
            _put(ws, row, 9, f"={h}-{j}", money)
        else:
            _put(ws, row, 5, ln.amount, money)
            if ln.kind == "benefit" and ln.weeks_on_benefit is not None:
                _put(ws, row, 6, _staircase_formula(ln, result, refs), SHARE_FORMAT)
            else:
                _put(ws, row, 6, ln.refund_pct / 100, SHARE_FORMAT)
            _put(ws, row, 8, f"=ROUND({e},2)", money)
            if ln.kind == "wage_subsidy":
                _put(ws, row, 7, ln.flex_contribution, money)
                _put(ws, row, 10, f"=ROUND({e}*(1-{f})-{g},2)", money)
                _put(ws, row, 9, f"={h}-{j}-{g}", money)
            else:
                _put(ws, row, 10, f"=ROUND({e}*(1-{f}),2)", money)
                _put(ws, row, 9, f"={h}-{j}", money)
        _text(ws, row, 11, r.formula, mask_cpr)
        net_cells[r.side].append(j)
        if r.side == "after" and ln.kind == "pa":
            net_cells["pa_after"].append(j)
    row += 1
    totals = {}

    def total(key, label, formula):
        nonlocal row
        row += 1
        _put(ws, row, 1, label, bold=True)
        _put(ws, row, 10, formula, money, bold=True)
        _text(ws, row, 11, result.formulas[key], mask_cpr)
        totals[key] = f"'{CASE_SHEET}'!$J${row}"
        return f"J{row}"

    def plus(cells):
        return "+".join(cells) or "0"

    label = dict(TOTALS)
    before = total("before_net", label["before_net"], f"={plus(net_cells['before'])}")
    after = total("after_net", label["after_net"], f"={plus(net_cells['after'])}")
    saving = total("saving_month", label["saving_month"], f"={before}-{after}")
    total("saving_year", label["saving_year"], f"={saving}*12")
    total("block_grant_month", label["block_grant_month"], f"={plus(net_cells['pa_after'])}")
    ws.freeze_panes = f"A{header + 1}"
    return {"totals": totals, "refs": {k: f"'{CASE_SHEET}'!{v}" for k, v in refs.items()},
            "pa_after": [f"'{CASE_SHEET}'!{c}" for c in net_cells["pa_after"]]}


def write_variants_sheet(wb: Workbook, base: CaseResult, variants: list[tuple[Variant, CaseResult]],
                         case_refs: dict, title: str) -> None:
    """Variants side by side: per variant its hours and hourly rate as inputs, the rest as formulas
    over them and over the case's sheet."""
    ws = wb.create_sheet(VARIANTS_SHEET)
    _print_setup(ws, title, "Varianter")
    ws.column_dimensions["A"].width = 42
    _put(ws, 1, 1, f"{title}: varianter", bold=True).font = Font(bold=True, size=14)
    _heading(ws, 3, ["Figur"] + [v.name for v, _ in variants] + ["Formel"])
    last = len(variants) + 2
    ws.column_dimensions[ws.cell(3, last).column_letter].width = 70
    pa_count = len(case_refs["pa_after"])
    t, refs = case_refs["totals"], case_refs["refs"]
    other_after = f"{t['after_net']}-({'+'.join(case_refs['pa_after']) or '0'})"
    labels = [
        ("hours", "Timer personlig assistance pr. uge", "indtastet"),
        ("hourly", "Timesats (kr.)", "indtastet"),
        ("before", "Netto før pr. måned", f"= Netto før fra arket '{CASE_SHEET}'"),
        ("other", "Netto efter uden personlig assistance", "= Netto efter − personlig assistance (grundscenariet)"),
        ("pa", "Personlig assistance netto pr. måned",
         f"= {pa_count} linje(r) × AFRUND(timer × timesats × uger pr. måned × (1 − refusion); 2)"),
        ("after", "Netto efter pr. måned", "= uden personlig assistance + personlig assistance"),
        ("saving", "Besparelse pr. måned", "= netto før − netto efter"),
        ("year", "Besparelse pr. år", "= besparelse pr. måned × 12"),
        ("block", "Retur via bloktilskud pr. måned", "= personlig assistance netto"),
    ]
    rows = {key: 4 + i for i, (key, _, _) in enumerate(labels)}
    for key, label, how in labels:
        ws.cell(rows[key], 1, label)
        _text(ws, rows[key], last, how, False)
    money = NUMBER_FORMATS["amount"]
    base_hours = next((ln.line.hours_per_week for ln in base.side("after") if ln.line.kind == "pa"), None)
    for i, (variant, result) in enumerate(variants):
        c = ws.cell(3, i + 2).column_letter
        ref = {k: f"{c}{r}" for k, r in rows.items()}
        hours = variant.hours_per_week if variant.hours_per_week is not None else base_hours
        _put(ws, rows["hours"], i + 2, hours, NUMBER_FORMATS["number"])
        _put(ws, rows["hourly"], i + 2, result.rates.pa_hourly.value, money)
        _put(ws, rows["before"], i + 2, f"={t['before_net']}", money)
        _put(ws, rows["other"], i + 2, f"={other_after}", money)
        _put(ws, rows["pa"], i + 2, f"={pa_count}*ROUND({ref['hours']}*{ref['hourly']}*{refs['weeks_per_month']}"
                                    f"*(1-{refs['pa_refund_pct']}),2)", money)
        _put(ws, rows["after"], i + 2, f"={ref['other']}+{ref['pa']}", money)
        _put(ws, rows["saving"], i + 2, f"={ref['before']}-{ref['after']}", money, bold=True)
        _put(ws, rows["year"], i + 2, f"={ref['saving']}*12", money, bold=True)
        _put(ws, rows["block"], i + 2, f"={ref['pa']}", money)
        ws.column_dimensions[c].width = 18
    ws.freeze_panes = "B4"


def write_business_case(path: Path | str, result: CaseResult, *, title: str = "Business case",
                        subtitle: str = "", variants: list[tuple[Variant, CaseResult]] = (),
                        mask_cpr: bool = False) -> Path:
    """Write the case (and its variants, if any) as an xlsx workbook.

    Raises:
        ReportWriteError: the file cannot be written (folder missing, file open in Excel).
    """
    path = Path(path)
    check_folder(path)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Dispo"
    wb.properties.title = mask_text(title) if mask_cpr else title
    refs = write_case_sheet(wb, result, title, subtitle or f"År {result.year}", mask_cpr)
    if variants:
        write_variants_sheet(wb, result, list(variants), refs, safe_text(title, mask_cpr))
    return save_workbook(wb, path)



def case_report(result: CaseResult, *, title: str = "Business case", subtitle: str = "",
                variants: list[tuple[Variant, CaseResult]] = (), municipality: str = "") -> Report:
    """The case as a report (for the PDF and the printer): lines, totals and variants, each figure
    beside its formula in words and numbers."""
    import datetime as dt

    lines = ReportTable("Linjer", (
        RColumn("side", "Side", "text", 7), RColumn("nr", "Nr.", "integer", 5), RColumn("kind", "Art", "text", 20),
        RColumn("text", "Tekst", "text", 18), RColumn("gross", "Brutto", "amount"),
        RColumn("refund", "Refusion", "amount"), RColumn("net", "Netto", "amount"),
        RColumn("formula", "Formel", "text", 70)), subtitle=subtitle)
    for r in result.lines:
        lines.add([SIDE_TEXT[r.side], r.number, KIND_TEXT[r.line.kind], r.line.text, r.gross, r.refund, r.net,
                   r.formula])
    totals = ReportTable("Resultat", (RColumn("figure", "Pr. måned / år", "text", 44),
                                      RColumn("kr", "Kr.", "amount"), RColumn("formula", "Formel", "text", 80)),
                         subtitle=subtitle)
    for key, label in TOTALS:
        totals.add([label, getattr(result, key), result.formulas[key]])
    r = result.rates
    totals.notes.append(f"Satser for {result.year}: timesats {format_number(r.pa_hourly.value)} kr. "
                        f"({r.pa_hourly.source()}), {format_number(r.weeks_per_month.value)} uger pr. måned "
                        f"({r.weeks_per_month.source()}), refusion af personlig assistance "
                        f"{format_number(r.pa_refund_pct.value, 0)} % ({r.pa_refund_pct.source()}).")
    tables = [totals, lines]
    if variants:
        table = ReportTable("Varianter", (RColumn("figure", "Figur", "text", 40),
                                          *(RColumn(f"v{i}", v.name, "amount", 18) for i, (v, _) in
                                            enumerate(variants))), subtitle=subtitle)
        for key, label in TOTALS:
            table.add([label, *(getattr(res, key) for _, res in variants)])
        tables.append(table)
    return Report(title, result.year, dt.date.today(), municipality, tables, area="Beskæftigelse (LKB)")

