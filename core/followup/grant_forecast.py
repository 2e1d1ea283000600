"""The forecast per grant (DOMAIN.md, "Calculation rules"): each grant's computed to date,
committed rest and booked to date for a year as of a date, the budgets and the volume and
price effects, exact to the øre.

The lowest part of the forecast: ``core.followup.expected`` and ``core.followup.refund`` build on it, and
``core.followup.rollup`` and ``core.followup.forecast`` roll it up (``core.followup.forecast``'s docstring explains
the rules; it re-exports every name here).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import gcd

from core.register.costs import day_factor
from core.errors import DispoError
from core.money import month_end, round_half_away, to_ore
from core.store import settings
from core.store.storage import BackgroundRead, query

KEY_FIELDS = ("grant_id", "cpr", "name", "section", "account", "provider")
FIGURES = ("computed_to_date", "committed_rest", "expected_outturn", "booked_to_date", "backlog")
BUDGET_FIGURES = ("budget", "deviation", "full_year_equivalents", "average_price", "volume_effect", "price_effect")


@dataclass(slots=True)
class ForecastRow:
    """One row of the forecast; amounts are ``Decimal`` kroner with two decimals.

    Treat it as a value: nothing changes a row once made. It is not frozen because a frozen
    dataclass sets each field through ``object.__setattr__``, which made building the
    by-grant rows of a large municipality seven times slower.
    """

    grant_id: int | None
    cpr: str | None
    name: str | None
    section: str | None
    account: str | None
    provider: str | None
    computed_to_date: Decimal
    committed_rest: Decimal
    expected_outturn: Decimal
    booked_to_date: Decimal
    backlog: Decimal
    budget: Decimal | None = None
    deviation: Decimal | None = None
    full_year_equivalents: Decimal | None = None
    average_price: Decimal | None = None
    volume_effect: Decimal | None = None
    price_effect: Decimal | None = None
    budget_full_year_equivalents: Decimal | None = None

    def as_json(self) -> dict:
        """The CLI's form: key fields and figures, amounts as numbers with two decimals."""
        out = {}
        for name in (*KEY_FIELDS, *FIGURES, *BUDGET_FIGURES):
            value = getattr(self, name)
            out[name] = float(value) if isinstance(value, Decimal) else value
        return out


