"""The monthly overview for økonomifunktionen, built from the forecast (dispositionsregnskab).

Sheets: "Oversigt" (per account and section, with a subtotal per account, the forecast's
extra lines and the total), "Borgere" (the forecast per citizen and grant), "Kommende
borgere" (when expected citizens are included), "Refusion", "Afstemning" (reconciliation)
and "Belægning" (occupancy). The printed version also uses ``Report.chart`` (cumulative
expected outturn month by month against the cumulative budget) and
``Report.highlights`` (the largest deviations).

Every subtotal and total row must be reproducible by the workbook's SUBTOTAL formulas.
Where the forecast's account figure differs from the sum of its section rows (a budget
kept on the account only, postings without a section), the difference is shown as its
own detail row "Ikke fordelt på paragraf", so that the sheet's sums and Dispo's figures
agree and the difference is visible instead of hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import is_dataclass, replace
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from core.budget_year.savings import list_savings, savings_table
from core.followup.expected import SOURCES, list_expected
from core.followup.forecast import forecast, monthly_outturn, own_municipality
from core.followup.refund import refund_rows, thresholds_note
from core.followup.rollup import UNALLOCATED, unallocated
from core.formatting import text_key
from core.money import format_date, format_number, kr, ore_to_kr
from core.reports import DETAIL, SUBTOTAL, TOTAL, Column, Report, ReportTable
from core.followup.reconcile import reconcile
from core.reports.followup_sheets import FLAGGED_TITLE, approval_status, occupancy_sheet, reconciliation_table

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
OPERATING_TOTAL = "Drift i alt"
GRAND_TOTAL = "I alt"
TOP_DEVIATIONS = 5
LEGEND = ("Rød afvigelse: forventet regnskab over budget (merforbrug). Mindreforbrug er ikke markeret. "
          "Tomme felter: der er intet budget på niveauet.")


def _num(value) -> Decimal:
    return D0 if value is None else Decimal(value)


def overview_columns() -> tuple[Column, ...]:
    cols = [Column("account", "Konto", "text", 12), Column("section", "Paragraf", "text", 10),
            Column("text", "Tekst", "text", 32)]
    # a total's deviation is its expected − budget and its volume effect the deviation's part
    # that is not price, as in core (a line without a budget adds to the deviation, not to a
    # sum of the lines' deviations)
    cols += [Column(key, heading, kind, total="difference", difference=("expected_outturn", "budget"), warn=True)
             if key == "deviation" else Column(key, heading, kind, total="sum")
             for key, heading, kind in OVERVIEW_FIGURES]
    # the forecast's average price (from the exact full-year equivalents), not a ratio of rounded cells
    cols.append(Column("average_price", "Gns. pris pr. helårsperson", "amount", 18, total="value"))
    cols += [Column("volume_effect", EFFECTS[0][1], EFFECTS[0][2], total="difference",
                    difference=("deviation", "price_effect"), warn=True),
             Column("price_effect", EFFECTS[1][1], EFFECTS[1][2], total="sum", warn=True)]
    return tuple(cols)


SUMMED = [key for key, _, _ in OVERVIEW_FIGURES] + [key for key, _, _ in EFFECTS]
BUDGET_KEYS = ("budget", "deviation", "volume_effect", "price_effect")


def _figures(row) -> dict:
    """A row's figures; a level without a budget keeps None for budget, deviation and effects."""
    out = {key: getattr(row, key, None) for key in (*SUMMED, "average_price")}
    for key in SUMMED:
        if out[key] is not None:
            out[key] = Decimal(out[key])
        elif key not in BUDGET_KEYS:
            out[key] = D0
    return out


def _add(a: dict, b: dict, sign: int = 1) -> dict:
    """Figures added (or subtracted) key by key; None only where both are None."""
    out = {}
    for key in SUMMED:
        x, y = a.get(key), b.get(key)
        out[key] = None if x is None and y is None else _num(x) + sign * _num(y)
    return out


