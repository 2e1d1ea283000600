"""Updates of hourly grants, rate changes without a date, counts: found while building the GUI."""

import datetime as dt

import pytest

from core.register import citizens, grants, providers
from core.errors import ValidationError


@pytest.fixture
def hourly_grant(db):
    providers.create_provider(db, "Bostøtteteamet", "egen")
    return grants.create_grant(db, {"cpr": "010180-1234", "name": "Anna Hansen", "section": "§ 85",
                                    "provider": "Bostøtteteamet", "rate": "500", "quantity": "7,5",
                                    "quantity_per": "uge", "start": "01-02-2026"})


def test_ending_an_hourly_grant_keeps_its_quantity(db, hourly_grant):
    grants.end_grant(db, hourly_grant, dt.date(2026, 6, 30))
    g = grants.get_grant(db, hourly_grant)
    assert (g.end, str(g.quantity), g.quantity_per) == (dt.date(2026, 6, 30), "7.5", "uge")


def test_changing_caseworker_of_an_hourly_grant(db, hourly_grant):
    grants.update_grant(db, hourly_grant, {"caseworker": "Lise Holm"})
    assert grants.get_grant(db, hourly_grant).caseworker == "Lise Holm"


def test_new_rate_without_a_date_is_refused_in_danish(db, hourly_grant):
    with pytest.raises(ValidationError) as err:
        grants.change_rate(db, hourly_grant, "", "600")
    assert err.value.problems == {"valid_from": "Gyldig fra skal udfyldes"}
    assert [r.rate for r in grants.get_grant(db, hourly_grant).rates] == [grants.Decimal("500")]


def test_count_grants(db, hourly_grant):
    assert grants.count_grants(db) == 1
    grants.delete_grant(db, hourly_grant)
    assert grants.count_grants(db) == 0


def test_grant_counts_per_citizen(db, hourly_grant):
    other = grants.create_grant(db, {"cpr": "010180-1234", "section": "§ 85", "provider": "Bostøtteteamet",
                                     "rate": "500", "quantity": "2", "quantity_per": "uge",
                                     "start": "01-01-2025", "end": "31-12-2025"})
    cid = grants.get_grant(db, other).citizen_id
    assert citizens.grant_counts(db, dt.date(2026, 3, 1)) == {cid: (2, 1)}
    assert citizens.grant_counts(db, dt.date(2025, 12, 31)) == {cid: (2, 1)}
    assert citizens.grant_counts(db, dt.date(2025, 6, 1)) == {cid: (2, 1)}
    assert citizens.grant_counts(db, dt.date(2026, 1, 15)) == {cid: (2, 0)}


def test_rate_periods_end_the_day_before_the_next_one_and_with_the_grant(db, hourly_grant):
    grants.change_rate(db, hourly_grant, dt.date(2026, 9, 1), "550")
    grants.change_rate(db, hourly_grant, dt.date(2027, 1, 1), "600")
    grants.end_grant(db, hourly_grant, dt.date(2026, 12, 31))  # the 600 from 2027 never applied
    rows = grants.rate_period_rows([grants.get_grant(db, hourly_grant)])
    # 500 from the start, 01-02-2026, to the day before 01-09-2026; 550 from then to the end
    assert [(r.first, r.last, r.rate) for r in rows] == [
        (dt.date(2026, 2, 1), dt.date(2026, 8, 31), 500), (dt.date(2026, 9, 1), dt.date(2026, 12, 31), 550)]


def test_a_providers_units_from_its_grants_and_rates(db, hourly_grant):
    pid = grants.get_grant(db, hourly_grant).provider_id
    other = providers.create_provider(db, "Andet Sted", "privat")
    providers.add_provider_rate(db, pid, "døgn", dt.date(2026, 1, 1), "1200")
    providers.add_provider_rate(db, pid, "time", dt.date(2026, 1, 1), "500")  # a unit it has grants in: once
    assert providers.provider_units(db, pid) == ["døgn", "time"]
    assert providers.provider_units(db, other) == []
