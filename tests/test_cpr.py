import datetime as dt

import pytest
from hypothesis import given, strategies as st

from core import cpr


@pytest.mark.parametrize("raw, want", [
    ("010203-1234", "010203-1234"),
    ("0102031234", "010203-1234"),
    ("010203 1234", "010203-1234"),
    (401980076, "040198-0076"),
    (401980076.0, "040198-0076"),
    ("401980076.0", "040198-0076"),
    (" 311299-4999 ", "311299-4999"),
])
def test_normalize_accepts_the_forms_found_in_real_files(raw, want):
    assert cpr.normalize(raw) == want


@pytest.mark.parametrize("raw", ["", None, "12345", "320199-1234", "010203-12345", "abcdef-1234", "011399-1234",
                                 1.5])
def test_normalize_rejects_what_is_not_a_cpr_number_with_a_danish_message(raw):
    with pytest.raises(cpr.InvalidCPR) as info:
        cpr.normalize(raw)
    assert "CPR" in str(info.value) or "fødselsdato" in str(info.value)


@pytest.mark.parametrize("value, born", [
    ("010150-0000", dt.date(1950, 1, 1)),   # 7th digit 0-3: 1900s
    ("010150-3999", dt.date(1950, 1, 1)),
    ("010136-4000", dt.date(2036, 1, 1)),   # 4: 2000s if YY <= 36
    ("010137-4000", dt.date(1937, 1, 1)),   # 4: 1900s otherwise
    ("010136-9000", dt.date(2036, 1, 1)),
    ("010137-9000", dt.date(1937, 1, 1)),
    ("010157-5000", dt.date(2057, 1, 1)),   # 5-8: 2000s if YY <= 57
    ("010158-8000", dt.date(1858, 1, 1)),   # 5-8: 1800s otherwise
])
def test_century_rule(value, born):
    assert cpr.birth_date(value) == born


def test_modulus_11_is_not_required():
    # 010203-1235 fails modulus 11, and is still a valid number since 2007
    assert cpr.normalize("0102031235") == "010203-1235"


def test_leap_day_only_in_leap_years():
    assert cpr.birth_date("290200-4234") == dt.date(2000, 2, 29)
    with pytest.raises(cpr.InvalidCPR):
        cpr.normalize("290200-1234")  # 1900 was no leap year
    with pytest.raises(cpr.InvalidCPR):
        cpr.normalize("290203-1234")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), st.integers(0, 3),
       st.integers(0, 999))
def test_round_trip_of_any_twentieth_century_birth_date(born, seventh, rest):
    value = f"{born:%d%m%y}-{seventh}{rest:03d}"
    assert cpr.birth_date(cpr.normalize(value.replace("-", ""))) == born


def test_mask_keeps_the_birth_date_only():
    assert cpr.mask("010203-1234") == "010203-xxxx"


def test_a_spreadsheet_error_number_is_not_a_cpr_number():
    for value in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(cpr.InvalidCPR):
            cpr.normalize(value)
