"""Monthly approval: freeze a month's forecast as a snapshot.

Approving year Y, month M computes the forecast as of the month's last day, by account
and by section and in total (without the separate lines for expected citizens and refund),
and stores the figures in whole øre. The snapshots through the year show how the
forecast developed.

A month is approved once: approving it again is refused unless ``replace`` is given; then
the old snapshot is replaced and the audit log keeps the old figures (so nothing approved
is ever silently lost).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from core import audit
from core.errors import DispoError
from core.forecast import forecast
from core.money import ore_to_kr, to_ore
from core.storage import current_user, query

MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]


@dataclass(frozen=True)
class Snapshot:
    id: int
    year: int
    month: int
    as_of: dt.date
    approved_at: str
    user: str
    rows: list[dict]        # level, key and figures in øre

    @property
    def total(self) -> dict:
        return next(r for r in self.rows if r["level"] == "total")

    def as_json(self) -> dict:
        def kr(v):
            return None if v is None else float(ore_to_kr(v))

        return {"id": self.id, "year": self.year, "month": self.month, "as_of": self.as_of.isoformat(),
                "approved_at": self.approved_at, "user": self.user,
                "rows": [{"level": r["level"], "key": r["key"], "budget": kr(r["budget_ore"]),
                          "booked_to_date": kr(r["booked_ore"]), "computed_to_date": kr(r["computed_ore"]),
                          "committed_rest": kr(r["committed_ore"]), "expected_outturn": kr(r["expected_ore"]),
                          "deviation": kr(r["deviation_ore"]),
                          "full_year_equivalents": float(r["full_year_equivalents"])
                          if r["full_year_equivalents"] else None} for r in self.rows]}


def _check(year, month) -> tuple[int, int]:
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise DispoError(f"År og måned skal være tal, ikke '{year}' og '{month}'") from None
    if not 1 <= month <= 12:
        raise DispoError(f"Måned skal være 1–12, ikke {month}")
    if not 1900 <= year <= 2200:
        raise DispoError(f"Året {year} er ikke gyldigt")
    return year, month


def approve_month(db, year, month, *, replace: bool = False) -> int:
    """Approve a month: store the snapshot of its forecast. Returns the snapshot's id.

    Raises:
        DispoError: a bad month or year, a year without data, or a month already approved
            (without ``replace``). The database is then unchanged.
    """
    year, month = _check(year, month)
    as_of = dt.date(year, month, calendar.monthrange(year, month)[1])
    old = query(db, "SELECT * FROM approvals WHERE year = ? AND month = ?", [year, month])
    if old and not replace:
        raise DispoError(f"{MONTHS[month - 1].capitalize()} {year} er allerede godkendt "
                         f"({old[0]['approved_at'][:10]} af {old[0]['user']}); vælg 'erstat' for at godkende igen")
    rows = []
    total_budget = 0
    for level in ("account", "section"):
        result = forecast(db, year, as_of, by=level, include_expected=False, include_refund=False)
        for r in result.rows:
            rows.append(_snapshot_row(level, getattr(r, level), r))
            if level == "account" and r.budget is not None:
                total_budget += to_ore(r.budget)
    total = _snapshot_row("total", None, result.total)
    total["budget_ore"] = total_budget
    total["deviation_ore"] = total["expected_ore"] - total_budget
    rows.append(total)
    with db.atomic():
        if old:
            previous = snapshot(db, old[0]["id"])
            db.execute("DELETE FROM approval_rows WHERE approval_id = ?", [old[0]["id"]])
            db.execute("DELETE FROM approvals WHERE id = ?", [old[0]["id"]])
            audit.record(db, "approvals", old[0]["id"], "replace", previous.as_json(), None)
        approval_id = db["approvals"].insert({"year": year, "month": month, "as_of": as_of.isoformat(),
                                              "approved_at": audit.now(), "user": current_user()}).last_pk
        db["approval_rows"].insert_all({**r, "approval_id": approval_id} for r in rows)
        audit.record(db, "approvals", approval_id, "approve", None,
                     {"year": year, "month": month, "expected_ore": total["expected_ore"]})
    return approval_id


def _snapshot_row(level: str, key, row) -> dict:
    return {"level": level, "key": key,
            "budget_ore": to_ore(row.budget) if row.budget is not None else None,
            "booked_ore": to_ore(row.booked_to_date), "computed_ore": to_ore(row.computed_to_date),
            "committed_ore": to_ore(row.committed_rest), "expected_ore": to_ore(row.expected_outturn),
            "deviation_ore": to_ore(row.deviation) if row.deviation is not None else None,
            "full_year_equivalents": str(row.full_year_equivalents) if row.full_year_equivalents is not None else None}


def snapshot(db, approval_id: int) -> Snapshot:
    head = query(db, "SELECT * FROM approvals WHERE id = ?", [approval_id])
    if not head:
        raise DispoError(f"Godkendelse {approval_id} findes ikke")
    h = head[0]
    rows = query(db, "SELECT level, key, budget_ore, booked_ore, computed_ore, committed_ore, expected_ore, "
                     "deviation_ore, full_year_equivalents FROM approval_rows WHERE approval_id = ? ORDER BY id",
                 [approval_id])
    return Snapshot(h["id"], h["year"], h["month"], dt.date.fromisoformat(h["as_of"]), h["approved_at"], h["user"],
                    rows)


def snapshots(db, year: int | None = None) -> list[Snapshot]:
    """Approved months, oldest first."""
    sql = "SELECT id FROM approvals" + (" WHERE year = ?" if year is not None else "") + " ORDER BY year, month"
    return [snapshot(db, r[0]) for r in db.execute(sql, [year] if year is not None else [])]
