"""Expected citizens (kommende borgere): planned cases that are not grants yet.

An expected citizen may have no real CPR number yet; then it gets a temporary id
``T-0001``, ``T-0002``, … which is shown as such everywhere and can never be mistaken for
a CPR number. Young people turning 18 in the children's area can be imported from a
simple list (csv or xlsx with the columns CPR, navn, paragraf, takst and optionally start,
enhed, mængde): they are expected from their 18th birthday unless a start is given.

The forecast shows them as one separate, switchable line ("Kommende borgere"),
computed with the same cost rule as grants.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.store import audit
from core import cpr as cprs
from core.register.catalogue import section as get_section
from core.errors import DispoError, NotFoundError, ValidationError
from core.followup.grant_forecast import CostCalc, ForecastRow
from core.register.grants import normalize_section, validate_grant
from core.money import ore_to_kr
from core.register.providers import find_by_name
from core.store.storage import query

TEMPORARY = re.compile(r"^T-\d{4,}$")
SOURCES = {"planlagt": "Planlagt sag", "ung18": "Ung, fylder 18"}


@dataclass(frozen=True)
class ExpectedCitizen:
    id: int
    ident: str
    temporary: bool
    name: str
    section: str
    account: str
    provider_id: int | None
    unit: str
    quantity: Decimal | None
    quantity_per: str | None
    rate: Decimal
    start: dt.date
    end: dt.date | None
    source: str
    note: str

    def calc(self, year: int) -> CostCalc:
        start = self.start.toordinal()
        return CostCalc(self.unit, self.quantity, self.quantity_per, start,
                        self.end.toordinal() if self.end else None, [(start, self.rate)], year)

    def as_json(self) -> dict:
        return {"id": self.id, "ident": self.ident, "temporary": self.temporary, "name": self.name,
                "section": self.section, "account": self.account, "unit": self.unit,
                "quantity": float(self.quantity) if self.quantity is not None else None,
                "quantity_per": self.quantity_per, "rate": float(self.rate), "start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None, "source": self.source, "note": self.note}


def _from_row(r: dict) -> ExpectedCitizen:
    return ExpectedCitizen(
        id=r["id"], ident=r["ident"], temporary=bool(r["temporary"]), name=r["name"], section=r["section"],
        account=r["account"], provider_id=r["provider_id"], unit=r["unit"],
        quantity=Decimal(r["quantity"]) if r["quantity"] is not None else None, quantity_per=r["quantity_per"],
        rate=Decimal(r["rate"]), start=dt.date.fromisoformat(r["start"]),
        end=dt.date.fromisoformat(r["end"]) if r["end"] else None, source=r["source"], note=r["note"])


def list_expected(db) -> list[ExpectedCitizen]:
    return [_from_row(r) for r in query(db, "SELECT * FROM expected_citizens ORDER BY start, ident")]


def next_temporary_id(db) -> str:
    numbers = [int(r[0][2:]) for r in db.execute("SELECT ident FROM expected_citizens WHERE ident LIKE 'T-%'")
               if TEMPORARY.match(r[0])]
    return f"T-{max(numbers, default=0) + 1:04d}"


def add_expected(db, data: dict, batch_id: int | None = None) -> int:
    """Add an expected citizen. ``ident`` may be a CPR number, a temporary id or empty (a new
    temporary id is given). Section decides the default account and unit.

    Raises:
        ValidationError: every problem, in Danish.
    """
    problems: dict[str, str] = {}
    ident = str(data.get("ident") or "").strip().upper()
    temporary = True
    if not ident:
        ident = next_temporary_id(db)
    elif not TEMPORARY.match(ident):
        try:
            ident, temporary = cprs.normalize(ident), False
        except cprs.InvalidCPR as ex:
            problems["ident"] = f"{ex}; skriv et CPR-nummer eller et midlertidigt id som T-0001"
    # the cost fields follow the grants' own rules (one place: core.register.grants.validate_grant)
    fields = {key: data.get(key) for key in ("section", "unit", "quantity", "quantity_per", "rate", "start", "end")}
    if data.get("account"):
        fields["account"] = data["account"]
    try:
        known = get_section(db, normalize_section(data.get("section")) or "")
    except NotFoundError:
        known = None
    if known is not None and not fields["quantity_per"] and (fields["unit"] or known.unit) == known.unit:
        fields["quantity_per"] = known.quantity_per  # the section's usual "per week" or "per month"
    try:
        clean = validate_grant(db, fields, partial=True)
    except ValidationError as ex:
        problems.update(ex.problems)
        if known is None and not data.get("unit"):
            problems.pop("unit", None)  # the unit comes from the section, which is already reported
        clean = {}
    sec = get_section(db, clean["section"]) if "section" in clean else None
    unit, quantity_per = clean.get("unit"), clean.get("quantity_per")
    values = {"rate": clean.get("rate"), "quantity": clean.get("quantity")}
    dates = {"start": clean.get("start"), "end": clean.get("end")}
    provider_id = None
    if data.get("provider"):
        prov = find_by_name(db, str(data["provider"]))
        if prov is None:
            problems["provider"] = f"Leverandøren '{data['provider']}' findes ikke"
        else:
            provider_id = prov.id
    source = data.get("source") or "planlagt"
    if source not in SOURCES:
        problems["source"] = "Kilde skal være planlagt eller ung18"
    if not problems and db.execute("SELECT 1 FROM expected_citizens WHERE ident = ?", [ident]).fetchone():
        problems["ident"] = f"Der er allerede en kommende borger med id {ident}"
    if problems:
        raise ValidationError(problems)
    row = {"ident": ident, "temporary": int(temporary), "name": " ".join(str(data.get("name") or "").split()),
           "section": sec.code, "account": str(data.get("account") or sec.account), "provider_id": provider_id,
           "unit": unit, "quantity": str(values["quantity"]) if values["quantity"] is not None else None,
           "quantity_per": quantity_per, "rate": str(values["rate"]), "start": dates["start"].isoformat(),
           "end": dates["end"].isoformat() if dates.get("end") else None, "source": source,
           "note": str(data.get("note") or ""), "batch_id": batch_id}
    with db.atomic():
        new_id = db["expected_citizens"].insert(row).last_pk
        audit.record(db, "expected_citizens", new_id, "insert", None, row, batch_id)
    return new_id


def delete_expected(db, expected_id: int) -> None:
    rows = query(db, "SELECT * FROM expected_citizens WHERE id = ?", [expected_id])
    if not rows:
        raise NotFoundError(f"Kommende borger {expected_id} findes ikke")
    with db.atomic():
        db.execute("DELETE FROM expected_citizens WHERE id = ?", [expected_id])
        audit.record(db, "expected_citizens", expected_id, "delete", rows[0], None)


_HEADERS = {"cpr": ("cpr", "cprnr", "cprnummer", "personnummer"), "name": ("navn", "name"),
            "section": ("paragraf", "section"), "rate": ("takst", "rate"), "start": ("start", "startdato"),
            "unit": ("enhed", "unit"), "quantity": ("mængde", "maengde", "quantity"), "note": ("bemærkning", "note")}


def _header_key(text: str) -> str | None:
    clean = re.sub(r"[^a-zæøå]", "", str(text or "").casefold())
    for key, names in _HEADERS.items():
        if clean in names:
            return key
    return None


def _read_rows(path: Path) -> list[list]:
    if not path.exists():
        raise DispoError(f"Filen '{path}' findes ikke")
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        return wb.get_sheet_by_index(0).to_python()
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
    dialect = ";" if text.count(";") >= text.count(",") else ","
    return list(csv.reader(text.splitlines(), delimiter=dialect))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def import_young_people(db, path: str | Path) -> list[int]:
    """Import the children's area's list of young people turning 18, all rows or none.

    Each becomes an expected citizen (source ``ung18``) starting on the 18th birthday
    (or the list's start date).

    Raises:
        DispoError: the file cannot be read, has no CPR/paragraf/takst columns, or a row is
            invalid (the message names the row).
    """
    rows = _read_rows(Path(path))
    if not rows:
        raise DispoError("Listen er tom")
    columns = {_header_key(h): i for i, h in enumerate(rows[0]) if _header_key(h)}
    missing = [label for key, label in (("cpr", "CPR"), ("section", "paragraf"), ("rate", "takst"))
               if key not in columns]
    if missing:
        raise DispoError(f"Listen mangler kolonnen {', '.join(missing)} i første række")
    ids = []
    with db.atomic():
        for number, row in enumerate(rows[1:], start=2):
            cell = {k: (row[i] if i < len(row) else "") for k, i in columns.items()}
            if not any(str(v).strip() for v in cell.values()):
                continue
            try:
                cpr = cprs.normalize(cell["cpr"])
                start = cell.get("start") or None
                if isinstance(start, dt.datetime):
                    start = start.date()
                if not start:
                    born = cprs.birth_date(cpr)
                    start = born.replace(year=born.year + 18) if (born.month, born.day) != (2, 29) \
                        else dt.date(born.year + 18, 3, 1)
                ids.append(add_expected(db, {"ident": cpr, "name": cell.get("name"), "section": cell["section"],
                                             "rate": cell["rate"], "unit": cell.get("unit") or None,
                                             "quantity": cell.get("quantity") or None, "start": start,
                                             "source": "ung18", "note": cell.get("note") or ""}))
            except DispoError as ex:
                raise DispoError(f"Række {number}: {ex}") from ex
    return ids


def expected_line(db, year: int, as_of: dt.date) -> ForecastRow | None:
    """The expected citizens' cost in ``year`` as one forecast line, or None without any."""
    items = list_expected(db)
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    a = min(max(as_of.toordinal(), first - 1), last)
    to_date = rest = 0
    for e in items:
        calc = e.calc(year)
        to_date += calc.cost_ore(first, a)
        rest += calc.cost_ore(a + 1, last)
    if not to_date and not rest:
        return None
    zero = ore_to_kr(0)
    return ForecastRow(grant_id=None, cpr=None, name="Kommende borgere", section=None, account=None, provider=None,
                       computed_to_date=ore_to_kr(to_date), committed_rest=ore_to_kr(rest),
                       expected_outturn=ore_to_kr(to_date + rest), booked_to_date=zero,
                       backlog=ore_to_kr(to_date))
