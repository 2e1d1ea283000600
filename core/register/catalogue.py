"""The catalogue: sections, accounts, units, VUM categories and yearly values (satser).

A catalogue is shipped in ``resources/catalogue.json`` and loaded by a migration; the user
may edit it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.store import audit
from core.errors import NotFoundError, ValidationError
from core.money import InvalidNumber, parse_date, to_decimal
from core.store.shipped import load_shipped_catalogue, shipped_catalogue  # noqa: F401 (re-exported)
from core.store.storage import query

@dataclass(frozen=True)
class Section:
    code: str
    number: int
    text: str
    account: str
    grouping: str
    unit: str
    quantity_per: str | None
    valid_from: str | None = None  # ISO date; None = always (core.store.migrations.budget_year)
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


# Values set by law or agreement that hold until they change (the refund staircase, the
# personal-assistance cap, 4.33 weeks a month, the framework agreement's occupancy target):
# a later year without its own value has the newest earlier one and nothing is missing.
# The other kinds are amounts regulated every year (refund thresholds, hourly prices, the
# price and wage index), which validation asks for until the year's value is entered.
STANDING_KINDS = frozenset({
    "occupancy_target", "weeks_per_month", "pa_refund_pct", "benefit_refund_w1_4", "benefit_refund_w5_26",
    "benefit_refund_w27_52", "benefit_refund_w53", "pa_cap_hours", "full_time_hours"})


def sats(db, kind: str, year: int) -> Decimal:
    """The value of ``kind`` for ``year``: the latest year's value at or before ``year``.

    Raises:
        NotFoundError: when no value is set for that year or earlier.
    """
    return sats_of_year(db, kind, year)[0]


def sats_of_year(db, kind: str, year: int) -> tuple[Decimal, int]:
    """The value of ``kind`` for ``year`` and the year it was set for (earlier than ``year``
    when that year's value is missing: DOMAIN.md, "Yearly values").

    Raises:
        NotFoundError: when no value is set for that year or earlier.
    """
    row = db.execute("SELECT value, year FROM satser WHERE kind = ? AND year <= ? ORDER BY year DESC LIMIT 1",
                     [kind, year]).fetchone()
    if row is None:
        raise NotFoundError(f"Der er ingen sats '{kind}' for {year} eller tidligere år")
    return Decimal(row[0]), row[1]


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


# ------------------------------------------------------------------ a catalogue that grows (issue #16)

def _iso(value, label: str, problems: dict, key: str) -> str | None:
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_date(str(value)).isoformat()
    except (InvalidNumber, TypeError, ValueError):
        problems[key] = f"{label}: '{value}' er ikke en dato (skriv DD-MM-ÅÅÅÅ)"
        return None


def add_section(db, code: str, text: str, account: str, unit: str, valid_from, *, grouping: str = "",
                quantity_per: str | None = None, account_text: str = "") -> str:
    """Add a section to the catalogue from a date (e.g. § 102 behandling on 5.38.45).

    An account that is not in the catalogue yet is added with ``account_text`` (or the
    section's text). Returns the section's code.

    Raises:
        ValidationError: an existing or malformed code, an empty text, a bad account, unit or date.
    """
    import re

    problems: dict[str, str] = {}
    raw = " ".join(str(code or "").split())
    digits = re.search(r"\d+", raw)
    if raw and not raw.startswith("§") and digits and raw == digits.group():
        raw = f"§ {raw}"
    raw = re.sub(r"^§\s*", "§ ", raw)
    if not raw or not digits:
        problems["code"] = f"Paragraffen skal have et nummer, fx '§ 102', ikke '{code}'"
    elif db.execute("SELECT 1 FROM sections WHERE code = ?", [raw]).fetchone():
        problems["code"] = f"Paragraffen '{raw}' findes allerede i kataloget"
    text = " ".join(str(text or "").split())
    if not text:
        problems["text"] = "Paragraffen skal have en tekst"
    account = str(account or "").strip()
    if not re.fullmatch(r"\d\.\d{2}\.\d{2}", account):
        problems["account"] = f"'{account}' er ikke en funktion på formen 5.38.50"
    if quantity_per not in (None, "", "uge", "måned"):
        problems["quantity_per"] = "Mængde angives pr. uge eller pr. måned"
    day = _iso(valid_from, "Gyldig fra", problems, "valid_from")
    found = db.execute("SELECT retired_from FROM units WHERE code = ?", [unit]).fetchone()
    if found is None:
        problems["unit"] = f"Ukendt enhed '{unit}'"
    elif found[0] and day and found[0] <= day:
        problems["unit"] = f"Enheden '{unit}' er udgået"
    if problems:
        raise ValidationError(problems)
    row = {"code": raw, "number": int(digits.group()), "text": text, "account": account,
           "grouping": str(grouping or "").strip(), "unit": unit, "quantity_per": quantity_per or None,
           "valid_from": day}
    with db.atomic():
        if not db.execute("SELECT 1 FROM accounts WHERE code = ?", [account]).fetchone():
            acc = {"code": account, "text": account_text or text, "valid_from": day}
            db["accounts"].insert(acc)
            audit.record(db, "accounts", None, "insert", None, acc)
        db["sections"].insert(row)
        audit.record(db, "sections", None, "insert", None, row)
    return raw


def retire_section(db, code: str, retired_from) -> None:
    """Stop using a section from a date (existing grants keep it; new ones cannot use it).
    ``None`` takes a section back into use."""
    problems: dict[str, str] = {}
    day = None if retired_from is None else _iso(retired_from, "Udgår fra", problems, "retired_from")
    if problems:
        raise ValidationError(problems)
    old = section(db, code).__dict__
    with db.atomic():
        db["sections"].update(code, {"retired_from": day})
        audit.record(db, "sections", None, "update", old, section(db, code).__dict__)


def delete_section(db, code: str) -> None:
    """Delete a section nothing uses (how adding one is undone).

    Raises:
        ValidationError: grants, budgets, expected citizens, provider rates or groupings use it.
    """
    old = section(db, code).__dict__
    for table, label in (("grants", "bevillinger"), ("budgets", "budgetter"), ("expected_citizens", "kommende borgere"),
                         ("provider_rates", "leverandørtakster"), ("section_groupings", "grupperinger")):
        if db.execute(f"SELECT 1 FROM {table} WHERE section = ? LIMIT 1", [code]).fetchone():
            raise ValidationError({"code": f"{code} bruges af {label} og kan ikke slettes"})
    with db.atomic():
        db.execute("DELETE FROM sections WHERE code = ?", [code])
        audit.record(db, "sections", None, "delete", old, None)


def retire_account(db, code: str, retired_from) -> None:
    """Stop using an account from a date."""
    problems: dict[str, str] = {}
    day = _iso(retired_from, "Udgår fra", problems, "retired_from")
    _retire(db, "accounts", code, day, problems, f"Kontoen '{code}' findes ikke")


def add_account(db, code: str, text: str, valid_from) -> None:
    """A new account (funktion) in the catalogue from a date.

    Raises:
        ValidationError: a malformed or existing code, an empty text or a bad date.
    """
    import re

    problems: dict[str, str] = {}
    code = str(code or "").strip()
    if not re.fullmatch(r"\d\.\d{2}\.\d{2}", code):
        problems["code"] = f"'{code}' er ikke en funktion på formen 5.38.50"
    elif db.execute("SELECT 1 FROM accounts WHERE code = ?", [code]).fetchone():
        problems["code"] = f"Kontoen '{code}' findes allerede"
    text = " ".join(str(text or "").split())
    if not text:
        problems["text"] = "Kontoen skal have en tekst"
    day = _iso(valid_from, "Gyldig fra", problems, "valid_from")
    if problems:
        raise ValidationError(problems)
    row = {"code": code, "text": text, "valid_from": day}
    with db.atomic():
        db["accounts"].insert(row)
        audit.record(db, "accounts", None, "insert", None, row)


def retire_unit(db, code: str, retired_from) -> None:
    """Stop offering a unit for new sections from a date (``None``: back in use). The cost rule
    knows a fixed set of units, so units cannot be added, only retired."""
    problems: dict[str, str] = {}
    day = None if retired_from is None else _iso(retired_from, "Udgår fra", problems, "retired_from")
    _retire(db, "units", code, day, problems, f"Enheden '{code}' findes ikke")


def _retire(db, table: str, code: str, day: str | None, problems: dict[str, str], missing: str) -> None:
    """Set a catalogue row's ``retired_from`` (audited), or raise the problems found so far
    and ``missing`` when the code is not in the table."""
    old = query(db, f"SELECT * FROM {table} WHERE code = ?", [code])
    if not old:
        problems["code"] = missing
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        db[table].update(code, {"retired_from": day})
        audit.record(db, table, None, "update", old[0], {**old[0], "retired_from": day})


def active_sections(db, on) -> list[Section]:
    """The sections in use on a date (valid from on or before it, not retired)."""
    day = on.isoformat()
    return [s for s in sections(db) if (s.valid_from or "") <= day and (s.retired_from is None or s.retired_from > day)]


def add_grouping(db, section_code: str, grouping: str, text: str, valid_from, *, account: str | None = None) -> int:
    """A grouping that splits a section on its account (KORA: § 85 in housing-like settings
    and in the citizen's own home), valid from a date. Grants carry their grouping.

    Raises:
        ValidationError: an unknown section, a malformed grouping or a bad date.
    """
    import re

    problems: dict[str, str] = {}
    try:
        sec = section(db, section_code)
    except NotFoundError as ex:
        problems["section"] = str(ex)
        sec = None
    grouping = str(grouping or "").strip()
    if not re.fullmatch(r"\d{3}", grouping):
        problems["grouping"] = f"Gruppering skal være tre cifre, fx 005, ikke '{grouping}'"
    text = " ".join(str(text or "").split())
    if not text:
        problems["text"] = "Grupperingen skal have en tekst"
    day = _iso(valid_from, "Gyldig fra", problems, "valid_from")
    if problems:
        raise ValidationError(problems)
    row = {"section": sec.code, "account": account or sec.account, "grouping": grouping, "text": text,
           "valid_from": day}
    if db.execute("SELECT 1 FROM section_groupings WHERE section = ? AND account = ? AND grouping = ?",
                  [row["section"], row["account"], grouping]).fetchone():
        raise ValidationError({"grouping": f"Grupperingen {grouping} findes allerede for {sec.code}"})
    with db.atomic():
        new_id = db["section_groupings"].insert(row).last_pk
        audit.record(db, "section_groupings", new_id, "insert", None, row)
    return new_id


def groupings(db) -> list[dict]:
    """The section groupings: the shipped one of each section and those the user added."""
    shipped = [{"section": s.code, "account": s.account, "grouping": s.grouping, "text": s.text,
                "valid_from": s.valid_from, "retired_from": s.retired_from} for s in sections(db) if s.grouping]
    added = query(db, "SELECT section, account, grouping, text, valid_from, retired_from FROM section_groupings "
                      "ORDER BY section, grouping")
    return shipped + added
