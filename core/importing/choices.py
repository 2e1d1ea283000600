"""What the user (or a profile) decides where matching is not enough, and what is left unused.

Three kinds of choice finish an import that matching could not: a column for a field
(``maps``), a fixed value for every row of the sheet (``fixed``: § 108 and unit døgn for a
residents' list of one facility) and a translation of the values a column writes
(``translations``: a local code or a word -> what it means). Each is recorded on the
``Mapping`` with where it came from: ``matched`` (Dispo found it), ``profile`` (a saved
profile) or ``given`` (the user, on the command line or in the wizard).

Nothing is dropped silently: every column that feeds no field is listed as unused, and
an unused column whose values look like a field's is a warning naming that field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from core.cpr import mask_all
from core.errors import DispoError
from core.importing import parsers as p
from core.importing.columns import ERROR, parse_cell
from core.importing.fields import Field, Kind
from core.importing.matching import Mapping, account_part_columns, header_score, split_cpr_columns, value_fit
from core.importing.table import Table, normalize_header

MATCHED, PROFILE, GIVEN = "matched", "profile", "given"
SOURCE_LABELS = {MATCHED: "fundet af Dispo", PROFILE: "fra profilen", GIVEN: "valgt"}


class ChoiceError(DispoError):
    """A choice names a field, a column or a value that does not fit the file or the kind."""


@dataclass
class Choices:
    """Choices for a layout: field -> column header, field -> fixed value, field -> {value: meaning}."""

    maps: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.maps or self.fixed or self.translations)


def translation_key(value) -> str:
    """A value as a translation is looked up: its text, single spaces, case ignored."""
    return p.text(value).casefold()


def field_of(kind: Kind, name: str) -> Field:
    """The kind's field named by its code (``start``) or its Danish label (``Startdato``).

    Raises:
        ChoiceError: no such field in this kind (the message lists the fields).
    """
    wanted = normalize_header(name)
    for f in kind.fields:
        if wanted in (normalize_header(f.name), normalize_header(f.label)):
            return f
    raise ChoiceError(f"Feltet '{name}' findes ikke i {kind.label.lower()}; felterne er: "
                      + ", ".join(f"{f.name} ({f.label})" for f in kind.fields))


def column_index(table: Table, header: str) -> int | None:
    """The column of the table whose header is ``header`` (compared as headers are), else None."""
    wanted = normalize_header(header)
    return next((c for c, h in enumerate(table.headers) if normalize_header(h) == wanted and h), None)


def check_value(f: Field, value: str, what: str) -> None:
    """Refuse a fixed value or a meaning the field's parser cannot read (with its reason)."""
    status, detail = parse_cell(f.parser, value)
    if status is ERROR:
        raise ChoiceError(f"{what} '{value}' for feltet {f.label} kan ikke bruges: {detail}")


