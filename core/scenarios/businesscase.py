"""The employment-support business case (personlig assistance, LKB) for one citizen.

A case is the jobcenter's monthly cost before and after, as lines (DOMAIN.md,
"Employment-support business case"):

- a **benefit** costs ``amount · (1 − refund share)``; the share is given as a percentage
  or follows the refund staircase by weeks on benefit;
- a **wage subsidy** (flexjob) costs ``amount · (1 − refund share) − flex contribution``;
- **personal assistance** costs ``hours/week · hourly rate · weeks per month · (1 − 50 %)``.

Each line's net is computed exactly and rounded to øre once (half away from zero); its
gross is the amount (or hours · rate · weeks) rounded the same way, and its refund is
``gross − net`` (for a wage subsidy ``gross − net − flex contribution``), so the three
figures of a line always add up. The totals are sums of the rounded line figures.

**The staircase.** ``weeks_on_benefit`` is the number of whole weeks the citizen has
already been on benefit when the month begins (0: the month is her first on benefit).
The month covers the benefit weeks from ``weeks_on_benefit`` to ``weeks_on_benefit +
weeks per month`` (4,33), and its refund share is the average of the steps over that
span, weighted by how much of the month falls in each step (80 % weeks 1–4, 40 % weeks
5–26, 30 % weeks 27–52, 20 % from week 53). So a month that begins after 2 weeks gets
2 weeks at 80 % and 2,33 weeks at 40 %: ``(2·80 + 2,33·40) / 4,33 = 58,48 %``; from 52
weeks on, it is 20 %.

**Rates** (the hourly rate, weeks per month, the refund shares) are yearly values
(satser). The case's year picks them; where that year has no value the newest earlier
year's is used, and the result says which year each rate comes from. A rate given in
the case itself (``rates``) replaces the yearly value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from core.errors import DispoError
from core.money import InvalidNumber, format_number, kr, parse_number, to_decimal

KINDS = ("benefit", "wage_subsidy", "pa")
KIND_TEXT = {"benefit": "Ydelse", "wage_subsidy": "Løntilskud (fleksjob)", "pa": "Personlig assistance"}
SIDES = ("before", "after")
SIDE_TEXT = {"before": "før", "after": "efter"}
TOTALS = [("before_net", "Netto før pr. måned"), ("after_net", "Netto efter pr. måned"),
          ("saving_month", "Besparelse pr. måned"), ("saving_year", "Besparelse pr. år"),
          ("block_grant_month", "Retur via bloktilskud pr. måned (efter 2 år)")]

# Case field -> the satser kind it is read from.
RATE_KINDS = {
    "pa_hourly": "pa_hourly_rate",
    "weeks_per_month": "weeks_per_month",
    "pa_refund_pct": "pa_refund_pct",
}
RATE_TEXT = {"pa_hourly": "Timesats for personlig assistance", "weeks_per_month": "Uger pr. måned",
             "pa_refund_pct": "Refusion af personlig assistance (%)"}
# The benefit refund staircase: (satser kind, first week, last week or None).
STAIRCASE = (
    ("benefit_refund_w1_4", 1, 4),
    ("benefit_refund_w5_26", 5, 26),
    ("benefit_refund_w27_52", 27, 52),
    ("benefit_refund_w53", 53, None),
)
LINE_FIELDS = {
    "benefit": {"kind", "text", "amount", "refund_pct", "weeks_on_benefit"},
    "wage_subsidy": {"kind", "text", "amount", "refund_pct", "flex_contribution"},
    "pa": {"kind", "text", "hours_per_week"},
}
MAX_HOURS_PER_WEEK = Decimal(168)


class CaseError(DispoError):
    """A business case (a file or a form) is malformed; the message names the line and field."""


@dataclass(frozen=True)
class Line:
    """One line of a business case; which fields matter depends on ``kind``.

    Args:
        kind: ``benefit``, ``wage_subsidy`` or ``pa``.
        amount: kroner per month (benefit, wage subsidy).
        refund_pct: the state refund in percent (wage subsidy; a benefit without staircase).
        weeks_on_benefit: whole weeks already on benefit when the month begins (staircase).
        flex_contribution: the special flex contribution in kroner per month (wage subsidy).
        hours_per_week: hours of personal assistance per week.
        text: the user's own label, e.g. "Uddannelseshjælp".
    """

    kind: str
    amount: Decimal | None = None
    refund_pct: Decimal | None = None
    weeks_on_benefit: Decimal | None = None
    flex_contribution: Decimal | None = None
    hours_per_week: Decimal | None = None
    text: str = ""

    def as_dict(self) -> dict:
        out = {"kind": self.kind}
        if self.text:
            out["text"] = self.text
        for name in sorted(LINE_FIELDS[self.kind] - {"kind", "text"}):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True)
class Case:
    """A business case: lines before and after, the year whose satser apply, rates given by hand."""

    before: tuple[Line, ...]
    after: tuple[Line, ...]
    year: int | None = None
    rates: dict = field(default_factory=dict)  # case field (RATE_KINDS) -> Decimal

    def as_dict(self) -> dict:
        out = {"before": [ln.as_dict() for ln in self.before], "after": [ln.as_dict() for ln in self.after]}
        if self.year is not None:
            out["year"] = self.year
        if self.rates:
            out["rates"] = dict(self.rates)
        return out


@dataclass(frozen=True)
class Rate:
    """A rate used by a case: its value and the satser year it comes from (None: given in the case)."""

    value: Decimal
    year: int | None = None

    def source(self) -> str:
        return "angivet i sagen" if self.year is None else f"sats for {self.year}"


@dataclass(frozen=True)
class Rates:
    pa_hourly: Rate
    weeks_per_month: Rate
    pa_refund_pct: Rate
    staircase: tuple[tuple[int, int | None, Rate], ...]  # (first week, last week or None, percent)

    def with_pa_hourly(self, value: Decimal) -> Rates:
        return replace(self, pa_hourly=Rate(Decimal(value)))


@dataclass(frozen=True)
class LineResult:
    """One line's figures (kroner per month, rounded to øre) and its formula as Danish text."""

    side: str
    number: int  # 1-based within its side
    line: Line
    gross: Decimal
    refund: Decimal
    net: Decimal
    refund_share: Fraction  # the share refunded, 0..1 (for the staircase: the month's average)
    formula: str

    def as_json(self) -> dict:
        return {"side": self.side, "line": self.number, "kind": self.line.kind, "text": self.line.text,
                "gross": self.gross, "refund": self.refund, "net": self.net,
                "flex_contribution": self.line.flex_contribution if self.line.kind == "wage_subsidy" else None,
                "refund_pct": _pct_decimal(self.refund_share), "formula": self.formula}


