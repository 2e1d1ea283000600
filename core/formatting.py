"""Values as plain Danish text: the one formatter the GUI and the CLI share.

Numbers keep ``core.money``'s format (``1.234.567,89``); this module adds what a sentence
needs around them: ``kr.``, counts with thousands separators and the right plural
(``1 bevilling``, ``2 bevillinger``), dates ``31-10-2026`` also when they arrive as ISO
text, and points in time ``31-10-2026 14:05``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

from core.money import format_date, format_kr, format_number

__all__ = ["format_number", "format_kr", "format_date", "kr_text", "count", "plural", "date_text",
           "datetime_text", "persons", "import_counts", "NOUNS", "MONTH_NAMES", "month_text", "text_key", "and_list"]

MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december")

# singular -> plural of the nouns Dispo counts
NOUNS = {
    "bevilling": "bevillinger", "borger": "borgere", "leverandør": "leverandører", "postering": "posteringer",
    "række": "rækker", "fejl": "fejl", "advarsel": "advarsler", "bemærkning": "bemærkninger",
    "konto": "konti", "import": "importer", "måned": "måneder", "dag": "dage", "fil": "filer",
    "budget": "budgetter", "budgetlinje": "budgetlinjer", "sag": "sager", "vurdering": "vurderinger",
    "ændring": "ændringer", "person": "personer", "helårsperson": "helårspersoner", "linje": "linjer",
    "kommende borger": "kommende borgere", "sikkerhedskopi": "sikkerhedskopier", "tilbud": "tilbud",
    "ny": "nye", "opdateret": "opdaterede", "ændret": "ændrede", "uændret": "uændrede", "afvist": "afviste", "indlæst": "indlæste",
}


def plural(n: int | Decimal, singular: str, plural_form: str | None = None) -> str:
    """``singular`` when ``n`` is one, else its plural (from ``NOUNS`` unless given)."""
    if n == 1 or n == -1:
        return singular
    return plural_form or NOUNS.get(singular, singular)


def count(n: int | None, singular: str | None = None, plural_form: str | None = None) -> str:
    """A whole count with thousands separators and, with a noun, in the right number:
    ``count(237000, "ny")`` -> ``237.000 nye``; ``count(1, "bevilling")`` -> ``1 bevilling``."""
    if n is None:
        return ""
    text = format_number(int(n), 0)
    return f"{text} {plural(n, singular, plural_form)}" if singular else text


def kr_text(ore: int | None) -> str:
    """Whole øre as a sentence writes it: ``1.234,50 kr.`` (``''`` for None)."""
    return "" if ore is None else f"{format_kr(ore)} kr."


def persons(value: Decimal | float | int | None) -> str:
    """A number of persons: whole people without decimals (``4``), full-year
    equivalents with at most two (``12,5``, ``3,25``)."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if d == d.to_integral_value():
        return format_number(d, 0)
    text = format_number(d, 2)
    return text.rstrip("0") if "," in text else text


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")  # a date, or midnight
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$")


def date_text(value) -> str:
    """A date as ``31-10-2026`` whether it is a ``date``, a ``datetime`` or ISO text; other
    text is returned unchanged."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    text = str(value)
    m = _ISO_DATE.match(text)
    return f"{m[3]}-{m[2]}-{m[1]}" if m else text


def datetime_text(value) -> str:
    """A point in time as ``31-10-2026 14:05`` (a ``datetime`` or ISO text); a plain date as
    ``date_text``; other text unchanged."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    text = str(value)
    m = _ISO_DATETIME.match(text)
    if m:
        return f"{m[3]}-{m[2]}-{m[1]} {m[4]}:{m[5]}"
    return date_text(value)


# Danish alphabetical order puts æ, ø, å after z (and in that order); ä, ö and é, ü go with æ, ø and e, y.
_DANISH_ORDER = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}", "é": "e", "ü": "y"})


def text_key(text: str) -> str:
    """A sort key for Danish text: case-insensitive, with æ, ø, å after z."""
    return text.casefold().translate(_DANISH_ORDER)


def and_list(items) -> str:
    """Items as a Danish enumeration: ``a``, ``a og b``, ``a, b og c``."""
    items = [str(i) for i in items]
    return ", ".join(items[:-1]) + " og " + items[-1] if len(items) > 1 else "".join(items)


def month_text(year: int, month: int) -> str:
    """A month as people write it: ``januar 2026``."""
    return f"{MONTH_NAMES[month - 1]} {year}"


def import_counts(result: dict) -> str:
    """An import's outcome as the wizard and the CLI say it, in the right number:
    ``1 ny, 3 opdaterede, 0 fandtes allerede, 0 afviste``."""
    return (f"{count(result['imported'], 'ny')}, {count(result['updated'], 'opdateret')}, "
            f"{count(result['unchanged'])} fandtes allerede, {count(len(result['rejected']), 'afvist')}")