def apply_choices(mapping: Mapping, table: Table, kind: Kind, choices: Choices, source: str,
                  missing_ok: bool = False) -> Mapping:
    """Put choices on a mapping (they win over what was there); returns the mapping.

    Args:
        missing_ok: a column the sheet does not have is left out (one of several sheets; the caller
            checks that some sheet has it) instead of refused.

    Raises:
        ChoiceError: a field, column or value that does not fit.
    """
    for name, header in choices.maps.items():
        if name in CPR_PARTS and any(f.name == "cpr" for f in kind.fields):
            _map_cpr_part(mapping, table, name, header, source, missing_ok)
            continue
        f = field_of(kind, name)
        c = column_index(table, header) if header else None
        if header and c is None and missing_ok:
            continue
        mapping.columns.pop(f.name, None)
        mapping.confidence.pop(f.name, None)
        if header:
            if c is None:
                raise ChoiceError(f"Kolonnen '{header}' (til feltet {f.label}) findes ikke i arket '{table.sheet}'; "
                                  "kolonnerne er: " + ", ".join(f"'{h}'" for h in table.headers if h))
            for other, col in list(mapping.columns.items()):
                if col == c:  # a column feeds one field
                    del mapping.columns[other]
                    mapping.confidence.pop(other, None)
                    mapping.sources.pop(("map", other), None)
            mapping.category_columns.pop(c, None)
            mapping.month_columns.pop(c, None)
            if f.name == "cpr" or c in (mapping.cpr_parts or ()):
                mapping.cpr_parts = None
            mapping.columns[f.name] = c
            mapping.confidence[f.name] = 1.0
        mapping.sources[("map", f.name)] = source
    if mapping.cpr_parts and None in mapping.cpr_parts:
        raise ChoiceError("Et CPR-nummer delt i to kolonner kræver begge: --map cpr_part_1=KOLONNE (fødselsdato) "
                          "og --map cpr_part_2=KOLONNE (løbenummer)")
    for name, value in choices.fixed.items():
        f = field_of(kind, name)
        if p.is_blank(value):
            mapping.defaults.pop(f.name, None)
            mapping.sources.pop(("set", f.name), None)
            continue
        check_value(f, value, "Den faste værdi")
        mapping.defaults[f.name] = value
        mapping.sources[("set", f.name)] = source
    for name, table_of_values in choices.translations.items():
        f = field_of(kind, name)
        for value, meaning in table_of_values.items():
            if p.is_blank(meaning):
                continue
            check_value(f, meaning, f"Betydningen af '{value}',")
            mapping.translations.setdefault(f.name, {})[p.text(value)] = p.text(meaning)
            mapping.sources[("translate", f.name, p.text(value))] = source
    return mapping


#: the names that map the two columns a CPR number is split over (birth date, then the last four digits)
CPR_PARTS = ("cpr_part_1", "cpr_part_2")


def _map_cpr_part(mapping: Mapping, table: Table, name: str, header: str, source: str, missing_ok: bool) -> None:
    """Put one of the two columns of a split CPR number on the mapping (the CPR column then goes)."""
    c = column_index(table, header) if header else None
    if c is None:
        if missing_ok:
            return
        raise ChoiceError(f"Kolonnen '{header}' (til {name}) findes ikke i arket '{table.sheet}'")
    parts = list(mapping.cpr_parts or (None, None))
    parts[CPR_PARTS.index(name)] = c
    mapping.cpr_parts = tuple(parts)
    if None not in parts:
        mapping.columns.pop("cpr", None)
        for other, col in list(mapping.columns.items()):
            if col in parts:
                del mapping.columns[other]
        mapping.sources[("map", "cpr")] = source


def map_translated_fields(mapping: Mapping, table: Table, kind: Kind) -> Mapping:
    """Give a field that has translations but no column the column whose values they name.

    The values she explained are the strongest sign of where the field stands: the unused column
    whose values are (after translation) mostly readable for the field, and whose header names
    the field best, is taken.
    """
    used = used_columns(mapping)
    for name in mapping.translations:
        if name in mapping.columns:
            continue
        f = kind.field(name)
        lookup = {translation_key(k): v for k, v in mapping.translations[name].items()}
        best = None
        for c, header in enumerate(table.headers):
            if c in used:
                continue
            values = table.column_values(c, 30)
            if not values:
                continue
            named = sum(1 for v in values if translation_key(v) in lookup)
            readable = sum(1 for v in values if parse_cell(f.parser, lookup.get(translation_key(v), v))[0] != ERROR)
            if named and readable >= 0.8 * len(values):
                cand = (header_score(f, header), named / len(values), -c)
                best = (cand, c) if best is None or cand > best[0] else best
        if best is not None:
            mapping.columns[name] = best[1]
            mapping.confidence[name] = 0.9
            mapping.sources[("map", name)] = MATCHED
            used.add(best[1])
    return mapping


def check_columns_exist(tables: list[Table], choices: Choices) -> None:
    """Refuse a column chosen with ``maps`` that none of the sheets has.

    Raises:
        ChoiceError: naming the column and the columns there are.
    """
    for name, header in choices.maps.items():
        if header and all(column_index(t, header) is None for t in tables):
            there = list(dict.fromkeys(h for t in tables for h in t.headers if h))
            raise ChoiceError(f"Kolonnen '{header}' (til feltet {name}) findes ikke i filen; kolonnerne er: "
                              + ", ".join(f"'{h}'" for h in there))


