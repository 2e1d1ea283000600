"""The import's fast paths give exactly what the general code gives.

Bulk inserts that rebuild the postings indexes leave the same indexes behind (and none
changed on a rollback).
"""

from __future__ import annotations

import pytest

from core.importing.batches import import_file
from core.storage import bulk_insert
from tests.import_files import write_csv

POSTING_HEAD = ["Bogføringsdato", "Konto", "Art", "Beløb", "CPR", "Tekst", "Bilagsnr."]


def _indexes(db, table="postings") -> list[tuple]:
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                      "ORDER BY name", [table]).fetchall()


def _roots(db) -> list[tuple]:
    """The postings indexes' root pages: a rebuilt index gets new ones."""
    return db.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'postings' "
                      "ORDER BY name").fetchall()


def _plan(db, sql: str, params) -> str:
    return " / ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_the_redundant_postings_index_is_gone_and_queries_still_use_an_index(db):
    names = [name for name, _ in _indexes(db)]
    assert "postings_citizen" not in names and "postings_aggregate" in names
    # a citizen's postings on an account, and the per-citizen sums of the forecast and reconciliation
    assert "USING INDEX postings_aggregate" in _plan(
        db, "SELECT * FROM postings WHERE cpr = ? AND account = ?", ["010190-1234", "5.38.50"])
    assert "COVERING INDEX postings_aggregate" in _plan(
        db, "SELECT cpr, account, SUM(amount_ore) FROM postings WHERE +date BETWEEN ? AND ? GROUP BY cpr, account",
        ["2026-01-01", "2026-12-31"])


def test_a_big_import_into_an_empty_table_keeps_every_index(db, tmp_path):
    before = _indexes(db)
    rows = [POSTING_HEAD] + [[f"{d:02d}-03-2026", "5.38.50", "4.0", f"{d},50", "0101901234", "Husleje", f"B{d}"]
                             for d in range(1, 29)]
    res = import_file(db, write_csv(tmp_path / "p.csv", rows))
    assert res["imported"] == 28
    assert _indexes(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the rebuilt index answers queries: 28 postings of 1,50 .. 28,50 kr.
    assert db.execute("SELECT COUNT(*), SUM(amount_ore) FROM postings WHERE cpr = '010190-1234' "
                      "AND account = '5.38.50'").fetchone() == (28, sum(d * 100 + 50 for d in range(1, 29)))


def _rows(n, start=0):
    return [(f"2026-01-{1 + i % 28:02d}", "5.38.50", "", "4.0", 100 * i, None, "", f"V{start + i}", None, None)
            for i in range(n)]


COLUMNS = ["date", "account", "grouping", "art", "amount_ore", "cpr", "text", "voucher", "citizen_id", "batch_id"]


def test_a_rolled_back_bulk_insert_leaves_rows_and_indexes_as_they_were(db):
    before, roots = _indexes(db), _roots(db)
    with pytest.raises(RuntimeError):
        with db.atomic():
            bulk_insert(db, "postings", COLUMNS, _rows(100))
            assert [n for n, _ in _indexes(db)] == [n for n, _ in before]
            raise RuntimeError("stop")
    assert _indexes(db) == before and _roots(db) == roots
    assert db.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == 0


def test_a_small_insert_into_a_big_table_updates_the_indexes_in_place(db):
    with db.atomic():
        bulk_insert(db, "postings", COLUMNS, _rows(200))
    roots = _roots(db)
    with db.atomic():
        bulk_insert(db, "postings", COLUMNS, _rows(10, 200))
    assert _roots(db) == roots
    assert db.execute("SELECT COUNT(*) FROM postings WHERE voucher = 'V205'").fetchone()[0] == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_outside_a_transaction_the_indexes_are_not_touched(db):
    roots = _roots(db)
    bulk_insert(db, "postings", COLUMNS, _rows(50))
    db.conn.commit()
    assert _roots(db) == roots
