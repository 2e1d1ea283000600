"""How many records of a kind the database holds (core.store.contents), for the empty hints."""

import pytest

from core.register import grants, providers
from core.store import contents


def test_counts_of_an_empty_and_a_filled_database(db):
    assert {what: contents.count(db, what) for what in contents.KINDS} == {
        "grants": 0, "citizens": 0, "postings": 0, "providers": 0, "own_providers": 0, "audit": 0}
    providers.create_provider(db, "Eget Bosted", "egen")
    providers.create_provider(db, "Privat ApS", "privat")
    grants.create_grant(db, {"cpr": "010180-1234", "name": "Anna", "section": "§ 108", "provider": "Privat ApS",
                             "rate": "1000", "start": "01-01-2026"})
    counted = {what: contents.count(db, what) for what in contents.KINDS}
    # two providers, one of them own; one grant and the citizen it brought; no bookings
    assert {k: v for k, v in counted.items() if k != "audit"} == {
        "grants": 1, "citizens": 1, "postings": 0, "providers": 2, "own_providers": 1}
    assert counted["audit"] == 4  # two providers, the citizen and the grant: each in the log once


def test_an_unknown_kind_is_a_programming_error(db):
    with pytest.raises(ValueError, match="nothing counts"):
        contents.count(db, "grant")
