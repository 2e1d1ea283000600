"""Parsers for the cell values found in legacy spreadsheets and finance extracts.

Each parser takes one raw cell (``str``, ``float``, ``int``, ``date``, ``datetime`` or
``None``) and returns a clean value, or raises ``ParseError`` with a Danish reason. A
parser never guesses silently: a value that can be read in two ways is an error that
says so, so the user can decide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rapidfuzz import fuzz

from core import cpr as cprs
from core.errors import DispoError
from core.register.catalogue import shipped_catalogue
from core.register.grants import normalize_section
from core.money import AMBIGUOUS_COMMA, ambiguous_comma_message, month_end

OPEN_ENDED = {"", "løbende", "lobende", "loebende", "ingen", "ingen slutdato", "uafklaret", "-", "--", "–", "ubestemt",
              "tidsubegrænset", "fortsat", "igangværende", "n/a", "ubegrænset", "tidsubestemt", "varig", "varigt",
              "permanent", "ingen udløb", "ingen udløbsdato", "indtil videre", "ikke fastsat", "u.b.", "åben"}

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "may": 5, "march": 3, "october": 10,
}
MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december")

VUM_LABELS = {"let": "A", "moderat": "B", "omfattende": "C", "svær": "D", "svaer": "D", "fuldstændig": "E",
              "fuldstaendig": "E", "individuel": "F"}

EXCEL_EPOCH = dt.date(1899, 12, 30)


class ParseError(DispoError):
    """A cell value cannot be read as what its column should hold."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as trimmed text with single spaces; numbers without a useless ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""  # a spreadsheet's #NUM!/infinity: no value
        return repr(int(value)) if value == int(value) else repr(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


# ------------------------------------------------------------------ CPR

_CPR_NOISE = re.compile(r"\s*[\u2010-\u2015\u2212]\s*|(?<=\d)(?:\s+-\s*|\s*-\s+)(?=\d{4}\b)")
_CPR_AS_FLOAT = re.compile(r"^\d{9,10}\.0+$")
_CPR_GUARD = re.compile(r'^(?:\'|="?)([\d -]+?)"?$')
_CPR = r"\d{6}[- ]?\d{4}"
#: a CPR number as Dispo keeps it
CPR_FORM = re.compile(r"\d{6}-\d{4}")
_CPR_WITH_NAME = re.compile(rf"^(?P<a>{_CPR})\s*[-,:]?\s+[^\d\s].*$|^[^\d]*[^\d\s(]\s*[(,-]?\s*(?P<b>{_CPR})\)?$")


def parse_cpr(value) -> str:
    """``DDMMYY-SSSS`` from the usual spellings, a number that lost its leading zero included."""
    if is_blank(value):
        raise ParseError("CPR-nummer mangler")
    if isinstance(value, str):
        # a dash copied from a word processor, a non-breaking space, a number stored as text with '.0',
        # Excel's text guards ('0101901234, ="0101901234"), the person's name beside the number
        value = _CPR_NOISE.sub("-", value.strip()).replace("\u00a0", " ")
        value = _CPR_GUARD.sub(r"\1", value)
        named = _CPR_WITH_NAME.match(value)
        if named:
            value = named.group("a") or named.group("b")
        if _CPR_AS_FLOAT.match(value):
            value = value.split(".")[0]
    try:
        return cprs.normalize(value if isinstance(value, (int, float)) else text(value))
    except cprs.InvalidCPR as ex:
        raise ParseError(str(ex)) from None


def name_beside_cpr(value) -> str:
    """The person's name written in the CPR cell (``010190-1234 Hansen, Anna``), else ``''``."""
    if not isinstance(value, str):
        return ""
    named = _CPR_WITH_NAME.match(_CPR_NOISE.sub("-", value.strip()))
    if not named:
        return ""
    rest = re.sub(_CPR, " ", named.group(0), count=1)
    return parse_name(rest.strip(" -,:()"))


#: what finance systems write where a posting has no person
NO_CPR = {"-", "--", "–", "ukendt", "ingen", "ingen cpr", "n/a", "na", "0", "0000000000", "000000-0000",
          "#", "ikke tildelt", "not assigned", "ikke oplyst", "ej oplyst"}  # '#': SAP BW's "not assigned"


#: a company's CVR number (eight digits, maybe after the word CVR), which finance systems write in
#: the same 'CPR/CVR' column on payments to a provider: no person
_CVR = re.compile(r"(?i)^(?:cvr[\s.:-]*(?:nr\.?|nummer)?[\s.:-]*)?\d{8}(?:\s*[-,:]?\s+[^\d\s].*)?$"
                  r"|^cvr[\s.:-]*(?:nr\.?|nummer)?[\s.:-]*\d{2} ?\d{2} ?\d{2} ?\d{2}(?:\s*[-,:]?\s+[^\d\s].*)?$")


def parse_optional_cpr(value) -> str | None:
    """A CPR number, or ``None`` for blank, the usual 'no person' marks (``-``, ``Ukendt``, ``0``) and a
    company's eight-digit CVR number (``29189129``, ``CVR 29 18 91 29``, ``29189129 Bo-Center ApS``).

    A CPR number has ten digits, or nine when a spreadsheet dropped its leading zero; eight digits
    are never a person's number."""
    if is_blank(value) or (value == 0 and not isinstance(value, bool)) or (
            isinstance(value, str) and value.strip().casefold() in NO_CPR):
        return None
    if isinstance(value, str) and _CVR.match(value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1e7 <= value < 1e8 and value == int(value):
        return None
    return parse_cpr(value)


# ------------------------------------------------------------------ numbers

_KR = re.compile(r"(?i)\b(dkk|kr)\b\.?|kr\.")
_GROUPED_COMMA_DEC = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+(,\d+)?$")
_GROUPED_DOT_DEC = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d+$")
_FAST_DANISH = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+),(\d+)$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")
_THOUSANDS_OR_DECIMALS = AMBIGUOUS_COMMA  # '1,234': one rule with typed numbers (core.money)
_WHOLE_KRONER = re.compile(r"(?<=\d),-+$")
#: a debit/credit mark after an amount with its øre ('1.234,50 K', '1.234,50 D'; 'kr.' is removed before)
_DK_SUFFIX = re.compile(r"(?<=\d[,.]\d\d)([-)]?)\s*([DdKk])\.?$")


def parse_amount(value) -> Decimal:
    """An amount in kroner as ``Decimal``.

    Reads ``2.345,50``, ``kr. 2.345,50``, ``2345.5``, ``-1.234``, ``1.234,00-``, ``(1.234,00)``,
    ``1 234,50`` and spreadsheet numbers (floats go through their shortest repr).
    A dot followed by exactly three digits is a thousands separator; ``1,234`` (a comma and three
    digits, nothing else) is refused: English thousands or Danish decimals cannot be told apart.
    """
    if is_blank(value):
        raise ParseError("Beløb mangler")
    if isinstance(value, bool):
        raise ParseError(f"'{value}' er ikke et beløb")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParseError(f"'{value}' er ikke et beløb")
        return Decimal(repr(value))
    if isinstance(value, (dt.date, dt.datetime)):
        raise ParseError(f"'{text(value)}' er en dato, ikke et beløb")
    raw = str(value)
    fast = _FAST_DANISH.match(raw)
    if fast and not _THOUSANDS_OR_DECIMALS.match(raw):  # the finance systems' usual form, e.g. -12.345,67
        return Decimal(fast.group(1) + fast.group(2).replace(".", "") + "." + fast.group(3))
    t = raw.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-").replace("–", "-")
    t = _KR.sub("", t).strip()
    negative = False
    marked = _DK_SUFFIX.search(t)
    if marked:  # '1.234,50 K': a credit, '1.234,50 D' a debit (finance reports' D/K after the amount)
        t = t[:marked.start()].strip()
        if t.startswith(("-", "(")) or marked.group(1):
            raise ParseError(f"'{raw.strip()}' har både et fortegn og {marked.group(2).upper()}; "
                             "skriv beløbet med ét af dem")
        negative = marked.group(2) in "kK"
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1].strip()
    if t.endswith("-") and not _WHOLE_KRONER.search(t):
        negative, t = not negative, t[:-1].strip()
    if t.startswith("-"):
        negative, t = not negative, t[1:].strip()
    elif t.startswith("+"):
        t = t[1:].strip()
    t = _WHOLE_KRONER.sub("", t)  # "1.000,-": whole kroner
    if _THOUSANDS_OR_DECIMALS.match(t):
        raise ParseError(ambiguous_comma_message(raw, t))
    if _SPACE_GROUPED.match(t):
        t = t.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", t) or _GROUPED_COMMA_DEC.match(t):
        t = t.replace(".", "").replace(",", ".")
    elif _GROUPED_DOT_DEC.match(t):
        t = t.replace(",", "")
    else:
        raise ParseError(f"'{raw.strip()}' er ikke et beløb")
    try:
        number = Decimal(t)
    except InvalidOperation:
        raise ParseError(f"'{raw.strip()}' er ikke et beløb") from None
    return -number if negative else number


