"""Next year's budget proposal from the register (DOMAIN.md, "Rates and next year").

For budget year Y, per account and section:

- ``proposal``: every grant running in Y (ended ones drop out by their end date) at Y's
  rates, with the cost rule over the whole of Y; a grant with no rate period in Y gets its
  provider's catalogue rate for Y when it follows the provider and the provider has one,
  else its rate projected with Y's price and wage index
  (``core.budget_year.rates.projected_periods``).
  Expected citizens, the young people turning 18 among them, are added on their section;
  grants already registered with a later start or end (known changes) count as they are.
  Sold places are income (negative), as in the forecast. Each grant's and expected
  citizen's cost is rounded to øre once; a line is the sum of those øre, and the total is
  the sum of the lines, so the lines add up exactly.
- ``current_budget``: this year's (Y−1) budget; a budget set on an account only is shown on
  its section when the account has one section, otherwise on a line "Ikke fordelt på
  paragraf" of the account.
- ``expected_outturn``: this year's (Y−1) expected outturn of the grants, exactly the
  forecast's figure per account and section (``current_outturn``).
- ``full_year_equivalents`` and ``average_price`` of Y as the forecast defines them.

Beside each line, the savings measures planned for Y on its account and section (not
dropped) are shown for comparison; they do not change the proposal.

What-ifs: a line can get more or fewer full-year equivalents (``fye_change``) and/or
another ``average_price``; then proposal = (FYE + change) × price, rounded to øre once.
The what-ifs of a year are saved as named versions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from core.followup.expected import list_expected
from core.register.grants import ACCOUNT_PATTERN, normalize_section
from core.reports import Column, Report, ReportTable, TOTAL
from core.reports.xlsx_writer import write_report
from core.store import audit
from core.budget_year.rates import _periods, known_rates, price_index, projected_periods, projected_rate
from core.register.costs import days_in_year
from core.errors import DispoError, NotFoundError, ValidationError
from core.followup.forecast import (CostCalc, _union_days, budgets_by, default_as_of, grant_figures, is_income,
                                    load_rows, own_municipality)
from core.followup.rollup import UNALLOCATED
from core.money import InvalidNumber, format_kr, ore_to_kr, to_decimal, to_ore
from core.store.storage import current_user, query


@dataclass
class WhatIf:
    """An adjustment of one line: more or fewer full-year equivalents, another average price."""

    fye_change: Decimal | None = None
    average_price: Decimal | None = None
    note: str = ""

    @property
    def empty(self) -> bool:
        return self.fye_change is None and self.average_price is None


@dataclass
class ProposalLine:
    account: str
    section: str | None
    text: str
    current_budget_ore: int | None
    expected_outturn_ore: int
    base_ore: int  # the register's figure before what-ifs
    base_fye: Fraction
    whatif: WhatIf = field(default_factory=WhatIf)
    projected: int = 0  # grants whose rate was projected with the price index
    savings_ore: int = 0  # savings measures planned for the year on the line (not dropped), for comparison

    @property
    def fye(self) -> Fraction:
        return self.base_fye + Fraction(self.whatif.fye_change or 0)

    @property
    def base_price(self) -> Fraction | None:
        """The register's average price per full-year equivalent, in øre."""
        return Fraction(self.base_ore) / self.base_fye if self.base_fye else None

    @property
    def proposal_ore(self) -> int:
        if self.whatif.empty:
            return self.base_ore
        price = (Fraction(self.whatif.average_price) * 100 if self.whatif.average_price is not None
                 else self.base_price)
        if price is None:  # no volume and no price: a change of volume has nothing to multiply
            return self.base_ore
        fye = self.fye if self.fye > 0 else Fraction(0)
        return to_ore(fye * price / 100)

    @property
    def average_price(self) -> Decimal | None:
        fye = self.fye
        return ore_to_kr(to_ore(Fraction(self.proposal_ore, 100) / fye)) if fye > 0 else None

    def as_json(self) -> dict:
        return {"account": self.account, "section": self.section, "text": self.text,
                "current_budget": _kr(self.current_budget_ore), "expected_outturn": _kr(self.expected_outturn_ore),
                "register": _kr(self.base_ore), "proposal": _kr(self.proposal_ore),
                "full_year_equivalents": float(ore_to_kr(to_ore(self.fye))),
                "average_price": float(self.average_price) if self.average_price is not None else None,
                "fye_change": float(self.whatif.fye_change) if self.whatif.fye_change is not None else None,
                "whatif_average_price": float(self.whatif.average_price)
                if self.whatif.average_price is not None else None,
                "projected_grants": self.projected, "savings_planned": _kr(self.savings_ore)}