@dataclass(frozen=True)
class CaseResult:
    """The figures of a case: each line, the net before and after, the saving and the block grant."""

    lines: tuple[LineResult, ...]
    before_net: Decimal
    after_net: Decimal
    saving_month: Decimal
    saving_year: Decimal
    block_grant_month: Decimal
    rates: Rates
    year: int
    formulas: dict  # total name -> Danish formula text

    def side(self, side: str) -> list[LineResult]:
        return [r for r in self.lines if r.side == side]

    def as_json(self) -> dict:
        rates = {name: {"value": getattr(self.rates, name).value, "year": getattr(self.rates, name).year}
                 for name in RATE_KINDS}
        rates["benefit_staircase"] = [{"from_week": a, "to_week": b, "pct": r.value, "year": r.year}
                                      for a, b, r in self.rates.staircase]
        return {"year": self.year, "before_net": self.before_net, "after_net": self.after_net,
                "saving_month": self.saving_month, "saving_year": self.saving_year,
                "block_grant_month": self.block_grant_month, "lines": [r.as_json() for r in self.lines],
                "rates": rates, "formulas": dict(self.formulas)}


# ------------------------------------------------------------------ reading a case

def _where(side: str, number: int, kind: str | None) -> str:
    what = f" ({kind})" if kind else ""
    return f"Linje {number} i '{side}'{what}"


