import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from core.money import InvalidNumber, format_kr, format_number, parse_date, parse_number, to_ore


@pytest.mark.parametrize("text, want", [
    ("1.234,50", "1234.50"), ("1234,5", "1234.5"), ("-12", "-12"), ("2345.5", "2345.5"),
    ("kr. 2.345,50", "2345.50"), ("1.234", "1234"), ("1.234.567,89", "1234567.89"), ("0,5", "0.5"),
])
def test_parse_number_reads_danish_input(text, want):
    assert parse_number(text) == Decimal(want)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12a"])
def test_parse_number_rejects_garbage(text):
    with pytest.raises(InvalidNumber):
        parse_number(text)


def test_format_number_is_danish():
    assert format_number(Decimal("1234567.891")) == "1.234.567,89"
    assert format_number(Decimal("-0.5")) == "-0,50"
    assert format_number(0) == "0,00"
    assert format_kr(123456789) == "1.234.567,89"


@given(st.integers(-10**12, 10**12))
def test_format_and_parse_round_trip(ore):
    assert parse_number(format_kr(ore)) == Decimal(ore) / 100


def test_to_ore_rounds_half_away_from_zero():
    assert to_ore(Fraction(1, 200)) == 1
    assert to_ore(Fraction(-1, 200)) == -1
    assert to_ore(Fraction(1, 300)) == 0
    assert to_ore(Decimal("502.04")) == 50204


@pytest.mark.parametrize("text, want", [
    ("31-10-2026", dt.date(2026, 10, 31)), ("1.3.2026", dt.date(2026, 3, 1)),
    ("01-03-26", dt.date(2026, 3, 1)), ("2026-10-31", dt.date(2026, 10, 31)),
])
def test_parse_date(text, want):
    assert parse_date(text) == want


def test_parse_date_rejects_impossible_dates():
    with pytest.raises(InvalidNumber):
        parse_date("31-02-2026")