@dataclass(frozen=True)
class Forecast:
    year: int
    as_of: dt.date
    rows: list[ForecastRow]
    total: ForecastRow
    by: str = "grant"
    unmatched: ForecastRow | None = None
    lines: tuple[ForecastRow, ...] = ()
    grand_total: ForecastRow | None = None
    warnings: tuple[str, ...] = ()  # Danish: what the figures rest on that the user should know

    def as_json(self) -> dict:
        return {
            "year": self.year, "as_of": self.as_of.isoformat(), "by": self.by,
            "rows": [r.as_json() for r in self.rows], "total": self.total.as_json(),
            "unmatched": self.unmatched.as_json() if self.unmatched else None,
            "lines": [r.as_json() for r in self.lines],
            "grand_total": self.grand_total.as_json() if self.grand_total else None,
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------ per-grant figures in øre

@dataclass(slots=True)
class GrantFigures:
    """One grant's figures for the year in whole øre (signed: income negative)."""

    grant_id: int
    citizen_id: int
    cpr: str
    name: str
    section: str
    account: str
    provider_id: int
    provider: str
    income: bool
    unit: str
    first_active: int | None  # ordinals of the grant's active days within the year
    last_active: int | None
    to_date: int
    rest: int
    booked: int = 0

    @property
    def expected(self) -> int:
        return self.to_date + self.rest


@lru_cache(maxsize=8192)
def unit_factor(unit: str, quantity: Decimal | str | None, quantity_per: str | None, year: int) -> tuple[int, int]:
    """``core.register.costs.day_factor``, cached: ``quantity`` may be the stored text, so the cache also
    skips parsing it again."""
    return day_factor(unit, Decimal(quantity) if quantity is not None else None, quantity_per, year)


class CostCalc:
    """The cost rule for one grant within one year, in integer arithmetic (fast and exact).

    ``rates`` are (valid_from ordinal, Decimal rate) sorted by date; the first rate also
    applies before its date, as ``CostBasis.rate_on`` does. Each rate is held as an integer
    ratio (numerator, denominator), so a period's cost is one exact integer division,
    rounded once. Equal to ``to_ore(cost_between(...))`` for any period inside the year
    (tested).
    """

    __slots__ = ("unit", "factor", "start", "end", "ratios")

    def __init__(self, unit: str, quantity, quantity_per, start: int, end: int | None,
                 rates: list[tuple[int, Decimal]], year: int):
        self.unit = unit
        self.factor = unit_factor(unit, quantity, quantity_per, year)
        self.start, self.end = start, end
        self.ratios = [(valid_from, *rate_ratio(rate)) for valid_from, rate in rates]

    @classmethod
    def of_ratios(cls, unit: str, factor: tuple[int, int], start: int, end: int | None,
                  ratios: list[tuple[int, int, int]]) -> CostCalc:
        """A calculator from prepared parts: ``unit_factor`` and (valid_from, numerator, denominator)."""
        calc = cls.__new__(cls)
        calc.unit, calc.factor, calc.start, calc.end, calc.ratios = unit, factor, start, end, ratios
        return calc

    def ratio_on(self, day: int) -> tuple[int, int]:
        """The rate in force on ``day`` as (numerator, denominator)."""
        _, n, d = self.ratios[0]
        for valid_from, rn, rd in self.ratios:
            if valid_from > day:
                break
            n, d = rn, rd
        return n, d

    def cost_ore(self, lo: int, hi: int) -> int:
        """Cost in øre of the days ``lo..hi`` (ordinals, inclusive, inside one year)."""
        ratios = self.ratios
        if not ratios:
            return 0
        start, end = self.start, self.end
        if self.unit == "engang":
            if lo <= start <= hi and (end is None or start <= end):
                n, d = self.ratio_on(start)
                return round_half_away(n * 100, d)
            return 0
        first = start if start > lo else lo
        last = hi if end is None or end > hi else end
        if first > last:
            return 0
        fn, fd = self.factor
        if len(ratios) == 1:
            _, n, d = ratios[0]
            return round_half_away(n * (last - first + 1) * fn * 100, d * fd)
        num, _, den = rate_sums(ratios, first, last, last)
        return round_half_away(num * fn * 100, den * fd)


def rate_sums(ratios: list[tuple[int, int, int]], lo: int, a: int, hi: int) -> tuple[int, int, int]:
    """The sum of rate × days over ``lo..a`` and over ``a+1..hi`` (ordinals, inclusive; the
    rate periods as ``CostCalc.ratios``: the first also applies before its date), as
    (numerator before, numerator after, common denominator): exact, unrounded.

    One pass gives both halves of a year split at the as-of date."""
    before = after = 0
    den = 1
    count = len(ratios)
    for i in range(count):
        valid_from, n, d = ratios[i]
        p_lo = lo if i == 0 or valid_from < lo else valid_from
        p_hi = hi if i + 1 == count else min(hi, ratios[i + 1][0] - 1)
        if p_lo > p_hi:
            continue
        if den % d:  # den stays the lcm of the rates' denominators
            m = d // gcd(den, d)
            before *= m
            after *= m
            den *= m
        k = n * (den // d)
        days = (p_hi if p_hi < a else a) - p_lo + 1
        if days > 0:
            before += k * days
        days = p_hi - (p_lo if p_lo > a else a + 1) + 1
        if days > 0:
            after += k * days
    return before, after, den


_RATIOS: dict = {}


def rate_ratio(rate) -> tuple[int, int]:
    """A rate (Decimal, or its stored text) as an exact integer ratio, cached by value."""
    ratio = _RATIOS.get(rate)
    if ratio is None:
        if len(_RATIOS) > 100_000:
            _RATIOS.clear()
        ratio = _RATIOS[rate] = Decimal(rate).as_integer_ratio()
    return ratio


def own_municipality(db) -> str:
    """The own municipality (the setting ``municipality``), or '' when it is not set."""
    return settings.get(db, "municipality") or ""


def grants_paid_elsewhere(db) -> int:
    """How many grants at own providers name a paying municipality: without the own
    municipality set, Dispo cannot tell which of them are sold places."""
    return db.execute("SELECT COUNT(*) FROM grants g JOIN providers p ON p.id = g.provider_id "
                      "WHERE p.kind = 'egen' AND TRIM(COALESCE(g.paying_municipality, '')) != ''").fetchone()[0]


def municipality_warning(db) -> str | None:
    """A Danish warning when the own municipality is not set but grants at own providers name a
    paying municipality: they are then counted as expenses, though some may be sold places."""
    if own_municipality(db):
        return None
    count = grants_paid_elsewhere(db)
    if not count:
        return None
    return (f"Egen kommune er ikke angivet: {count} bevillinger på egne tilbud har en betalingskommune, og "
            "solgte pladser kan ikke skelnes fra egne; de regnes som udgift. Angiv kommunen under "
            "Indstillinger eller med 'settings set municipality NAVN'.")


def is_income(provider_kind: str, paying_municipality: str, own: str) -> bool:
    """A sold place: an own provider's grant paid by another municipality."""
    paying = " ".join((paying_municipality or "").split()).casefold()
    return provider_kind == "egen" and bool(own) and bool(paying) and paying != own.casefold()


_GRANTS_SQL = """
    SELECT g.id, g.citizen_id, c.cpr, c.name, g.section, g.account, g.provider_id, p.name AS provider,
           p.kind AS provider_kind, g.unit, g.quantity, g.quantity_per, g.paying_municipality,
           CAST(julianday(g.start) - 1721424.5 AS INTEGER) AS start_ordinal,
           CAST(julianday(g."end") - 1721424.5 AS INTEGER) AS end_ordinal
    FROM grants g JOIN citizens c ON c.id = g.citizen_id JOIN providers p ON p.id = g.provider_id
    WHERE g.start <= :last AND (g."end" IS NULL OR g."end" >= :first) {only}
    ORDER BY g.id
"""
_RATES_SQL = """
    SELECT r.grant_id, CAST(julianday(r.valid_from) - 1721424.5 AS INTEGER), r.rate
    FROM grant_rates r JOIN grants g ON g.id = r.grant_id
    WHERE g.start <= :last AND (g."end" IS NULL OR g."end" >= :first) {only}
    ORDER BY r.grant_id, r.valid_from
"""


def load_rows(db, first: str, last: str, citizen_ids: list[int] | None = None
              ) -> tuple[list[dict], dict[int, list[tuple[int, int, int]]]]:
    """Grants active on some day of ``first..last`` (ISO dates; optionally only some citizens')
    and their rate periods as (valid_from ordinal, rate numerator, rate denominator)."""
    cursor, rates = _grant_cursor(db, first, last, citizen_ids)
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, row)) for row in cursor], rates