def _number(value, where: str, name: str, *, required: bool, low: Decimal | None = Decimal(0),
            high: Decimal | None = None) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise CaseError(f"{where}: feltet '{name}' mangler")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise CaseError(f"{where}: feltet '{name}' skal være et tal, ikke {value!r}")
    try:
        number = parse_number(value) if isinstance(value, str) else to_decimal(value)
    except InvalidNumber:
        raise CaseError(f"{where}: feltet '{name}' skal være et tal, ikke '{value}'") from None
    if not number.is_finite():
        raise CaseError(f"{where}: feltet '{name}' skal være et tal, ikke '{value}'")
    if low is not None and number < low:
        raise CaseError(f"{where}: feltet '{name}' kan ikke være mindre end {format_number(low, 0)} "
                        f"(er {format_number(number)})")
    if high is not None and number > high:
        raise CaseError(f"{where}: feltet '{name}' kan ikke være større end {format_number(high, 0)} "
                        f"(er {format_number(number)})")
    return number


def parse_line(data, side: str, number: int) -> Line:
    """One line of a case from its JSON form.

    Raises:
        CaseError: naming the line (side and number) and the field.
    """
    if not isinstance(data, dict):
        raise CaseError(f"{_where(side, number, None)}: en linje skal være et objekt med 'kind' og beløb")
    kind = data.get("kind")
    if kind not in KINDS:
        raise CaseError(f"{_where(side, number, None)}: feltet 'kind' skal være 'benefit', 'wage_subsidy' "
                        f"eller 'pa', ikke {kind!r}")
    where = _where(side, number, kind)
    unknown = sorted(set(data) - LINE_FIELDS[kind])
    if unknown:
        raise CaseError(f"{where}: feltet '{unknown[0]}' hører ikke til en {kind}-linje "
                        f"(kendte felter: {', '.join(sorted(LINE_FIELDS[kind] - {'kind'}))})")
    text = data.get("text") or ""
    if not isinstance(text, str):
        raise CaseError(f"{where}: feltet 'text' skal være tekst")
    pct = dict(low=Decimal(0), high=Decimal(100))
    if kind == "benefit":
        amount = _number(data.get("amount"), where, "amount", required=True)
        refund = _number(data.get("refund_pct"), where, "refund_pct", required=False, **pct)
        weeks = _number(data.get("weeks_on_benefit"), where, "weeks_on_benefit", required=False)
        if (refund is None) == (weeks is None):
            raise CaseError(f"{where}: angiv enten feltet 'refund_pct' eller feltet 'weeks_on_benefit' "
                            "(refusionstrappen), ikke begge eller ingen")
        return Line(kind, amount=amount, refund_pct=refund, weeks_on_benefit=weeks, text=text)
    if kind == "wage_subsidy":
        return Line(kind, amount=_number(data.get("amount"), where, "amount", required=True),
                    refund_pct=_number(data.get("refund_pct"), where, "refund_pct", required=True, **pct),
                    flex_contribution=_number(data.get("flex_contribution"), where, "flex_contribution",
                                              required=False) or Decimal(0),
                    text=text)
    return Line(kind, hours_per_week=_number(data.get("hours_per_week"), where, "hours_per_week", required=True,
                                             high=MAX_HOURS_PER_WEEK), text=text)


