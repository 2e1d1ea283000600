"""Money and quantities: exact arithmetic, øre rounding and Danish text formats.

Amounts are held as ``Decimal`` (kroner) or ``int`` øre; costs are computed exactly as
``Fraction`` and rounded to øre once, at the end, half away from zero.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from core.errors import DispoError

Number = int | Decimal | Fraction

ORE = Decimal("0.01")


class InvalidNumber(DispoError):
    """A text cannot be read as a number."""


def round_half_away(num: int, den: int) -> int:
    """``num/den`` rounded to an integer, half away from zero (``den`` > 0): Dispo's one rounding
    rule (DOMAIN.md); ``to_ore`` and ``kr`` use it, and the forecast's inlined fast path is
    tested against it."""
    whole, rest = divmod(abs(num), den)
    if 2 * rest >= den:
        whole += 1
    return whole if num >= 0 else -whole


def to_ore(value: Number) -> int:
    """Round a kroner amount to whole øre, half away from zero."""
    frac = Fraction(value) * 100
    return round_half_away(frac.numerator, frac.denominator)


def ore_to_kr(ore: int) -> Decimal:
    """Whole øre as a two-decimal ``Decimal`` of kroner."""
    return Decimal(ore).scaleb(-2)  # exact: the same value and exponent as (ore / 100).quantize(ORE)


def kr(value: Number | str | float) -> Decimal:
    """A kroner amount rounded to øre as ``Decimal``; floats go through their shortest repr."""
    if isinstance(value, float):
        value = repr(value)
    return ore_to_kr(to_ore(Decimal(value) if isinstance(value, str) else value))


def to_decimal(value: object) -> Decimal:
    """A stored or typed number as ``Decimal`` (floats via their shortest repr, never binary)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return parse_number(str(value))


AMBIGUOUS_COMMA = re.compile(r"^-?[1-9]\d{0,2},\d{3}$")
"""``1,234``: English thousands or Danish decimals cannot be told apart; typed and imported
numbers both refuse it (``ambiguous_comma_message``)."""


def ambiguous_comma_message(raw: str, number: str) -> str:
    """The Danish message for an ambiguous ``number`` (``1,234``) written as ``raw``."""
    return (f"'{raw.strip()}' kan være {number.replace(',', '.')} (komma mellem tusinder) eller {number} "
            "(decimalkomma); skriv tallet med to decimaler (fx 1.234,00) eller med fire (1,2340)")


_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def parse_number(text: str) -> Decimal:
    """Read a number typed the Danish way: ``1.234,50``, ``1234,5``, ``-12``; also ``1234.5``.

    A dot followed by exactly three digits is a thousands separator (``1.234`` is 1234); a
    comma followed by exactly three digits (``1,234``) is refused, as the import does.

    Raises:
        InvalidNumber: with a Danish message.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    t = re.sub(r"(?i)^kr\.?|kr\.?$|dkk", "", t).strip()
    if t.startswith("−"):
        t = "-" + t[1:]
    if AMBIGUOUS_COMMA.match(t.lstrip("+")):
        raise InvalidNumber(ambiguous_comma_message(text, t.lstrip("+-")))
    if _NUMBER.match(t):
        t = t.replace(".", "").replace(",", ".")
    elif not _DOT_DECIMAL.match(t):
        raise InvalidNumber(f"'{text}' er ikke et tal")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise InvalidNumber(f"'{text}' er ikke et tal") from None


def format_number(value: Number | float | None, decimals: int = 2) -> str:
    """Danish format with thousands dots: ``1.234.567,89``. ``None`` becomes ``''``."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    d = Decimal(value).quantize(q, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + ".".join(groups or ["0"])
    return f"{text},{frac}" if decimals else text


def format_kr(ore: int | None) -> str:
    """Whole øre in Danish kroner format: ``123456789`` -> ``1.234.567,89``."""
    return "" if ore is None else format_number(Decimal(ore) / 100)


def month_end(year: int, month: int) -> dt.date:
    """The month's last day."""
    if not 1 <= month <= 12:
        raise DispoError(f"Måned skal være 1-12, ikke {month}")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def format_date(day: dt.date | None) -> str:
    """Danish date format ``31-10-2026``; ``None`` becomes ``''``."""
    return "" if day is None else day.strftime("%d-%m-%Y")


_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date:
    """Read a date typed as ``31-10-2026``, ``31.10.26``, ``1/3/2026`` or ISO ``2026-10-31``.

    Raises:
        InvalidNumber: with a Danish message when it is no date.
    """
    t = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return dt.date.fromisoformat(t)
        m = _DANISH_DATE.match(t)
        if m:
            day, month, year = (int(x) for x in m.groups())
            if year < 100:
                year += 2000 if year <= 69 else 1900
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise InvalidNumber(f"'{text}' er ikke en dato (skriv DD-MM-ÅÅÅÅ)")