_RATE_WITH_UNIT = re.compile(r"^(?P<amount>.*?\d)\s*(?:kr\.?|dkk)?\s*(?:pr\.?\s*|/\s*|per\s+|om\s+)(?P<unit>[a-zæøå].*)$",
                             re.IGNORECASE)


def _rate_parts(value) -> tuple[Decimal, tuple] | None:
    """``(amount, unit)`` of a rate written with its unit (``512,50 kr. pr. time``, ``2.450/døgn``)."""
    if not isinstance(value, str):
        return None
    m = _RATE_WITH_UNIT.match(value.strip())
    if not m:
        return None
    try:
        return parse_amount(m.group("amount")), parse_unit(m.group("unit"))
    except ParseError:
        return None


def parse_rate(value) -> Decimal:
    """A rate in kroner, also written with its unit (``512,50 kr. pr. time``: 512.50)."""
    try:
        return parse_amount(value)
    except ParseError:
        parts = _rate_parts(value)
        if parts is None:
            raise
        return parts[0]


def unit_of_rate(value) -> tuple[str, Decimal | None, str | None] | None:
    """The unit (as ``parse_unit`` gives it) written with a rate, or ``None``."""
    parts = _rate_parts(value)
    return parts[1] if parts else None


def parse_quantity(value) -> Decimal:
    """A quantity (hours, days) as ``Decimal``; ``7 t``, ``8,5 timer`` are read as their number."""
    if isinstance(value, str):
        m = re.match(r"^\s*(\d+(?:[.,]\d+)?)\s*[a-zæøå./ ]*$", value.strip().casefold())
        if m:
            value = m.group(1)
    try:
        return parse_amount(value)
    except ParseError:
        raise ParseError(f"'{text(value)}' er ikke en mængde") from None