def parse_case(data) -> Case:
    """A business case from its JSON form (the CLI file, a saved case).

    Raises:
        CaseError: a Danish message naming the line and field that is wrong.
    """
    if not isinstance(data, dict):
        raise CaseError("Filen skal indeholde et objekt med 'before' og 'after'")
    unknown = sorted(set(data) - {"before", "after", "rates", "year", "name", "note", "variants"})
    if unknown:
        raise CaseError(f"Feltet '{unknown[0]}' kendes ikke "
                        "(kendte felter: after, before, name, note, rates, variants, year)")
    sides = {}
    for side in SIDES:
        lines = data.get(side)
        if lines is None:
            raise CaseError(f"Feltet '{side}' mangler (en liste af linjer)")
        if not isinstance(lines, list):
            raise CaseError(f"Feltet '{side}' skal være en liste af linjer")
        sides[side] = tuple(parse_line(item, side, i) for i, item in enumerate(lines, 1))
    year = data.get("year")
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise CaseError(f"Feltet 'year' skal være et årstal, ikke {year!r}")
    rates = data.get("rates") or {}
    if not isinstance(rates, dict):
        raise CaseError("Feltet 'rates' skal være et objekt, fx {\"pa_hourly\": 127.86, \"weeks_per_month\": 4.33}")
    parsed_rates = {}
    for name, value in rates.items():
        if name not in RATE_KINDS:
            raise CaseError(f"Satsen 'rates.{name}' kendes ikke (kendte: {', '.join(RATE_KINDS)})")
        high = Decimal(100) if name == "pa_refund_pct" else None
        number = _number(value, "Satserne", f"rates.{name}", required=False, high=high)
        if number is not None:
            parsed_rates[name] = number
    if parsed_rates.get("weeks_per_month") == 0:
        raise CaseError("Satserne: feltet 'rates.weeks_per_month' skal være større end 0")
    return Case(sides["before"], sides["after"], year, parsed_rates)


# ------------------------------------------------------------------ rates

def _sats_with_year(db, kind: str, year: int) -> Rate:
    row = None
    if db is not None:
        row = db.execute("SELECT value, year FROM satser WHERE kind = ? AND year <= ? ORDER BY year DESC LIMIT 1",
                         [kind, year]).fetchone()
    if row is None:
        raise CaseError(f"Der er ingen sats '{kind}' for {year} eller tidligere år; angiv den i kataloget "
                        "(Satser) eller i sagens 'rates'")
    return Rate(Decimal(row[0]), int(row[1]))


def case_rates(db, case: Case) -> Rates:
    """The rates a case uses: its own where it gives them, else the year's satser (newest earlier year).

    Raises:
        CaseError: a rate is neither in the case nor in the satser for the year or before.
    """
    year = case.year or dt.date.today().year
    values = {name: (Rate(case.rates[name]) if name in case.rates else _sats_with_year(db, kind, year))
              for name, kind in RATE_KINDS.items()}
    if values["weeks_per_month"].value <= 0:
        raise CaseError("Satsen for uger pr. måned skal være større end 0")
    needed = any(ln.kind == "benefit" and ln.weeks_on_benefit is not None for ln in case.before + case.after)
    return Rates(staircase=_staircase(db, year, needed), **values)


def _staircase(db, year: int, needed: bool) -> tuple:
    """The refund staircase of ``year``; when no line needs it, a missing step leaves it empty."""
    steps = []
    for kind, first, last in STAIRCASE:
        try:
            steps.append((first, last, _sats_with_year(db, kind, year)))
        except CaseError:
            if needed:
                raise
            return ()
    return tuple(steps)


# ------------------------------------------------------------------ computing

def _frac(value) -> Fraction:
    return Fraction(value)


def _pct(share: Fraction) -> str:
    """A share 0..1 as Danish percent text, ``58,48 %`` (whole numbers without decimals)."""
    value = share * 100
    return f"{format_number(value, 0 if value.denominator == 1 else 2)} %"


def _pct_decimal(share: Fraction) -> Decimal:
    return kr(share * 100)


def _n(value) -> str:
    """A number in a formula: Danish, without trailing zero decimals (``4,33``, ``7``, ``127,86``)."""
    d = Decimal(value) if not isinstance(value, Fraction) else Decimal(value.numerator) / Decimal(value.denominator)
    text = format_number(d, 2)
    return text[:-3] if text.endswith(",00") else text


