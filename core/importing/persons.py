"""Finding the person a row is about wherever the row names her.

Finance systems leave the CPR cell blank on many rows and write the number into the
posting text; case systems write it beside the name. So for every row the cells outside
the CPR column are read for CPR numbers too: a blank CPR cell takes the one number the
row names elsewhere, and a row that names two different numbers is asked about, never
guessed.
"""

from __future__ import annotations

import re
from collections import Counter

from core import cpr as cprs
from core.importing import parsers as p
from core.importing.columns import ERROR
from core.importing.fields import CPR, Kind
from core.importing.matching import Mapping, header_score
from core.importing.table import Table

#: a CPR number written with a dash or a space inside a text (``010190-1234``, ``010190 1234``)
_CPR_IN_TEXT = re.compile(r"(?<![\d-])(\d{6})[- ](\d{4})(?![\d-])")
#: ten digits that a word says are a CPR number (``cpr 0101901234``, ``CPR-nr.: 0101901234``)
_CPR_AFTER_WORD = re.compile(r"(?i)(?<![a-zæøå])(?:cpr|personnr|pers\.?\s*nr)[\s.:#-]*(?:nr|nummer)?[\s.:#-]*"
                             r"(\d{6})-?(\d{4})(?!\d)")
_NONE: frozenset = frozenset()
#: a header that says its column holds CPR numbers ('CPR pårørende', 'Modtagers personnr.')
_CPR_HEADER = re.compile(r"(?i)(?<![a-zæøå])(?:cpr|personn(?:umme)?r|pers\.?\s*nr)")

#: fields whose columns never hold a person's number (skipped when a row is searched)
_NOT_A_PERSON = ("date", "amount", "number", "account")


def cprs_in_cell(value, cpr_column: bool = False) -> frozenset:
    """The CPR numbers a cell names: in a text, those written with a dash or space or after the
    word CPR; in a column whose header says CPR, the cell itself (also a bare number)."""
    if p.is_blank(value):
        return _NONE
    if cpr_column:
        try:
            found = p.parse_optional_cpr(value)
            return frozenset((found,)) if found else _NONE
        except p.ParseError:
            pass
    if value.__class__ is not str or not any(ch.isdigit() for ch in value):
        return _NONE
    found = set()
    for pattern in (_CPR_IN_TEXT, _CPR_AFTER_WORD):
        for m in pattern.finditer(value):
            try:
                found.add(cprs.normalize(f"{m.group(1)}-{m.group(2)}"))
            except cprs.InvalidCPR:
                continue
    return frozenset(found)


def cprs_elsewhere(table: Table, mapping: Mapping, kind: Kind) -> dict[int, dict[str, str]]:
    """Per row index (of ``table.rows``), the CPR numbers found outside the CPR column, each with
    the header of the first column that names it; rows that name none are left out.

    Each column is read once per distinct value (texts repeat).
    """
    cpr_col = mapping.columns.get("cpr")
    skip = {cpr_col} | {c for name, c in mapping.columns.items() if kind.field(name).looks in _NOT_A_PERSON}
    skip |= set(mapping.month_columns) | set(mapping.category_columns)
    out: dict[int, dict[str, str]] = {}
    for c, header in enumerate(table.headers):
        if c in skip:
            continue
        cpr_column = header_score(CPR, header) >= 0.8 or bool(_CPR_HEADER.search(header))
        memo: dict = {}
        name = header or f"kolonne {c + 1}"
        for i, (_, cells) in enumerate(table.rows):
            v = cells[c] if c < len(cells) else None
            if v is None or v == "":
                continue
            key = v if v.__class__ is str else (v.__class__, v)
            found = memo.get(key)
            if found is None:
                found = memo[key] = cprs_in_cell(v, cpr_column)
            if found:
                row = out.setdefault(i, {})
                for cpr in found:
                    row.setdefault(cpr, name)
    return out


def find_persons(table: Table, mapping: Mapping, kind: Kind, cpr_values: list, cpr_problems: dict,
                 cpr_header: str) -> Counter:
    """Complete a parsed CPR column from the rest of each row, in place.

    A row whose CPR cell is blank takes the one CPR number named elsewhere in the row; a row
    that names two different numbers (the CPR cell and another cell, or two other cells) gets
    a problem that asks which one. An unreadable CPR cell keeps its own problem.

    Returns:
        How many rows took their CPR number from each column (header -> count).
    """
    taken: Counter = Counter()
    for i, found in cprs_elsewhere(table, mapping, kind).items():
        own = cpr_values[i]
        if own is not None:
            others = {c: h for c, h in found.items() if c != own}
            if others:
                cpr, header = next(iter(others.items()))
                cpr_problems[i] = (ERROR, f"Rækken nævner to forskellige CPR-numre: {cprs.mask(own)} i "
                                          f"'{cpr_header}' og {cprs.mask(cpr)} i '{header}'. Hvem gælder "
                                          "rækken? Ret CPR-nummeret i filen, og importér igen")
            continue
        if i in cpr_problems and cpr_problems[i][0] is ERROR:
            continue
        if len(found) == 1:
            cpr, header = next(iter(found.items()))
            cpr_values[i] = cpr
            cpr_problems.pop(i, None)
            taken[header] += 1
        else:
            named = ", ".join(f"{cprs.mask(c)} i '{h}'" for c, h in sorted(found.items()))
            cpr_problems[i] = (ERROR, f"CPR-cellen er tom, og rækken nævner flere CPR-numre ({named}). Hvem "
                                      f"gælder rækken? Skriv CPR-nummeret i '{cpr_header}', og importér igen")
    return taken


def name_without_cpr(name):
    """A name cell without the CPR number written in it (``Anna Holm (010190-1234)`` -> ``Anna Holm``)."""
    if name.__class__ is not str or not any(ch.isdigit() for ch in name):
        return name
    rest = _CPR_AFTER_WORD.sub(" ", _CPR_IN_TEXT.sub(" ", name))
    rest = re.sub(r"\(\s*\)|\[\s*\]", " ", rest)
    return " ".join(rest.split()).strip(" -,:;/") or name
