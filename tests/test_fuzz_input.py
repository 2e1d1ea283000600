"""Bad input to the database layer, the CLI and the register: random and damaged files,
malformed values of every type. Always a clear Danish message, never a traceback, and the
database unchanged."""

import io
import json
import shutil
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from core import cpr, money
from core.register import grants, providers
from core.errors import DispoError, ValidationError
from core.store.storage import open_db
from tests.dbcontent import content
from tests.fuzzing import FUZZ, assert_clear_refusal, assert_no_bug, run_cli

SUFFIXES = [".sqlite", ".db", ".xlsx", ".csv", ".ods", ".xls"]


def _xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["CPR", "Navn", "Takst"])
    wb.active.append(["010180-1234", "Anna", 1234.5])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLSX = _xlsx_bytes()
SQLITE_HEADER = b"SQLite format 3\x00"


def bad_files():
    """Bytes that are not a usable database: random, empty, a truncated or garbled zip,
    a SQLite header followed by garbage."""
    return st.one_of(
        st.binary(max_size=5000),
        st.just(b""),
        st.integers(1, len(XLSX) - 1).map(lambda n: XLSX[:n]),
        st.binary(min_size=1, max_size=3000).map(lambda junk: SQLITE_HEADER + junk),
        st.binary(min_size=10, max_size=200).map(lambda junk: XLSX[:len(XLSX) // 2] + junk),
    )


@FUZZ
@given(data=bad_files(), suffix=st.sampled_from(SUFFIXES))
def test_opening_a_bad_file_is_a_clear_refusal_and_leaves_it_alone(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bad")
    path = folder / f"budget{suffix}"
    path.write_bytes(data)
    try:
        open_db(path).close()
    except DispoError as ex:
        assert str(ex)
        assert path.read_bytes() == data
    else:  # only an empty file is a (new) database
        assert data == b""
    code, _, err = run_cli("--db", path, "grants")
    if data:
        assert_clear_refusal(code, err)
        assert path.read_bytes() == data
    else:
        assert_no_bug(code, err)


@FUZZ
@given(data=bad_files(), suffix=st.sampled_from(SUFFIXES))
def test_restoring_a_bad_file_changes_nothing(tmp_path_factory, _demo_template, data, suffix):
    folder = tmp_path_factory.mktemp("restore")
    path = folder / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    bad = folder / f"kopi{suffix}"
    bad.write_bytes(data)
    before = content(path)
    code, _, err = run_cli("--db", path, "restore", bad)
    assert_clear_refusal(code, err)
    assert content(path) == before


WEIRD_VALUES = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.none(),
    st.booleans(), st.dates(), st.datetimes(), st.decimals(allow_nan=True),
    st.sampled_from(["#REF!", "#VALUE!", "#N/A", "=SUM(A1:A9)", "=1/0", "31-02-2026", "00-00-0000", "9999-12-31",
                     "0001-01-01", "1e309", "-0", "løbende", "kr. -", "§", "§ 0", "x" * 40000, "\x00", "  ",
                     "2.345,50", "1,2,3", "010180-1234", "45000", "-45000.5"]),
)
GRANT_FIELDS = ["cpr", "name", "section", "provider", "rate", "unit", "quantity", "quantity_per", "start", "end",
                "status", "vum_category", "vum_hours", "paying_municipality", "note", "payment_only", "account"]


@pytest.fixture
def register(db):
    providers.create_provider(db, "Skovbrynet", "egen")
    db.conn.commit()
    return db


@FUZZ
@given(values=st.fixed_dictionaries({}, optional={f: WEIRD_VALUES for f in GRANT_FIELDS}))
def test_a_grant_from_any_values_is_created_or_refused_with_messages(register, db_path, values):
    valid = {"cpr": "010180-1234", "section": "§ 108", "provider": "Skovbrynet", "rate": "2.000",
             "start": "01-01-2026"}
    data = {**valid, **values}
    before = content(db_path)
    try:
        grants.create_grant(register, data)
    except ValidationError as ex:
        assert ex.problems and all(isinstance(m, str) and m for m in ex.problems.values())
        assert content(db_path) == before
    else:
        register.execute("DELETE FROM grant_rates")
        register.execute("DELETE FROM grants")
        register.execute("DELETE FROM citizens")


@FUZZ
@given(value=WEIRD_VALUES)
def test_parsers_raise_only_their_danish_error(value):
    """Text parsers get text (as a cell's text would be); the object parsers get anything."""
    calls = [(money.parse_number, str(value)), (money.parse_date, str(value)), (cpr.normalize, value),
             (money.to_decimal, value)]
    for parse, arg in calls:
        try:
            parse(arg)
        except DispoError as ex:
            assert str(ex)


@FUZZ
@given(argv=st.lists(st.one_of(
    st.sampled_from(["grants", "citizens", "catalogue", "backups", "integrity", "audit", "--json", "--table",
                     "--row", "--active-on", "--citizen", "--limit", "--export", "--full", "-h"]),
    st.text(max_size=15), st.integers(-5, 10 ** 12).map(str),
    st.sampled_from(["31-02-2026", "grants", "x.pdf", "-1", "99999999999999999999"])), max_size=5))
def test_any_arguments_give_a_result_a_message_or_usage_never_a_bug(tmp_path_factory, _demo_template, argv):
    folder = tmp_path_factory.mktemp("args")
    path = folder / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    before = content(path)
    code, _, err = run_cli("--db", path, *argv)
    assert_no_bug(code, err)
    if code == 1:
        assert err.startswith("Fejl: ")
    after = content(path)
    assert {k: v for k, v in after.items()} == before


def test_a_damaged_backup_folder_entry_is_ignored_by_backups(tmp_path, _demo_template):
    path = tmp_path / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "kommune_2026-13-45_daily.sqlite").write_bytes(b"junk")
    (tmp_path / "backups" / "kommune_20261399-256199_daily.sqlite").write_bytes(b"junk")
    code, out, err = run_cli("--db", path, "backups", "--json")
    assert_no_bug(code, err)
    assert json.loads(out) == []


def test_a_zip_bomb_like_xlsx_name_does_not_open_as_a_database(tmp_path):
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + "x" * 5_000_000 + "</a>")
    code, _, err = run_cli("--db", path, "grants")
    assert_clear_refusal(code, err)
