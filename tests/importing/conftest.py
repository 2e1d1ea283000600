"""Fixtures shared by the import tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store.storage import open_db


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """A migrated, empty database file, made once: a test copies it rather than migrating anew."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    open_db(path).close()
    return path
