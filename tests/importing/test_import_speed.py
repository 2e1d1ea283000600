"""The import's fast paths give exactly what the general code gives.

Bulk inserts that rebuild the postings indexes leave the same indexes behind (and none
changed on a rollback).
"""

from __future__ import annotations

import pytest

from core.importing.batches import import_file
from core.store.storage import bulk_insert
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


# ------------------------------------------------------------------ fast paths against the general parser

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from core.importing import columns, parsers as p  # noqa: E402
from core.importing.columns import BLANK, ERROR, OK, ore_column, parse_cell, parse_column  # noqa: E402
from core.importing.importers import Importer, PostingsImporter  # noqa: E402

DIGITS = "0123456789"
# spellings around the fast paths' edges: dash, space, missing zero, day 29-31, month 0/13,
# Arabic-Indic digits, surrounding and inner whitespace, line breaks
cpr_like = st.one_of(
    st.builds(lambda d, m, y, s, sep: f"{d:02d}{m:02d}{y:02d}{sep}{s:04d}", st.integers(0, 32), st.integers(0, 13),
              st.integers(0, 99), st.integers(0, 9999), st.sampled_from(["", "-", " ", "--", "–", "\u00a0"])),
    st.text(alphabet=DIGITS + "-  \t\n٣", min_size=0, max_size=12),
    st.builds(lambda s, pad: pad + s + pad, st.text(alphabet=DIGITS, min_size=9, max_size=11),
              st.sampled_from(["", " ", "\t"])),
)
cells = st.one_of(st.none(), st.integers(-10**13, 10**13), st.floats(allow_nan=True, allow_infinity=True),
                  st.booleans(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)))
texts = st.text(alphabet="ab æ\t\n\r\x0b\x1c\u00a0\u2028\u3000,.", max_size=12)


def _general(parser, raws, required):
    """The general parser cell by cell: what a fast path must give."""
    values, problems = [], {}
    for i, raw in enumerate(raws):
        status, value = parse_cell(parser, raw)
        values.append(value if status is OK else None)
        if status is ERROR or (status is BLANK and required):
            problems[i] = (status, value)
    return values, problems


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(st.one_of(cpr_like, cells), max_size=15), st.lists(cpr_like, min_size=1, max_size=15),
                 st.lists(st.sampled_from(["0101901234", "280290-1234", "1012901234", "2812991234"]), min_size=1,
                          max_size=15)),
       st.booleans())
def test_cpr_fast_path_gives_what_the_cpr_parser_gives(raws, required):
    parser = p.parse_cpr if required else p.parse_optional_cpr
    assert parse_column(parser, raws, required) == _general(parser, raws, required)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(st.one_of(texts, cells), max_size=15),
                 # all text and (nearly) all different: the column taken as it is when every text is tidy
                 st.lists(texts, min_size=1, max_size=15, unique=True), st.lists(texts, min_size=1, max_size=15),
                 # texts that repeat: tidied once per distinct text
                 st.lists(st.sampled_from(["a b", "a  b", " a", "a ", "æ", "", " ", "a\tb", 7, 7.0, True, None]),
                          min_size=1, max_size=15)),
       st.booleans())
def test_text_fast_path_gives_what_the_text_parser_gives(raws, required):
    assert parse_column(p.parse_text, raws, required) == _general(p.parse_text, raws, required)


danish_amounts = st.builds(
    lambda sign, whole, dec, dots: sign + (f"{whole:,}".replace(",", ".") if dots else str(whole)) + dec,
    st.sampled_from(["", "-", "+", " ", "- "]), st.integers(0, 10**10),
    st.sampled_from([",00", ",5", ",05", ",125", ",999", "", ",", ",0000", " kr."]), st.booleans())
