"""A parsed row of an import and the problems found on it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter, itemgetter

from core.importing.parsers import text

NEW, CHANGED, UNCHANGED, DUPLICATE, REJECTED, SKIPPED = ("new", "changed", "unchanged", "duplicate", "rejected",
                                                          "skipped")
STATUS_LABELS = {NEW: "Ny", CHANGED: "Ændret", UNCHANGED: "Findes allerede", DUPLICATE: "Dublet i filen",
                 REJECTED: "Afvist", SKIPPED: "Springes over"}

_FIELDS = ("sheet", "row", "values", "raw", "status", "problems", "warnings", "existing_id", "changes", "key")


def _made_when_used(slot: str, make) -> property:
    """An attribute whose empty container is made on first use (and kept, so it can be added to)."""

    def get(self):
        value = getattr(self, slot)
        if value is None:
            value = make()
            setattr(self, slot, value)
        return value

    def set_value(self, value) -> None:
        setattr(self, slot, value)

    return property(get, set_value)


class Record:
    """One record to import (a wide row may give several), with its place in the file.

    Attributes:
        values: field -> parsed value (for postings: the columns as stored).
        raw: field -> raw cell (for messages and the preview).
        problems: ``{sheet, row, column, value, reason}`` of each reason it is rejected.
        warnings: what the user should look at before saving.
        changes: field -> (old, new) for a changed record.
        key: what identifies it against the database and the rest of the file.

    A finance extract makes tens of thousands of records, nearly all without problems,
    warnings or changes: those three and ``raw`` are made only when first used (the same
    lists and dicts to every reader and writer as ever, just not made for every row).
    """

    __slots__ = ("sheet", "row", "values", "status", "existing_id", "key", "_raw", "_problems", "_warnings",
                 "_changes")

    def __init__(self, sheet: str, row: int, values: dict, raw: dict | None = None, status: str = NEW,
                 problems: list[dict] | None = None, warnings: list[str] | None = None,
                 existing_id: int | None = None, changes: dict | None = None, key: tuple | None = None):
        self.sheet = sheet
        self.row = row
        self.values = values
        self._raw = raw
        self.status = status
        self._problems = problems
        self._warnings = warnings
        self.existing_id = existing_id
        self._changes = changes
        self.key = key

    raw = _made_when_used("_raw", dict)
    problems = _made_when_used("_problems", list)
    warnings = _made_when_used("_warnings", list)
    changes = _made_when_used("_changes", dict)

    def reject(self, column: str, value, reason: str) -> None:
        self.status = REJECTED
        self.problems.append({"sheet": self.sheet, "row": self.row, "column": column, "value": text(value),
                              "reason": reason})

    @property
    def ok(self) -> bool:
        return self.status != REJECTED

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return "Record(" + ", ".join(f"{name}={value!r}" for name, value in zip(_FIELDS, self._fields())) + ")"


_get_values, _set_values = Record.values.__get__, Record.values.__set__


class RowRecord(Record):
    """A new record whose values are kept as the row tuple they were assembled as (``names``: field ->
    position in it) until they are first read or set as a dict: a finance extract's tens of
    thousands of postings then go from their columns into the database without a dict each.

    ``values`` gives the same dict as ever (made on first read, or set; from then on the kept row is
    dropped and the record is a plain ``Record``). ``value_of`` and ``value_rows`` read the kept rows.
    """

    __slots__ = ("_row", "_names")

    def __init__(self, sheet: str, row: int, names: dict[str, int], values: tuple, key: tuple):
        self.sheet = sheet
        self.row = row
        _set_values(self, None)
        self._row = values
        self._names = names
        self.status = NEW
        self._raw = self._problems = self._warnings = self.existing_id = self._changes = None
        self.key = key

    @property
    def values(self) -> dict:
        values = _get_values(self)
        if values is None:
            values = dict(zip(self._names, self._row))
            _set_values(self, values)
            self._row = None
        return values

    @values.setter
    def values(self, values: dict) -> None:
        _set_values(self, values)
        self._row = None


class RecordBlock(Sequence):
    """The new records of one sheet kept as their rows (tuples in ``names`` order) until one of them is
    looked at: a finance extract's tens of thousands of postings go from their columns into the
    database without an object each.

    While it is ``intact`` (no record looked at), every record of it is new, without problems,
    warnings or changes, and ``statuses``, ``of_status``, ``with_problems``, ``with_warnings``,
    ``value_of`` and ``value_rows`` answer from the rows. Indexing or iterating makes all its records,
    as ``RowRecord``s, once; from then on it is a list of records like any other.
    """

    __slots__ = ("sheet", "row_nos", "names", "rows", "keys", "_records")

    def __init__(self, sheet: str, row_nos: list[int], names: dict[str, int], rows: list[tuple], keys: list[tuple]):
        self.sheet = sheet
        self.row_nos = row_nos
        self.names = names
        self.rows = rows
        self.keys = keys
        self._records: list[Record] | None = None

    @property
    def intact(self) -> bool:
        """No record of it made yet: every one is new, without problems, warnings or changes."""
        return self._records is None

    def records(self) -> list[Record]:
        """Every record of the block (made on the first call)."""
        if self._records is None:
            self._records = [RowRecord(self.sheet, row_no, self.names, row, key)
                             for row_no, row, key in zip(self.row_nos, self.rows, self.keys)]
        return self._records

    def __len__(self) -> int:
        return len(self.row_nos)

    def __getitem__(self, i):
        return self.records()[i]

    def __iter__(self):
        return iter(self.records())

    def __repr__(self) -> str:
        return f"RecordBlock({self.sheet!r}, {len(self)} records{', intact' if self.intact else ''})"


def _intact(records) -> bool:
    return records.__class__ is RecordBlock and records.intact


def statuses(records) -> Counter:
    """How many records have each status."""
    if _intact(records):
        return Counter({NEW: len(records)} if len(records) else {})
    return Counter(map(attrgetter("status"), records))


def of_status(records, *wanted: str):
    """The records with one of the ``wanted`` statuses, in order (an intact block: itself or none)."""
    if _intact(records):
        return records if NEW in wanted else []
    return [r for r in records if r.status in wanted]


def keys_of(records) -> list[tuple]:
    """Each record's ``key``, without making the records of an intact block."""
    return records.keys if _intact(records) else [rec.key for rec in records]