def staircase_share(weeks_on_benefit, weeks_per_month, staircase) -> tuple[Fraction, list]:
    """The refund share of a month that begins after ``weeks_on_benefit`` whole weeks on benefit.

    Returns:
        (share 0..1, the parts: (weeks of the month in a step, the step's percent, its first week)
        for each step touched).
    """
    start = _frac(weeks_on_benefit)
    end = start + _frac(weeks_per_month)
    parts = []
    total = Fraction(0)
    for first, last, rate in staircase:
        lo = Fraction(first - 1)
        hi = end if last is None else Fraction(last)
        overlap = min(end, hi) - max(start, lo)
        if overlap > 0:
            parts.append((overlap, rate.value, first))
            total += overlap * _frac(rate.value)
    return total / 100 / _frac(weeks_per_month), parts


def line_figures(line: Line, rates: Rates, side: str = "after", number: int = 1) -> LineResult:
    """One line's gross, refund and net per month (see the module's docstring for the rules)."""
    if line.kind == "pa":
        gross_exact = _frac(line.hours_per_week) * _frac(rates.pa_hourly.value) * _frac(rates.weeks_per_month.value)
        share = _frac(rates.pa_refund_pct.value) / 100
        net = kr(gross_exact * (1 - share))
        gross = kr(gross_exact)
        formula = (f"{_n(line.hours_per_week)} t/uge × {_n(rates.pa_hourly.value)} kr. × "
                   f"{_n(rates.weeks_per_month.value)} uger × (1 − {_pct(share)}) = {format_number(net)}")
        return LineResult(side, number, line, gross, gross - net, net, share, formula)
    amount = _frac(line.amount)
    if line.kind == "benefit" and line.weeks_on_benefit is not None:
        share, parts = staircase_share(line.weeks_on_benefit, rates.weeks_per_month.value, rates.staircase)
        steps = " + ".join(f"{_n(w)} uger à {_n(p)} %" for w, p, _ in parts)
        how = (f" (refusionstrappen: måneden begynder efter {_n(line.weeks_on_benefit)} uger; "
               f"({steps}) / {_n(rates.weeks_per_month.value)} uger = {_pct(share)})")
    else:
        share, how = _frac(line.refund_pct) / 100, ""
    gross = kr(amount)
    if line.kind == "benefit":
        net = kr(amount * (1 - share))
        formula = f"{format_number(line.amount)} × (1 − {_pct(share)}) = {format_number(net)}{how}"
        return LineResult(side, number, line, gross, gross - net, net, share, formula)
    flex = line.flex_contribution or Decimal(0)
    net = kr(amount * (1 - share) - _frac(flex))
    formula = (f"{format_number(line.amount)} × (1 − {_pct(share)}) − {format_number(flex)} = "
               f"{format_number(net)}")
    return LineResult(side, number, line, gross, gross - net - flex, net, share, formula)


def compute(case: Case, rates: Rates) -> CaseResult:
    """The figures of a case with the given rates (pure: no database).

    saving per month = net before − net after; per year × 12; block grant per month = the
    personal assistance after that is not refunded (it returns through the block grant
    after two years).
    """
    lines = tuple(line_figures(line, rates, side, i)
                  for side in SIDES for i, line in enumerate(getattr(case, side), 1))
    before = sum((r.net for r in lines if r.side == "before"), Decimal("0.00"))
    after = sum((r.net for r in lines if r.side == "after"), Decimal("0.00"))
    pa_after = [r for r in lines if r.side == "after" and r.line.kind == "pa"]
    block = sum((r.net for r in pa_after), Decimal("0.00"))
    saving = before - after
    year = case.year or dt.date.today().year

    def _sum(rs):
        return " + ".join(format_number(r.net) for r in rs) or "0"

    formulas = {
        "before_net": f"{_sum(lines[:len(case.before)])} = {format_number(before)}",
        "after_net": f"{_sum(lines[len(case.before):])} = {format_number(after)}",
        "saving_month": f"{format_number(before)} − {format_number(after)} = {format_number(saving)}",
        "saving_year": f"{format_number(saving)} × 12 = {format_number(saving * 12)}",
        "block_grant_month": (f"personlig assistance efter, ikke refunderet: {_sum(pa_after)} = "
                              f"{format_number(block)}"),
    }
    return CaseResult(lines, before, after, saving, saving * 12, block, rates, year, formulas)