def _kr(ore: int | None) -> float | None:
    return None if ore is None else float(ore_to_kr(ore))


@dataclass
class Proposal:
    year: int
    version: str | None
    lines: list[ProposalLine]
    index: tuple[Decimal, int] | None  # price and wage index used (percent, from year)
    other_savings_ore: int = 0  # planned savings on no line of the proposal (e.g. a general efficiency demand)

    def total_ore(self, name: str) -> int | None:
        values = [getattr(line, name) for line in self.lines]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    @property
    def total_fye(self) -> Fraction:
        return sum((line.fye for line in self.lines), Fraction(0))

    def as_json(self) -> dict:
        total = {"current_budget": _kr(self.total_ore("current_budget_ore")),
                 "expected_outturn": _kr(self.total_ore("expected_outturn_ore")),
                 "register": _kr(self.total_ore("base_ore")), "proposal": _kr(self.total_ore("proposal_ore")),
                 "full_year_equivalents": float(ore_to_kr(to_ore(self.total_fye))),
                 "savings_planned": _kr(sum(line.savings_ore for line in self.lines) + self.other_savings_ore)}
        return {"year": self.year, "version": self.version, "rows": [line.as_json() for line in self.lines],
                "total": total, "other_savings_planned": _kr(self.other_savings_ore),
                "price_index": {"percent": float(self.index[0]), "from_year": self.index[1]} if self.index else None}


class _Acc:
    __slots__ = ("ore", "intervals", "projected")

    def __init__(self):
        self.ore = 0
        self.intervals: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.projected = 0


def year_sums(db, year: int, *, project: bool) -> dict[tuple[str, str | None], _Acc]:
    """Per (account, section): the cost of ``year`` in øre of the grants and expected citizens,
    their active days per citizen, and how many rates were projected."""
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    found = price_index(db, year) if project else None
    index = found[0] if found else None
    known = known_rates(db, year) if project else (lambda *_: None)
    own = own_municipality(db)
    rows, _ = load_rows(db, f"{year:04d}-01-01", f"{year:04d}-12-31")
    periods = _periods(db, [r["id"] for r in rows])
    out: dict[tuple[str, str | None], _Acc] = defaultdict(_Acc)
    for r in rows:
        grant_periods, projected = projected_periods(periods.get(r["id"], []), year, index,
                                                     known(r["id"], r["provider_id"], r["unit"], r["section"]))
        calc = CostCalc(r["unit"], r["quantity"], r["quantity_per"], r["start_ordinal"], r["end_ordinal"],
                        [(d.toordinal(), rate) for d, rate in grant_periods], year)
        income = is_income(r["provider_kind"], r["paying_municipality"], own)
        acc = out[(r["account"], r["section"])]
        acc.ore += (-1 if income else 1) * calc.cost_ore(first, last)
        acc.projected += projected
        lo, hi = max(r["start_ordinal"], first), min(r["end_ordinal"] or last, last)
        if r["unit"] != "engang" and not income and lo <= hi:
            acc.intervals[r["cpr"]].append((lo, hi))
    for e in list_expected(db):
        start, end = e.start.toordinal(), e.end.toordinal() if e.end else None
        rate = e.rate
        if project and index is not None and e.start.year < year:
            rate = projected_rate(rate, index)
        calc = CostCalc(e.unit, e.quantity, e.quantity_per, start, end, [(start, rate)], year)
        cost = calc.cost_ore(first, last)
        lo, hi = max(start, first), min(end or last, last)
        if lo > hi:
            continue
        acc = out[(e.account, e.section)]
        acc.ore += cost
        if e.unit != "engang":
            acc.intervals[e.ident].append((lo, hi))
    return out


