"""Column-wise parsing of an import table: a whole column of raw cells at once.

A column's cells are parsed once per distinct value (columns repeat their dates, accounts
and texts). Columns whose values are nearly all different (CPR numbers, amounts, texts,
voucher numbers) have a fast path for their usual spellings, run over the whole column;
every cell it does not recognise goes through the field's general parser. A fast path
only ever changes the speed, never the result: tests/importing/test_import_speed.py checks each
against the general parser on tricky values.
"""

from __future__ import annotations

import re

from core.importing import parsers as p

OK, ERROR, BLANK = "ok", "error", "blank"
#: a cell read, with something the user is told about its row (the row is imported)
WARNING = "warning"

#: a cell a fast path does not recognise (it goes to the general parser)
_MISS = object()


def parse_cell(parser, raw) -> tuple[str, object]:
    """``(OK, value)``, ``(ERROR, reason)`` or ``(BLANK, None)`` for one cell."""
    if raw is None or raw == "" or (raw.__class__ is str and raw.isspace()):
        return BLANK, None
    try:
        return OK, parser(raw)
    except p.ParseError as ex:
        return ERROR, str(ex)


def parse_column(parser, raws: list, required: bool = False) -> tuple[list, dict[int, tuple[str, str | None]]]:
    """The parsed values of a column's cells, and its problem cells.

    Returns ``(values, problems)``: ``values[i]`` is the parsed value of ``raws[i]`` (None
    when blank or unreadable); ``problems`` maps the index of each unreadable cell to
    ``(ERROR, reason)``, and of each blank cell to ``(BLANK, None)`` when ``required``.
    """
    fast = FAST_PATHS.get(parser)
    if fast is None:
        return _by_distinct_value(parser, raws, required)
    values = fast(raws)
    if _MISS not in values:
        return values, {}
    misses = [i for i, v in enumerate(values) if v is _MISS]
    rest, rest_problems = _by_distinct_value(parser, [raws[i] for i in misses], required)
    for i, v in zip(misses, rest):
        values[i] = v
    return values, {misses[j]: problem for j, problem in rest_problems.items()}


def _by_distinct_value(parser, raws: list, required: bool) -> tuple[list, dict]:
    # text cells are their own key; other cells are keyed with their type (1 and 1.0 and True differ)
    keys = [raw if raw.__class__ is str else (raw.__class__, raw) for raw in raws]
    memo = dict.fromkeys(keys)
    bad = {}
    for key in memo:
        status, value = parse_cell(parser, key if key.__class__ is str else key[1])
        if status is OK:
            memo[key] = value
        elif status is ERROR or required:
            bad[key] = (status, value)
    values = list(map(memo.__getitem__, keys))
    if not bad:
        return values, {}
    return values, {i: bad[key] for i, key in enumerate(keys) if key in bad}


# ------------------------------------------------------------------ fast paths

def _lines(raws: list) -> str | None:
    """The cells joined by line breaks when every cell is text without one (else None): a
    whole column can then be checked with one regular expression instead of one per cell."""
    if not raws or set(map(type, raws)) != {str}:
        return None
    joined = "\n".join(raws)
    return joined if joined.count("\n") == len(raws) - 1 else None


# day 01-28 and month 01-12 form a date in every year and century, so no date check is needed
_CPR = r"(?:0[1-9]|1[0-9]|2[0-8])(?:0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}"
_PLAIN_CPR = re.compile(_CPR)
_PLAIN_CPR_LINES = re.compile(rf"(?:{_CPR}\n)*{_CPR}")


def _cpr_column(raws: list) -> list:
    """``DDMMYYSSSS`` and ``DDMMYY-SSSS`` text as ``DDMMYY-SSSS``; the rest is missed."""
    joined = _lines(raws)
    if joined is not None and _PLAIN_CPR_LINES.fullmatch(joined):
        if len(joined) == 12 * len(raws) - 1:  # every one has its dash already
            return list(raws)
        return [s[:6] + "-" + s[-4:] for s in raws]
    plain = _PLAIN_CPR.fullmatch
    return [s[:6] + "-" + s[-4:] if s.__class__ is str and plain(s) else _MISS for s in raws]


def _text_column(raws: list) -> list:
    """Text cells with their whitespace tidied, as ``parsers.text``; blank cells are missed.

    A column that repeats its texts (a posting text per month) is tidied once per distinct text;
    one whose every text is tidy already (no blank cell, no whitespace but single spaces between
    words: then the tidied column joined by spaces is the column as it is) is taken as it is.
    """
    distinct = set(raws)
    if 2 * len(distinct) <= len(raws):
        memo = {s: " ".join(s.split()) or _MISS if s.__class__ is str else _MISS for s in distinct}
        return list(map(memo.__getitem__, raws))
    joined = _lines(raws)
    if joined is not None and "" not in distinct and " ".join(joined.split()) == joined.replace("\n", " "):
        return list(raws)
    return [" ".join(s.split()) or _MISS if s.__class__ is str else _MISS for s in raws]


FAST_PATHS = {p.parse_cpr: _cpr_column, p.parse_optional_cpr: _cpr_column, p.parse_text: _text_column}


# ------------------------------------------------------------------ amounts in øre

# '-1.234,56' and '1234,56': the finance systems' usual form, exactly two decimals
_ORE = r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),[0-9]{2}"
_DANISH_ORE = re.compile(_ORE)
_DANISH_ORE_LINES = re.compile(rf"(?:{_ORE}\n)*{_ORE}")


def ore_column(raws: list, required: bool = False) -> tuple[list, dict[int, tuple[str, str | None]]]:
    """A column of amounts in whole øre, as ``kroner_to_ore(parsers.parse_amount(cell))``.

    Like ``parse_column``, but an amount that is not a whole number of øre (``12,345``)
    stays the ``Decimal`` of kroner the general parser gives, for the caller to round
    where its rule says.
    """
    joined = _lines(raws)
    if joined is not None and _DANISH_ORE_LINES.fullmatch(joined):
        return list(map(int, joined.replace(".", "").replace(",", "").split("\n"))), {}
    danish = _DANISH_ORE.fullmatch
    values = [int(s.replace(".", "").replace(",", "")) if s.__class__ is str and danish(s)
              else _float_ore(s) if s.__class__ is float
              else s * 100 if s.__class__ is int
              else _MISS for s in raws]
    if _MISS not in values:
        return values, {}
    misses = [i for i, v in enumerate(values) if v is _MISS]
    rest, problems = _by_distinct_value(p.parse_amount, [raws[i] for i in misses], required)
    for i, amount in zip(misses, rest):
        values[i] = _whole_ore(amount)
    return values, {misses[j]: problem for j, problem in problems.items()}


def _float_ore(f: float):
    """A spreadsheet number that is a whole number of øre, as øre; else missed.

    Below 10^12 kroner neighbouring floats are less than 0.0002 apart, so at most one whole
    number of øre rounds to a given float. When ``n / 100`` is that float, the float's
    shortest repr is ``n / 100`` itself, and ``n`` is what ``Decimal(repr(f)) * 100`` gives.
    """
    if -1e12 < f < 1e12:
        n = round(f * 100)
        if n / 100 == f:
            return n
    return _MISS


def _whole_ore(amount):
    """Kroner as whole øre when exact (None stays None); otherwise the ``Decimal`` unchanged."""
    if amount is None:
        return None
    ore = amount * 100
    return int(ore) if ore == ore.to_integral_value() else amount