amount_text = st.text(alphabet="0123456789.,- kr()", max_size=14)
# floats that are, and are not, whole numbers of øre, up to and past 10^12 kroner
ore_floats = st.one_of(
    st.builds(lambda n: n / 100, st.integers(-10**16, 10**16)),
    st.builds(lambda n: n / 1000, st.integers(-10**12, 10**12)),
    st.sampled_from([0.145, 1.005, 2.675, -0.0, 1e12 - 0.01, 1e12, 1e-300, 5e-3, 0.1 + 0.2]))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(st.one_of(danish_amounts, amount_text, ore_floats, cells), max_size=15),
                 st.lists(danish_amounts, min_size=1, max_size=15),
                 st.lists(st.builds(lambda n: f"{n / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
                                    st.integers(-10**9, 10**9)), min_size=1, max_size=15)),
       st.booleans())
def test_amounts_in_ore_are_exactly_the_kroner_the_amount_parser_gives(raws, required):
    got, got_problems = ore_column(raws, required)
    want, want_problems = _general(p.parse_amount, raws, required)
    assert got_problems == want_problems
    for ore, kroner in zip(got, want):
        if isinstance(ore, int):  # whole øre: exactly the parsed kroner times 100
            assert kroner is not None and Decimal(ore) == kroner * 100
        else:  # blank, unreadable, or not whole øre: the parser's own value
            assert ore == kroner and (kroner is None or kroner * 100 != (kroner * 100).to_integral_value())


# ------------------------------------------------------------------ whole postings rows

from hypothesis import HealthCheck  # noqa: E402

from core.importing.importers import ImportContext  # noqa: E402
from core.importing.matching import Mapping  # noqa: E402
from core.importing.table import Table  # noqa: E402

LAYOUTS = {  # the amount columns a finance extract may have
    "amount": ["amount"], "amount+sign": ["amount", "sign"], "debit+credit": ["debit", "credit"],
    "amount+credit": ["amount", "credit"]}
messy = {
    "date": st.one_of(st.sampled_from(["01-03-2026", "2026-03-01", "1.3.26", "31-02-2026", "", " ", "x", 46082.0,
                                       46082, True, None]),
                      st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31)),
                      st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 31))),
    "account": st.sampled_from(["5.38.50", "53850002", "5385000240", "5 38 50", "", "5.38", 53850.0, None]),
    "grouping": st.sampled_from(["", "002", " 7 ", None]),
    "art": st.sampled_from(["4.0", "", "40", "4,0", "x", 4.0, None]),
    "amount": st.one_of(danish_amounts, ore_floats, st.sampled_from(["", None, "x", 5, True])),
    "debit": st.one_of(danish_amounts, st.sampled_from(["", None, 100.5, 0.125])),
    "credit": st.one_of(danish_amounts, st.sampled_from(["", None, 100.5, 0.125, "0,00"])),
    "sign": st.sampled_from(["D", "K", "k", "", None, "x"]),
    "cpr": st.one_of(cpr_like, st.sampled_from([None, "", 101901234.0, 1019012345, float("nan")])),
    "text": st.one_of(texts, st.sampled_from(["Husleje", "Husleje ", None, "010190-1234 Anna, husleje",
                                              "Ophold 101290 1234"])),
    "voucher": st.sampled_from(["B1", "B2", "B3", " B1", "", None, 1001.0]),
}


def _records(importer_cls, table, mapping, db):
    imp = importer_cls(ImportContext(db, "test.csv"))
    recs = imp.parse(table, mapping)
    imp.classify(recs)
    return [(r.sheet, r.row, r.status, r.values, r.key, r.problems, r.warnings,
             r.raw if r.status == "rejected" else None) for r in recs]