def _grant_cursor(db, first: str, last: str, citizen_ids: list[int] | None):
    """A cursor over ``_GRANTS_SQL``'s rows, and the rate periods per grant (see ``load_rows``)."""
    bounds = {"first": first, "last": last}
    only = ""
    if citizen_ids is not None:
        only = f"AND g.citizen_id IN ({','.join(str(int(i)) for i in citizen_ids) or 'NULL'})"
    rates: dict[int, list[tuple[int, int, int]]] = {}
    known = _RATIOS
    previous = periods = None
    # dates come as ordinals (julianday - 1721424.5 = date.toordinal()), computed by SQLite;
    # the rows come by grant, so a grant's periods are appended while its id repeats
    for gid, valid_from, rate in db.execute(_RATES_SQL.format(only=only), bounds):
        n, d = known.get(rate) or rate_ratio(rate)
        if gid == previous:
            periods.append((valid_from, n, d))
        else:
            periods = rates[gid] = [(valid_from, n, d)]
            previous = gid
    return db.execute(_GRANTS_SQL.format(only=only), bounds), rates


def calc_of(r: dict, rates: dict, year: int) -> CostCalc:
    return CostCalc.of_ratios(r["unit"], unit_factor(r["unit"], r["quantity"], r["quantity_per"], year),
                              r["start_ordinal"], r["end_ordinal"], rates.get(r["id"], []))


def load_calcs(db, year: int, citizen_ids: list[int] | None = None) -> list[tuple[dict, CostCalc]]:
    """The grants active on some day of ``year`` (optionally only some citizens') with their
    cost calculators."""
    rows, rates = load_rows(db, f"{year:04d}-01-01", f"{year:04d}-12-31", citizen_ids)
    return [(r, calc_of(r, rates, year)) for r in rows]