def _values(account: str, section: str, text: str, figures: dict) -> list:
    return [account, section, text, *(figures.get(k) for k, _, _ in OVERVIEW_FIGURES), figures.get("average_price"),
            *(figures.get(k) for k, _, _ in EFFECTS)]


def build_overview(by_section, by_account, lines, section_texts: dict[str, str],
                   account_texts: dict[str, str], total=None, grand_total=None) -> ReportTable:
    """Sheet "Oversigt" in DOMAIN.md's structure: the operating lines (sections grouped under
    their account with a subtotal per account), "Drift i alt", the separate lines (expected
    citizens, expected refund) and the grand total "I alt".

    ``total`` and ``grand_total`` are the forecast's rows (figures computed once, in core);
    without them they are summed here. A level without a budget shows none (and no deviation
    or effects); the separate lines have no effects. ``by_section`` rows must carry their
    account (see ``sections_on_accounts``).
    """
    table = ReportTable("Oversigt", overview_columns())
    sections_of: dict[str, list] = {}
    for row in by_section:
        sections_of.setdefault(row.account or "", []).append(row)
    accounts = {row.account or "": row for row in by_account}
    operating: dict = {k: (None if k in BUDGET_KEYS else D0) for k in SUMMED}
    any_unallocated, account_notes = False, []
    for account in sorted(set(accounts) | set(sections_of)):
        rows = sections_of.get(account, [])
        summed: dict = {k: (None if k in BUDGET_KEYS else D0) for k in SUMMED}
        for r in rows:
            table.add(_values(account, r.section or "", section_texts.get(r.section or "", ""), _figures(r)))
            summed = _add(summed, _figures(r))
        acc_figures = _figures(accounts[account]) if account in accounts else summed | {"average_price": None}
        residual = unallocated(acc_figures, [_figures(r) for r in rows])
        if residual is not None:
            table.add(_values(account, "", UNALLOCATED, residual))
            any_unallocated = True
            note = unallocated_note(account, residual, rows)
            if note:
                account_notes.append(note)
        table.add(_values(f"{account} i alt", "", account_texts.get(account, ""), acc_figures), SUBTOTAL)
        operating = _add(operating, acc_figures)
    if total is not None:
        operating = _figures(total)
    else:
        operating["average_price"] = _ratio(operating)
    table.add(_values(OPERATING_TOTAL, "", "", operating), TOTAL)
    grand = dict(operating)
    for line in lines:
        figures = _figures(line) | {k: None for k in ("full_year_equivalents", "volume_effect", "price_effect",
                                                       "average_price")}
        table.add(_values("", "", line.name or "", figures))
        grand = _add(grand, figures)
    if grand_total is not None:
        grand = _figures(grand_total)
    elif grand["budget"] is not None:  # as core.followup.rollup has it: expected − budget on every row
        grand["deviation"] = grand["expected_outturn"] - grand["budget"]
    grand |= {"full_year_equivalents": None, "average_price": None, "volume_effect": None, "price_effect": None}
    table.add(_values(GRAND_TOTAL, "", "", grand), TOTAL)
    if any_unallocated:
        table.notes += [UNALLOCATED_NOTE, *account_notes]
    return table


def unallocated_note(account: str, residual: dict, section_rows) -> str | None:
    """What an account's "Ikke fordelt på paragraf" line holds beyond the general note (a budget
    kept on the account, with its deviation and effects): postings without a grant, full-year
    equivalents counted once per account, a budget only partly broken down; None when nothing."""
    parts = []
    if residual["budget"] and any(getattr(r, "budget", None) is not None for r in section_rows):
        parts.append(f"budget {format_number(residual['budget'])} kr. er den del af kontoens budget, som "
                     "paragraffernes budgetter ikke dækker")
    if residual["expected_outturn"]:
        parts.append(f"bogført {format_number(residual['booked_to_date'])} kr. og forventet "
                     f"{format_number(residual['expected_outturn'])} kr. er posteringer uden en bevilling "
                     "(og dermed uden paragraf)")
    elif residual["booked_to_date"]:
        parts.append(f"bogført {format_number(residual['booked_to_date'])} kr. er posteringer uden en bevilling "
                     "(og dermed uden paragraf); forventet regnskab bygger på bevillingerne og rummer dem ikke")
    fye = residual["full_year_equivalents"]
    if fye and fye < 0:
        parts.append(f"helårspersoner {format_number(fye)}: en borger med bevillinger på flere paragraffer på "
                     "kontoen tæller på hver paragraf, men kun én gang på kontoen")
    elif fye:
        parts.append(f"helårspersoner {format_number(fye)}: borgere på kontoen uden en paragraf")
    return f"{account}: " + "; ".join(parts) + "." if parts else None


