"""The demo municipality "Eksempel Kommune": deterministic data to try every screen on.

``build_demo`` wipes all data (the catalogue is kept) and creates the same municipality
every time: own and external providers, about 150 citizens with grants across every
section of the catalogue, and rates for the demo year and the next.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import importlib

from core.register import catalogue
from core.store import settings
from core.store.storage import MIGRATIONS_TABLE

MUNICIPALITY = "Eksempel Kommune"
DEMO_YEAR = 2026
AS_OF = dt.date(2026, 10, 31)
KEEP_TABLES = {"units", "accounts", "sections", "vum_categories", "rate_kinds", "satser", "settings",
               "vum_themes", MIGRATIONS_TABLE}

# name, kind, municipality, places, sections it delivers, invoice lag in days
PROVIDERS = [
    ("Botilbuddet Skovbrynet", "egen", "", 18, ["§ 108"], 30),
    ("Åhuset, midlertidigt botilbud", "egen", "", 10, ["§ 107"], 30),
    ("Bofællesskabet Lærkevej", "egen", "", 12, ["§ 85"], 30),
    ("Bostøtteteamet", "egen", "", None, ["§ 85"], 30),
    ("Aktivitetscentret Kilden", "egen", "", 40, ["§ 104"], 30),
    ("Værkstedet Fabrikken", "egen", "", 30, ["§ 103"], 30),
    ("Ledsagerkorpset", "egen", "", None, ["§ 97"], 30),
    ("Eksempel Kommune, diverse", "egen", "", None, ["§ 95"], 15),
    ("Fjordglimt (Nabo Kommune)", "kommune", "Nabo Kommune", None, ["§ 108", "§ 107"], 75),
    ("Dagcentret Solsikken (Nabo Kommune)", "kommune", "Nabo Kommune", None, ["§ 104", "§ 103"], 75),
    ("Engly Botilbud ApS", "privat", "", None, ["§ 108", "§ 107"], 45),
    ("Hjælperordning Nord ApS", "privat", "", None, ["§ 96"], 45),
    ("Bo & Naboskab (Region)", "region", "", None, ["§ 108"], 90),
    ("Døvblindecentret (Region)", "region", "", None, ["§ 98"], 90),
]

# section -> (count, unit, quantity_per, rate range, quantity choices)
GRANT_PLAN = {
    "§ 85": (46, "time", "uge", (440, 600), [2, 3, 4, 5, 7, 8, 10, 12, 15]),
    "§ 95": (8, "år", None, (380_000, 900_000), None),
    "§ 96": (9, "år", None, (700_000, 3_100_000), None),
    "§ 97": (19, "time", "måned", (190, 260), [10, 12, 15, 20]),
    "§ 98": (4, "time", "uge", (390, 480), [4, 6, 8]),
    "§ 103": (24, "måned", None, (7_500, 15_500), None),
    "§ 104": (35, "dag", "uge", (380, 950), [2, 3, 4, 5]),
    "§ 107": (19, "døgn", None, (2_100, 4_600), None),
    "§ 108": (40, "døgn", None, (2_400, 6_600), None),
}

FIRST_NAMES = ["Anna", "Bo", "Carla", "Dennis", "Edith", "Frank", "Gitte", "Henrik", "Ida", "Jens", "Karen",
               "Lars", "Mette", "Niels", "Oda", "Poul", "Rikke", "Søren", "Tove", "Ulrik", "Vera", "Winnie",
               "Yrsa", "Åse", "Emil", "Freja", "Malthe", "Sofie", "Kim", "Lone"]
LAST_NAMES = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
              "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Lund", "Holm", "Bertelsen"]
CASEWORKERS = ["Lise Holm", "Mads Krog", "Pia Winther", "Jonas Dahl"]
PRICE_REGULATION_NEXT_YEAR = Decimal("0.025")

# Later areas add to the demo: each module named here has ``extend_demo(db, rng) -> dict``,
# called in this order after the register is built, inside the same transaction.
DEMO_EXTENSIONS: list[str] = [
    "core.followup.demo",
    "core.vum",
    "core.budget_year.demo",
]


def _cpr(rng: random.Random, used: set[str]) -> str:
    """A CPR number whose 7th digit is consistent with the century rule (born 1945-2007)."""
    while True:
        born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 62 * 365))
        yy = born.year % 100
        if born.year < 2000:
            seventh = rng.choice([0, 1, 2, 3] + ([4, 9] if yy > 36 else []))
        else:
            seventh = rng.choice([4, 9] if yy <= 36 else [5, 6, 7, 8])
        value = f"{born:%d%m}{yy:02d}-{seventh}{rng.randrange(0, 1000):03d}"
        if value not in used:
            used.add(value)
            return value


def _rate(rng: random.Random, lo: int, hi: int) -> Decimal:
    if hi >= 100_000:
        return Decimal(rng.randrange(lo // 1000, hi // 1000) * 1000)
    return Decimal(rng.randrange(lo * 100, hi * 100)) / 100


def reset_data(db) -> None:
    """Delete every row of every data table; the catalogue and settings stay."""
    with db.atomic():
        db.execute("PRAGMA defer_foreign_keys = ON")
        for table in db.table_names():
            if table not in KEEP_TABLES and not table.startswith("sqlite_"):
                db.execute(f"DELETE FROM [{table}]")


def build_demo(db) -> dict:
    """Replace all data with the demo municipality. Returns counts of what was made."""
    rng = random.Random(20261031)
    with db.atomic():
        reset_data(db)
        catalogue.load_shipped_catalogue(db)
        settings.set_value(db, "municipality", MUNICIPALITY)
        providers = _providers(db)
        counts = {"providers": len(providers), **_citizens_and_grants(db, rng, providers)}
        for name in DEMO_EXTENSIONS:
            counts.update(importlib.import_module(name).extend_demo(db, rng) or {})
        # what the database holds, extensions' citizens and grants included
        counts.update(citizens=db.execute("SELECT COUNT(*) FROM citizens").fetchone()[0],
                      grants=db.execute("SELECT COUNT(*) FROM grants").fetchone()[0])
    return counts


def _providers(db) -> dict[str, dict]:
    out = {}
    for name, kind, municipality, places, sections, lag in PROVIDERS:
        pid = db["providers"].insert({
            "name": name, "kind": kind, "municipality": municipality, "places": places,
            "occupancy_target": "95" if places else None, "invoice_lag_days": lag,
        }).last_pk
        out[name] = {"id": pid, "kind": kind, "sections": sections, "places": places}
    return out


def _citizens_and_grants(db, rng: random.Random, providers: dict[str, dict]) -> dict:
    used: set[str] = set()
    year_start = dt.date(DEMO_YEAR, 1, 1)
    next_year = dt.date(DEMO_YEAR + 1, 1, 1)
    citizens, grants = [], 0
    # providers' catalogue rates for the demo year and the next
    catalogue_rates: dict[tuple[str, str], Decimal] = {}
    for name, info in providers.items():
        for sec in info["sections"]:
            unit = GRANT_PLAN[sec][1]
            lo, hi = GRANT_PLAN[sec][3]
            rate = _rate(rng, lo, hi)
            catalogue_rates[(name, sec)] = rate
            for valid_from, value in ((year_start, rate),
                                      (next_year, (rate * (1 + PRICE_REGULATION_NEXT_YEAR)).quantize(Decimal("0.01")))):
                db["provider_rates"].insert({"provider_id": info["id"], "section": sec, "unit": unit,
                                             "text": f"{sec} {unit}", "valid_from": valid_from.isoformat(),
                                             "rate": str(value)})
    sections_cycle = [s for s, plan in GRANT_PLAN.items() for _ in range(plan[0])]
    rng.shuffle(sections_cycle)
    for i, sec in enumerate(sections_cycle):
        # about one in four citizens has a second grant (e.g. § 108 + § 104)
        if citizens and rng.random() < 0.27:
            cid, cpr = rng.choice(citizens)
        else:
            cpr = _cpr(rng, used)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            cid = db["citizens"].insert({"cpr": cpr, "name": name}).last_pk
            citizens.append((cid, cpr))
        count, unit, per, (lo, hi), quantities = GRANT_PLAN[sec]
        candidates = [n for n, info in providers.items() if sec in info["sections"]]
        own = [n for n in candidates if providers[n]["kind"] == "egen"]
        provider = rng.choice(own) if own and rng.random() < 0.75 else rng.choice(candidates)
        info = providers[provider]
        start = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, (AS_OF - dt.date(2012, 1, 1)).days))
        end = None
        if rng.random() < 0.18:
            end = start + dt.timedelta(days=rng.randrange(60, 3000))
            if end < year_start:
                end = year_start + dt.timedelta(days=rng.randrange(0, 300))
        rate = catalogue_rates.get((provider, sec)) if rng.random() < 0.6 else None
        from_catalogue = rate is not None
        rate = rate or _rate(rng, lo, hi)
        sold = info["kind"] == "egen" and info["places"] and sec in ("§ 107", "§ 108") and rng.random() < 0.12
        section_row = catalogue.section(db, sec)
        gid = db["grants"].insert({
            "citizen_id": cid, "section": sec, "provider_id": info["id"], "account": section_row.account,
            "grouping": section_row.grouping, "unit": unit,
            "quantity": str(rng.choice(quantities)) if quantities else None, "quantity_per": per,
            "start": start.isoformat(), "end": end.isoformat() if end else None,
            "status": "afsluttet" if end and end < AS_OF else "aktiv",
            "paying_municipality": "Nabo Kommune" if sold else MUNICIPALITY,
            "acting_municipality": "Nabo Kommune" if sold else MUNICIPALITY,
            "caseworker": rng.choice(CASEWORKERS), "granted_on": (start - dt.timedelta(days=rng.randrange(5, 60))).isoformat(),
            "followup_date": (start + dt.timedelta(days=365 * (1 + (AS_OF - start).days // 365))).isoformat(),
            "vum_category": rng.choice("ABCDE") if info["kind"] == "egen" and sec in ("§ 85", "§ 107", "§ 108") else None,
            "rate_from_catalogue": int(from_catalogue),
            "note": "Solgt plads" if sold else "",
        }).last_pk
        db["grant_rates"].insert({"grant_id": gid, "valid_from": start.isoformat(), "rate": str(rate)})
        if end is None or end >= next_year:
            regulated = (rate * (1 + PRICE_REGULATION_NEXT_YEAR)).quantize(Decimal("0.01"))
            db["grant_rates"].insert({"grant_id": gid, "valid_from": next_year.isoformat(), "rate": str(regulated)})
        grants += 1
    return {"citizens": len(citizens), "grants": grants}
