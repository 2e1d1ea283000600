"""Fixtures of the GUI tests: an application context on a copy of the demo municipality."""

from __future__ import annotations

import pytest


@pytest.fixture
def context(demo_db, tmp_path):
    """An ``AppContext`` on the test's own copy of the demo (``demo_db`` is a second connection)."""
    from gui.context import AppContext

    ctx = AppContext(tmp_path / "demo.sqlite")
    yield ctx
    ctx.undo_stack.clear()
    ctx.close()


def count(db, sql: str, params=()) -> int:
    """The first column of the first row of a query (a count, straight from SQLite)."""
    return db.execute(sql, params).fetchone()[0]