# ------------------------------------------------------------------ dates

_DMY = re.compile(r"^(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4}|\d{2})$")
# year first: ISO '2026-03-01' (with a time: '2026-03-01T00:00:00', lower-cased 't'), '2026.03.01', '2026/03/01'
_ISO = re.compile(r"^(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?$")
_DMY_TIME = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})\s+(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?$")
_WRITTEN = re.compile(r"^(\d{1,2})\.?[\s./-]*([a-zæøå]+)\.?[\s./-]*(\d{4}|\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _year(y: int) -> int:
    return y if y >= 100 else (2000 + y if y <= 69 else 1900 + y)


def excel_serial(number: float) -> dt.date:
    """The date of an Excel serial day number (1900 system; 1 = 1900-01-01)."""
    if not 1 <= number < 2958466:
        raise ParseError(f"'{text(number)}' er ikke en dato")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_date(value) -> dt.date:
    """A date from a spreadsheet cell or text.

    Reads date cells, Excel serials, ISO ``2026-03-01``, ``1.3.2026``, ``01-03-26``,
    ``24.03.2024``, ``1/3/2026``, ``1. marts 2026``, ``1 mar 26`` and ``20260301``.
    """
    if is_blank(value):
        raise ParseError("Dato mangler")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ParseError(f"'{value}' er ikke en dato")
    if isinstance(value, (int, float)):
        if 19000101 <= value <= 21001231 and value == int(value):  # yyyymmdd as a number (SAP-style exports)
            return parse_date(str(int(value)))
        return excel_serial(value)
    raw = str(value).strip()
    t = " ".join(raw.casefold().split())
    try:
        m = _ISO.match(t)
        if m:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        m = _DMY.match(t) or _DMY_TIME.match(t)
        if m:
            return dt.date(_year(int(m.group(3))), int(m.group(2)), int(m.group(1)))
        m = _WRITTEN.match(t)
        if m and m.group(2) in MONTHS:
            return dt.date(_year(int(m.group(3))), MONTHS[m.group(2)], int(m.group(1)))
        m = _COMPACT.match(t)
        if m and 1900 <= int(m.group(1)) <= 2100:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if re.fullmatch(r"\d{5}(\.0+)?", t):
            return excel_serial(float(t))
        m = _COMPACT.match(t.split(".")[0]) if re.fullmatch(r"\d{8}\.0+", t) else None
        if m and 1900 <= int(m.group(1)) <= 2100:  # '20260131.0': a yyyymmdd number stored as text
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DATE_WITH_WORD.match(t)
        if m:  # 'Ophørt 31.03.2026', '31.03.2026 (ophørt)', 'pr. 01.02.2026': the date, the word says no more
            return parse_date(m.group("a") or m.group("b"))
    except ValueError:
        raise ParseError(f"'{raw}' er ikke en gyldig dato") from None
    raise ParseError(f"'{raw}' er ikke en dato (fx 01-03-2026)")


#: a date with a word that only tells its kind: 'Ophørt 31.03.2026', '31.03.2026 (udløber)', 'pr. 1.2.2026'
_DATE_WORDS = r"(?:ophørt|ophører|afsluttet|udløber|udløbet|slut|start|fra|til|pr\.?|den)"
_A_DATE = r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2}"
_DATE_WITH_WORD = re.compile(rf"^(?:{_DATE_WORDS}\s*[:.]?\s*)+(?P<a>{_A_DATE})$"
                             rf"|^(?P<b>{_A_DATE})\s*[(,-]?\s*{_DATE_WORDS}\s*\)?$")


_SLASHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?=$|[\sT])")


def slash_date_order(cells: list) -> str:
    """How a column writes its dates with slashes (``1/3/2026``): ``"dm"`` day first (the Danish way, and
    the answer when nothing tells), ``"md"`` month first (an English export: some value's second number
    is above 12 and no value's first is), ``"mixed"`` when both kinds stand in the column."""
    day_first = month_first = False
    for v in [v for v in cells if v.__class__ is str and "/" in v]:  # most columns have none: one quick pass
        m = _SLASHED.match(v)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if month_first:
        return "mixed" if day_first else "md"
    return "dm"


def month_first_as_day_first(value):
    """``1/31/2026`` as ``31/1/2026`` (a cell of a month-first column), other values unchanged."""
    if value.__class__ is not str:
        return value
    return _SLASHED.sub(lambda m: f"{m.group(2)}/{m.group(1)}/{m.group(3)}", value, count=1)


def ambiguous_slash_date(value) -> bool:
    """Whether a slashed date reads as two different days (``1/3/2026``: 1 March or 3 January)."""
    m = _SLASHED.match(value) if value.__class__ is str else None
    return bool(m) and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2)


_NO_DATE = re.compile(r"^0{1,2}[-./]0{1,2}[-./]0{2,4}$|^0{4}-0{2}-0{2}$")


