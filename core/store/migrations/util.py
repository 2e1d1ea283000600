"""Helpers for writing migrations."""

from __future__ import annotations

import sqlite3


def run_script(db, script: str) -> None:
    """Execute several SQL statements inside the current transaction.

    ``sqlite3.executescript`` would commit first, which breaks a migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)
