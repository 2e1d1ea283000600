"""How many records of a kind the database holds: what the screens' empty tables and first
steps ask ("no grants yet: import them")."""

from __future__ import annotations

# what -> the query counting it
_COUNTS = {
    "grants": "SELECT count(*) FROM grants",
    "citizens": "SELECT count(*) FROM citizens",
    "postings": "SELECT count(*) FROM postings",
    "providers": "SELECT count(*) FROM providers",
    "own_providers": "SELECT count(*) FROM providers WHERE kind = 'egen'",
    "audit": "SELECT count(*) FROM audit",
}
KINDS = tuple(_COUNTS)


def count(db, what: str) -> int:
    """How many records of ``what`` (one of ``KINDS``) the database holds.

    Raises:
        ValueError: ``what`` is not one of ``KINDS`` (a programming error).
    """
    if what not in _COUNTS:
        raise ValueError(f"nothing counts {what!r}; known: {', '.join(KINDS)}")
    return db.execute(_COUNTS[what]).fetchone()[0]