def choices_of(mapping: Mapping, table: Table) -> Choices:
    """The choices a mapping holds, as a profile stores them (columns by header text)."""
    maps = mapping.headers(table)
    for name in mapping.defaults:
        if name not in mapping.columns:
            maps.pop(name, None)
    fixed = {k: p.text(v) for k, v in mapping.defaults.items()
             if mapping.sources.get(("set", k), MATCHED) != MATCHED}
    return Choices(maps, fixed, {k: dict(v) for k, v in mapping.translations.items()})


def choices_report(sheets: list[tuple[Table, Mapping]]) -> dict:
    """The ``choices`` of an import result: every map, fixed value and translation used, with its source."""
    maps, fixed, translations = [], [], []
    for table, mapping in sheets:
        for name, c in mapping.columns.items():
            maps.append({"sheet": table.sheet, "field": name, "column": table.headers[c],
                         "source": mapping.sources.get(("map", name), MATCHED)})
        for name, c in zip(CPR_PARTS, mapping.cpr_parts or ()):
            maps.append({"sheet": table.sheet, "field": name, "column": table.headers[c],
                         "source": mapping.sources.get(("map", "cpr"), MATCHED)})
        for name, value in mapping.defaults.items():
            fixed.append({"sheet": table.sheet, "field": name, "value": p.text(value),
                          "source": mapping.sources.get(("set", name), MATCHED)})
        for name, values in mapping.translations.items():
            for value, meaning in values.items():
                translations.append({"sheet": table.sheet, "field": name, "value": value, "meaning": meaning,
                                     "source": mapping.sources.get(("translate", name, value), GIVEN)})
    return {"maps": maps, "fixed": fixed, "translations": translations}


def translate_cells(mapping: Mapping, name: str, cells: list) -> list:
    """A column's cells with the field's translations applied (a value not in it stays as it is)."""
    table_of_values = mapping.translations.get(name)
    if not table_of_values:
        return cells
    lookup = {translation_key(k): v for k, v in table_of_values.items()}
    return [lookup.get(translation_key(c), c) if not p.is_blank(c) else c for c in cells]


# ---------------------------------------------------------------------- unused columns

def used_columns(mapping: Mapping, table: Table | None = None) -> set[int]:
    """The columns that feed a field (with ``table``: an account's parts in columns of their own too)."""
    used = (set(mapping.columns.values()) | set(mapping.category_columns) | set(mapping.month_columns)
            | set(mapping.cpr_parts or ()))
    if table is not None and "account" in mapping.columns:
        used |= set(account_part_columns(table, mapping.columns["account"]) or ())
    return used


def column_name(table: Table, c: int) -> str:
    """A column's header, or its place when it has none."""
    return table.headers[c] or f"kolonne {c + 1} (uden overskrift)"


def unused_columns(table: Table, mapping: Mapping, n: int = 3) -> list[dict]:
    """Every column that feeds no field, with up to ``n`` distinct sample values (CPR numbers masked)."""
    used = used_columns(mapping, table)
    out = []
    for c in range(len(table.headers)):
        if c in used:
            continue
        distinct: list[str] = []
        for v in table.column_values(c, 200):
            t = mask_all(p.text(v))
            if t not in distinct:
                distinct.append(t)
                if len(distinct) >= n:
                    break
        if not table.headers[c] and not distinct:
            continue  # an empty column without a header holds nothing to lose
        out.append({"sheet": table.sheet, "column": column_name(table, c), "samples": distinct})
    return out


#: what kinds of values are worth a warning when a column holding them is not used
_WARN_LOOKS = ("cpr", "section", "category", "account", "date", "amount", "unit")


def _looks_like(f: Field, values: list) -> bool:
    """Whether a column's values look like the field's (strictly: a plain number is no date or amount)."""
    if f.looks == "date":
        values = [v for v in values if isinstance(v, (dt.date, str))]
    elif f.looks == "amount":
        # a plain whole number is as likely a case number as an amount
        values = [v for v in values if (isinstance(v, float) and v != int(v)) or
                  (isinstance(v, str) and any(ch in v for ch in ",.") or "kr" in str(v).casefold())]
    elif f.looks == "category":
        values = [v for v in values if len(p.text(v)) <= 30]
    elif f.looks == "account":
        values = [v for v in values if "." in p.text(v)]  # packed digits are as likely a case number
    if f.looks in ("cpr", "category", "section", "unit"):
        # values of their own kind: one is enough, and a few codes among them do not hide the rest
        return len(values) >= 1 and value_fit(f, values) >= 0.5
    return len(values) >= 2 and value_fit(f, values) >= 0.8