UNALLOCATED_NOTE = (
    f"'{UNALLOCATED}' er kontoens tal minus summen af dens paragraffer, kolonne for kolonne, så linjerne "
    "tilsammen giver kontoens 'i alt'. Budgettet er den del af kontoens budget, som paragraffernes budgetter "
    "ikke dækker; afvigelsen er linjens forventede regnskab − budget som på alle linjer, så et budget sat på "
    "kontoen står her som ikke brugt, mens forbruget står på paragraffernes linjer uden budget. "
    "Sammenlign budget og forventet regnskab på kontoens 'i alt'.")


def sections_on_accounts(section_rows, grant_rows, default_account: dict[str, str]) -> list:
    """The section rows with the account their grants are booked on.

    A section whose grants all use one account keeps the forecast's section row (with its
    budget, full-year equivalents and effects); a section spread over several accounts is
    split into one row per account with the grant figures only. Postings without a grant
    (no section) are left to the account's "Ikke fordelt på paragraf" row.
    """
    per: dict[str, dict[str, dict[str, Decimal]]] = {}
    for g in grant_rows:
        sums = per.setdefault(g.section, {}).setdefault(g.account or "", {k: D0 for k in CITIZEN_FIGURES})
        for k in CITIZEN_FIGURES:
            sums[k] += _num(getattr(g, k))
    out = []
    for r in section_rows:
        if r.section is None:
            continue
        accounts = per.get(r.section, {})
        if len(accounts) <= 1:
            account = next(iter(accounts), None) or default_account.get(r.section, "")
            out.append(replace(r, account=account) if is_dataclass(r) else _with_account(r, account))
            continue
        for account, sums in sorted(accounts.items()):
            out.append(SimpleNamespace(section=r.section, account=account, name=r.name, **sums,
                                       **{k: None for k in SUMMED if k not in sums}, average_price=None))
    return out


def _with_account(row, account: str):
    return SimpleNamespace(**{**vars(row), "account": account})


def _ratio(figures: dict) -> Decimal | None:
    fye = figures["full_year_equivalents"]
    return kr(Fraction(figures["expected_outturn"]) / Fraction(fye)) if fye else None


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


def build_citizens(by_grant, total, unmatched=None) -> ReportTable:
    """Sheet "Borgere": the forecast per citizen and grant (by name, as a printed list is looked
    up), postings without a grant, the total."""
    table = ReportTable("Borgere", citizen_columns())
    for r in sorted(by_grant, key=lambda r: (text_key(r.name or ""), r.cpr or "", r.account or "",
                                             r.section or "")):
        table.add([r.cpr or "", r.name or "", r.section or "", r.account or "", r.provider or "",
                   *(_num(getattr(r, k)) for k in CITIZEN_FIGURES)])
    if unmatched is not None and any(_num(getattr(unmatched, k)) for k in CITIZEN_FIGURES):
        table.add(["", unmatched.name, "", "", "",
                   *(_num(getattr(unmatched, k)) for k in CITIZEN_FIGURES)])
    table.add(["I alt", "", "", "", "", *(_num(getattr(total, k)) for k in CITIZEN_FIGURES)], TOTAL)
    return table


