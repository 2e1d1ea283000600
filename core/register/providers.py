"""Providers (leverandører / tilbud) and their catalogue rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields as dc_fields
from decimal import Decimal

from core.store import audit, settings
from core.errors import NotFoundError, ValidationError
from core.money import InvalidNumber, to_decimal
from core.store.storage import query

KINDS = ("egen", "kommune", "region", "privat")
KIND_LABELS = {"egen": "Egen", "kommune": "Anden kommune", "region": "Region", "privat": "Privat"}


@dataclass(frozen=True)
class Provider:
    id: int
    name: str
    kind: str
    municipality: str
    places: int | None
    occupancy_target: Decimal | None
    invoice_lag_days: int
    fixed_budget_ore: int | None
    note: str

    @property
    def is_own(self) -> bool:
        return self.kind == "egen"


@dataclass(frozen=True)
class ProviderRate:
    id: int
    provider_id: int
    section: str | None
    unit: str
    text: str
    valid_from: dt.date
    rate: Decimal


_PROVIDER_COLUMNS = [f.name for f in dc_fields(Provider)]


def _provider(r: dict) -> Provider:
    r = {k: r[k] for k in _PROVIDER_COLUMNS}
    r["occupancy_target"] = Decimal(r["occupancy_target"]) if r["occupancy_target"] is not None else None
    return Provider(**r)


def list_providers(db) -> list[Provider]:
    return [_provider(r) for r in query(db, "SELECT * FROM providers ORDER BY name")]


def get_provider(db, provider_id: int) -> Provider:
    rows = query(db, "SELECT * FROM providers WHERE id = ?", [provider_id])
    if not rows:
        raise NotFoundError(f"Leverandør {provider_id} findes ikke")
    return _provider(rows[0])


def find_by_name(db, name: str) -> Provider | None:
    rows = query(db, "SELECT * FROM providers WHERE name = ? COLLATE NOCASE", [" ".join(name.split())])
    return _provider(rows[0]) if rows else None


def _clean(fields: dict) -> dict:
    problems, out = {}, {}
    for key, value in fields.items():
        if key == "name":
            value = " ".join(str(value or "").split())
            if not value:
                problems["name"] = "Leverandøren skal have et navn"
        elif key == "kind":
            if value not in KINDS:
                problems["kind"] = "Ejerform skal være egen, kommune, region eller privat"
        elif key in ("places", "invoice_lag_days"):
            if value in (None, ""):
                value = None if key == "places" else 45
            else:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    value = -1
                if value < 0:
                    problems[key] = "Skal være et helt tal, 0 eller større"
        elif key == "occupancy_target":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = to_decimal(value)
                except InvalidNumber as ex:
                    problems[key] = str(ex)
                else:
                    if not 0 <= value <= 100:
                        problems[key] = "Belægningsmål skal være mellem 0 og 100 %"
                    value = str(value)
        elif key == "fixed_budget_ore":
            value = None if value in (None, "") else int(value)
        elif key in ("municipality", "note"):
            value = str(value or "")
        else:
            raise ValueError(f"unknown provider field {key!r}")
        out[key] = value
    if problems:
        raise ValidationError(problems)
    return out


def create_provider(db, name: str, kind: str = "privat", batch_id: int | None = None, **fields) -> int:
    """Create a provider; its name must be new (case-insensitive)."""
    if fields.get("invoice_lag_days") in (None, ""):  # the setting's default for new providers
        fields["invoice_lag_days"] = settings.get(db, "provider.invoice_lag_days")
    data = _clean({"name": name, "kind": kind, **fields})
    if find_by_name(db, data["name"]):
        raise ValidationError({"name": f"Leverandøren '{data['name']}' findes allerede"})
    with db.atomic():
        new_id = db["providers"].insert({**data, "batch_id": batch_id}).last_pk
        if batch_id is None:
            audit.record(db, "providers", new_id, "insert", None, data)
    return new_id


def update_provider(db, provider_id: int, **fields) -> None:
    old = get_provider(db, provider_id)
    data = _clean(fields)
    if "name" in data:
        other = find_by_name(db, data["name"])
        if other and other.id != provider_id:
            raise ValidationError({"name": f"Leverandøren '{data['name']}' findes allerede"})
    with db.atomic():
        db["providers"].update(provider_id, data)
        audit.record(db, "providers", provider_id, "update", {k: getattr(old, k) for k in data}, data)


def delete_provider(db, provider_id: int) -> None:
    """Delete a provider that no grant uses, with its catalogue rates (audited).

    This is how creating a provider is undone.

    Raises:
        ValidationError: grants still refer to the provider.
    """
    old = get_provider(db, provider_id)
    if db.execute("SELECT 1 FROM grants WHERE provider_id = ? LIMIT 1", [provider_id]).fetchone():
        raise ValidationError({"name": f"Leverandøren '{old.name}' har bevillinger og kan ikke slettes"})
    with db.atomic():
        db.execute("DELETE FROM providers WHERE id = ?", [provider_id])
        audit.record(db, "providers", provider_id, "delete", old.__dict__, None)


def provider_units(db, provider_id: int) -> list[str]:
    """The units a provider has grants or rates in, sorted (a rate change is for one of them)."""
    return sorted(u for (u,) in db.execute(
        "SELECT unit FROM grants WHERE provider_id = ? UNION SELECT unit FROM provider_rates WHERE provider_id = ?",
        [provider_id, provider_id]))


def provider_rates(db, provider_id: int | None = None) -> list[ProviderRate]:
    sql = "SELECT * FROM provider_rates" + (" WHERE provider_id = ?" if provider_id else "")
    rows = query(db, sql + " ORDER BY provider_id, section, unit, valid_from", [provider_id] if provider_id else [])
    return [ProviderRate(r["id"], r["provider_id"], r["section"], r["unit"], r["text"],
                         dt.date.fromisoformat(r["valid_from"]), Decimal(r["rate"])) for r in rows]


def add_provider_rate(db, provider_id: int, unit: str, valid_from: dt.date, rate, section: str | None = None,
                      text: str = "") -> int:
    """A catalogue rate of a provider, valid from a date (price regulation adds a new row)."""
    get_provider(db, provider_id)
    problems = {}
    try:
        rate = to_decimal(rate)
        if rate <= 0:
            problems["rate"] = "Taksten skal være større end 0"
    except InvalidNumber as ex:
        problems["rate"] = str(ex)
    if not db.execute("SELECT 1 FROM units WHERE code = ?", [unit]).fetchone():
        problems["unit"] = f"Ukendt enhed '{unit}'"
    if not isinstance(valid_from, dt.date):
        problems["valid_from"] = "Gyldig fra skal være en dato"
    if problems:
        raise ValidationError(problems)
    row = {"provider_id": provider_id, "section": section, "unit": unit, "text": text,
           "valid_from": valid_from.isoformat(), "rate": str(rate)}
    with db.atomic():
        new_id = db["provider_rates"].insert(row).last_pk
        audit.record(db, "provider_rates", new_id, "insert", None, row)
    return new_id


def delete_provider_rate(db, rate_id: int) -> None:
    rows = query(db, "SELECT * FROM provider_rates WHERE id = ?", [rate_id])
    if not rows:
        raise NotFoundError(f"Takst {rate_id} findes ikke")
    with db.atomic():
        db.execute("DELETE FROM provider_rates WHERE id = ?", [rate_id])
        audit.record(db, "provider_rates", rate_id, "delete", rows[0], None)


def catalogue_rate(db, provider_id: int, unit: str, on: dt.date, section: str | None = None) -> Decimal | None:
    """The provider's catalogue rate for a unit (and section, if it has one) on a date."""
    row = db.execute(
        """SELECT rate FROM provider_rates WHERE provider_id = ? AND unit = ? AND valid_from <= ?
           AND (section IS NULL OR section = ?) ORDER BY section IS NULL, valid_from DESC LIMIT 1""",
        [provider_id, unit, on.isoformat(), section]).fetchone()
    return Decimal(row[0]) if row else None