def lookalike_warnings(table: Table, mapping: Mapping, kind: Kind) -> list[dict]:
    """A warning for each unused column whose values look like a field of the kind (naming the field),
    and for two unused neighbouring columns that together hold CPR numbers when the person has no column."""
    used = used_columns(mapping, table)
    out = []
    if any(f.name == "cpr" for f in kind.fields) and "cpr" not in mapping.given():
        pair = split_cpr_columns(table, table.column_samples(30), used, headers_say_so=False)
        if pair:
            names = " og ".join(f"'{column_name(table, c)}'" for c in pair)
            out.append({"sheet": table.sheet, "row": None, "column": column_name(table, pair[0]), "field": "cpr",
                        "warning": f"Kolonnerne {names} bruges ikke, men sammen ligner de CPR-numre (fødselsdato "
                                   "og løbenummer); vælg dem med --map cpr_part_1=KOLONNE --map cpr_part_2=KOLONNE, "
                                   "hvis det er det"})
    for c in range(len(table.headers)):
        if c in used:
            continue
        values = table.column_values(c, 30)
        if not values:
            continue
        candidates = [f for f in kind.fields if f.looks in _WARN_LOOKS and _looks_like(f, values)]
        if not candidates:
            continue
        # a field still without a column is the likelier meaning; when every candidate has one, only
        # values of their own kind (a second CPR or section column) are worth a word: amounts and dates
        # beside the ones used are usually computed or informative columns
        free = [f for f in candidates if f.name not in mapping.given()] or [
            f for f in candidates if f.looks not in ("amount", "date")]
        if not free:
            continue
        labels = " eller ".join(f.label for f in free[:3])
        shown = ", ".join(f"'{mask_all(p.text(v))}'" for v in values[:2])
        out.append({"sheet": table.sheet, "row": None, "column": column_name(table, c),
                    "field": free[0].name,
                    "warning": f"Kolonnen '{column_name(table, c)}' bruges ikke, men værdierne ligner {labels} "
                               f"(fx {shown}); vælg den til feltet, hvis det er det"})
    return out


#: at most this many distinct values of a column are offered for translation (a column with more
#: is free text or numbers, which a translation does not help)
TRANSLATABLE_VALUES = 200


def unreadable_values(kind: Kind, table: Table, name: str, col: int,
                      translations: dict[str, str] | None = None) -> list[tuple[str, int]]:
    """The distinct values of a column that the field's parser cannot read, with their counts,
    most frequent first (values a translation already covers are left out).

    Only fields whose values are codes (sections, units, categories, accounts, debit/credit
    marks) are translated; a column with more than ``TRANSLATABLE_VALUES`` distinct values is
    not a column of codes, and gives none.
    """
    f = kind.field(name)
    if f.looks not in ("section", "unit", "category", "account") and f.parser is not p.parse_debit_credit:
        return []
    counts = Counter(cells[col] if col < len(cells) else None for _, cells in table.rows)
    if len(counts) > TRANSLATABLE_VALUES + 2:
        return []
    # values written alike but for case and spacing are one value (one translation covers them)
    by_key: Counter = Counter()
    shown: dict[str, str] = {}
    raw_of: dict[str, object] = {}
    for v, n in counts.items():
        if p.is_blank(v):
            continue
        key = translation_key(v)
        by_key[key] += n
        shown.setdefault(key, p.text(v))
        raw_of.setdefault(key, v)
    known = {translation_key(k) for k in (translations or {})}
    bad = [(shown[k], n) for k, n in by_key.items()
           if k not in known and parse_cell(f.parser, raw_of[k])[0] is ERROR]
    return sorted(bad, key=lambda x: (-x[1], x[0]))