def top_deviations(overview: ReportTable, count: int = TOP_DEVIATIONS) -> ReportTable:
    """The largest deviations from budget, largest first (for the print).

    Candidates are the accounts (where budgets usually live), sections with a budget of
    their own, and the forecast's extra lines; the "not allocated" rows are not causes.
    """
    dev, budget, text = overview.index("deviation"), overview.index("budget"), overview.index("text")
    account = overview.index("account")
    # a section that is its account's whole budget has its account's deviation: named once (the account)
    subtotals = {str(r.values[account])[:-len(" i alt")]: (r.values[budget], r.values[dev])
                 for r in overview.rows if r.kind == SUBTOTAL}
    candidates = []
    for r in overview.rows:
        if not r.values[dev] or r.values[text] == UNALLOCATED:
            continue
        is_line = r.kind == DETAIL and not r.values[account]
        is_account = r.kind == SUBTOTAL
        is_section = (r.kind == DETAIL and r.values[budget]
                      and subtotals.get(r.values[account]) != (r.values[budget], r.values[dev]))
        if is_line or is_account or is_section:
            candidates.append(r)
    candidates.sort(key=lambda r: abs(r.values[dev]), reverse=True)
    keys = ("account", "section", "text", "budget", "expected_outturn", "deviation", "volume_effect", "price_effect")
    cols = tuple(overview.columns[overview.index(k)] for k in keys)
    table = ReportTable("Største afvigelser", tuple(Column(c.key, c.heading, c.kind, c.width, warn=c.warn)
                                                      for c in cols))
    table.notes.append(LEGEND)
    for r in candidates[:count]:
        table.add([r.values[overview.index(k)] for k in keys])
    return table


def expected_sheet(db, year: int, as_of: dt.date) -> ReportTable:
    """Sheet "Kommende borgere": each expected citizen's cost in the year; the total equals the
    forecast's "Kommende borgere" line (both sum per-person øre)."""
    table = ReportTable("Kommende borgere", (
        Column("ident", "CPR-nr./midl. nr.", "cpr", 16), Column("name", "Navn", "text", 24),
        Column("section", "Paragraf", "text", 10), Column("account", "Konto", "text", 12),
        Column("rate", "Takst", "amount"), Column("unit", "Enhed", "text", 8),
        Column("start", "Start", "date"), Column("end", "Slut", "date"), Column("source", "Kilde", "text", 16),
        Column("computed_to_date", "Beregnet til dato", "amount", total="sum"),
        Column("committed_rest", "Disponeret resten af året", "amount", total="sum"),
        Column("expected_outturn", "Forventet i året", "amount", total="sum"),
    ))
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    a = as_of.toordinal()
    sums = [0, 0]
    for e in list_expected(db):
        calc = e.calc(year)
        to_date, rest = calc.cost_ore(first, a), calc.cost_ore(a + 1, last)
        sums = [sums[0] + to_date, sums[1] + rest]
        table.add([e.ident, e.name, e.section, e.account, e.rate, e.unit, e.start, e.end,
                   SOURCES.get(e.source, e.source), ore_to_kr(to_date), ore_to_kr(rest), ore_to_kr(to_date + rest)])
    table.add(["I alt", "", "", "", None, "", None, None, "", ore_to_kr(sums[0]), ore_to_kr(sums[1]),
               ore_to_kr(sums[0] + sums[1])], TOTAL)
    return table


