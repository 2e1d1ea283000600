"""CPR numbers: normalising, the century rule, masking.

Modulus-11 is deliberately not checked: many numbers issued since 2007 fail it.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from core.errors import DispoError


class InvalidCPR(DispoError):
    """A value cannot be read as a CPR number."""


_DIGITS = re.compile(r"\d+")
_WRITTEN = re.compile(r"(\d{6})[- ]?(\d{4})")
_LOST_ZERO = re.compile(r"\d{9}(\.0+)?")
_TEN_DIGITS = re.compile(r"\d{10}")


def normalize(raw: object) -> str:
    """Return ``raw`` as ``DDMMYY-SSSS``.

    Accepts ``DDMMYY-SSSS``, ``DDMMYYSSSS``, a space instead of the dash, and a number
    that lost its leading zero (``401980076`` or ``401980076.0`` from a spreadsheet).

    Raises:
        InvalidCPR: with a Danish message when it is not ten digits forming a real date.
    """
    if raw is None:
        raise InvalidCPR("CPR-nummer mangler")
    if isinstance(raw, float):
        if not math.isfinite(raw) or raw != int(raw):
            raise InvalidCPR(f"{raw!r} er ikke et CPR-nummer")
        raw = int(raw)
    text = str(raw).strip()
    if not text:
        raise InvalidCPR("CPR-nummer mangler")
    written = _WRITTEN.fullmatch(text)
    if written:
        digits = written[1] + written[2]
    elif _LOST_ZERO.fullmatch(text):
        digits = "0" + text.split(".")[0]
    else:
        raise InvalidCPR(f"'{text}' er ikke et CPR-nummer (forventet DDMMÅÅ-XXXX)")
    cpr = f"{digits[:6]}-{digits[6:]}"
    _birth_date(digits, cpr)
    return cpr


def century(yy: int, seventh: int) -> int:
    """The century (1800, 1900 or 2000) of a birth year by the CPR office's rule."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def birth_date(cpr: str) -> dt.date:
    """The birth date encoded in a normalised CPR number.

    Raises:
        InvalidCPR: when day and month do not form a date.
    """
    digits = cpr.replace("-", "")
    if not _TEN_DIGITS.fullmatch(digits):
        raise InvalidCPR(f"'{cpr}' er ikke et CPR-nummer (forventet DDMMÅÅ-XXXX)")
    return _birth_date(digits, cpr)


def _birth_date(digits: str, cpr: str) -> dt.date:
    """The birth date of ten CPR digits (``cpr`` is the number as shown in the message)."""
    day, month, yy, seventh = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        return dt.date(century(yy, seventh) + yy, month, day)
    except ValueError:
        raise InvalidCPR(f"'{cpr}' har ikke en gyldig fødselsdato") from None


def is_valid(raw: object) -> bool:
    """Whether ``raw`` can be normalised to a CPR number."""
    try:
        normalize(raw)
    except InvalidCPR:
        return False
    return True


def age_on(cpr: str, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    born = birth_date(cpr)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def mask(cpr: str) -> str:
    """``DDMMYY-xxxx``: the birth date part only, for reports and the masked GUI."""
    return cpr[:6] + "-xxxx" if len(cpr) >= 6 else cpr


CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")


def mask_all(text: str) -> str:
    """``text`` with every CPR number in it shown as ``DDMMYY-xxxx``."""
    return CPR_PATTERN.sub(lambda m: f"{m.group(1)}-xxxx", text) if text else text
