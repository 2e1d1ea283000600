"""The one Danish formatter: counts with thousands dots and the right plural, kroner, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from core import formatting as f


def test_counts_have_thousands_dots_and_the_right_plural():
    assert f.count(237000, "ny") == "237.000 nye"
    assert f.count(1, "bevilling") == "1 bevilling"
    assert f.count(2, "bevilling") == "2 bevillinger"
    assert f.count(1, "advarsel") == "1 advarsel"
    assert f.count(82, "advarsel") == "82 advarsler"
    assert f.count(0, "fejl") == "0 fejl"
    assert f.count(1234567) == "1.234.567"


def test_kroner_dates_and_persons():
    assert f.kr_text(123456789) == "1.234.567,89 kr."   # øre / 100
    assert f.kr_text(-5) == "-0,05 kr."
    assert f.date_text("2026-10-31") == "31-10-2026"
    assert f.date_text(dt.date(2026, 1, 2)) == "02-01-2026"
    assert f.datetime_text("2026-10-31T14:05:59") == "31-10-2026 14:05"
    assert f.datetime_text(dt.datetime(2026, 3, 4, 9, 7)) == "04-03-2026 09:07"
    assert f.date_text("Løbende") == "Løbende"
    assert f.persons(Decimal("4.00")) == "4"
    assert f.persons(Decimal("12.50")) == "12,5"
    assert f.persons(Decimal("3.256")) == "3,26"   # two decimals at most, rounded half up
    assert f.persons(Fraction(21, 365) + 3) == "3,06"  # 3 + 21/365 = 3,0575… residents over the year
    assert f.date_text("2026-03-01 00:00:00") == "01-03-2026"  # a spreadsheet's date cell read as midnight


def test_a_finding_names_its_record_in_the_screens_words():
    from core.followup.validation import Finding

    assert Finding("rate", "x", "grants", 73).record_text == "Bevilling 73"
    assert Finding("ownership", "x", "providers", 4).record_text == "Leverandør 4"
    # a missing yearly value is no one row: the screens call the table 'Årlige satser', never 'Sats 0'
    assert Finding("sats_missing", "x", "satser", 0).record_text == "Årlige satser"


def test_an_imports_counts_are_in_the_right_number():
    from core.formatting import import_counts

    one = {"imported": 1, "updated": 1, "unchanged": 1, "rejected": [{"row": 5}]}
    assert import_counts(one) == "1 ny, 1 opdateret, 1 fandtes allerede, 1 afvist"
    many = {"imported": 237000, "updated": 0, "unchanged": 2, "rejected": []}
    assert import_counts(many) == "237.000 nye, 0 opdaterede, 2 fandtes allerede, 0 afviste"


def test_and_list():
    from core.formatting import and_list

    assert [and_list([]), and_list(["a"]), and_list(["a", "b"]), and_list([1, 2, 3])] == ["", "a", "a og b", "1, 2 og 3"]
