"""A parsed row of an import and the problems found on it."""

from __future__ import annotations

from dataclasses import dataclass, field

NEW, CHANGED, UNCHANGED, DUPLICATE, REJECTED, SKIPPED = ("new", "changed", "unchanged", "duplicate", "rejected",
                                                          "skipped")
STATUS_LABELS = {NEW: "Ny", CHANGED: "Ændret", UNCHANGED: "Findes allerede", DUPLICATE: "Dublet i filen",
                 REJECTED: "Afvist", SKIPPED: "Springes over"}


@dataclass(slots=True)
class Record:
    """One record to import (a wide row may give several), with its place in the file."""

    sheet: str
    row: int
    values: dict
    raw: dict = field(default_factory=dict)          # field -> raw cell (for messages and the preview)
    status: str = NEW
    problems: list[dict] = field(default_factory=list)  # {sheet,row,column,value,reason}
    warnings: list[str] = field(default_factory=list)
    existing_id: int | None = None
    changes: dict = field(default_factory=dict)      # field -> (old, new) for a changed record
    key: tuple | None = None

    def reject(self, column: str, value, reason: str) -> None:
        from core.importing.parsers import text

        self.status = REJECTED
        self.problems.append({"sheet": self.sheet, "row": self.row, "column": column, "value": text(value),
                              "reason": reason})

    @property
    def ok(self) -> bool:
        return self.status != REJECTED
