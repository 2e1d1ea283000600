"""Finding the person a row is about wherever the row names her.

Finance systems leave the CPR cell blank on many rows and write the number into the
posting text; case systems write it beside the name. So for every row the cells outside
the CPR column are read for CPR numbers too: a blank CPR cell takes the one number the
row names elsewhere, and a row that names two different numbers is asked about, never
guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from core import cpr as cprs
from core.importing import parsers as p
from core.importing.columns import ERROR, WARNING
from core.importing.fields import CPR, Kind
from core.importing.matching import BlockValues, Mapping, header_score
from core.importing.table import Table

#: a CPR number written with a dash or a space inside a text (``010190-1234``, ``010190 1234``)
_CPR_IN_TEXT = re.compile(r"(?<![\d-])(\d{6})[- ](\d{4})(?![\d-])")
#: ten digits that a word says are a CPR number (``cpr 0101901234``, ``CPR-nr.: 0101901234``)
#: (no line breaks inside: a whole column is searched at once, one cell per line)
_CPR_AFTER_WORD = re.compile(r"(?i)(?<![a-zæøå])(?:cpr|personnr|pers\.?[ \t]*nr)[ \t.:#-]*(?:nr|nummer)?[ \t.:#-]*"
                             r"(\d{6})-?(\d{4})(?!\d)")
#: the same, found faster in a long text (what may not stand before it is checked by hand)
_CPR_DASHED = re.compile(r"(\d{6})[- ](\d{4})(?![\d-])")
_NOT_BEFORE = frozenset("0123456789-")
_CPR_AFTER_WORD_LOWER = re.compile(_CPR_AFTER_WORD.pattern.replace("(?i)", ""))
#: ten digits on their own (only read in a name cell: 'Anna Holm (0101901234)')
_CPR_BARE = re.compile(r"(?<![\d-])(\d{6})(\d{4})(?![\d-])")
_NONE: frozenset = frozenset()
#: a CPR number whose last four digits are hidden (``010190-xxxx``, ``010190****``)
_MASKED = re.compile(r"(?<![\d-])\d{6}[- ]?(?:[xX]{4}|\*{4})(?![\w*])")
#: a header that says its column holds CPR numbers ('CPR pårørende', 'Modtagers personnr.')
_CPR_HEADER = re.compile(r"(?i)(?<![a-zæøå])(?:cpr|personn(?:umme)?r|pers\.?\s*nr)")

#: the parsers of fields that hold free text, where a person's number may stand (other mapped
#: columns are not searched)
_FREE_TEXT = (p.parse_text, p.parse_name, p.parse_provider)
_TEXT_OR_BLANK = {str, type(None)}


def cprs_in_cell(value, cpr_column: bool = False, bare: bool = False) -> frozenset:
    """The CPR numbers a cell names: in a text, those written with a dash or space or after the
    word CPR (and, with ``bare``, ten digits on their own: a name cell holds no other number);
    in a column whose header says CPR, the cell itself (also a bare number)."""
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
    for pattern in (_CPR_IN_TEXT, _CPR_AFTER_WORD, _CPR_BARE) if bare else (_CPR_IN_TEXT, _CPR_AFTER_WORD):
        for m in pattern.finditer(value):
            try:
                found.add(cprs.normalize(f"{m.group(1)}-{m.group(2)}"))
            except cprs.InvalidCPR:
                continue
    return frozenset(found)


def cprs_elsewhere(table: Table, mapping: Mapping, kind: Kind, known: frozenset = _NONE,
                   bare_rows: list[int] | None = None) -> dict[int, dict[str, str]]:
    """Per row index (of ``table.rows``), the CPR numbers found outside the CPR column, each with
    the header of the first column that names it; rows that name none are left out.

    Ten bare digits in a text (``Husleje 0101901234``) count only when they are one of the ``known``
    numbers (the file's CPR column, the citizens already registered): a text holds other ten-digit
    numbers too (invoices, accounts), and only a number known as a person's is surely one. They are
    looked for only on ``bare_rows`` (the rows without a CPR number of their own; all when ``None``).

    A column of texts is searched at once (its cells joined one per line, so a finance extract's
    tens of thousands of posting texts cost one regular-expression pass); any other column is
    read once per distinct value.
    """
    skip = _not_searched(mapping, kind)
    out: dict[int, dict[str, str]] = {}
    names = {mapping.columns[n] for n in ("name", "first_name", "last_name") if n in mapping.columns}
    for c, header in enumerate(table.headers):
        if c in skip:
            continue
        cpr_column = header_score(CPR, header) >= 0.8 or bool(_CPR_HEADER.search(header))
        name_column = c in names
        name = header or f"kolonne {c + 1}"
        cells = table.column(c)
        found = None if cpr_column or name_column else _texts_searched_at_once(cells, known, bare_rows)
        if found is None:
            found = _cells_searched_one_by_one(cells, cpr_column, name_column, known, bare_rows)
        for i, cprs_found in found:
            row = out.setdefault(i, {})
            for cpr in cprs_found:
                row.setdefault(cpr, name)
    return out


def _not_searched(mapping: Mapping, kind: Kind) -> set[int]:
    """The columns a person's number is not looked for in: the CPR column itself, and columns whose
    field holds something else than free text (dates, amounts, accounts, codes)."""
    skip = {c for name, c in mapping.columns.items() if kind.field(name).parser not in _FREE_TEXT}
    return skip | set(mapping.month_columns) | set(mapping.category_columns) | set(mapping.cpr_parts or ())


def masked_cprs(table: Table, mapping: Mapping, kind: Kind, rows: list[int]) -> dict[int, str]:
    """Per row index of ``rows``, a masked CPR number the row writes outside the CPR column
    (``Husleje 010190-xxxx``, as a report that hides CPR numbers writes them): the person it names
    cannot be known, so the row is asked about, never given a person by guess."""
    skip = _not_searched(mapping, kind)
    columns = [c for c in range(len(table.headers)) if c not in skip]
    out = {}
    for i in rows:
        cells = table.rows[i][1]
        for c in columns:
            v = cells[c] if c < len(cells) else None
            if v.__class__ is str and ("xx" in v or "XX" in v or "**" in v):
                m = _MASKED.search(v)
                if m:
                    out[i] = m.group(0)
                    break
    return out


def unknown_bare_cprs(table: Table, mapping: Mapping, kind: Kind, rows: list[int], known: frozenset) -> dict[int, str]:
    """Per row index of ``rows``, ten bare digits in a text outside the CPR column that form a CPR number
    but are not a ``known`` one (``Ophold 0709723920`` of a person neither the file nor the register
    knows): perhaps a person, perhaps an invoice number. Each column is searched at once over the rows."""
    out: dict[int, str] = {}
    if not rows:
        return out
    skip = _not_searched(mapping, kind)
    for c in range(len(table.headers)):
        if c in skip:
            continue
        texts = []
        for i in rows:
            cells = table.rows[i][1]
            v = cells[c] if c < len(cells) else None
            texts.append(v.replace("\n", " ") if v.__class__ is str else "")
        for i, cpr in _bare_cprs(texts, rows):
            if cpr not in known:
                out.setdefault(i, cpr)
    return out


def _bare_cprs(texts: list[str], rows) -> list[tuple[int, str]]:
    """``(rows[k], CPR number)`` for ten bare digits forming a CPR number in ``texts[k]`` (texts without
    line breaks), found in one pass over the texts joined by line breaks."""
    return _cprs_in_joined(_CPR_BARE, "\n".join(texts), texts, rows)


def _cprs_in_joined(pattern: re.Pattern, searched: str, texts: list[str], rows=None) -> list[tuple[int, str]]:
    """``(row, CPR number)`` for each match of ``pattern`` in ``searched`` (``texts`` joined by line breaks, or
    that text lower-cased): the row is the index of the text it stands in (``rows[index]`` when given)."""
    out = []
    starts = None
    for m in pattern.finditer(searched):
        if pattern is _CPR_DASHED and m.start() and searched[m.start() - 1] in _NOT_BEFORE:
            continue  # part of a longer number ('1234567-1234') or a date range
        try:
            cpr = cprs.normalize(f"{m.group(1)}-{m.group(2)}")
        except cprs.InvalidCPR:
            continue
        if starts is None:  # where each text starts in the joined text, worked out only when needed
            starts = [0, *accumulate(len(t) + 1 for t in texts)]
        k = bisect_right(starts, m.start()) - 1
        out.append((k if rows is None else rows[k], cpr))
    return out


def _texts_searched_at_once(cells: list, known: frozenset = _NONE,
                            bare_rows: list[int] | None = None) -> list[tuple[int, set]] | None:
    """``(row index, CPR numbers)`` of a column whose cells are texts or blank, found in one pass over
    the cells joined by line breaks; ``None`` when a cell is a number or holds a line break itself.

    A column that repeats its texts (a posting text per month) is searched once per distinct text.
    Ten bare digits count only as a number in ``known``, on ``bare_rows`` (all rows when None)."""
    if not set(map(type, cells)) <= _TEXT_OR_BLANK:
        return None
    if not cells:
        return []
    texts = [v or "" for v in cells] if None in cells else cells
    distinct = list(dict.fromkeys(texts))
    if 2 * len(distinct) > len(texts):
        found = _joined_texts_searched(texts)
    else:
        found = _joined_texts_searched(distinct)
        if found:
            by_text = {distinct[j]: cprs_found for j, cprs_found in found}
            found = [(i, by_text[t]) for i, t in enumerate(texts) if t in by_text]
    if found is None or not known:
        return found
    by_row = {i: set(cprs_found) for i, cprs_found in found}
    rows = range(len(texts)) if bare_rows is None else bare_rows
    some = [texts[i] for i in rows]
    if any(some):
        for i, cpr in _bare_cprs(some, rows):
            if cpr in known:
                by_row.setdefault(i, set()).add(cpr)
    return sorted(by_row.items())


def _joined_texts_searched(texts: list[str]) -> list[tuple[int, set]] | None:
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return None
    by_row: dict[int, set] = {}
    # a dashed number needs a dash or a space, a number after a word needs the word
    searches = [(_CPR_DASHED, joined)] if "-" in joined or " " in joined else []
    lowered = joined.lower()
    if len(lowered) == len(joined) and ("cpr" in lowered or "pers" in lowered):
        searches.append((_CPR_AFTER_WORD_LOWER, lowered))
    for pattern, searched in searches:
        for i, cpr in _cprs_in_joined(pattern, searched, texts):
            by_row.setdefault(i, set()).add(cpr)
    return sorted(by_row.items())


def _cells_searched_one_by_one(cells: list, cpr_column: bool, bare: bool = False, known: frozenset = _NONE,
                               bare_rows: list[int] | None = None) -> list[tuple[int, frozenset]]:
    memo: dict = {}
    out = []
    may_be_bare = set(range(len(cells)) if bare_rows is None else bare_rows) if known and not bare else ()
    for i, v in enumerate(cells):
        if v is None or v == "":
            continue
        key = (v if v.__class__ is str else (v.__class__, v), i in may_be_bare)
        found = memo.get(key)
        if found is None:
            found = cprs_in_cell(v, cpr_column, bare)
            if not found and key[1]:
                found = cprs_in_cell(v, bare=True) & known
            memo[key] = found
        if found:
            out.append((i, found))
    return out


#: a printed page's footer among the rows ('Side 2', 'Side 3 af 7'): no group heading
_PAGE = re.compile(r"(?i)^\s*(?:side|page)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?\s*$")


def cprs_by_heading(table: Table) -> BlockValues | None:
    """The person of each row of a sheet without a CPR column whose rows are grouped under a heading
    per person ('Hansen, Anna (010190-1234)' on a row of its own above her rows). A heading that names
    no one ('Uden borger') ends the group above it: the rows under it have no person; one that names
    two gives its rows the heading itself (a value that is no CPR number: asked about, never guessed).
    ``None`` when no heading names a person."""
    by_row = []
    for row, heading in table.headings:
        if _PAGE.match(heading):
            continue
        found = cprs_in_cell(heading, bare=True)
        by_row.append((row, heading if len(found) > 1 else next(iter(found), None)))
    if not any(cpr for _, cpr in by_row):
        return None
    return BlockValues(by_row)


def find_persons(table: Table, mapping: Mapping, kind: Kind, cpr_values: list, cpr_problems: dict,
                 cpr_header: str, registered: frozenset = _NONE) -> Counter:
    """Complete a parsed CPR column from the rest of each row, in place.

    A row whose CPR cell is blank takes the one CPR number named elsewhere in the row; a row
    that names two different numbers (the CPR cell and another cell, or two other cells) gets
    a problem that asks which one. An unreadable CPR cell keeps its own problem.

    Returns:
        How many rows took their CPR number from each column (header -> count).
    """
    taken: Counter = Counter()
    bare_rows = [i for i, v in enumerate(cpr_values) if v is None and cpr_problems.get(i, (None,))[0] is not ERROR]
    known = (frozenset(v for v in cpr_values if v) | registered) if bare_rows else _NONE
    elsewhere = cprs_elsewhere(table, mapping, kind, known, bare_rows)
    for i, hidden in masked_cprs(table, mapping, kind, [i for i in bare_rows if i not in elsewhere]).items():
        cpr_problems[i] = (ERROR, f"CPR-cellen er tom, og rækken nævner kun et skjult CPR-nummer ('{hidden}'); "
                                  "hvem det er, kan ikke vides. Skriv det fulde CPR-nummer i "
                                  f"'{cpr_header}', og importér igen")
    for i, found in elsewhere.items():
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
    rest = [i for i in bare_rows if i not in elsewhere and i not in cpr_problems]
    for i, cpr in unknown_bare_cprs(table, mapping, kind, rest, known).items():
        cpr_problems[i] = (WARNING, f"CPR-cellen er tom, og rækken nævner {cprs.mask(cpr).replace('-', '')}, der kan "
                                    "være et CPR-nummer, som hverken filen eller registret kender; rækken gemmes "
                                    f"uden borger. Er det en borgers, så skriv nummeret i '{cpr_header}', og "
                                    "importér igen")
    return taken


def name_without_cpr(name):
    """A name cell without the CPR number written in it (``Anna Holm (010190-1234)`` -> ``Anna Holm``)."""
    if name.__class__ is not str or not any(ch.isdigit() for ch in name):
        return name
    rest = _CPR_BARE.sub(" ", _CPR_AFTER_WORD.sub(" ", _CPR_IN_TEXT.sub(" ", name)))
    rest = re.sub(r"\(\s*\)|\[\s*\]", " ", rest)
    return " ".join(rest.split()).strip(" -,:;/") or name


def looked_up_elsewhere(table: Table, mapping: Mapping, kind: Kind, others: list[Table]) -> tuple[int, Table, dict]:
    """Where a sheet without a CPR column names its people by an id ('Sag' SAG-2019-00123, 'Aktør') that
    another sheet of the workbook maps to CPR numbers (a table with a CPR column and a column of those
    ids): ``(the id column, the other sheet, {id: CPR number})``; ``(None, None, {})`` when there is none.

    The other sheet's ids must cover half the column's distinct values (at least two); a row whose id
    it lacks, or gives two CPR numbers, is asked about, never guessed."""
    if "cpr" in mapping.columns or mapping.cpr_parts or not any(f.name == "cpr" for f in kind.fields):
        return None, None, {}
    used = set(mapping.columns.values()) | set(mapping.month_columns) | set(mapping.category_columns)
    candidates = {}
    for c in range(len(table.headers)):
        if c not in used:
            values = {p.text(cells[c]).casefold() for _, cells in table.rows if c < len(cells) and not p.is_blank(cells[c])}
            if len(values) >= 2:
                candidates[c] = values
    for other in others if candidates else ():
        cpr_col = next((c for c, h in enumerate(other.headers) if header_score(CPR, h) >= 0.8), None)
        if cpr_col is None:
            continue
        for key_col in range(len(other.headers)):
            if key_col == cpr_col:
                continue
            ids: dict[str, str | None] = {}
            written: dict[str, str] = {}
            for _, cells in other.rows:
                k = cells[key_col] if key_col < len(cells) else None
                v = cells[cpr_col] if cpr_col < len(cells) else None
                if p.is_blank(k) or p.is_blank(v):
                    continue
                try:
                    cpr = p.parse_cpr(v)
                except p.ParseError:
                    continue
                key = p.text(k).casefold()
                written[key] = p.text(k)
                ids[key] = cpr if ids.get(key, cpr) == cpr else None
            for c, values in candidates.items():
                hits = values & ids.keys()
                if len(hits) >= 2 and 2 * len(hits) >= len(values):
                    return c, other, {written[k]: cpr for k, cpr in ids.items() if cpr}
    return None, None, {}


def name_key(name) -> str:
    """A name as names are compared: ``Hansen, Anna`` and ``anna  hansen`` are one."""
    return " ".join(p.parse_name(name).casefold().split())


def find_by_name(cpr_values: list, cpr_problems: dict, names: list, registered: dict[str, set[str]]) -> list[str]:
    """Rows without a CPR number whose name is one registered citizen's take her number, in place; a name
    two citizens share is asked about. Returns the names (distinct) that are no registered citizen's."""
    unknown = {}
    for i, name in enumerate(names):
        if cpr_values[i] is not None or p.is_blank(name) or i in cpr_problems:
            continue
        found = registered.get(name_key(name))
        if not found:
            unknown.setdefault(name_key(name), p.text(name))
        elif len(found) == 1:
            cpr_values[i] = next(iter(found))
        else:
            cpr_problems[i] = (ERROR, f"Navnet '{p.text(name)}' er {len(found)} kendte borgeres; hvem gælder rækken? "
                                      "Skriv CPR-nummeret i filen, og importér igen")
    return list(unknown.values())
