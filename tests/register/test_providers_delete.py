"""Deleting a provider: only one without grants; its rates go with it; audited."""

import datetime as dt

import pytest

from core.store import audit
from core.register import grants, providers
from core.errors import ValidationError


def test_delete_unused_provider_with_its_rates(db):
    pid = providers.create_provider(db, "Engly Botilbud ApS", "privat")
    providers.add_provider_rate(db, pid, "døgn", dt.date(2026, 1, 1), "3000", "§ 108")
    providers.delete_provider(db, pid)
    assert providers.find_by_name(db, "Engly Botilbud ApS") is None
    assert db.execute("SELECT count(*) FROM provider_rates").fetchone()[0] == 0
    assert audit.entries(db, "providers", pid)[0]["action"] == "delete"


def test_provider_with_grants_is_not_deleted(db):
    pid = providers.create_provider(db, "Botilbuddet Skovbrynet", "egen")
    grants.create_grant(db, {"cpr": "010180-1234", "name": "Anna", "section": "§ 108",
                             "provider_id": pid, "rate": "3000", "start": "01-01-2026"})
    with pytest.raises(ValidationError) as err:
        providers.delete_provider(db, pid)
    assert "har bevillinger" in err.value.problems["name"]
    assert providers.get_provider(db, pid).name == "Botilbuddet Skovbrynet"