def refund_sheet(db, year: int, as_of: dt.date | None = None) -> ReportTable:
    """Sheet "Refusion": the high-cost refund candidates (serviceloven § 176) of the year, with
    their expenses as the forecast has them on ``as_of`` (so the total equals its refund line)."""
    thresholds, rows = refund_rows(db, year, as_of=as_of)
    table = ReportTable("Refusion", (
        Column("cpr", "CPR-nr.", "cpr"), Column("name", "Navn", "text", 26), Column("age", "Alder", "integer"),
        Column("expenses", "Udgifter i året", "amount", total="sum"),
        Column("refund", "Forventet refusion", "amount", total="sum"),
        Column("continued", "Fortsat efter 67 år", "mark", 10),
    ))
    for r in rows:
        table.add([r.cpr, r.name, r.age, r.expenses, r.refund, "x" if r.continued else ""])
    table.add(["I alt", "", None, sum((r.expenses for r in rows), D0), sum((r.refund for r in rows), D0), ""], TOTAL)
    if thresholds is None:
        table.notes.append(f"Der er ingen tærskelværdier for {year}; refusionen kan ikke beregnes.")
    else:
        table.notes.append("Refusion: 25 % af udgiften mellem {} og {} kr., 50 % op til {} kr. og 75 % derover "
                           "(tærskelværdier for {})."
                           .format(*(format_number(ore_to_kr(t), 0) for t in
                                     (thresholds.t1, thresholds.t2, thresholds.t3)), thresholds.year))
        note = thresholds_note(db, year)
        if note:
            table.notes.append(note)
    return table


def build_monthly(db, year: int, as_of: dt.date, *, include_expected: bool = True) -> Report:
    """The monthly overview of ``year`` as of ``as_of``.

    Raises:
        DispoError: a year without data, or an as-of date outside the year (from the forecast).
    """
    by_account = forecast(db, year, as_of, by="account", include_expected=include_expected)
    by_section = forecast(db, year, as_of, by="section", include_expected=include_expected)
    by_grant = forecast(db, year, as_of, by="grant", include_expected=include_expected)
    section_texts = {c: t for c, t in db.execute("SELECT code, text FROM sections")}
    default_account = {c: a for c, a in db.execute("SELECT code, account FROM sections")}
    account_texts = {c: t for c, t in db.execute("SELECT code, text FROM accounts")}
    sections = sections_on_accounts(by_section.rows, by_grant.rows, default_account)
    overview = build_overview(sections, by_account.rows, by_account.lines, section_texts, account_texts,
                              total=by_account.total, grand_total=by_account.grand_total)
    municipality = own_municipality(db) or "Egen kommune ikke angivet"
    overview.subtitle = (f"{municipality} · forventet regnskab {year} pr. {format_date(as_of)}"
                         + ("" if include_expected else " · uden kommende borgere"))
    overview.notes = [
        "Afvigelse = forventet regnskab − budget; mængdeeffekt + priseffekt = afvigelse på hver driftslinje og "
        f"på '{OPERATING_TOTAL}'. Kommende borgere og forventet refusion står for sig uden effekter; "
        f"'{GRAND_TOTAL}' er drift og de to linjer.",
        LEGEND,
        *by_account.warnings,
        *overview.notes,
    ]
    reconciled = reconcile(db, year, as_of)
    tables = [overview, build_citizens(by_grant.rows, by_grant.total, by_grant.unmatched),
              reconciliation_table(reconciled)]
    if include_expected:
        tables.append(expected_sheet(db, year, as_of))
    tables += [refund_sheet(db, year, as_of), occupancy_sheet(db, year)]
    if list_savings(db, year):  # the budget agreement's measures next to budget and forecast (issue #16)
        tables.append(savings_table(db, year))
    # the printed chart shows the grants' outturn: the separate lines are not computed twice
    months = monthly_outturn(db, year, as_of, include_expected=False, include_refund=False)
    chart = {"expected": [m.cumulative_expected for m in months],
             "budget": [m.cumulative_budget for m in months] if months and months[0].cumulative_budget is not None
             else None,
             "booked": [m.cumulative_booked for m in months[:as_of.month]]}
    # on paper the reconciliation shows the rows with remarks (the flags); the workbook has them all
    flagged = reconciliation_table([r for r in reconciled if r.flags], FLAGGED_TITLE)
    flagged.notes.append("Kun rækker med bemærkninger; arket 'Afstemning' i regnearket har alle rækker.")
    printed = [flagged if t is tables[2] else t for t in tables]
    return Report("Månedsoversigt", year, as_of, municipality, tables, status=approval_status(db, year, as_of),
                  chart=chart, highlights=top_deviations(overview), printed=printed)