def grant_figures(db, year: int, as_of: dt.date, *, with_booked: bool = True,
                  citizen_ids: list[int] | None = None) -> tuple[list[GrantFigures], dict[tuple[str | None, str], int]]:
    """Every grant active in ``year`` with its figures as of ``as_of`` in øre (booked included
    unless ``with_booked`` is false), and the booked øre per (cpr, account) that match no grant."""
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    a = min(max(as_of.toordinal(), first - 1), last)
    own = own_municipality(db)
    signs: dict[tuple[str, str], int] = {}
    out = []
    append = out.append
    # the postings are summed on the other core while this one computes the grants
    booked = booked_in_background(db, year, as_of) if with_booked else None
    cursor, rates = _grant_cursor(db, f"{year:04d}-01-01", f"{year:04d}-12-31", citizen_ids)
    # the rows as tuples (not dicts), in _GRANTS_SQL's column order: this loop runs once per grant
    for (gid, citizen_id, cpr, name, section, account, provider_id, provider, kind, unit, quantity,
         quantity_per, paying, start, end) in cursor:
        who = (kind, paying)
        sign = signs.get(who)
        if sign is None:
            sign = signs[who] = -1 if is_income(kind, paying, own) else 1
        factor = unit_factor(unit, quantity, quantity_per, year)
        ratios = rates.get(gid, [])
        lo = start if start > first else first
        hi = last if end is None or end > last else end
        active = unit != "engang" and lo <= hi
        if active and len(ratios) == 1:
            # the common case, as CostCalc.cost_ore does it: one rate over the days before and after a
            _, n, d = ratios[0]
            num, den = n * factor[0] * 100, d * factor[1]
            before = (a if a < hi else hi) - lo + 1
            after = hi - (a + 1 if a + 1 > lo else lo) + 1
            before = num * before if before > 0 else 0
            after = num * after if after > 0 else 0
        elif active and ratios:  # a rate change in the year: both halves in one pass
            before, after, den = rate_sums(ratios, lo, a, hi)
            num = factor[0] * 100
            before *= num
            after *= num
            den *= factor[1]
        else:
            before = None
        if before is not None:  # round_half_away of before/den and after/den, inlined (den > 0)
            to_date = (2 * before + den) // (2 * den) if before >= 0 else -((den - 2 * before) // (2 * den))
            rest = (2 * after + den) // (2 * den) if after >= 0 else -((den - 2 * after) // (2 * den))
        else:
            calc = CostCalc.of_ratios(unit, factor, start, end, ratios)
            to_date, rest = calc.cost_ore(first, a), calc.cost_ore(a + 1, last)
        append(GrantFigures(gid, citizen_id, cpr, name, section, account, provider_id, provider, sign < 0, unit,
                            lo if active else None, hi if active else None, sign * to_date, sign * rest))
    if booked is None:
        return out, {}
    return out, _assign_booked(out, booked.result())


INCOME_POSTING = "(substr(art, 1, 1) = '7' OR (art = '' AND amount_ore < 0))"
"""SQL: an income posting (art 7.x; without an art, a negative amount). Every other is an expense."""


def booked_in_background(db, year: int, as_of: dt.date) -> BackgroundRead:
    """Postings of ``year`` dated ≤ ``as_of``, summed per (cpr, account) as [expense, income] in
    øre (income: ``INCOME_POSTING``): read on a second connection while the caller goes on
    (``.result()`` gives the dict)."""
    lo = f"{year:04d}-01-01"
    hi = min(as_of, dt.date(year, 12, 31)).isoformat()
    # "+date": not the date index, so SQLite reads the covering index (cpr, account, date, amount)
    # in group order instead of sorting a million rows; all groups come back as one JSON row so
    # the whole aggregation is one step, done without the GIL
    sql = ("SELECT json_group_array(json_array(cpr, account, total, income)) FROM ("
           f" SELECT cpr, account, SUM(amount_ore) AS total, SUM(CASE WHEN {INCOME_POSTING} THEN amount_ore ELSE 0 END)"
           " AS income FROM postings WHERE +date BETWEEN ? AND ? GROUP BY cpr, account)")

    def read(conn) -> dict[tuple[str | None, str], list[int]]:
        groups = json.loads(conn.execute(sql, [lo, hi]).fetchone()[0])
        return {(cpr, account): [total - income, income] for cpr, account, total, income in groups}

    return BackgroundRead(db, read)


