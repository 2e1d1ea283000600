"""Citizens: the people grants are given to, keyed by CPR number (or a temporary id)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from core.store import audit
from core import cpr as cprs
from core.errors import DispoError, NotFoundError, ValidationError
from core.store.storage import query


@dataclass(frozen=True)
class Citizen:
    id: int
    cpr: str
    name: str
    temporary: bool
    note: str

    @property
    def birth_date(self) -> dt.date | None:
        return None if self.temporary else cprs.birth_date(self.cpr)


def _from_row(r: dict) -> Citizen:
    return Citizen(r["id"], r["cpr"], r["name"], bool(r["temporary"]), r["note"])


def list_citizens(db, search: str = "") -> list[Citizen]:
    """All citizens ordered by name; ``search`` filters on CPR or name."""
    if search:
        like = f"%{search}%"
        rows = query(db, "SELECT * FROM citizens WHERE cpr LIKE ? OR name LIKE ? ORDER BY name, cpr", [like, like])
    else:
        rows = query(db, "SELECT * FROM citizens ORDER BY name, cpr")
    return [_from_row(r) for r in rows]


def grant_counts(db, on: dt.date) -> dict[int, tuple[int, int]]:
    """Per citizen id: (number of grants, number of them active on ``on``); citizens without grants are absent."""
    day = on.isoformat()
    rows = db.execute("SELECT citizen_id, count(*), sum(start <= ? AND (end IS NULL OR end >= ?)) "
                      "FROM grants GROUP BY citizen_id", [day, day])
    return {cid: (total, active) for cid, total, active in rows}


def get_citizen(db, citizen_id: int) -> Citizen:
    rows = query(db, "SELECT * FROM citizens WHERE id = ?", [citizen_id])
    if not rows:
        raise NotFoundError(f"Borger {citizen_id} findes ikke")
    return _from_row(rows[0])


def find_by_cpr(db, cpr: str) -> Citizen | None:
    rows = query(db, "SELECT * FROM citizens WHERE cpr = ?", [cpr])
    return _from_row(rows[0]) if rows else None


def ensure_citizen(db, cpr: str, name: str = "", batch_id: int | None = None) -> int:
    """The id of the citizen with this CPR, created if new; a missing name is filled in.

    Raises:
        ValidationError: when ``cpr`` is not a CPR number.
    """
    try:
        cpr = cprs.normalize(cpr)
    except cprs.InvalidCPR as ex:
        raise ValidationError({"cpr": str(ex)}) from ex
    existing = find_by_cpr(db, cpr)
    name = (name or "").strip()
    with db.atomic():  # the change and its audit row together, also when called on its own
        if existing:
            if name and not existing.name:
                db["citizens"].update(existing.id, {"name": name})
                audit.record(db, "citizens", existing.id, "update", {"name": ""}, {"name": name}, batch_id)
            return existing.id
        new_id = db["citizens"].insert({"cpr": cpr, "name": name, "batch_id": batch_id}).last_pk
        if batch_id is None:
            audit.record(db, "citizens", new_id, "insert", None, {"cpr": cpr, "name": name})
    return new_id


def update_citizen(db, citizen_id: int, *, name: str | None = None, note: str | None = None) -> None:
    old = get_citizen(db, citizen_id)
    fields = {}
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "Navn må ikke være tomt"})
        fields["name"] = name.strip()
    if note is not None:
        fields["note"] = note
    if not fields:
        return
    with db.atomic():
        db["citizens"].update(citizen_id, fields)
        audit.record(db, "citizens", citizen_id, "update", {k: getattr(old, k) for k in fields}, fields)


def citizen_state(db, citizen_id: int) -> dict | None:
    """Everything stored about one citizen, for undo and the audit log (``None``: no such citizen)."""
    rows = query(db, "SELECT * FROM citizens WHERE id = ?", [citizen_id])
    return rows[0] if rows else None


def restore_citizen_state(db, citizen_id: int, state: dict | None) -> None:
    """Make citizen ``citizen_id`` exactly ``state`` (from ``citizen_state``); ``None`` removes her.

    This is how creating a citizen (with her first grant) is undone or redone.

    Raises:
        DispoError: when she is to be removed but grants, postings or assessments still refer to her.
    """
    before = citizen_state(db, citizen_id)
    with db.atomic():
        if state is None:
            try:
                db.execute("DELETE FROM citizens WHERE id = ?", [citizen_id])
            except sqlite3.IntegrityError:
                raise DispoError("Borgeren har fået andre bevillinger eller posteringer siden "
                                 "og kan ikke fjernes") from None
        else:
            db["citizens"].upsert(state, pk="id")
        audit.record(db, "citizens", citizen_id, "restore", before, state)