def value_of(records: list[Record], key: str) -> list:
    """Each record's value of ``key`` (None where it has none), as ``rec.values.get(key)``, without
    making the dicts of ``RowRecord``s that keep their rows."""
    if _intact(records):
        place = records.names.get(key)
        return [None] * len(records) if place is None else list(map(itemgetter(place), records.rows))
    first = records[0] if records else None
    if first.__class__ is RowRecord and first._row is not None:
        names = first._names
        rows = [rec._row if rec.__class__ is RowRecord and rec._names is names else None for rec in records]
        if None not in rows:
            place = names.get(key)
            return [None] * len(rows) if place is None else list(map(itemgetter(place), rows))
    return [rec.values.get(key) for rec in records]


def value_rows(records: list[Record], names: dict[str, int]) -> list[tuple]:
    """Each record's values of the fields ``names`` lists, as a tuple in that order (what
    ``executemany`` binds): the kept row itself of a ``RowRecord`` made with these ``names``."""
    if _intact(records) and records.names is names:
        return records.rows
    pick = itemgetter(*names)
    return [rec._row if rec.__class__ is RowRecord and rec._names is names and rec._row is not None
            else pick(rec.values) for rec in records]


def with_problems(records: list[Record]) -> list[Record]:
    """The records that have a problem (without making the empty list of each other record)."""
    return [] if _intact(records) else [r for r in records if r._problems]


def with_warnings(records: list[Record]) -> list[Record]:
    """The records that have a warning (without making the empty list of each other record)."""
    return [] if _intact(records) else [r for r in records if r._warnings]
