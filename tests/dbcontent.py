"""Comparing whole databases in tests: every table's rows, read with plain sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def content(path: str | Path) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), read through a fresh read-only connection."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def integrity(path: str | Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
