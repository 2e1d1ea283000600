"""Business cases saved and named per citizen, with their variants (table ``scenario_cases``).

A saved case is stored in the same JSON form as the ``businesscase`` command's file, so a
case can go from the GUI to a file and back unchanged. Every change is in the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.store import audit
from core.errors import NotFoundError, ValidationError
from core.scenarios.businesscase import Case, Variant, parse_case, parse_variant
from core.store.storage import current_user, query

TABLE = "scenario_cases"


@dataclass(frozen=True)
class SavedCase:
    id: int
    citizen_id: int | None
    cpr: str | None
    citizen_name: str
    name: str
    case: Case
    variants: tuple[Variant, ...]
    note: str
    updated_at: str


def _json(value) -> str:
    # Decimals go as JSON numbers: a float's shortest repr gives back the same Decimal (to_decimal),
    # whereas a text like "0.125" would be read the Danish way (125) by parse_number.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=float)


def _variants_json(variants) -> list[dict]:
    return [{k: v for k, v in variant.as_dict().items() if v is not None} for variant in variants]


def _from_row(r: dict) -> SavedCase:
    data = json.loads(r["data"])
    variants = tuple(parse_variant(v, i) for i, v in enumerate(json.loads(r["variants"] or "[]"), 1))
    return SavedCase(r["id"], r["citizen_id"], r.get("cpr"), r.get("citizen_name") or "", r["name"],
                     parse_case(data), variants, r["note"], r["updated_at"])


_SELECT = """SELECT s.*, c.cpr, c.name AS citizen_name FROM scenario_cases s
             LEFT JOIN citizens c ON c.id = s.citizen_id"""


def list_cases(db, citizen_id: int | None = None) -> list[SavedCase]:
    """The saved cases, of one citizen or all, by citizen and name."""
    where, params = ("WHERE s.citizen_id = ?", [citizen_id]) if citizen_id is not None else ("", [])
    rows = query(db, f"{_SELECT} {where} ORDER BY c.cpr, s.name COLLATE NOCASE", params)
    return [_from_row(r) for r in rows]


def get_case(db, case_id: int) -> SavedCase:
    rows = query(db, f"{_SELECT} WHERE s.id = ?", [case_id])
    if not rows:
        raise NotFoundError(f"Der er ingen gemt business case nr. {case_id}")
    return _from_row(rows[0])


def save_case(db, name: str, case: Case, variants=(), *, citizen_id: int | None = None, note: str = "",
              case_id: int | None = None) -> int:
    """Save a case under ``name`` for the citizen (a new one, or ``case_id`` replaced); returns its id.

    Raises:
        ValidationError: no name, the name already used for the citizen, or an unknown citizen.
    """
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Giv business casen et navn"})
    if citizen_id is not None and not db.execute("SELECT 1 FROM citizens WHERE id = ?", [citizen_id]).fetchone():
        raise ValidationError({"citizen": f"Borgeren nr. {citizen_id} findes ikke"})
    clash = db.execute("SELECT id FROM scenario_cases WHERE ifnull(citizen_id, 0) = ? AND name = ? COLLATE NOCASE",
                       [citizen_id or 0, name]).fetchone()
    if clash and clash[0] != case_id:
        raise ValidationError({"name": f"Borgeren har allerede en business case med navnet '{name}'"})
    now = audit.now()
    row = {"citizen_id": citizen_id, "name": name, "year": case.year, "data": _json(case.as_dict()),
           "variants": _json(_variants_json(variants)), "note": note or "", "updated_at": now}
    with db.atomic():
        if case_id is None:
            row.update(created_at=now, created_by=current_user())
            case_id = db[TABLE].insert(row).last_pk
            audit.record(db, TABLE, case_id, "insert", None, row)
        else:
            old = query(db, "SELECT * FROM scenario_cases WHERE id = ?", [case_id])
            if not old:
                raise NotFoundError(f"Der er ingen gemt business case nr. {case_id}")
            db[TABLE].update(case_id, row)
            audit.record(db, TABLE, case_id, "update", old[0], row)
    return case_id


def delete_case(db, case_id: int) -> None:
    with db.atomic():
        old = query(db, "SELECT * FROM scenario_cases WHERE id = ?", [case_id])
        if not old:
            raise NotFoundError(f"Der er ingen gemt business case nr. {case_id}")
        db.execute("DELETE FROM scenario_cases WHERE id = ?", [case_id])
        audit.record(db, TABLE, case_id, "delete", old[0], None)