def evaluate(db, case: Case) -> CaseResult:
    """The figures of a case, with its year's satser from ``db`` where the case gives no rate."""
    return compute(case, case_rates(db, case))


# ------------------------------------------------------------------ variants

@dataclass(frozen=True)
class Variant:
    """A variant of a case: other hours of personal assistance and/or another hourly rate.

    ``hours_per_week`` replaces the hours of every personal-assistance line after;
    ``pa_hourly`` replaces the hourly rate. None keeps the case's own.
    """

    name: str
    hours_per_week: Decimal | None = None
    pa_hourly: Decimal | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "hours_per_week": self.hours_per_week, "pa_hourly": self.pa_hourly}


def variant_name(hours_per_week, pa_hourly) -> str:
    parts = []
    if hours_per_week is not None:
        parts.append(f"{_n(hours_per_week)} t/uge")
    if pa_hourly is not None:
        parts.append(f"{_n(pa_hourly)} kr./t")
    return " · ".join(parts) or "Grundscenarie"


def standard_variants(hours=(Decimal(7), Decimal(14)),
                      hourly=(Decimal("127.86"), Decimal(165), Decimal(180))) -> list[Variant]:
    """Every combination of ``hours`` and ``hourly`` (7 and 14 hours; 127,86, 165 and 180 kr.)."""
    return [Variant(variant_name(h, r), Decimal(h), Decimal(r)) for h in hours for r in hourly]


def parse_variant(data, number: int) -> Variant:
    where = f"Variant {number}"
    if not isinstance(data, dict):
        raise CaseError(f"{where}: en variant skal være et objekt med 'hours_per_week' og/eller 'pa_hourly'")
    unknown = sorted(set(data) - {"name", "hours_per_week", "pa_hourly"})
    if unknown:
        raise CaseError(f"{where}: feltet '{unknown[0]}' kendes ikke (kendte: hours_per_week, name, pa_hourly)")
    hours = _number(data.get("hours_per_week"), where, "hours_per_week", required=False, high=MAX_HOURS_PER_WEEK)
    hourly = _number(data.get("pa_hourly"), where, "pa_hourly", required=False)
    name = data.get("name") or variant_name(hours, hourly)
    if not isinstance(name, str):
        raise CaseError(f"{where}: feltet 'name' skal være tekst")
    return Variant(name.strip(), hours, hourly)


def apply_variant(case: Case, variant: Variant) -> Case:
    """The case with the variant's hours on every personal-assistance line after and its hourly rate."""
    after = case.after
    if variant.hours_per_week is not None:
        after = tuple(replace(ln, hours_per_week=variant.hours_per_week) if ln.kind == "pa" else ln for ln in after)
    rates = dict(case.rates)
    if variant.pa_hourly is not None:
        rates["pa_hourly"] = variant.pa_hourly
    return replace(case, after=after, rates=rates)


def compare_variants(db, case: Case, variants: list[Variant]) -> list[tuple[Variant, CaseResult]]:
    """Each variant's figures, side by side (the order of ``variants``)."""
    return [(v, evaluate(db, apply_variant(case, v))) for v in variants]


def parse_variants(data) -> list[Variant]:
    """The ``variants`` of a case file (a list of {name, hours_per_week, pa_hourly}); none when absent.

    Raises:
        CaseError: naming the variant and field that is wrong.
    """
    items = data.get("variants") if isinstance(data, dict) else None
    if items is None:
        return []
    if not isinstance(items, list):
        raise CaseError("Feltet 'variants' skal være en liste af varianter")
    return [parse_variant(item, i) for i, item in enumerate(items, 1)]
