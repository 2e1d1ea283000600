"""Savings measures (budget-agreement measures) per budget year.

A measure has a text, an account and section, a planned amount for up to four years from
its budget year, a status (planned, decided, implemented, dropped), a responsible person,
and may be linked to grants or citizens. When it is linked, the realised amount is the
forecast difference: the linked grants' (or citizens' grants') expected outturn for the
measure's year when they were linked, minus their expected outturn now. A saving is a
positive amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.register.grants import ACCOUNT_PATTERN, normalize_section
from core.reports import Column, ReportTable, TOTAL
from core.store import audit
from core.errors import NotFoundError, ValidationError
from core.followup.forecast import grant_figures
from core.money import InvalidNumber, ore_to_kr, to_decimal, to_ore
from core.store.storage import query

STATUSES = {"planned": "Planlagt", "decided": "Besluttet", "implemented": "Gennemført", "dropped": "Droppet"}
_STATUS_WORDS = {**{k: k for k in STATUSES}, **{v.casefold(): k for k, v in STATUSES.items()},
                 "gennemfoert": "implemented"}
YEARS = 4


@dataclass(frozen=True)
class Saving:
    id: int
    year: int
    text: str
    account: str
    section: str
    status: str
    responsible: str
    planned: dict[int, int]  # year -> øre
    realised_ore: int | None
    links: tuple[tuple[str, int], ...]  # ("grant"|"citizen", id)

    def as_json(self, year: int | None = None) -> dict:
        y = self.year if year is None else year
        return {"id": self.id, "year": self.year, "text": self.text, "account": self.account or None,
                "section": self.section or None,
                "planned": float(ore_to_kr(self.planned.get(y, 0))),
                "planned_by_year": {str(k): float(ore_to_kr(v)) for k, v in sorted(self.planned.items())},
                "realised": float(ore_to_kr(self.realised_ore)) if self.realised_ore is not None else None,
                "status": self.status, "status_text": STATUSES[self.status], "responsible": self.responsible,
                "links": [{"kind": k, "id": i} for k, i in self.links]}


def status_code(text: str | None) -> str:
    """The status code from an English code or a Danish word.

    Raises:
        ValidationError: an unknown status.
    """
    code = _STATUS_WORDS.get(str(text or "planned").strip().casefold())
    if code is None:
        raise ValidationError({"status": "Status skal være planlagt, besluttet, gennemført eller droppet"})
    return code


def _amount(value, problems: dict, key: str) -> int | None:
    try:
        number = to_decimal(value)
        if not number.is_finite():
            raise InvalidNumber(str(value))
        return to_ore(number)
    except (InvalidNumber, ArithmeticError, TypeError, ValueError):
        problems[key] = f"Beløb: '{value}' er ikke et tal"
        return None


def add_saving(db, year: int, text: str, amounts, *, account: str = "", section: str = "", status: str = "planned",
               responsible: str = "", note: str = "") -> int:
    """Register a measure. ``amounts``: the planned saving in kroner for ``year``, or a dict
    year -> kroner for up to four years from ``year``.

    Raises:
        ValidationError: an empty text, a bad amount, year, account, section or status (nothing saved).
    """
    problems: dict[str, str] = {}
    text = " ".join(str(text or "").split())
    if not text:
        problems["text"] = "Tiltaget skal have en tekst"
    if not 1900 <= int(year) <= 2200:
        problems["year"] = f"Året {year} er ikke gyldigt"
    if not isinstance(amounts, dict):
        amounts = {int(year): amounts}
    planned = {}
    for y, value in amounts.items():
        if not int(year) <= int(y) < int(year) + YEARS:
            problems["years"] = f"Beløb kan planlægges for {year}–{int(year) + YEARS - 1}, ikke {y}"
        ore = _amount(value, problems, "amount")
        if ore is not None:
            planned[int(y)] = ore
    account = str(account or "").strip()
    if account and not ACCOUNT_PATTERN.match(account):
        problems["account"] = f"Konto skal skrives som 5.38.50, ikke '{account}'"
    code = ""
    if section:
        code = normalize_section(section) or ""
        if not code or not db.execute("SELECT 1 FROM sections WHERE code = ?", [code]).fetchone():
            problems["section"] = f"Paragraffen '{section}' findes ikke"
    try:
        status = status_code(status)
    except ValidationError as ex:
        problems.update(ex.problems)
    if problems:
        raise ValidationError(problems)
    row = {"year": int(year), "text": text, "account": account, "section": code, "status": status,
           "responsible": " ".join(str(responsible or "").split()), "note": note, "created_at": audit.now()}
    with db.atomic():
        sid = db["savings"].insert(row).last_pk
        db["savings_amounts"].insert_all({"saving_id": sid, "year": y, "planned_ore": v} for y, v in planned.items())
        audit.record(db, "savings", sid, "insert", None, {**row, "planned": planned})
    return sid


def update_saving(db, saving_id: int, *, status: str | None = None, responsible: str | None = None,
                  amounts: dict | None = None) -> None:
    """Change a measure's status, responsible person or planned amounts (audited)."""
    old = get_saving(db, saving_id)
    changes = {}
    if status is not None:
        changes["status"] = status_code(status)
    if responsible is not None:
        changes["responsible"] = " ".join(str(responsible).split())
    problems: dict[str, str] = {}
    planned = {}
    for y, value in (amounts or {}).items():
        if not old.year <= int(y) < old.year + YEARS:
            problems["years"] = f"Beløb kan planlægges for {old.year}–{old.year + YEARS - 1}, ikke {y}"
        ore = _amount(value, problems, "amount")
        if ore is not None:
            planned[int(y)] = ore
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        if changes:
            db["savings"].update(saving_id, changes)
        for y, v in planned.items():
            db["savings_amounts"].upsert({"saving_id": saving_id, "year": y, "planned_ore": v},
                                         pk=("saving_id", "year"))
        audit.record(db, "savings", saving_id, "update", {"status": old.status, "planned": old.planned},
                     {**changes, "planned": planned})


