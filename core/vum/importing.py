"""Applying an imported VUM list: one category per citizen and facility.

The import framework reads the sheet (an ``x`` per citizen in category columns, or a
column with the category letter or label) and hands the rows here as records. Each
accepted row becomes an assessment dated on the import day, with the category from the
file and no scores, in the import's batch (so undoing the batch removes them).

Decisions:
- A CPR number not in the register is rejected (not created): the register is the truth
  about who gets services, and a list with a mistyped CPR must not create a person.
  Import the grants (or create the citizen) first.
- A row whose category is what the citizen already has at that facility is *unchanged*
  and writes nothing, so re-importing the same list changes nothing.
- Category F needs individual hours per week; without them the row is rejected.
- The same citizen twice for one facility: identical rows count once; different
  categories reject the later row.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from core import cpr as cprs
from core.register.citizens import find_by_cpr
from core.errors import ValidationError
from core.money import InvalidNumber, to_decimal
from core.store.storage import current_user
from core.store import audit
from core.vum.assessments import current_assessments, own_facility, pick_current
from core.vum.rule import INDIVIDUAL, parse_category

IMPORT_ASSESSOR = "VUM-liste (import)"


def _problem(record: dict, column: str, value, reason: str) -> dict:
    return {"sheet": record.get("sheet", ""), "row": record.get("row"), "column": column,
            "value": "" if value is None else str(value), "reason": reason}


def _individual_hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = to_decimal(value)
    except (InvalidNumber, ArithmeticError):
        return None
    return hours if 0 < hours <= 168 else None


def apply_vum_list(db, records: list[dict], batch_id: int | None, today: dt.date | None = None) -> dict:
    """Record the categories of a VUM list as assessments in batch ``batch_id``.

    Args:
        records: ``{"cpr", "provider_id" (int or None), "facility", "category" ("A".."F", or a
            label such as "Moderat støtte", see ``parse_category``),
            "hours" (Decimal for F or None), "sheet", "row"}``.
        today: the import day (the assessments' date); today by default.

    Returns:
        ``{"imported", "updated", "unchanged", "rejected": [{"sheet", "row", "column", "value", "reason"}]}``
    """
    day = (today or dt.date.today()).isoformat()
    result = {"imported": 0, "updated": 0, "unchanged": 0, "rejected": []}
    rejected = result["rejected"]
    current = current_assessments(db)
    in_list: dict[tuple[int, int], tuple[str, Decimal | None, dict]] = {}
    facilities_ok: dict[int, str | None] = {}
    user, decided_at = current_user(), audit.now()
    with db.atomic():
        for rec in records:
            try:
                cpr = cprs.normalize(rec.get("cpr"))
            except cprs.InvalidCPR as ex:
                rejected.append(_problem(rec, "cpr", rec.get("cpr"), str(ex)))
                continue
            citizen = find_by_cpr(db, cpr)
            if citizen is None:
                rejected.append(_problem(rec, "cpr", rec.get("cpr"),
                                         "CPR-nummeret findes ikke i registret; importér bevillingerne "
                                         "eller opret borgeren først"))
                continue
            provider_id = rec.get("provider_id")
            if provider_id is None:
                rejected.append(_problem(rec, "facility", rec.get("facility"),
                                         f"Tilbuddet '{rec.get('facility') or ''}' findes ikke blandt leverandørerne"))
                continue
            if provider_id not in facilities_ok:
                try:
                    own_facility(db, provider_id)
                    facilities_ok[provider_id] = None
                except ValidationError as ex:
                    facilities_ok[provider_id] = str(ex)
            if facilities_ok[provider_id]:
                rejected.append(_problem(rec, "facility", rec.get("facility"), facilities_ok[provider_id]))
                continue
            category = parse_category(rec.get("category"))
            if category is None:
                rejected.append(_problem(rec, "category", rec.get("category"),
                                         "VUM-kategori skal være A, B, C, D, E eller F"))
                continue
            hours = None
            if category == INDIVIDUAL:
                hours = _individual_hours(rec.get("hours"))
                if hours is None:
                    rejected.append(_problem(rec, "hours", rec.get("hours"),
                                             "Kategori F (individuel støtte) kræver individuelle timer pr. uge "
                                             "(over 0 og højst 168)"))
                    continue
            key = (citizen.id, provider_id)
            if key in in_list:
                first_category, first_hours, first = in_list[key]
                if (first_category, first_hours) == (category, hours):
                    result["unchanged"] += 1
                else:
                    rejected.append(_problem(rec, "category", rec.get("category"),
                                             f"Borgeren står allerede på listen for dette tilbud med kategori "
                                             f"{first_category} (ark '{first.get('sheet', '')}', "
                                             f"række {first.get('row')})"))
                continue
            in_list[key] = (category, hours, rec)
            before = pick_current(current, citizen.id, provider_id)
            if before is not None and before.category == category and before.hours == hours:
                result["unchanged"] += 1
                continue
            db["vum_assessments"].insert({
                "citizen_id": citizen.id, "provider_id": provider_id, "date": day, "assessor": IMPORT_ASSESSOR,
                "scores": json.dumps({}), "note": f"Importeret VUM-liste, ark '{rec.get('sheet', '')}' "
                                                  f"række {rec.get('row')}",
                "suggested_category": None, "category": category, "hours": None if hours is None else str(hours),
                "reason": "", "source": "import", "decided_by": user, "decided_at": decided_at,
                "batch_id": batch_id})
            result["updated" if before is not None else "imported"] += 1
    return result
