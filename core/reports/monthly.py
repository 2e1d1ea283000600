"""The monthly overview for økonomifunktionen, built from the forecast (dispositionsregnskab).

Sheets: "Oversigt" (per account and section, with a subtotal per account and the total),
"Borgere" (the forecast per citizen and grant) and, when the modules behind them are
present, "Afstemning", "Kommende borgere", "Refusion" and "Belægning". The printed
version also uses ``Report.chart`` (expected outturn month by month against the budget)
and ``Report.highlights`` (the largest deviations).

Every subtotal and total row must be reproducible by the workbook's SUBTOTAL formulas.
Where the forecast's account figure differs from the sum of its section rows (a budget
kept on the account only, postings without a section), the difference is shown as its
own detail row "Ikke fordelt på paragraf", so that the sheet's sums and Dispo's figures
agree and the difference is visible instead of hidden.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from core.money import format_date
from core.reports import DETAIL, SUBTOTAL, TOTAL, Column, Report, ReportTable, municipality_name

D0 = Decimal("0.00")

OVERVIEW_FIGURES = (
    ("budget", "Budget", "amount"),
    ("booked_to_date", "Bogført til dato", "amount"),
    ("computed_to_date", "Beregnet til dato", "amount"),
    ("committed_rest", "Disponeret resten af året", "amount"),
    ("expected_outturn", "Forventet regnskab", "amount"),
    ("deviation", "Afvigelse", "amount"),
    ("full_year_equivalents", "Helårspersoner", "number"),
)
EFFECTS = (("volume_effect", "Mængdeeffekt", "amount"), ("price_effect", "Priseffekt", "amount"))
UNALLOCATED = "Ikke fordelt på paragraf"
TOP_DEVIATIONS = 5


def _num(value) -> Decimal:
    return D0 if value is None else Decimal(value)


def overview_columns() -> tuple[Column, ...]:
    cols = [Column("account", "Konto", "text", 12), Column("section", "Paragraf", "text", 10),
            Column("text", "Tekst", "text", 32)]
    cols += [Column(key, heading, kind, total="sum") for key, heading, kind in OVERVIEW_FIGURES]
    cols.append(Column("average_price", "Gns. pris pr. helårsperson", "amount", 18, total="ratio",
                       ratio=("expected_outturn", "full_year_equivalents", None)))
    cols += [Column(key, heading, kind, total="sum") for key, heading, kind in EFFECTS]
    return tuple(cols)


SUMMED = [key for key, _, _ in OVERVIEW_FIGURES] + [key for key, _, _ in EFFECTS]


def _figures(row) -> dict:
    return {key: _num(getattr(row, key, None)) for key in SUMMED} | {
        "average_price": _num(getattr(row, "average_price", None))}


def _values(account: str, section: str, text: str, figures: dict) -> list:
    return [account, section, text, *(figures[k] for k, _, _ in OVERVIEW_FIGURES), figures["average_price"],
            *(figures[k] for k, _, _ in EFFECTS)]


def build_overview(by_section, by_account, total, section_texts: dict[str, str],
                   account_texts: dict[str, str]) -> ReportTable:
    """Sheet "Oversigt": sections grouped under their account, a subtotal per account, the total."""
    table = ReportTable("Oversigt", overview_columns())
    sections_of: dict[str, list] = {}
    for row in by_section:
        sections_of.setdefault(row.account or "", []).append(row)
    accounts = {row.account or "": row for row in by_account}
    for account in sorted(set(accounts) | set(sections_of)):
        rows = sections_of.get(account, [])
        acc_figures = _figures(accounts[account]) if account in accounts else None
        summed = {k: sum((_figures(r)[k] for r in rows), D0) for k in SUMMED}
        for r in rows:
            table.add(_values(account, r.section or "", section_texts.get(r.section or "", ""), _figures(r)))
        if acc_figures is None:
            acc_figures = summed | {"average_price": _ratio(summed)}
        residual = {k: acc_figures[k] - summed[k] for k in SUMMED}
        if any(residual.values()):
            table.add(_values(account, "", UNALLOCATED, residual | {"average_price": _ratio(residual)}))
        table.add(_values(f"{account} i alt", "", account_texts.get(account, ""), acc_figures), SUBTOTAL)
    table.add(_values("I alt", "", "", _figures(total)), TOTAL)
    return table


def _ratio(figures: dict) -> Decimal:
    fye = figures["full_year_equivalents"]
    return (figures["expected_outturn"] / fye).quantize(Decimal("0.01")) if fye else D0


def citizen_columns() -> tuple[Column, ...]:
    return (
        Column("cpr", "CPR-nr.", "cpr"), Column("name", "Navn", "text", 26),
        Column("section", "Paragraf", "text", 10), Column("account", "Konto", "text", 12),
        Column("provider", "Leverandør", "text", 28),
        Column("computed_to_date", "Beregnet til dato", "amount", total="sum"),
        Column("committed_rest", "Disponeret resten af året", "amount", total="sum"),
        Column("expected_outturn", "Forventet regnskab", "amount", total="sum"),
        Column("booked_to_date", "Bogført til dato", "amount", total="sum"),
        Column("backlog", "Efterslæb", "amount", total="sum"),
    )


CITIZEN_FIGURES = ("computed_to_date", "committed_rest", "expected_outturn", "booked_to_date", "backlog")


def build_citizens(by_grant, total) -> ReportTable:
    """Sheet "Borgere": the forecast per citizen and grant, with the total."""
    table = ReportTable("Borgere", citizen_columns())
    for r in by_grant:
        table.add([r.cpr or "", r.name or "", r.section or "", r.account or "", r.provider or "",
                   *(_num(getattr(r, k)) for k in CITIZEN_FIGURES)])
    table.add(["I alt", "", "", "", "", *(_num(getattr(total, k)) for k in CITIZEN_FIGURES)], TOTAL)
    return table


def top_deviations(overview: ReportTable, count: int = TOP_DEVIATIONS) -> ReportTable:
    """The sections with the largest deviations from budget, largest first (for the print)."""
    dev = overview.index("deviation")
    details = [r for r in overview.rows if r.kind == DETAIL and r.values[dev]]
    details.sort(key=lambda r: abs(r.values[dev]), reverse=True)
    keys = ("account", "section", "text", "budget", "expected_outturn", "deviation", "volume_effect", "price_effect")
    cols = tuple(overview.columns[overview.index(k)] for k in keys)
    table = ReportTable("Største afvigelser", tuple(Column(c.key, c.heading, c.kind, c.width) for c in cols))
    for r in details[:count]:
        table.add([r.values[overview.index(k)] for k in keys])
    return table


def optional_sheets(db, year: int, as_of: dt.date, include_expected: bool) -> list[ReportTable]:
    """The sheets whose modules may not be part of this build yet, in the issue's order."""
    tables = []
    for module_name in ("core.reports.reconcile_sheet", "core.reports.expected_sheet",
                        "core.reports.refund_sheet", "core.reports.occupancy_sheet"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as ex:
            if ex.name and (ex.name == module_name or ex.name.startswith("core.")
                            and ex.name.split(".")[1] in ("reconcile", "expected", "refund", "occupancy")):
                continue
            raise
        table = module.build_sheet(db, year, as_of, include_expected=include_expected)
        if table is not None:
            tables.append(table)
    return tables


def build_monthly(db, year: int, as_of: dt.date, *, include_expected: bool = True) -> Report:
    """The monthly overview of ``year`` as of ``as_of``."""
    from core import forecast as fc

    by_section = fc.forecast(db, year, as_of, by="section", include_expected=include_expected)
    by_account = fc.forecast(db, year, as_of, by="account", include_expected=include_expected)
    by_grant = fc.forecast(db, year, as_of, by="grant", include_expected=include_expected)
    section_texts = {c: t for c, t in db.execute("SELECT code, text FROM sections")}
    account_texts = {c: t for c, t in db.execute("SELECT code, text FROM accounts")}
    overview = build_overview(by_section.rows, by_account.rows, by_account.total, section_texts, account_texts)
    municipality = municipality_name(db)
    overview.subtitle = (f"{municipality} · forventet regnskab {year} pr. {format_date(as_of)}"
                         + ("" if include_expected else " · uden kommende borgere"))
    tables = [overview, build_citizens(by_grant.rows, by_grant.total),
              *optional_sheets(db, year, as_of, include_expected)]
    chart = {"months": list(range(1, 13)), "expected": _monthly(fc, db, year, as_of),
             "budget": _num(getattr(by_account.total, "budget", None))}
    return Report("Månedsoversigt", year, as_of, municipality, tables, status=approval_status(db, year, as_of),
                  chart=chart, highlights=top_deviations(overview))


def _monthly(fc, db, year: int, as_of: dt.date) -> list[Decimal]:
    """Expected outturn at the end of each month, as ``monthly_outturn`` gives it, as 12 Decimals."""
    data = fc.monthly_outturn(db, year, as_of)
    if isinstance(data, dict):
        data = [data.get(m, data.get(str(m))) for m in range(1, 13)]
    out = []
    for item in list(data)[:12]:
        if isinstance(item, (tuple, list)):
            item = item[-1]
        elif hasattr(item, "expected_outturn"):
            item = item.expected_outturn
        out.append(_num(item))
    return out


def approval_status(db, year: int, as_of: dt.date) -> str:
    """A Danish one-line approval status for the header ("Ikke godkendt" when unknown)."""
    try:
        from core import approval
    except ModuleNotFoundError:
        return "Ikke godkendt"
    status = getattr(approval, "status_text", None)
    return status(db, year, as_of) if status else "Ikke godkendt"
