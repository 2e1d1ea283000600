"""The grant register: validation with Danish messages, edits, rate changes, undo by state."""

import datetime as dt
from decimal import Decimal

import pytest

from core.store import audit
from core.register import grants, providers
from core.errors import ValidationError

D = dt.date


@pytest.fixture
def provider_id(db):
    return providers.create_provider(db, "Botilbuddet Skovbrynet", "egen", places=18)


def valid(**over):
    data = {"cpr": "010180-1234", "name": "Anna Hansen", "section": "§ 108", "provider": "Botilbuddet Skovbrynet",
            "rate": "3.214,14", "start": "01-02-2026", "end": ""}
    data.update(over)
    return data


def content(db):
    return [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("citizens", "grants", "grant_rates")]


def test_create_fills_account_and_unit_from_the_section(db, provider_id):
    gid = grants.create_grant(db, valid())
    g = grants.get_grant(db, gid)
    assert (g.account, g.unit, g.rate, g.start, g.end) == ("5.38.50", "døgn", Decimal("3214.14"), D(2026, 2, 1), None)
    assert g.cpr == "010180-1234" and g.name == "Anna Hansen"
    assert audit.entries(db, "grants", gid)[0]["action"] == "insert"


@pytest.mark.parametrize("over, field, words", [
    ({"cpr": "311380-1234"}, "cpr", "fødselsdato"),
    ({"cpr": "12345"}, "cpr", "CPR"),
    ({"start": "01-03-2026", "end": "28-02-2026"}, "end", "før startdato"),
    ({"start": ""}, "start", "Startdato"),
    ({"section": "§ 85", "unit": "time", "quantity": ""}, "quantity", "Mængde"),
    ({"section": "§ 104", "unit": "dag", "quantity": None}, "quantity", "Mængde"),
    ({"rate": "0"}, "rate", "større end 0"),
    ({"rate": "-5"}, "rate", "større end 0"),
    ({"rate": "abc"}, "rate", "ikke et tal"),
    ({"provider": ""}, "provider", "Leverandør skal udfyldes"),
    ({"provider": "Ukendt ApS"}, "provider", "findes ikke"),
    ({"section": "§ 1"}, "section", "Paragraf"),
    ({"account": "53850"}, "account", "5.38.50"),
])
def test_invalid_input_is_refused_with_a_danish_message_and_nothing_changes(db, provider_id, over, field, words):
    before = content(db)
    with pytest.raises(ValidationError) as info:
        grants.create_grant(db, valid(**over))
    assert field in info.value.problems
    assert words in info.value.problems[field]
    assert content(db) == before


def test_quantity_per_is_required_for_hours(db, provider_id):
    with pytest.raises(ValidationError) as info:
        grants.create_grant(db, valid(section="§ 85", unit="time", quantity="7", rate="500"))
    assert "quantity_per" in info.value.problems
    gid = grants.create_grant(db, valid(section="§ 85", unit="time", quantity="7", quantity_per="uge", rate="500"))
    assert grants.get_grant(db, gid).quantity == 7


def test_a_rate_change_from_a_date_is_a_new_period(db, provider_id):
    gid = grants.create_grant(db, valid())
    grants.change_rate(db, gid, D(2026, 7, 1), "3.300,00")
    g = grants.get_grant(db, gid)
    assert [(p.valid_from, p.rate) for p in g.rates] == [(D(2026, 2, 1), Decimal("3214.14")),
                                                        (D(2026, 7, 1), Decimal("3300.00"))]
    assert g.rate_on(D(2026, 6, 30)) == Decimal("3214.14")
    with pytest.raises(ValidationError):
        grants.change_rate(db, gid, D(2025, 1, 1), "3000")


def test_ending_a_grant_sets_end_and_status(db, provider_id):
    gid = grants.create_grant(db, valid(start="01-01-2020"))
    grants.end_grant(db, gid, D(2021, 6, 30))
    g = grants.get_grant(db, gid)
    assert g.end == D(2021, 6, 30) and g.status == "afsluttet"
    with pytest.raises(ValidationError):
        grants.end_grant(db, gid, D(2019, 1, 1))


def test_state_round_trip_undoes_and_redoes_an_edit(db, provider_id):
    gid = grants.create_grant(db, valid())
    before = grants.grant_state(db, gid)
    grants.update_grant(db, gid, {"rate": "4000", "end": "31-12-2026", "note": "ny aftale"})
    after = grants.grant_state(db, gid)
    grants.restore_grant_state(db, gid, before)
    assert grants.grant_state(db, gid) == before
    grants.restore_grant_state(db, gid, after)
    assert grants.get_grant(db, gid).rate_on(D(2026, 3, 1)) == 4000
    grants.restore_grant_state(db, gid, None)
    assert grants.grant_state(db, gid) is None


def test_list_grants_active_on_a_day(db, provider_id):
    a = grants.create_grant(db, valid(start="01-01-2026", end="31-03-2026"))
    b = grants.create_grant(db, valid(cpr="020280-1234", start="01-03-2026"))
    assert {g.id for g in grants.list_grants(db, active_on=D(2026, 2, 1))} == {a}
    assert {g.id for g in grants.list_grants(db, active_on=D(2026, 3, 15))} == {a, b}
    assert {g.id for g in grants.list_grants(db, active_on=D(2026, 4, 1))} == {b}


@pytest.mark.parametrize("raw, want", [("SEL § 85", "§ 85"), ("§85", "§ 85"), ("85", "§ 85"), ("108.0", "§ 108"),
                                       ("Serviceloven §108", "§ 108"), ("", None)])
def test_normalize_section(raw, want):
    assert grants.normalize_section(raw) == want


def test_demo_has_every_section_and_own_and_external_providers(demo_db):
    items = grants.list_grants(demo_db)
    assert len(items) >= 150
    assert {g.section for g in items} == {"§ 85", "§ 95", "§ 96", "§ 97", "§ 98", "§ 103", "§ 104", "§ 107", "§ 108"}
    assert {g.provider_kind for g in items} >= {"egen", "kommune", "region", "privat"}
    assert any(p.valid_from.year == 2027 for g in items for p in g.rates)
