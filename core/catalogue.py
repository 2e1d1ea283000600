"""The catalogue: sections, accounts, units, VUM categories and yearly values (satser).

A catalogue is shipped in ``resources/catalogue.json`` and loaded by a migration; the user
may edit it afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core import audit
from core.errors import NotFoundError, ValidationError
from core.money import to_decimal
from core.storage import query

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def shipped_catalogue() -> dict:
    return json.loads((RESOURCES / "catalogue.json").read_text(encoding="utf-8"))


def load_shipped_catalogue(db) -> None:
    """Insert the shipped catalogue, keeping rows the user already has."""
    data = shipped_catalogue()
    with db.atomic():  # all of the catalogue or none of it
        db["units"].insert_all(
            ({"code": u["code"], "text": u["text"], "needs_quantity": int(u["needs_quantity"]),
              "quantity_per": ",".join(u["quantity_per"])} for u in data["units"]), ignore=True)
        db["accounts"].insert_all(data["accounts"], ignore=True)
        db["sections"].insert_all(data["sections"], ignore=True)
        db["vum_categories"].insert_all(data["vum_categories"], ignore=True)
        db["rate_kinds"].insert_all(data["rate_kinds"], ignore=True)
        db["satser"].insert_all(data["satser"], ignore=True)


@dataclass(frozen=True)
class Section:
    code: str
    number: int
    text: str
    account: str
    grouping: str
    unit: str
    quantity_per: str | None
    valid_from: str | None = None  # ISO date; None = always (core.migrations.budget_year)
    retired_from: str | None = None  # ISO date from which the section is no longer used


@dataclass(frozen=True)
class Unit:
    code: str
    text: str
    needs_quantity: bool
    quantity_per: tuple[str, ...]


def sections(db) -> list[Section]:
    return [Section(**r) for r in query(db, "SELECT * FROM sections ORDER BY number")]


def section(db, code: str) -> Section:
    rows = query(db, "SELECT * FROM sections WHERE code = ?", [code])
    if not rows:
        raise NotFoundError(f"Paragraffen '{code}' findes ikke i kataloget")
    return Section(**rows[0])


def units(db) -> list[Unit]:
    return [Unit(r["code"], r["text"], bool(r["needs_quantity"]),
                 tuple(x for x in r["quantity_per"].split(",") if x))
            for r in query(db, "SELECT * FROM units ORDER BY rowid")]


def accounts(db) -> list[dict]:
    return query(db, "SELECT code, text FROM accounts ORDER BY code")


def vum_categories(db) -> list[dict]:
    return query(db, "SELECT code, band, label, norm_hours FROM vum_categories ORDER BY code")


def rate_kinds(db) -> list[dict]:
    return query(db, "SELECT code, text, unit FROM rate_kinds ORDER BY rowid")


def satser(db) -> list[dict]:
    """All yearly values, as ``{kind, year, value: Decimal, text, unit}``."""
    rows = query(db, """SELECT s.kind, s.year, s.value, k.text, k.unit
                        FROM satser s JOIN rate_kinds k ON k.code = s.kind ORDER BY k.rowid, s.year""")
    for r in rows:
        r["value"] = Decimal(r["value"])
    return rows


def sats(db, kind: str, year: int) -> Decimal:
    """The value of ``kind`` for ``year``: the latest year's value at or before ``year``.

    Raises:
        NotFoundError: when no value is set for that year or earlier.
    """
    row = db.execute("SELECT value FROM satser WHERE kind = ? AND year <= ? ORDER BY year DESC LIMIT 1",
                     [kind, year]).fetchone()
    if row is None:
        raise NotFoundError(f"Der er ingen sats '{kind}' for {year} eller tidligere år")
    return Decimal(row[0])


def set_sats(db, kind: str, year: int, value) -> None:
    """Set a yearly value; recorded in the audit log."""
    if not db.execute("SELECT 1 FROM rate_kinds WHERE code = ?", [kind]).fetchone():
        raise ValidationError({"kind": f"Ukendt sats '{kind}'"})
    if not 1900 <= int(year) <= 2200:
        raise ValidationError({"year": f"Året {year} er ikke gyldigt"})
    value = to_decimal(value)
    if value < 0:
        raise ValidationError({"value": "En sats kan ikke være negativ"})
    with db.atomic():
        old = db.execute("SELECT value FROM satser WHERE kind = ? AND year = ?", [kind, year]).fetchone()
        db["satser"].upsert({"kind": kind, "year": int(year), "value": str(value)}, pk=("kind", "year"))
        audit.record(db, "satser", None, "update" if old else "insert",
                     {"kind": kind, "year": year, "value": old[0]} if old else None,
                     {"kind": kind, "year": year, "value": str(value)})


def delete_sats(db, kind: str, year: int) -> None:
    with db.atomic():
        old = db.execute("SELECT value FROM satser WHERE kind = ? AND year = ?", [kind, year]).fetchone()
        if old is None:
            raise NotFoundError(f"Der er ingen sats '{kind}' for {year}")
        db.execute("DELETE FROM satser WHERE kind = ? AND year = ?", [kind, year])
        audit.record(db, "satser", None, "delete", {"kind": kind, "year": year, "value": old[0]}, None)


def update_section(db, code: str, **fields) -> None:
    """Change a section's text, default account, grouping or unit (audited)."""
    allowed = {"text", "account", "grouping", "unit", "quantity_per"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"cannot change {bad}")
    old = section(db, code).__dict__
    if "account" in fields and not db.execute("SELECT 1 FROM accounts WHERE code = ?", [fields["account"]]).fetchone():
        raise ValidationError({"account": f"Kontoen '{fields['account']}' findes ikke"})
    if "unit" in fields and not db.execute("SELECT 1 FROM units WHERE code = ?", [fields["unit"]]).fetchone():
        raise ValidationError({"unit": f"Enheden '{fields['unit']}' findes ikke"})
    with db.atomic():
        db["sections"].update(code, fields)
        audit.record(db, "sections", None, "update", old, section(db, code).__dict__)


def upsert_account(db, code: str, text: str) -> None:
    import re

    if not re.fullmatch(r"\d\.\d{2}\.\d{2}", code):
        raise ValidationError({"code": f"'{code}' er ikke en funktion på formen 5.38.50"})
    with db.atomic():
        old = query(db, "SELECT * FROM accounts WHERE code = ?", [code])
        db["accounts"].upsert({"code": code, "text": text}, pk="code")
        audit.record(db, "accounts", None, "update" if old else "insert", old[0] if old else None,
                     {"code": code, "text": text})


def set_vum_norm(db, code: str, norm_hours) -> None:
    """Change a VUM category's norm hours per week (audited)."""
    value = None if norm_hours in (None, "") else to_decimal(norm_hours)
    if value is not None and value < 0:
        raise ValidationError({"norm_hours": "Normtimer kan ikke være negative"})
    with db.atomic():
        old = query(db, "SELECT * FROM vum_categories WHERE code = ?", [code])
        if not old:
            raise NotFoundError(f"VUM-kategori '{code}' findes ikke")
        db["vum_categories"].update(code, {"norm_hours": None if value is None else str(value)})
        audit.record(db, "vum_categories", None, "update", old[0],
                     query(db, "SELECT * FROM vum_categories WHERE code = ?", [code])[0])