def current_outturn(db, year: int) -> dict[tuple[str, str], int]:
    """This year's expected outturn per (account, section) in øre: the forecast's own per-grant
    figures as of its default date, so each figure is the one the follow-up shows (expected
    citizens and the refund are the follow-up's separate lines, not in these)."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for f in grant_figures(db, year, default_as_of(db, year), with_booked=False)[0]:
        out[(f.account, f.section)] += f.expected
    return dict(out)


def _fye(acc: _Acc, year: int) -> Fraction:
    return Fraction(sum(_union_days(iv) for iv in acc.intervals.values()), days_in_year(year))


def budget_proposal(db, year: int, version: str | None = None) -> Proposal:
    """The budget proposal for ``year`` (with the what-ifs of ``version``, if given).

    Raises:
        DispoError: a year outside 1900–2200, or an unknown version.
    """
    if not 1901 <= year <= 2200:
        raise DispoError(f"Året {year} er ikke gyldigt")
    whatifs = version_lines(db, year, version) if version else {}
    nxt = year_sums(db, year, project=True)
    cur = current_outturn(db, year - 1)
    by_account, by_section = budgets_by(db, year - 1)
    section_budget_rows = {(r["account"], r["section"]) for r in query(
        db, "SELECT DISTINCT account, section FROM budgets WHERE year = ? AND section IS NOT NULL", [year - 1])}
    texts = dict(db.execute("SELECT code, text FROM sections").fetchall())
    keys = set(nxt) | {k for k, v in cur.items() if v} | {(a, s) for a, s in section_budget_rows} | set(whatifs)
    sections_of: dict[str, list[str | None]] = defaultdict(list)
    for account, section in keys:
        if section is not None:
            sections_of[account].append(section)
    for account in by_account:
        sections_of.setdefault(account, [])
    planned = planned_savings(db, year)
    lines: list[ProposalLine] = []
    for account in sorted(sections_of):
        secs = sorted(set(sections_of[account]), key=_section_order)
        budget_total = by_account.get(account)
        budgets: dict[str | None, int | None] = {}
        for s in secs:
            budgets[s] = by_section[s].ore if (account, s) in section_budget_rows and s in by_section else None
        if budget_total is not None:
            rest = budget_total.ore - sum(v for v in budgets.values() if v is not None)
            open_secs = [s for s in secs if budgets[s] is None]
            if rest and len(secs) == 1 and open_secs:
                budgets[secs[0]] = rest
                rest = 0
            if rest or (account, None) in keys:
                secs.append(None)
                budgets[None] = rest
        for s in secs:
            n, c = nxt.get((account, s)), cur.get((account, s))
            lines.append(ProposalLine(
                account, s, texts.get(s, "") if s else UNALLOCATED, budgets.get(s),
                c or 0, n.ore if n else 0, _fye(n, year) if n else Fraction(0),
                whatifs.get((account, s), WhatIf()), n.projected if n else 0, planned.pop((account, s or ""), 0)))
    return Proposal(year, version, lines, price_index(db, year), sum(planned.values()))


def planned_savings(db, year: int) -> dict[tuple[str, str], int]:
    """Savings planned for ``year`` (measures not dropped) per (account, section), in øre."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for account, section, ore in db.execute(
            "SELECT s.account, s.section, a.planned_ore FROM savings s JOIN savings_amounts a ON a.saving_id = s.id "
            "WHERE a.year = ? AND s.status != 'dropped'", [year]):
        out[(account, section)] += ore
    return dict(out)


def _section_order(code: str | None):
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    return (code is None, int(digits or 0), code or "")


# ------------------------------------------------------------------ versions of what-ifs

def _version_id(db, year: int, name: str) -> int | None:
    row = db.execute("SELECT id FROM budget_versions WHERE year = ? AND name = ?", [year, name]).fetchone()
    return row[0] if row else None


def list_versions(db, year: int | None = None) -> list[dict]:
    sql = "SELECT * FROM budget_versions" + (" WHERE year = ?" if year is not None else "") + " ORDER BY year, name"
    return query(db, sql, [year] if year is not None else [])


