"""Personal assistance in employment (LKB): a grant's working hours and the reason for hours
above the cap as fields of their own, and the used hours imported per grant and period."""

from __future__ import annotations

import re

from sqlite_utils import Migrations

from core.money import InvalidNumber, parse_number
from core.store import audit
from core.store.migrations.util import run_script

migrations = Migrations("dispo.pa_grants")

# How notes held the two values before they had fields (``core.register.pa_cap`` read them so).
# A line that says more than the hours ('Arbejdstimer: 30 (37 fra marts)') stays in the note for her to read.
_NOTE_HOURS = re.compile(r"(?i)^\s*arbejdstimer\s*:\s*([\d.,]+)\s*(?:t\.?|timer)?\s*(?:pr\.?\s*uge|om ugen|/\s*uge)?"
                         r"\s*\.?\s*$")
_NOTE_REASON = re.compile(r"(?i)^\s*begrundelse\s*:\s*(.*\S)\s*$")


def fields_from_note(note: str) -> tuple[str | None, str, str]:
    """(working hours as Decimal text or None, reason, the note without the lines they came from).

    The first line of each kind is moved; a line whose hours are not a number stays in the note.
    """
    working, reason, kept = None, "", []
    for line in note.splitlines():
        hours = _NOTE_HOURS.match(line) if working is None else None
        if hours:
            try:
                working = str(parse_number(hours.group(1)))
                continue
            except InvalidNumber:
                pass
        why = _NOTE_REASON.match(line) if not reason else None
        if why:
            reason = why.group(1)
            continue
        kept.append(line)
    return working, reason, "\n".join(kept).strip() if len(kept) < len(note.splitlines()) else note


@migrations()
def m001_working_hours_and_reason(db):
    run_script(
        db,
        """
        ALTER TABLE grants ADD COLUMN working_hours TEXT;                  -- the citizen's hours a week in her job
        ALTER TABLE grants ADD COLUMN cap_reason TEXT NOT NULL DEFAULT ''; -- why the hours may exceed the cap
        """
    )
    moved = db.execute("SELECT id, note FROM grants WHERE note LIKE '%arbejdstimer%' OR note LIKE '%begrundelse%'")
    for grant_id, note in moved.fetchall():
        working, reason, rest = fields_from_note(note)
        if working is None and not reason:
            continue
        db.execute("UPDATE grants SET working_hours = ?, cap_reason = ?, note = ? WHERE id = ?",
                   [working, reason, rest, grant_id])
        moved_fields = {"working_hours": working, "cap_reason": reason}
        audit.record(db, "grants", grant_id, "update", {"note": note},
                     {"note": rest, **{k: v for k, v in moved_fields.items() if v}})


@migrations()
def m002_used_hours(db):
    run_script(
        db,
        """
        CREATE TABLE pa_hours_used (
            id INTEGER PRIMARY KEY,
            grant_id INTEGER NOT NULL REFERENCES grants(id),
            period_start TEXT NOT NULL,             -- ISO date
            period_end TEXT NOT NULL,               -- ISO date, inclusive
            hours TEXT NOT NULL,                    -- Decimal as text
            provider TEXT NOT NULL DEFAULT '',      -- as the file names it
            batch_id INTEGER REFERENCES batches(id),
            CHECK (period_end >= period_start)
        );
        CREATE INDEX pa_hours_used_grant ON pa_hours_used(grant_id, period_start);
        """
    )