def parse_open_date(value) -> dt.date | None:
    """A date, or ``None`` for open-ended: blank, ``løbende`` and similar, and the "no date"
    values case and finance systems export (``00-00-0000``, ``31-12-9999``)."""
    if value is None:
        return None
    if isinstance(value, str):
        t = value.strip().casefold()
        if t in OPEN_ENDED or _NO_DATE.match(t):
            return None
    date = parse_date(value)
    return None if date.year == 9999 else date


def _month_written(value) -> tuple[int, int] | None:
    """``(month, year)`` of a text that names a month of a year and no day (``jan-26``, ``januar 2026``)."""
    if not isinstance(value, str):
        return None
    found = month_of(value)
    return found if found and found[1] is not None else None


def names_month_only(value) -> bool:
    """Whether a cell is a month of a year without a day (``jan-26``), as ``parse_start_date`` reads it."""
    if _month_written(value) is None:
        return False
    try:
        parse_date(value)
    except ParseError:
        return True
    return False


def parse_start_date(value) -> dt.date:
    """A start date; a month without a day (``jan-26``, as a sheet formatted 'mmm-yy' is saved as text;
    ``januar 2026``) starts on its first day."""
    try:
        return parse_date(value)
    except ParseError:
        found = _month_written(value)
        if found is None:
            raise
        return dt.date(found[1], found[0], 1)


def parse_end_date(value) -> dt.date | None:
    """An end date or ``None`` (open, as ``parse_open_date``); a month without a day ends on its last day."""
    try:
        return parse_open_date(value)
    except ParseError:
        found = _month_written(value)
        if found is None:
            raise
        month, year = found
        return month_end(year, month)


def parse_optional_date(value) -> dt.date | None:
    return None if is_blank(value) else parse_date(value)


_RANGE_SEPARATOR = re.compile(r"[-–—]+|(?<![a-zæøå])(?:til|to)(?![a-zæøå])")
_RANGE_FROM = re.compile(r"^(?:fra|periode|bevilget|gyldig)(?:\s+fra)?\s*[:.]?\s*")


def parse_date_range(value) -> tuple[dt.date, dt.date | None]:
    """A period written in one cell as ``(start, end or None)``: ``01.03.2024 - 31.12.2026``,
    ``11.01.2017 -`` (open-ended), ``1/3-2024 til 31/12-2026``, ``fra 1. marts 2026``,
    ``2024-03-01–2026-12-31``, ``01-03-2024 - løbende``.

    Every place a dash or ``til`` could split the text is tried; the text must be read one
    way only.

    Raises:
        ParseError: not a period, read in two ways, or ending before it starts.
    """
    if is_blank(value):
        raise ParseError("Periode mangler")
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return parse_date(value), None  # a single date is a period from that day
    raw = text(value)
    t = _RANGE_FROM.sub("", raw.casefold()).strip()
    readings = set()
    for m in _RANGE_SEPARATOR.finditer(t):
        head, tail = t[:m.start()].strip(), t[m.end():].strip()
        if not head:
            continue
        try:
            start = parse_date(head)
            end = parse_open_date(tail)
        except ParseError:
            continue
        readings.add((start, end))
    if not readings:
        try:
            return parse_date(t), None
        except ParseError:
            raise ParseError(f"'{raw}' er ikke en periode (fx 01.03.2024 - 31.12.2026)") from None
    if len(readings) > 1:
        raise ParseError(f"'{raw}' kan læses som flere perioder; skriv fx 01.03.2024 - 31.12.2026")
    start, end = readings.pop()
    if end is not None and end < start:
        raise ParseError(f"Perioden '{raw}' slutter før den starter")
    return start, end


#: a finance system's fiscal period: 'P03', 'Periode 3', 'P03-2026', '2026 P03', '2026M03' (period, then
#: year or year, then period), SAP's three-digit '003.2026' / '2026/003'
_FISCAL_PERIOD = (
    (re.compile(r"^(?:p|per\.?|periode)\s*0*(\d{1,2})(?:\s*[-./ ]\s*(\d{4}))?$"), 1, 2),
    (re.compile(r"^(\d{4})\s*[-./ ]?\s*(?:p|m|per\.?|periode)\s*0*(\d{1,2})$"), 2, 1),
    (re.compile(r"^0(\d\d)[-./](\d{4})$"), 1, 2),
    (re.compile(r"^(\d{4})[-./]0(\d\d)$"), 2, 1),
)


def _fiscal_period(written: str) -> tuple[int, int | None] | None:
    """``(month, year or None)`` of a fiscal period. The special periods 13-16 after December (the year's
    closing entries) are refused: which month they count in is hers to say."""
    t = written.casefold()
    for pattern, month_at, year_at in _FISCAL_PERIOD:
        m = pattern.match(t)
        if m:
            month, year = int(m.group(month_at)), m.group(year_at)
            if 13 <= month <= 16:
                raise ParseError(f"'{written}' er en efterposteringsperiode efter december; skriv den måned, "
                                 "posteringen hører til (fx 12)")
            if not 1 <= month <= 12:
                raise ParseError(f"'{written}' er ikke en periode (1-12)")
            return month, int(year) if year else None
    m = re.fullmatch(r"([a-zæøå]{3,9})\.?(\d{4})", t)  # 'MAR2026'
    return month_of(f"{m.group(1)} {m.group(2)}") if m else None