@st.composite
def postings_tables(draw):
    layout = draw(st.sampled_from(sorted(LAYOUTS)))
    names = ["date", "account", *LAYOUTS[layout], *draw(st.sets(st.sampled_from(["grouping", "art", "cpr", "text",
                                                                                 "voucher"])))]
    rows = draw(st.lists(st.tuples(*(messy[n] for n in names)), min_size=1, max_size=12))
    # repeat some rows, as a re-exported file or monthly payments do
    rows += draw(st.lists(st.sampled_from(rows), max_size=4))
    table = Table("Ark1", list(names), [(i + 2, list(r)) for i, r in enumerate(rows)])
    return table, Mapping("postings", {n: i for i, n in enumerate(names)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postings_tables())
def test_postings_rows_are_what_the_general_way_makes_of_them(db, table_and_mapping):
    table, mapping = table_and_mapping
    fast = _records(PostingsImporter, table, mapping, db)
    with pytest.MonkeyPatch.context() as mp:  # the general way: no fast path anywhere
        mp.setattr(columns, "FAST_PATHS", {})
        mp.setattr(PostingsImporter, "parse", Importer.parse)
        general = _records(PostingsImporter, table, mapping, db)
    assert fast == general


def _booked(db) -> list[tuple]:
    return db.execute("SELECT date, account, grouping, art, amount_ore, cpr, citizen_id, text, voucher FROM postings "
                      "ORDER BY id").fetchall()


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_real_file_books_the_same_postings_with_and_without_the_fast_paths(tmp_path, suffix):
    from core.register.citizens import ensure_citizen
    from core.store.storage import open_db
    from tests.import_files import write_xlsx

    head = ["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Posteringstekst", "Bilagsnr"]
    rows = [head,
            [dt.date(2026, 3, 1), "5.38.50", "4.0", 1234.5, "0101901234", "Husleje", "B1"],
            [dt.datetime(2026, 3, 2), "53850002", "4.0", "-1.234,56", "010190-1234", "Husleje  marts", "B2"],
            ["03-03-2026", "5.38.50", "", 0.145, None, "", "B3"],          # not whole øre: rounded by the rule
            ["04-03-2026", "5.38.50", "4.0", "12,345", "3102901234", "x", "B4"],  # no such day: rejected
            ["05-03-2026", "5.38.50", "4.0", 100, "1012901234", " Løn ", ""],
            ["05-03-2026", "5.38.50", "4.0", 100, "1012901234", " Løn ", ""],   # a second, equal payment
            [dt.date(2026, 3, 1), "5.38.50", "4.0", 1234.5, "0101901234", "Husleje", "B1"]]  # the same line again
    if suffix == "xlsx":
        path = write_xlsx(tmp_path / "bogf.xlsx", {"Bogføring": rows})
    else:
        path = write_csv(tmp_path / "bogf.csv", [[c.strftime("%d-%m-%Y") if isinstance(c, dt.date) else
                                                  str(c).replace(".", ",") if isinstance(c, float) else c
                                                  for c in r] for r in rows])
    results = []
    for name, fast in (("fast", True), ("general", False)):
        db = open_db(tmp_path / f"{name}.sqlite")
        ensure_citizen(db, "010190-1234", "Anna")
        with pytest.MonkeyPatch.context() as mp:
            if not fast:
                mp.setattr(columns, "FAST_PATHS", {})
                mp.setattr(PostingsImporter, "parse", Importer.parse)
            res = import_file(db, path)
        results.append(({k: res[k] for k in ("imported", "duplicates", "rejected", "warnings")}, _booked(db)))
        db.close()
    assert results[0] == results[1]
    summary, booked = results[0]
    assert (summary["imported"], summary["duplicates"]) == (5, 1)
    assert {r["row"] for r in summary["rejected"]} == {5}
    assert [r[4] for r in booked] == [123450, -123456, 15, 10000, 10000]
    assert booked[0][6] is not None and booked[0][6] == booked[1][6] and booked[2][6] is None


def test_debit_and_credit_of_nothing_book_zero(db, tmp_path):
    rows = [["Dato", "Konto", "Debet", "Kredit", "Bilagsnr."], ["01-01-2026", "5.38.50", "0,00", "0,00", "B1"],
            ["02-01-2026", "5.38.50", "0,00", "12,50", "B2"]]
    res = import_file(db, write_csv(tmp_path / "nul.csv", rows))
    assert (res["imported"], res["rejected"]) == (2, [])
    assert [r[4] for r in _booked(db)] == [0, -1250]


def test_without_a_cpr_column_the_fast_path_reads_the_cpr_from_the_text_as_the_general_way_does(tmp_path):
    from core.store.storage import open_db

    rows = [["Bogf.dato", "Funktion", "Beløb", "Posteringstekst", "Bilagsnr"],
            ["01-03-2026", "5.38.50", "1.234,50", "010190-1234 Anna Hansen, ophold marts", "B1"],
            ["02-03-2026", "5.38.50", "100,00", "Husleje, ingen person", "B2"],
            ["03-03-2026", "5.38.50", "200,00", "020290 2345 og 030390-3456", "B3"]]  # two: whose?
    path = write_csv(tmp_path / "uden_cpr.csv", rows)
    results = []
    for name, fast in (("fast", True), ("general", False)):
        db = open_db(tmp_path / f"{name}.sqlite")
        with pytest.MonkeyPatch.context() as mp:
            if not fast:
                mp.setattr(columns, "FAST_PATHS", {})
                mp.setattr(PostingsImporter, "parse", Importer.parse)
            res = import_file(db, path)
        results.append((res["imported"], [r[5] for r in _booked(db)],
                        [(r["row"], r["column"]) for r in res["rejected"]]))
        db.close()
    # the row naming two people is asked about (rejected with its question), never booked on nobody
    assert results[0] == results[1] == (2, ["010190-1234", None], [(4, "CPR-nr. (fundet i rækken)")])


def test_a_budget_row_for_a_section_not_in_the_catalogue_is_rejected(db, tmp_path):
    from tests.importing.test_import_samples import content

    rows = [["Konto", "Paragraf", "Budget 2026"], ["5.38.50", "10", "1.000,00"], ["5.38.50", "108", "2.000,00"]]
    before = content(db)
    res = import_file(db, write_csv(tmp_path / "budget.csv", rows), kind="budget")
    assert res["imported"] == 1
    assert [(r["row"], r["column"], r["value"]) for r in res["rejected"]] == [(2, "Paragraf", "10")]
    assert "findes ikke" in res["rejected"][0]["reason"]
    assert content(db)["budgets"] != before["budgets"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="ab;,\"", max_size=40),
                          st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\n\n"])), max_size=80),
       st.integers(0, 60), st.integers(0, 5000))