def version_lines(db, year: int, name: str) -> dict[tuple[str, str | None], WhatIf]:
    """The what-ifs of a saved version, per (account, section).

    Raises:
        NotFoundError: no version of that name for the year.
    """
    vid = _version_id(db, year, name)
    if vid is None:
        raise NotFoundError(f"Budgetforslaget har ingen version '{name}' for {year}")
    return {(r["account"], r["section"] or None): WhatIf(
        Decimal(r["fye_change"]) if r["fye_change"] is not None else None,
        Decimal(r["average_price"]) if r["average_price"] is not None else None, r["note"])
        for r in query(db, "SELECT * FROM budget_version_lines WHERE version_id = ?", [vid])}


def _number(value, label: str, problems: dict, key: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = to_decimal(value)
        if not number.is_finite():
            raise InvalidNumber(str(value))
        return number
    except (InvalidNumber, ArithmeticError):
        problems[key] = f"{label}: '{value}' er ikke et tal"
        return None


def set_whatif(db, year: int, version: str, account: str, section: str | None = None, *, fye_change=None,
               average_price=None, note: str = "") -> int:
    """Save a what-if on one line in the named version of ``year`` (created when new).

    Both values empty removes the line's what-if. Returns the version's id.

    Raises:
        ValidationError: an empty name, a bad number, a negative price (nothing saved).
    """
    problems: dict[str, str] = {}
    name = " ".join(str(version or "").split())
    if not name:
        problems["version"] = "Versionen skal have et navn"
    change = _number(fye_change, "Ændring i helårspersoner", problems, "fye_change")
    price = _number(average_price, "Gennemsnitspris", problems, "average_price")
    if price is not None and price < 0:
        problems["average_price"] = "Gennemsnitsprisen kan ikke være negativ"
    code = normalize_section(section) if section else None
    if section and (not code or not db.execute("SELECT 1 FROM sections WHERE code = ?", [code]).fetchone()):
        problems["section"] = f"Paragraffen '{section}' findes ikke"
    account = str(account or "").strip()
    if not ACCOUNT_PATTERN.match(account):
        problems["account"] = f"Konto skal skrives som 5.38.50, ikke '{account}'"
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        vid = _version_id(db, year, name)
        if vid is None:
            vid = db["budget_versions"].insert({"year": year, "name": name, "created_at": audit.now(),
                                                "user": current_user()}).last_pk
            audit.record(db, "budget_versions", vid, "insert", None, {"year": year, "name": name})
        old = query(db, "SELECT * FROM budget_version_lines WHERE version_id = ? AND account = ? AND section = ?",
                    [vid, account, code or ""])
        db.execute("DELETE FROM budget_version_lines WHERE version_id = ? AND account = ? AND section = ?",
                   [vid, account, code or ""])
        row = None
        if change is not None or price is not None:
            row = {"version_id": vid, "account": account, "section": code or "",
                   "fye_change": str(change) if change is not None else None,
                   "average_price": str(price) if price is not None else None, "note": note}
            db["budget_version_lines"].insert(row)
        audit.record(db, "budget_version_lines", vid, "update", old[0] if old else None, row)
    return vid


def save_version(db, year: int, name: str, whatifs: dict[tuple[str, str | None], WhatIf]) -> int:
    """Save ``whatifs`` as the version ``name`` of ``year``, replacing what it held."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"version": "Versionen skal have et navn"})
    with db.atomic():
        vid = _version_id(db, year, name)
        if vid is not None:
            db.execute("DELETE FROM budget_version_lines WHERE version_id = ?", [vid])
        for (account, section), w in whatifs.items():
            set_whatif(db, year, name, account, section, fye_change=w.fye_change, average_price=w.average_price,
                       note=w.note)
        vid = _version_id(db, year, name)
        if vid is None:  # no what-ifs: an empty version (the register's figures)
            vid = db["budget_versions"].insert({"year": year, "name": name, "created_at": audit.now(),
                                                "user": current_user()}).last_pk
            audit.record(db, "budget_versions", vid, "insert", None, {"year": year, "name": name})
    return vid


def delete_version(db, year: int, name: str) -> None:
    vid = _version_id(db, year, name)
    if vid is None:
        raise NotFoundError(f"Budgetforslaget har ingen version '{name}' for {year}")
    with db.atomic():
        db.execute("DELETE FROM budget_versions WHERE id = ?", [vid])
        audit.record(db, "budget_versions", vid, "delete", {"year": year, "name": name}, None)


# ------------------------------------------------------------------ the workbook

def proposal_table(p: Proposal):
    """The proposal as a report sheet in the reports' style (subtotals are formulas)."""
    cols = (Column("account", "Konto", "text", 12), Column("section", "Paragraf", "text", 10),
            Column("text", "Tekst", "text", 32),
            Column("current_budget", f"Budget {p.year - 1}", "amount", total="sum"),
            Column("expected_outturn", f"Forventet regnskab {p.year - 1}", "amount", total="sum"),
            Column("register", f"Beregnet {p.year}", "amount", total="sum"),
            Column("proposal", f"Budgetforslag {p.year}", "amount", total="sum"),
            Column("full_year_equivalents", "Helårspersoner", "number", total="sum"),
            Column("average_price", "Gns. pris pr. helårsperson", "amount", 18, total="ratio",
                   ratio=("proposal", "full_year_equivalents", None)),
            Column("savings", f"Planlagte besparelser {p.year}", "amount", total="sum"))
    title = f"Budgetforslag {p.year}" + (f" ({p.version})" if p.version else "")
    table = ReportTable(title[:31], cols)
    for line in p.lines:
        table.add([line.account, line.section or "", line.text,
                   ore_to_kr(line.current_budget_ore) if line.current_budget_ore is not None else None,
                   ore_to_kr(line.expected_outturn_ore), ore_to_kr(line.base_ore), ore_to_kr(line.proposal_ore),
                   ore_to_kr(to_ore(line.fye)), line.average_price,
                   ore_to_kr(line.savings_ore) if line.savings_ore else None])
    fye_total = sum((ore_to_kr(to_ore(line.fye)) for line in p.lines), Decimal(0))
    proposal_total = p.total_ore("proposal_ore") or 0
    table.add(["I alt", "", "", ore_to_kr(p.total_ore("current_budget_ore") or 0),
               ore_to_kr(p.total_ore("expected_outturn_ore") or 0), ore_to_kr(p.total_ore("base_ore") or 0),
               ore_to_kr(proposal_total), fye_total,
               ore_to_kr(to_ore(Fraction(proposal_total, 100) / Fraction(fye_total))) if fye_total else None,
               ore_to_kr(sum(line.savings_ore for line in p.lines))], TOTAL)
    if p.other_savings_ore:
        table.notes.append(f"Planlagte besparelser uden konto og paragraf: {format_kr(p.other_savings_ore)} kr. "
                           "(se arket Besparelser).")
    if p.index:
        table.notes.append(f"Takster uden kendt værdi for {p.year} er fremskrevet med pris- og lønfremskrivningen "
                           f"{p.index[0]} %" + (f" (værdien fra {p.index[1]})" if p.index[1] != p.year else "") + ".")
    else:
        table.notes.append(f"Der er ingen pris- og lønfremskrivning for {p.year}: takster uden kendt værdi for "
                           f"{p.year} er regnet med den seneste kendte takst.")
    table.notes.append(f"Kommende borgere (herunder unge, der fylder 18) indgår i forslaget på deres paragraf. "
                       f"Forventet regnskab {p.year - 1} er bevillingerne som i dispositionsregnskabet (uden "
                       "kommende borgere og refusion). Refusion for særligt dyre enkeltsager indgår ikke.")
    return table


def write_proposal(db, p: Proposal, path, *, extra_tables=()) -> None:
    """The proposal as a workbook for økonomifunktionen (and any extra sheets, e.g. savings)."""
    report = Report(f"Budgetforslag{' ' + p.version if p.version else ''}", p.year, dt.date.today(),
                    own_municipality(db), [proposal_table(p), *extra_tables])
    write_report(report, path)
