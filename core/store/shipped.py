"""The data Dispo ships in ``resources/``: the catalogue and the VUM themes and settings.

Loaded by the migrations that create their tables, so it sits below the modules that
read and edit them (``core.register.catalogue``, ``core.vum.rule``); it imports nothing of Dispo but
``core.resources``, which finds ``resources/`` from source and in a built app.
"""

from __future__ import annotations

import json

from core.resources import resource_path


def shipped_catalogue() -> dict:
    return json.loads(resource_path("catalogue.json").read_text(encoding="utf-8"))


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


def shipped_vum() -> dict:
    return json.loads(resource_path("vum.json").read_text(encoding="utf-8"))


def load_shipped_vum(db) -> None:
    """Insert the shipped VUM themes and default settings, keeping what the user already has."""
    data = shipped_vum()
    db["vum_themes"].insert_all(({"code": t["code"], "text": t["text"], "sort": i, "active": 1}
                                 for i, t in enumerate(data["themes"], start=1)), ignore=True)
    for key, value in data["settings"].items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, text])