def _assign_booked(figures: list[GrantFigures], booked: dict) -> dict[tuple[str | None, str], int]:
    """Give each grant its booked amount; return what matches no grant, per (cpr, account).

    ``booked`` is [expense, income] per (cpr, account) (``booked_in_background``). A
    citizen's expense postings go to her expense grants on the account, her income postings
    to her sold places there (DOMAIN.md); several grants of one kind share the amount in
    proportion to their computed_to_date (``split_proportionally``, in the grants' order)."""
    get = booked.get
    firsts: dict[tuple[str, str, bool], GrantFigures] = {}
    shared: dict[tuple[str, str, bool], list[GrantFigures]] = {}
    for f in figures:  # once per grant: the common key has one grant and is settled here
        pair = get((f.cpr, f.account))
        if pair is None:
            continue
        key = (f.cpr, f.account, f.income)
        first = firsts.get(key)
        if first is None:
            f.booked = pair[1] if f.income else pair[0]
            firsts[key] = f
            continue
        group = shared.get(key)
        if group is None:
            shared[key] = [first, f]
        else:
            group.append(f)
    for group in shared.values():
        for f, share in zip(group, split_proportionally(group[0].booked, [abs(f.to_date) for f in group])):
            f.booked = share
    unmatched = {}
    for (cpr, account), (expense, income) in booked.items():
        has_expense, has_income = (cpr, account, False) in firsts, (cpr, account, True) in firsts
        if has_expense and has_income:
            continue
        left = (0 if has_expense else expense) + (0 if has_income else income)
        if left or not (has_expense or has_income):
            unmatched[(cpr, account)] = left
    return unmatched


def split_proportionally(amount: int, weights: list[int]) -> list[int]:
    """``amount`` split by ``weights`` into integers that add up exactly (largest remainder).

    With no weight at all, the first gets everything.
    """
    total = sum(weights)
    if len(weights) == 1 or total == 0:
        return [amount] + [0] * (len(weights) - 1)
    sign, amount = (-1 if amount < 0 else 1), abs(amount)
    shares, remainders = [], []
    for i, w in enumerate(weights):
        q, r = divmod(amount * w, total)
        shares.append(q)
        remainders.append((-r, i))
    for _, i in sorted(remainders)[: amount - sum(shares)]:
        shares[i] += 1
    return [sign * s for s in shares]


# ------------------------------------------------------------------ budgets

@dataclass
class _Budget:
    ore: int = 0
    fye: Fraction | None = Fraction(0)


def _budget_parts(db, year: int) -> dict[tuple[str, str | None], _Budget]:
    """The year's budget per (account, section or None): a whole-year row wins over the monthly
    rows of the same pair, which otherwise add up."""
    combos: dict[tuple[str, str | None], dict[str, list]] = defaultdict(lambda: {"year": [], "month": []})
    for r in query(db, "SELECT account, section, month, original_ore, corrected_ore, full_year_equivalents "
                       "FROM budgets WHERE year = ?", [year]):
        combos[(r["account"], r["section"])]["year" if r["month"] is None else "month"].append(r)
    out = {}
    for pair, parts in combos.items():
        rows = parts["year"] or parts["month"]
        ore = sum(r["corrected_ore"] if r["corrected_ore"] is not None else r["original_ore"] for r in rows)
        fye = None
        if parts["year"] and all(r["full_year_equivalents"] not in (None, "") for r in rows):
            fye = sum((Fraction(Decimal(r["full_year_equivalents"])) for r in rows), Fraction(0))
        out[pair] = _Budget(ore, fye)
    return out


def _add_budget(target: _Budget, part: _Budget) -> None:
    target.ore += part.ore
    target.fye = None if target.fye is None or part.fye is None else target.fye + part.fye


def budgets_by(db, year: int, figures: list[GrantFigures] | None = None
               ) -> tuple[dict[str, _Budget], dict[str, _Budget]]:
    """The year's budget per account and per section (only levels that have one; DOMAIN.md).

    The budget is set per account; section budgets break it down. An account with only
    section budgets has their sum; when both are set the account's own budget is its budget
    (``budget_mismatches`` lists those whose sections do not add up to it).

    With the year's grant ``figures``, an account budget with no section budgets on an
    account whose grants all have one section, a section with no grants on other accounts,
    is that section's budget: the account is the section (as the budget proposal shows it), so
    the section is compared with its budget instead of leaving the budget on a line of its
    own ("Ikke fordelt på paragraf") against an expected 0."""
    parts = _budget_parts(db, year)
    by_account: dict[str, _Budget] = {}
    by_section: dict[str, _Budget] = {}
    own = {account for account, section in parts if section is None}
    for (account, section), b in parts.items():
        if section is None or account not in own:
            _add_budget(by_account.setdefault(account, _Budget()), b)
        if section is not None:
            _add_budget(by_section.setdefault(section, _Budget()), b)
    if figures is not None:
        broken_down = {account for account, section in parts if section is not None}
        sections_on: dict[str, set[str]] = defaultdict(set)
        accounts_of: dict[str, set[str]] = defaultdict(set)
        for f in figures:
            sections_on[f.account].add(f.section)
            accounts_of[f.section].add(f.account)
        for account in sorted(own - broken_down):
            sections = sections_on.get(account, set())
            if len(sections) == 1:
                (section,) = sections
                if section not in by_section and accounts_of[section] == {account}:
                    _add_budget(by_section.setdefault(section, _Budget()), parts[(account, None)])
    return by_account, by_section


