"""Values far outside what a field and the rest of the file hold: warnings, never silence.

A wrongly chosen column parses without an error more often than one would think: a five-digit
number in a date column is an Excel day number (90000 -> 2146), a CPR or account number in an
amount column is an amount of billions. Such a value is flagged on its row when it lies both
outside what the field plausibly holds (``CHECKS``) and far from the column's other values in
the same file: a file whose every end date is 31-12-2099 ("no end") is left alone, a single
2146 among dates of the 2020s is not, nor are dates scattered over 1927-2146 (a column of case
numbers read as dates). The warnings appear in the preview (a yellow row; the wizard saves only
when she ticks that she has looked at them), in the CLI result and in ``--json`` (``unlikely``); the
CLI saves such a file only with ``--accept-unlikely``, or without those rows with ``--skip-unlikely``
(``core.importing.batches.confirm_unlikely``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from core.importing.fields import Kind
from core.importing.parsers import text
from core.importing.records import CHANGED, NEW, REJECTED, Record, value_of
from core.money import format_date, format_number

#: the file's other values: its central 90 %, widened by this much, is "what the file holds"
DATE_MARGIN_YEARS = 5
AMOUNT_FACTOR = 100
#: a column needs this many other values before its own range says anything
MIN_VALUES = 5
#: every warning of this module says so (the wizard asks her to confirm she has looked at them)
UNLIKELY = "er usandsynlig"


@dataclass(frozen=True)
class Finding:
    """A value ``check`` warned about: its record, the field, the cell as written and the warning."""

    record: Record
    field: str
    cell: str
    reason: str


@dataclass(frozen=True)
class Check:
    field: str            # the field whose label names the value
    kind: str             # date | amount | number
    low: float = 0.0      # amounts and numbers: |value| above ``high`` is beyond the field
    high: float = 0.0
    ore: bool = False     # the record holds øre


def _date_bounds() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    return dt.date(1950, 1, 1), dt.date(today.year + 30, 12, 31)


CHECKS = {
    # grants, occupancy, postings: dates of grants, moves and bookings
    "start": Check("start", "date"), "end": Check("end", "date"), "granted_on": Check("granted_on", "date"),
    "followup_date": Check("followup_date", "date"), "move_in": Check("move_in", "date"),
    "move_out": Check("move_out", "date"), "date": Check("date", "date"),
    # a rate per unit (time, døgn, måned) over a million kroner, a booking over 100 million, a budget
    # line over two billion: no municipality's adult social area has them
    "rate": Check("rate", "amount", high=1_000_000),
    "amount_ore": Check("amount", "amount", high=100_000_000, ore=True),
    "original_ore": Check("original", "amount", high=2_000_000_000, ore=True),
    "corrected_ore": Check("corrected", "amount", high=2_000_000_000, ore=True),
    # hours or days per week, month or year
    "quantity": Check("quantity", "number", high=10_000), "hours": Check("hours", "number", high=10_000),
}


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_number(value, ore: bool) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return number / 100 if ore else number


def _quantiles(values: list) -> tuple:
    """The 5 % and 95 % quantiles (by rank) of a non-empty list."""
    ordered = sorted(values)
    n = len(ordered)
    return ordered[int(0.05 * (n - 1))], ordered[int(0.95 * (n - 1))]


def check(records: list[Record], kind: Kind) -> list[Finding]:
    """Warn on the new and changed records whose dates, amounts or quantities lie far outside what
    the field and the rest of the file hold. Returns the findings, one per warning added (what the
    CLI lists and refuses to save unconfirmed).

    Cheap when nothing is odd: values are only compared with the field's bounds, and the file's
    range is computed only for a field that has a value beyond them.
    """
    names = {f.name for f in kind.fields}
    suspects: dict[str, list[tuple[Record, object]]] = {}
    for key in [k for k, c in CHECKS.items() if c.field in names]:
        found = _beyond_the_field(records, key, CHECKS[key])
        if found:
            suspects[key] = found
    findings = []
    for key, found in suspects.items():
        c = CHECKS[key]
        label = kind.field(c.field).label
        odd = {id(rec) for rec, _ in found}
        others = [v for rec in records if rec.status != REJECTED and id(rec) not in odd
                  for v in [rec.values.get(key)] if v is not None]
        if c.kind == "date":
            others = [d for d in map(_as_date, others) if d is not None]
        else:
            others = [abs(n) for n in (_as_number(v, c.ore) for v in others) if n is not None]
        span = _quantiles(others) if len(others) >= MIN_VALUES else None
        # one far value written on most rows is the file's own habit ('31-12-2099' for no end date)
        habit = {v for v, n in Counter(v for _, v in found).items() if n >= 3 and n * 2 >= len(found) + len(others)}
        for rec, value in found:
            if rec.status not in (NEW, CHANGED) or value in habit or not _far_outside(c, value, span):
                continue
            reason = _message(c, label, rec, value, span)
            rec.warnings.append(reason)
            raw = _raw(c, rec)
            cell = text(raw) if raw not in (None, "") and not isinstance(raw, dt.date) else _shown(c, value)
            findings.append(Finding(rec, c.field, cell, reason))
    return findings


def _beyond_the_field(records: list[Record], key: str, c: Check) -> list[tuple[Record, object]]:
    """The usable records whose ``key`` value lies beyond the field's bounds, with the value (a date or
    kroner). The common file is told by its least and greatest value: every value of one type (ISO
    date text, dates or whole øre) and all within the bounds. Otherwise one comparison per row:
    ISO date strings compare as text, øre as ints."""
    found = []
    column = value_of(records, key)
    values = [v for v in column if v is not None]
    if not values:
        return found
    kinds = set(map(type, values))
    if c.kind == "date":
        first, last = _date_bounds()
        first_iso, last_iso = first.isoformat(), last.isoformat()
        if kinds == {str} and first_iso <= min(values) and max(values) <= last_iso or \
                kinds == {dt.date} and first <= min(values) and max(values) <= last:
            return found
        for rec, v in zip(records, column):
            if v is None:
                continue
            if v.__class__ is str:
                if first_iso <= v <= last_iso:
                    continue
            elif v.__class__ is dt.date and first <= v <= last:
                continue
            d = _as_date(v)
            if d is not None and not first <= d <= last and rec.status != REJECTED:
                found.append((rec, d))
        return found
    limit = c.high * 100 if c.ore else c.high
    if kinds == {int} and -limit <= min(values) and max(values) <= limit:
        return found
    for rec, v in zip(records, column):
        if v is None or v.__class__ is bool:
            continue
        try:
            if -limit <= v <= limit or key == "rate" and _per_year(rec) and -12 * limit <= v <= 12 * limit:
                continue
        except TypeError:  # not a number
            continue
        number = _as_number(v, c.ore)
        if number is not None and rec.status != REJECTED:
            found.append((rec, number))
    return found


def _per_year(rec: Record) -> bool:
    """Whether a record's rate is a year's (a place's yearly price is twelve months' rates)."""
    return rec.values.get("unit") == "år"


def _far_outside(c: Check, value, span) -> bool:
    if span is None:
        return True
    lo, hi = span
    if c.kind == "date":
        margin = dt.timedelta(days=365 * DATE_MARGIN_YEARS + 1)
        return not lo - margin <= value <= hi + margin
    return abs(value) > AMOUNT_FACTOR * max(hi, Decimal(1))


def _raw(c: Check, rec: Record):
    """The cell the value was read from, as the record keeps it."""
    return rec.raw.get(c.field, rec.raw.get(c.field.removesuffix("_ore")))


def _message(c: Check, label: str, rec: Record, value, span) -> str:
    raw = _raw(c, rec)
    cell = f" (cellen: {text(raw)})" if raw not in (None, "") and not isinstance(raw, dt.date) \
        and text(raw) != _shown(c, value) else ""
    if c.kind == "date":
        first, last = _date_bounds()
        usual = f"{first.year}–{last.year}"
        theirs = f"; de fleste af filens øvrige ligger fra {format_date(span[0])} til {format_date(span[1])}" if span else ""
    else:
        usual = f"højst {format_number(c.high, 0)}" + (" kr." if c.kind == "amount" else "")
        theirs = f"; de fleste af filens øvrige er højst {format_number(span[1], 2)}" if span else ""
    return (f"{label} {_shown(c, value)}{cell} {UNLIKELY} ({usual}{theirs}). Tjek værdien, og om den "
            "rigtige kolonne er valgt, før du gemmer.")


def unlikely(records: list[Record]) -> list[Record]:
    """The records with a value ``check`` warned about."""
    return [r for r in records if any(UNLIKELY in w for w in r.warnings)]


def _shown(c: Check, value) -> str:
    if c.kind == "date":
        return format_date(value)
    return format_number(value, 2 if c.kind == "amount" else 0) + (" kr." if c.kind == "amount" else "")
