"""Fixtures for the report tests: a small register whose figures are worked out by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.register import grants, providers


def add(db, cpr, name, section, rate, start, end="", **extra):
    data = {"cpr": cpr, "name": name, "section": section, "provider": extra.pop("provider", "Bostedet"),
            "rate": rate, "start": start, "end": end}
    data.update(extra)
    return grants.create_grant(db, data)


@pytest.fixture
def small_db(db):
    """Four citizens in 2026 (not a leap year); the quarterly test spells out every figure."""
    db["settings"].upsert({"key": "municipality", "value": "Testby Kommune"}, pk="key")
    providers.create_provider(db, "Bostedet", "egen", places=10)
    providers.create_provider(db, "Støtten", "privat")
    add(db, "010180-1234", "Anna Hansen", "§ 108", "1000", "01-01-2026")
    add(db, "010180-1234", "Anna Hansen", "§ 85", "350", "15-02-2026", "31-07-2026", provider="Støtten",
        unit="time", quantity="10", quantity_per="uge")
    add(db, "150395-4321", "Bo Jensen", "§ 108", "1500", "01-06-2026")
    add(db, "020290-2222", "Carl Solgt", "§ 108", "2000", "01-01-2026", paying_municipality="Nabo Kommune",
        acting_municipality="Nabo Kommune")
    add(db, "030385-3333", "Dorte Dag", "§ 104", "700", "01-01-2025", "31-03-2026", unit="dag", quantity="3",
        quantity_per="uge")
    return db


def recalc_with_libreoffice(path: Path, tmp_path: Path) -> Path:
    """Open ``path`` in LibreOffice headless and save it again, so formulas get computed values."""
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; the recalculation check needs it")
    out = tmp_path / "recalculated"
    out.mkdir()
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([soffice, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, env=env, timeout=180)
    return out / path.name
