"""Arbitrary cell contents never crash the import: every row is imported or rejected with a reason."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from core.errors import DispoError
from core.importing.batches import commit, prepare
from core.storage import open_db
from tests.import_files import GRANT_HEADER, write_xlsx

POSTING_HEADER = ["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"]
BUDGET_HEADER = ["Konto", "Paragraf", "Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul"]
OCCUPANCY_HEADER = ["Navn", "CPR", "Indflyttet", "Fraflyttet", "Betalingskommune", "Døgntakst", "VUM", "Note"]
HEADERS = {"grants": GRANT_HEADER, "postings": POSTING_HEADER, "budget": BUDGET_HEADER,
           "occupancy": OCCUPANCY_HEADER}

cells = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.dates(dt.date(1950, 1, 1), dt.date(2080, 1, 1)),
    st.sampled_from(["løbende", "§ 85", "SEL §108", "pr. time/uge", "dag (4 dg/uge)", "5.38.50", "53850002",
                     "1.234,50", "0101901234", "x", "I alt", "Total:", "=SUM(A1)", "kr. 12", "31-02-2026"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(HEADERS)), st.lists(st.lists(cells, min_size=9, max_size=9), min_size=1, max_size=6))
def test_any_cells_are_imported_or_rejected(kind, rows):
    header = HEADERS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        title = [["Liste 2026 - Botilbuddet Engen"], ["Normerede pladser: 4"]]
        path = write_xlsx(folder / "f.xlsx", {"Ark": title + [header] + [r[:len(header)] for r in rows]})
        db = open_db(folder / "d.sqlite")
        try:
            try:
                plan = prepare(db, path, kind)
            except DispoError:
                return
            for rec in plan.records:
                assert rec.status != "rejected" or rec.problems and all(p["reason"] for p in rec.problems)
            try:
                res = commit(db, plan)
            except DispoError:
                return
            assert res["imported"] + res["unchanged"] + res["updated"] <= len(plan.records)
        finally:
            db.close()