def test_the_first_lines_of_a_big_text_are_those_of_the_whole_text(lines, n, long_line):
    from core.importing.readers import _first_lines

    # a line far longer than the head first read, somewhere in the text
    parts = [text + end for text, end in lines]
    parts.insert(len(parts) // 2, "x" * (long_line * 40) + "\n")
    text = "".join(parts)
    assert _first_lines(text, n) == text.splitlines()[:n]


def test_the_reader_child_is_told_where_python_calamine_is():
    from pathlib import Path

    from core.importing.sandbox import _reader_folder

    folder = _reader_folder()
    # the child starts without the site machinery (-S), so it must be given the folder that holds the package
    assert folder is not None and (Path(folder) / "python_calamine" / "__init__.py").is_file()


table_cells = st.one_of(st.none(), st.sampled_from(["", " ", "\t", "I alt", "Total:", "Sum", "x", "Ledig plads", "ab",
                                                    "05-01-2026", "5.38.50", "0101801234"]),
                        st.integers(-5, 5), st.floats(allow_nan=False), st.dates())


plain_rows = st.lists(st.tuples(st.sampled_from(["05-01-2026", "x", "ab", "Sum", "I alt", " ", ""]),
                                st.one_of(st.sampled_from(["1", "1.234,50", " ", "", "Total"]), table_cells),
                                table_cells, table_cells).map(list), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.lists(table_cells, min_size=1, max_size=4), max_size=12), plain_rows),
       st.integers(2, 4))
def test_a_table_told_column_wise_is_the_table_told_row_by_row(body, width):
    from core.importing import table as t
    from core.importing.readers import RawSheet

    # a header row the table finder knows, then the generated rows (some full, some short)
    header = ["Bogf.dato", "Beløb", "CPR-nr", "Tekst"][:width]
    sheet = RawSheet("Ark", [header] + [row[:width] for row in body])
    fast = t.build_table(sheet)
    original, t._plain_data_rows = t._plain_data_rows, lambda *args: False
    try:
        slow = t.build_table(sheet)
    finally:
        t._plain_data_rows = original
    assert (fast.rows, fast.totals, fast.headings, fast.headers) == (slow.rows, slow.totals, slow.headings, slow.headers)
