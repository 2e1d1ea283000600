"""Saved mappings: the next file with the same header row maps itself.

A profile is keyed by the header signature (the normalised header texts in order) and
the kind; it stores field -> header text, so it survives columns being moved.
"""

from __future__ import annotations

import json

from core.importing.parsers import month_of
from core.store import audit
from core.errors import NotFoundError
from core.importing.matching import Mapping, add_sheet_defaults, header_signature, header_signatures
from core.importing.table import Table, normalize_header
from core.store.storage import query


def save_profile(db, kind: str, headers: list[str], mapping: dict[str, str], name: str = "",
                 fixed: dict[str, str] | None = None, translations: dict[str, dict[str, str]] | None = None) -> int:
    """Save (or replace) the choices for this layout and kind; returns the profile id.

    Args:
        mapping: field -> header text of its column.
        fixed: field -> the value every row gets (``section`` -> ``§ 108``).
        translations: field -> {value as written in the file -> what it means}.
    """
    sig = header_signature(headers)
    with db.atomic():
        db.execute("DELETE FROM import_profiles WHERE signature = ? AND kind = ?", [sig, kind])
        return db["import_profiles"].insert({
            "signature": sig, "kind": kind, "name": name or kind, "created_at": audit.now(),
            "mapping": json.dumps(mapping, ensure_ascii=False, sort_keys=True),
            "fixed": json.dumps(fixed or {}, ensure_ascii=False, sort_keys=True),
            "translations": json.dumps(translations or {}, ensure_ascii=False, sort_keys=True)}).last_pk


def _decoded(row: dict) -> dict:
    for k in ("mapping", "fixed", "translations"):
        row[k] = json.loads(row.get(k) or "{}")
    return row


def list_profiles(db) -> list[dict]:
    """Every profile with its columns, fixed values and translations decoded."""
    return [_decoded(r) for r in query(db, "SELECT * FROM import_profiles ORDER BY name, id")]


def profile_named(db, name: str, kind: str | None = None) -> dict:
    """The profile with this name (or number).

    Raises:
        NotFoundError: no profile has that name (the message lists the names).
    """
    rows = list_profiles(db)
    wanted = " ".join(name.split()).casefold()
    hits = [r for r in rows if (" ".join(r["name"].split()).casefold() == wanted or str(r["id"]) == wanted)
            and (kind is None or r["kind"] == kind)]
    if not hits:
        raise NotFoundError(f"Importprofilen '{name}' findes ikke; profilerne er: "
                            + (", ".join(f"'{r['name']}'" for r in rows) or "ingen"))
    return hits[-1]


def describe_profile(profile: dict) -> str:
    """What a profile fixes and translates, in Danish (for the profile list)."""
    parts = []
    if profile.get("fixed"):
        parts.append("fast: " + ", ".join(f"{k} = {v}" for k, v in profile["fixed"].items()))
    for k, values in (profile.get("translations") or {}).items():
        parts.append(f"oversætter {k}: " + ", ".join(f"{a} → {b}" for a, b in values.items()))
    return "; ".join(parts)


def find_profile(db, headers: list[str], kind: str | None = None) -> dict | None:
    """The saved profile for this header row (of ``kind`` when given)."""
    signatures = header_signatures(headers)
    sql = (f"SELECT * FROM import_profiles WHERE signature IN ({', '.join('?' * len(signatures))})"
           + (" AND kind = ?" if kind else "") + " ORDER BY signature = ? DESC, id DESC LIMIT 1")
    rows = query(db, sql, signatures + ([kind] if kind else []) + [signatures[0]])
    if not rows:
        return None
    return _decoded(rows[0])


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
    index = {}
    for c, h in enumerate(table.headers):
        index.setdefault(normalize_header(h), c)
    mapping = Mapping(kind, from_profile=True)
    for name, header in by_header.items():
        c = index.get(normalize_header(header))
        if c is None or not header:
            continue
        if name in ("cpr_part_1", "cpr_part_2"):
            parts = list(mapping.cpr_parts or (None, None))
            parts[int(name[-1]) - 1] = c
            mapping.cpr_parts = tuple(parts)
        elif name.startswith("category_"):
            mapping.category_columns[c] = name[-1]
        elif name.startswith("month_"):
            m = month_of(table.headers[c])
            mapping.month_columns[c] = (int(name[-2:]), m[1] if m else None)
        else:
            mapping.columns[name] = c
            mapping.confidence[name] = 1.0
    if mapping.cpr_parts and None in mapping.cpr_parts:
        mapping.cpr_parts = None
    return add_sheet_defaults(mapping, table)
