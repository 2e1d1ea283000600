"""Saved mappings: the next file with the same header row maps itself.

A profile is keyed by the header signature (the normalised header texts in order) and
the kind; it stores field -> header text, so it survives columns being moved.
"""

from __future__ import annotations

import json

from core import audit
from core.errors import NotFoundError
from core.importing.matching import Mapping, add_sheet_defaults, header_signature, header_signatures
from core.importing.table import Table, normalize_header
from core.storage import query


def save_profile(db, kind: str, headers: list[str], mapping: dict[str, str], name: str = "") -> int:
    """Save (or replace) the mapping for this layout and kind; returns the profile id."""
    sig = header_signature(headers)
    with db.atomic():
        db.execute("DELETE FROM import_profiles WHERE signature = ? AND kind = ?", [sig, kind])
        return db["import_profiles"].insert({
            "signature": sig, "kind": kind, "name": name or kind, "created_at": audit.now(),
            "mapping": json.dumps(mapping, ensure_ascii=False, sort_keys=True)}).last_pk


def list_profiles(db) -> list[dict]:
    rows = query(db, "SELECT * FROM import_profiles ORDER BY name, id")
    for r in rows:
        r["mapping"] = json.loads(r["mapping"])
    return rows


def find_profile(db, headers: list[str], kind: str | None = None) -> dict | None:
    """The saved profile for this header row (of ``kind`` when given)."""
    signatures = header_signatures(headers)
    sql = (f"SELECT * FROM import_profiles WHERE signature IN ({', '.join('?' * len(signatures))})"
           + (" AND kind = ?" if kind else "") + " ORDER BY signature = ? DESC, id DESC LIMIT 1")
    rows = query(db, sql, signatures + ([kind] if kind else []) + [signatures[0]])
    if not rows:
        return None
    rows[0]["mapping"] = json.loads(rows[0]["mapping"])
    return rows[0]


def rename_profile(db, profile_id: int, name: str) -> None:
    if not db.execute("SELECT 1 FROM import_profiles WHERE id = ?", [profile_id]).fetchone():
        raise NotFoundError(f"Importprofil {profile_id} findes ikke")
    db["import_profiles"].update(profile_id, {"name": name})


def delete_profile(db, profile_id: int) -> None:
    if not db.execute("SELECT 1 FROM import_profiles WHERE id = ?", [profile_id]).fetchone():
        raise NotFoundError(f"Importprofil {profile_id} findes ikke")
    with db.atomic():
        db.execute("DELETE FROM import_profiles WHERE id = ?", [profile_id])


def mapping_from_headers(kind: str, table: Table, by_header: dict[str, str]) -> Mapping:
    """A ``Mapping`` from field -> header text (a profile, or the user's choice).

    Keys ``category_X`` name the x-marked VUM column of category X; ``month_MM`` a month column.
    Headers not found in the table are left out.
    """
    from core.importing.parsers import month_of

    index = {}
    for c, h in enumerate(table.headers):
        index.setdefault(normalize_header(h), c)
    mapping = Mapping(kind, from_profile=True)
    for name, header in by_header.items():
        c = index.get(normalize_header(header))
        if c is None or not header:
            continue
        if name.startswith("category_"):
            mapping.category_columns[c] = name[-1]
        elif name.startswith("month_"):
            m = month_of(table.headers[c])
            mapping.month_columns[c] = (int(name[-2:]), m[1] if m else None)
        else:
            mapping.columns[name] = c
            mapping.confidence[name] = 1.0
    return add_sheet_defaults(mapping, table)