def parse_period(value) -> tuple[int, int | None]:
    """A finance system's posting period as ``(month, year or None)``: ``2026-03``, ``03-2026``,
    ``202603``, ``marts 2026``, ``Periode 2026 03``, a bare month number ``3``, a fiscal period
    (``P03-2026``, ``2026M03``, ``003.2026``), or any date
    (its month).

    Raises:
        ParseError: when the cell names no month.
    """
    if is_blank(value):
        raise ParseError("Periode mangler")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.month, value.year
    t = text(value)
    found = month_of(t)
    if found:
        return found
    if re.fullmatch(r"\d{1,2}", t):
        if 1 <= int(t) <= 12:
            return int(t), None
        raise ParseError(f"'{t}' er ikke en måned (1-12)")
    fiscal = _fiscal_period(t)
    if fiscal:
        return fiscal
    try:
        day = parse_date(value)
    except ParseError:
        raise ParseError(f"'{t}' er ikke en periode (fx 2026-03, 03-2026 eller marts 2026)") from None
    return day.month, day.year


def parse_month_or_range(value) -> tuple[dt.date, dt.date]:
    """A period of used hours as ``(first day, last day)``: a whole month (``2026-03``, ``03-2026``,
    ``marts 2026``, a date cell: its month) or from–to in one cell (``01.03.2026 - 15.03.2026``).

    Raises:
        ParseError: no month or period, a month without its year, or a period without an end.
    """
    if is_blank(value):
        raise ParseError("Periode mangler")
    if isinstance(value, str):
        try:
            start, end = parse_date_range(value)
        except ParseError:
            start = end = None
        if start is not None and end is not None:
            return start, end
    month, year = parse_period(value)
    if year is None:
        raise ParseError(f"'{text(value)}' mangler året (skriv fx 2026-03)")
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_of(header) -> tuple[int, int | None] | None:
    """``(month, year or None)`` when a column header names a month: ``jan``, ``Marts 2026``, ``2026-03``,
    a date cell, or a date as text on the first or last day of its month."""
    if isinstance(header, (dt.date, dt.datetime)):
        return header.month, header.year
    t = " ".join(text(header).casefold().replace(".", " ").split())
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)  # a date cell read as text: first or last day of its month
    if m:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return (day.month, day.year) if day.day == 1 or (day + dt.timedelta(days=1)).day == 1 else None
    m = re.fullmatch(r"(\d{4})[-/ ](\d{1,2})", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(2)), int(m.group(1))
    m = re.fullmatch(r"(\d{1,2})[-/ ](\d{4})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(r"(20\d\d)(0[1-9]|1[0-2])|periode\s+(\d{4})[-/ ]?(\d{1,2})", t)  # finance periods 202603
    if m:
        year, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return (int(month), int(year)) if 1 <= int(month) <= 12 else None
    # a month name with at most a year and words such as 'budget', 'forbrug', 'kr.': 'Budget 2027 januar', 'jan-27'
    tokens = [w for w in re.split(r"[^\wæøå]+", t) if w]
    months = [i for i, w in enumerate(tokens) if w in MONTHS]
    if len(months) != 1:
        return None
    i = months[0]
    year = None
    for j, w in enumerate(tokens):
        if j == i or w in _MONTH_HEADER_WORDS:
            continue
        if year is None and (re.fullmatch(r"(19|20)\d\d", w) or (j == i + 1 and re.fullmatch(r"\d\d", w))):
            year = _year(int(w))
        else:
            return None
    return MONTHS[tokens[i]], year


#: words that may stand next to a month name in a month column's header
_MONTH_HEADER_WORDS = {"budget", "korrigeret", "forbrug", "bogført", "bogfort", "regnskab", "realiseret", "faktisk",
                       "kr", "dkk", "beløb", "i", "md", "måned"}


# ------------------------------------------------------------------ domain values

_SUBSECTION = re.compile(r"(?i)\b(stk|nr|litra|pkt)\.?\s*\d+")
_SECTION_NUMBER = re.compile(r"(?<![\d,.])\d{2,3}(?:\.0+)?(?!\d|[,.]\d)")


def parse_section(value) -> str:
    """``§ 108`` from ``SEL § 108``, ``§108``, ``108``, ``108.0`` or the section's name in the
    shipped catalogue (``Længerevarende botilbud``, as case systems name the service)."""
    t = text(value) if not isinstance(value, str) else value
    numbers = {int(n.split(".")[0]) for n in _SECTION_NUMBER.findall(_SUBSECTION.sub(" ", t))}
    if len(numbers) > 1:
        raise ParseError(f"'{text(value)}' nævner flere paragraffer; skriv én paragraf pr. række")
    if not numbers:
        codes, sure = _section_by_name(" ".join(t.casefold().split()))
        if sure and len(codes) == 1:
            return codes[0]
        if codes:
            raise ParseError(f"'{text(value)}' kan være {' eller '.join(codes)}; skriv paragraffen")
        raise ParseError(f"'{text(value)}' er ikke en paragraf (fx § 108)")
    return normalize_section(str(numbers.pop()))


def section_named_in(title: str) -> str | None:
    """The one section a sheet's name or title names (``§ 108``, ``SEL 85``, ``Bevillinger § 85 - 2026``,
    ``Længerevarende botilbud``), else ``None``. A bare number counts only as the whole name."""
    t = " ".join(text(title).split())
    if "§" in t or re.fullmatch(r"(?i)(?:sel|serviceloven|paragraf)?\s*\d{2,3}", t):
        try:
            return parse_section(t)
        except ParseError:
            return None
    codes, sure = _section_by_name(t.casefold())
    return codes[0] if sure and len(codes) == 1 else None


@lru_cache(maxsize=1)
def _section_names() -> dict[str, str]:
    """Section name (lower case) -> code, from the shipped catalogue, plus the usual abbreviation BPA."""
    names = {" ".join(s["text"].casefold().split()): s["code"] for s in shipped_catalogue()["sections"]}
    if "§ 96" in names.values():
        names["bpa"] = "§ 96"
    return names


@lru_cache(maxsize=1024)
def _section_by_name(t: str) -> tuple[list[str], bool]:
    """``(codes, sure)``: the sections whose name the text is or contains (``Midlertidigt botilbud (akut)``,
    sure), else those whose names contain the text (``Botilbud``: § 107, § 108; only for the question)."""
    if not t:
        return [], False
    names = _section_names()
    hits = {code for name, code in names.items()
            if re.search(rf"(?<![a-zæøå]){re.escape(name)}(?![a-zæøå])", t) or fuzz.ratio(t, name) >= 90}
    sure = bool(hits)
    if not hits:
        hits = {code for name, code in names.items() if re.search(rf"(?<![a-zæøå]){re.escape(t)}(?![a-zæøå])", name)}
    return sorted(hits, key=lambda c: int(c[2:])), sure


_UNIT_WORDS = [
    ("døgn", r"d(?:ø|oe?)gn"),
    ("time", r"timer?|t\b|tim\b"),
    ("dag", r"dage?|dg\b"),
    ("uge", r"uger?|ugl"),
    ("måned", r"m(?:å|aa?)ned(?:er)?|md\b|mdr\b|mnd\b"),
    ("år", r"[åa]r(?:lig)?\b|årligt"),
    ("engang", r"engang(?:s[a-zæøå]*)?"),
]


def _unit_at(t: str, start: int = 0) -> tuple[str, int] | None:
    best = None
    for code, pattern in _UNIT_WORDS:
        m = re.compile(r"(?<![a-zæøå])(?:" + pattern + ")").search(t, start)
        if m and (best is None or m.start() < best[1]):
            best = (code, m.start(), m.end())
    return (best[0], best[2]) if best else None


#: hours a day: 'dagligt', 'pr. dag', 'om dagen', '/dag'
_PER_DAY = re.compile(r"(?<![a-zæøå])(?:dagligt?|pr\.?\s*dag|om dagen|/\s*dag|hver dag)(?![a-zæøå])")


def parse_unit(value) -> tuple[str, Decimal | None, str | None]:
    """``(unit, quantity or None, quantity_per or None)`` from a unit text.

    ``pr. døgn`` → døgn; ``pr. time/uge`` → time per week; ``time (7 t/uge)`` → time, 7,
    per week; ``8,5 timer pr. uge`` → time, 8.5, per week; ``dag (4 dg/uge)`` → dag, 4,
    per week; ``pr. md.`` → måned; ``Døgntakst`` → døgn.
    """
    if is_blank(value):
        raise ParseError("Enhed mangler")
    raw = text(value)
    t = raw.casefold().replace("pr.", " pr ").replace("/", " / ")
    t = re.sub(r"(?<=[a-zæøå])takst\b", "", t)  # døgntakst, timetakst
    quantity = None
    qm = re.search(r"(\d+(?:[.,]\d+)?)", t)
    if qm:
        quantity = parse_amount(qm.group(1))
    first = _unit_at(t)
    if first is None:
        raise ParseError(f"'{raw}' er ikke en enhed (døgn, dag, time, uge, måned, år, engang)")
    unit, after = first
    per = None
    if unit in ("time", "dag"):
        nxt = _unit_at(t, after)
        while nxt and nxt[0] == unit:
            nxt = _unit_at(t, nxt[1])
        if unit == "time" and _PER_DAY.search(t):
            # hours are counted per week or month: 'hours a day' read per week would be a seventh
            raise ParseError(f"'{raw}' er timer pr. dag; skriv timerne pr. uge eller pr. måned (fx 7 timer pr. uge)")
        if nxt and nxt[0] in ("uge", "måned"):
            per = nxt[0]
        if unit == "dag" and per is None and quantity is not None:
            per = "uge"
    else:
        quantity = None
    return unit, quantity, per


def unit_of_quantity(value) -> tuple[str | None, str | None]:
    """``(unit, per)`` a quantity written with words names (``10 t/md``: time per month; ``3 timer
    ugentligt``: time per week; ``4 dg/uge``: days per week); ``(None, None)`` for a bare number.

    Raises:
        ParseError: hours a day (``1 time dagligt``): hours are counted per week or month, and taking
            the number per week would be a seventh of the grant.
    """
    t = text(value).casefold()
    if not re.search(r"[a-zæøå]", t):
        return None, None
    try:
        unit, _, per = parse_unit(t)
    except ParseError:
        first = _unit_at(t)
        if first and first[0] == "time" and _PER_DAY.search(t.replace("/", " / ")):
            raise
        return None, None
    return (unit, per) if unit in ("time", "dag") else (None, None)


def parse_name(value) -> str:
    """A person's name; ``Efternavn, Fornavn`` becomes ``Fornavn Efternavn``."""
    t = text(value)
    if t.count(",") == 1:
        last, first = (p.strip() for p in t.split(","))
        if first and last:
            return f"{first} {last}"
    return t


#: a header that says its name column writes the surname first ('Efternavn Fornavn', 'Efternavn og fornavn')
_SURNAME_FIRST = re.compile(r"(?i)efternavn\W+(?:og\s+|,\s*)?fornavn")


def says_surname_first(header: str) -> bool:
    """Whether a name column's header says the surname stands first (``Efternavn Fornavn``)."""
    return bool(_SURNAME_FIRST.search(header or ""))


def name_from_surname_first(value) -> str:
    """A name written surname first without a comma (``Hansen Anna Marie``) as ``Anna Marie Hansen``; with a
    comma it is ``parse_name``'s (``Hansen, Anna``)."""
    t = text(value)
    if "," in t:
        return parse_name(t)
    words = t.split()
    return " ".join(words[1:] + words[:1]) if len(words) > 1 else t


#: what a header says its amounts are counted in ('Beløb (t.kr.)', 'Budget i 1.000 kr.', 'Beløb i øre')
_HEADER_SCALES = (
    (re.compile(r"(?<![a-zæøå])(?:t\.?\s?kr|tkr|tdkk|t\.?\s?dkk|1[.,]?000\s*kr|kr\.?\s*(?:i\s*)?1[.,]?000|"
                r"i\s+tusinde?)(?![a-zæøå])"), Decimal(1000), "tusinde kroner"),
    (re.compile(r"(?<![a-zæøå])(?:mio\.?|mill?\.?|millioner)\s*(?:kr|dkk)"), Decimal(1_000_000), "millioner kroner"),
    (re.compile(r"(?<![a-zæøå])(?:i\s+)?øre(?![a-zæøå])"), Decimal("0.01"), "øre"),
)


def header_scale(header: str) -> tuple[Decimal, str] | None:
    """``(factor, what)`` when an amount column's header says its amounts are not kroner: thousands
    (``Beløb (t.kr.)``, ``Budget i 1.000 kr.``), millions (``mio. kr.``) or øre (``Beløb i øre``)."""
    h = (header or "").casefold()
    found = {(factor, what) for pattern, factor, what in _HEADER_SCALES if pattern.search(h)}
    return found.pop() if len(found) == 1 else None


_ACCOUNT_NAME = re.compile(r"(?<=\d)\s+(?:[-–:]\s*)?[a-zæøåA-ZÆØÅ(].*$")
# hovedkonto.hovedfunktion.funktion, then maybe the dranst (one digit: 1 drift, 2 statsrefusion, 3 anlæg, as
# account strings such as '5.38.50.1-4.0' carry it), the grouping (three digits) and the art ('4.0')
_DOTTED_ACCOUNT = re.compile(r"^0?(\d)[. ](\d{2})[. ](\d{2})(?:[. -][1-3](?=$|[. -]\d{3}(?!\d)|[. -]\d[.,]\d"
                             r"(?:[.,-]\d{1,3})?$))?(?:[. -](\d{3}))?(?:[. -](\d)[.,](\d)(?:[.,-]\d{1,3})?)?$")
#: (an art may carry a municipality's sub-art after it: ``5.38.50-4.0.1`` is art 4.0)
#: dranst digits: the digit a packed account may carry after its five digits (538501 = 5.38.50, drift)
DRANST = "123"


def parse_account(value) -> tuple[str, str, str]:
    """``(account, grouping, art)`` from ``5.38.50``, ``5.38.50.002``, ``5 38 50`` or packed digits,
    also with the account's name after it (``5.38.50 Længerevarende botilbud``) and with the dranst
    (drift 1, statsrefusion 2, anlæg 3) after the function (``5.38.50.1-4.0``, ``538501``).

    Packed forms (function, grouping and art run together, as finance systems export
    them): 5 digits = account (``53850``); 6 = account + dranst 1-3 (``538501``); 8 = account + grouping (``53850002``);
    10 = account + grouping + art (``5385000240``). Any other length can be read in
    more than one way and is refused with a question instead of a guess.
    """
    if is_blank(value):
        raise ParseError("Konto mangler")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParseError(f"'{text(value)}' er ikke en konto (fx 5.38.50)")
    if isinstance(value, float) and value != int(value):
        raise ParseError(f"'{text(value)}' er skrevet som et decimaltal; skriv kontoen som tekst (fx 5.38.50)")
    raw = text(value)
    t = _ACCOUNT_NAME.sub("", raw.strip())  # "5.38.50 Længerevarende botilbud": the account's name after it
    m = _DOTTED_ACCOUNT.match(t)
    if m:
        art = f"{m.group(5)}.{m.group(6)}" if m.group(5) else ""
        return f"{m.group(1)}.{m.group(2)}.{m.group(3)}", m.group(4) or "", art
    if re.fullmatch(r"\d{6}-\d{4}", t):
        raise ParseError(f"'{raw}' er et CPR-nummer, ikke en konto")
    digits = re.sub(r"[\s-]", "", t)
    if digits.isdigit():
        if len(digits) == 5:
            return f"{digits[0]}.{digits[1:3]}.{digits[3:5]}", "", ""
        if len(digits) == 6 and digits[5] in DRANST:  # the account and its dranst
            return f"{digits[0]}.{digits[1:3]}.{digits[3:5]}", "", ""
        if len(digits) == 8:
            return f"{digits[0]}.{digits[1:3]}.{digits[3:5]}", digits[5:8], ""
        if len(digits) == 10:
            return f"{digits[0]}.{digits[1:3]}.{digits[3:5]}", digits[5:8], f"{digits[8]}.{digits[9]}"
        raise ParseError(f"Kontoen '{raw}' kan læses på flere måder ({len(digits)} cifre). Skriv den med punktum "
                         "(fx 5.38.50) eller som 5 cifre (konto), 6 (konto + dranst 1-3), 8 (konto + gruppering) "
                         "eller 10 (konto + gruppering + art)")
    raise ParseError(f"'{raw}' er ikke en konto (fx 5.38.50)")


#: an account written with dots inside a sheet's name or title ('Funktion 5.38.50 Længerevarende botilbud')
_ACCOUNT_IN_TEXT = re.compile(r"(?<![\d.,])0?\d\.\d{2}\.\d{2}(?!\d|[.,]\d)")


def account_named_in(title: str) -> str | None:
    """The one account a sheet's name or title names with dots (``5.38.50``, ``Funktion 5.38.50
    Længerevarende botilbud``), else ``None``; a date (``1.03.26``) is none."""
    found = set()
    for m in _ACCOUNT_IN_TEXT.finditer(text(title)):
        try:
            parse_date(m.group(0))
            continue
        except ParseError:
            pass
        try:
            found.add(parse_account(m.group(0))[0])
        except ParseError:
            continue
    return found.pop() if len(found) == 1 else None


def parse_art(value) -> str:
    """An art (kind of expense/income) as ``4.0`` from ``4.0``, ``4,0``, ``40``, ``4`` or ``4.0 Køb af ...``;
    a municipality's own sub-art after it (``4.0.1``, ``40.12``, ``4.0-3``) belongs to the art."""
    if is_blank(value):
        return ""
    t = text(value).replace(",", ".")
    # "4.0 Køb af tjenesteydelser"; "4.0.1" / "40.1": a sub-art (underart) of art 4.0
    m = re.fullmatch(r"(\d)(?:\.?(\d)(?:[.-]\d{1,3})?)?(?:\.0+|\.)?(?:\s+[-–:]?\s*[^\d\s].*)?", t)
    if not m:
        raise ParseError(f"'{text(value)}' er ikke en art (fx 4.0)")
    return f"{m.group(1)}.{m.group(2) or '0'}"


def parse_vum_category(value) -> str:
    """A VUM category letter from ``C``, ``Kategori C``, ``Omfattende støtte`` or ``C - Omfattende``."""
    t = text(value).casefold()
    if not t:
        raise ParseError("VUM-kategori mangler")
    m = re.fullmatch(r"(?:vum[-\s]*)?(?:kategori|kat\.?|niveau|gruppe|støtte(?:kategori|niveau|gruppe)?)?\s*"
                     r"([a-f])(?:\s*[-:/)]\s*.*)?", t)
    if m:
        return m.group(1).upper()
    for word, letter in VUM_LABELS.items():
        if re.search(rf"(?<![a-zæøå]){word}", t):
            return letter
    raise ParseError(f"'{text(value)}' er ikke en VUM-kategori (A–F eller Let/Moderat/Omfattende/Svær/"
                     "Fuldstændig/Individuel)")


def parse_optional_vum(value) -> str | None:
    return None if is_blank(value) else parse_vum_category(value)


def is_marked(value) -> bool:
    """Whether a cell is ticked (``x``, ``X``, ``1``, ``✓``, ``ja``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 1
    return text(value).casefold() in {"x", "1", "✓", "✔", "ja", "j", "yes", "*"}


def parse_debit_credit(value) -> int:
    """The sign a debit/credit marker gives an amount: ``D``/``Debet``/``S`` = +1, ``K``/``Kredit``/``H`` = -1."""
    t = text(value).casefold()
    if t in ("d", "debet", "debit", "+", "dr", "s", "soll"):  # S/H: SAP-based systems (KMD Opus)
        return 1
    if t in ("k", "kredit", "credit", "-", "kr", "cr", "h", "haben"):
        return -1
    raise ParseError(f"'{text(value)}' er hverken D (debet) eller K (kredit)")


def parse_int(value) -> int:
    n = parse_amount(value)
    if n != int(n):
        raise ParseError(f"'{text(value)}' er ikke et helt tal")
    return int(n)


def parse_text(value) -> str:
    return text(value)


#: a company's CVR number written after its name: 'Bostedet ApS (CVR 12345678)', 'Bostedet, CVR-nr. 12345678'
_CVR_AFTER_NAME = re.compile(r"(?i)\s*(?:[,;/-]\s*|\(\s*|\[\s*)?\bcvr\b[\s.:-]*(?:nr\.?|nummer)?[\s.:-]*"
                             r"\d{2} ?\d{2} ?\d{2} ?\d{2}\s*[)\]]?$")


def parse_provider(value) -> str:
    """A provider's name as written, without a CVR number after it (the same provider is written
    with and without it)."""
    t = text(value)
    if "cvr" in t.casefold():
        t = _CVR_AFTER_NAME.sub("", t).strip() or t
    if not t:
        raise ParseError("Leverandør mangler")
    return t