def budget_mismatches(db, year: int) -> list[tuple[str, int, int]]:
    """Accounts with a budget of their own and section budgets that add up to something else,
    as (account, account budget in øre, sum of its section budgets in øre)."""
    parts = _budget_parts(db, year)
    sections: dict[str, int] = {}
    for (account, section), b in parts.items():
        if section is not None:
            sections[account] = sections.get(account, 0) + b.ore
    return [(account, parts[(account, None)].ore, total) for account, total in sorted(sections.items())
            if (account, None) in parts and parts[(account, None)].ore != total]


def refund_budget(db, year: int) -> int | None:
    """The year's budgeted § 176 refund in øre (a positive amount of income), or None."""
    row = db.execute("SELECT amount_ore FROM refund_budgets WHERE year = ?", [year]).fetchone()
    return row[0] if row else None


def volume_price_effects(outturn: int, budget: int, fye_actual: Fraction,
                         fye_budget: Fraction | None) -> tuple[int, int]:
    """(volume effect, price effect) in øre; they add up exactly to outturn − budget."""
    deviation = outturn - budget
    if not fye_budget:
        return deviation, 0
    budget_price = Fraction(budget) / fye_budget
    volume = to_ore((fye_actual - fye_budget) * budget_price / 100)
    return volume, deviation - volume


def _union_days(intervals: list[tuple[int, int]]) -> int:
    days, end = 0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            days += b - a + 1
            end = b
        elif b > end:
            days += b - end
            end = b
    return days


# ------------------------------------------------------------------ the forecast

def default_as_of(db, year: int) -> dt.date:
    """The one default as-of date of every screen, report and CLI command: the last day of the
    newest month of ``year`` with a booking (the month she follows up and approves; a month is
    booked as a whole, so its last booking date is not the date it is reported on); without
    bookings in ``year``, today kept inside the year."""
    row = db.execute("SELECT MAX(date) FROM postings WHERE date BETWEEN ? AND ?",
                     [f"{year:04d}-01-01", f"{year:04d}-12-31"]).fetchone()
    if row and row[0]:
        newest = dt.date.fromisoformat(row[0][:10])
        return month_end(newest.year, newest.month)
    return min(max(dt.date.today(), dt.date(year, 1, 1)), dt.date(year, 12, 31))


def check_year(db, year: int, as_of: dt.date | None = None) -> None:
    """Refuse a year outside 1900–2200, an as-of date outside the year, and a year with no data."""
    if not 1900 <= year <= 2200:
        raise DispoError(f"Året {year} er ikke gyldigt")
    if as_of is not None and as_of.year != year:
        raise DispoError(f"Opgørelsesdatoen {as_of:%d-%m-%Y} ligger ikke i {year}")
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    has = db.execute(
        """SELECT EXISTS(SELECT 1 FROM grants WHERE start <= ? AND ("end" IS NULL OR "end" >= ?))
                  OR EXISTS(SELECT 1 FROM postings WHERE date BETWEEN ? AND ?)
                  OR EXISTS(SELECT 1 FROM budgets WHERE year = ?)""", [last, first, first, last, year]).fetchone()[0]
    if not has:
        raise DispoError(f"Der er ingen bevillinger, posteringer eller budgetter for {year}")


def checked_as_of(db, year: int, as_of: dt.date | None) -> dt.date:
    """``as_of``, or the year's default (``default_as_of``), once ``check_year`` allows them.

    Raises:
        DispoError: as ``check_year``.
    """
    if as_of is None:
        check_year(db, year)
        as_of = default_as_of(db, year)
    check_year(db, year, as_of)
    return as_of