def delete_saving(db, saving_id: int) -> None:
    old = get_saving(db, saving_id)
    with db.atomic():
        db.execute("DELETE FROM savings WHERE id = ?", [saving_id])
        audit.record(db, "savings", saving_id, "delete", old.as_json(), None)


def _expected_ore(db, year: int, *, grant_id: int | None = None, citizen_id: int | None = None) -> int:
    """The expected outturn for the whole ``year`` of one grant or of a citizen's grants, in øre."""
    if grant_id is not None:
        row = db.execute("SELECT citizen_id FROM grants WHERE id = ?", [grant_id]).fetchone()
        if row is None:
            return 0
        citizen_id = row[0]
    figures, _ = grant_figures(db, year, dt.date(year, 12, 31), with_booked=False, citizen_ids=[citizen_id])
    return sum(f.expected for f in figures if grant_id is None or f.grant_id == grant_id)


def link(db, saving_id: int, *, grant_id: int | None = None, citizen_id: int | None = None) -> int:
    """Link a measure to a grant or a citizen; their expected outturn now is the baseline.

    Raises:
        NotFoundError: no such measure, grant or citizen.
    """
    s = get_saving(db, saving_id)
    if (grant_id is None) == (citizen_id is None):
        raise ValidationError({"link": "Angiv enten en bevilling eller en borger"})
    table, rid = ("grants", grant_id) if grant_id is not None else ("citizens", citizen_id)
    if not db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [rid]).fetchone():
        raise NotFoundError(f"{'Bevilling' if grant_id is not None else 'Borger'} {rid} findes ikke")
    baseline = _expected_ore(db, s.year, grant_id=grant_id, citizen_id=citizen_id)
    row = {"saving_id": saving_id, "grant_id": grant_id, "citizen_id": citizen_id, "baseline_ore": baseline}
    with db.atomic():
        link_id = db["savings_links"].insert(row).last_pk
        audit.record(db, "savings", saving_id, "link", None, row)
    return link_id


def unlink(db, link_id: int) -> None:
    """Remove a link of a measure (how linking is undone)."""
    rows = query(db, "SELECT * FROM savings_links WHERE id = ?", [link_id])
    if not rows:
        raise NotFoundError(f"Tilknytning {link_id} findes ikke")
    with db.atomic():
        db.execute("DELETE FROM savings_links WHERE id = ?", [link_id])
        audit.record(db, "savings", rows[0]["saving_id"], "unlink", rows[0], None)


def _realised(db, year: int, links: list[dict]) -> int | None:
    if not links:
        return None
    return sum(lk["baseline_ore"] - _expected_ore(db, year, grant_id=lk["grant_id"], citizen_id=lk["citizen_id"])
               for lk in links)


def _saving(db, r: dict) -> Saving:
    planned = dict(db.execute("SELECT year, planned_ore FROM savings_amounts WHERE saving_id = ? ORDER BY year",
                              [r["id"]]).fetchall())
    links = query(db, "SELECT * FROM savings_links WHERE saving_id = ? ORDER BY id", [r["id"]])
    return Saving(r["id"], r["year"], r["text"], r["account"], r["section"], r["status"], r["responsible"], planned,
                  _realised(db, r["year"], links),
                  tuple(("grant", lk["grant_id"]) if lk["grant_id"] is not None else ("citizen", lk["citizen_id"])
                        for lk in links))


def get_saving(db, saving_id: int) -> Saving:
    rows = query(db, "SELECT * FROM savings WHERE id = ?", [saving_id])
    if not rows:
        raise NotFoundError(f"Besparelse {saving_id} findes ikke")
    return _saving(db, rows[0])


def list_savings(db, year: int | None = None) -> list[Saving]:
    """The measures of budget ``year`` (all when None), and earlier years' measures with a
    planned amount in ``year``."""
    if year is None:
        rows = query(db, "SELECT * FROM savings ORDER BY year, id")
    else:
        rows = query(db, "SELECT * FROM savings WHERE year = ? OR id IN "
                         "(SELECT saving_id FROM savings_amounts WHERE year = ?) ORDER BY year, id", [year, year])
    return [_saving(db, r) for r in rows]


def savings_table(db, year: int):
    """The committee's list of measures as a report sheet: planned per year, realised, status."""
    items = list_savings(db, year)
    years = list(range(year, year + YEARS))
    cols = (Column("text", "Tiltag", "text", 40), Column("account", "Konto", "text", 10),
            Column("section", "Paragraf", "text", 9), Column("status", "Status", "text", 11),
            Column("responsible", "Ansvarlig", "text", 16),
            *(Column(f"planned_{y}", f"Planlagt {y}", "amount", total="sum") for y in years),
            Column("realised", f"Realiseret {year}", "amount", total="sum"))
    table = ReportTable("Besparelser", cols)
    for s in items:
        table.add([s.text, s.account, s.section, STATUSES[s.status], s.responsible,
                   *(ore_to_kr(s.planned[y]) if y in s.planned else None for y in years),
                   ore_to_kr(s.realised_ore) if s.realised_ore is not None else None])
    table.add(["I alt", "", "", "", "", *(ore_to_kr(sum(s.planned.get(y, 0) for s in items)) for y in years),
               ore_to_kr(sum(s.realised_ore or 0 for s in items))], TOTAL)
    table.notes.append("Realiseret: forskellen i forventet regnskab for de tilknyttede bevillinger eller borgere "
                       "siden de blev tilknyttet (kun tiltag med tilknytning).")
    return table


