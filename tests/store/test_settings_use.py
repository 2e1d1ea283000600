"""The settings added for the key person are used: the 'ending soon' check and new providers' invoice lag."""

from __future__ import annotations

import datetime as dt

from core.store import settings
from core.followup import validation
from core.register.grants import create_grant
from core.register.providers import create_provider, get_provider

OWN = "Eksempel Kommune"


def test_new_providers_get_the_invoice_lag_of_the_settings(db):
    assert get_provider(db, create_provider(db, "Før ApS")).invoice_lag_days == 45  # the declared default
    settings.set_value(db, "provider.invoice_lag_days", "30")
    assert get_provider(db, create_provider(db, "Efter ApS")).invoice_lag_days == 30
    assert get_provider(db, create_provider(db, "Egen ApS", invoice_lag_days=10)).invoice_lag_days == 10


def test_the_ending_soon_check_follows_its_setting(db):
    settings.set_value(db, "municipality", OWN)
    create_provider(db, "Privat ApS")
    # ends 31-12-2026; from 01-11-2026 that is 29 days (2-30 November) + 31 (December) = 60 days ahead
    create_grant(db, {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn",
                      "rate": "1000", "start": "2026-01-01", "end": "2026-12-31", "paying_municipality": OWN})
    soon = lambda: [f for f in validation.validate(db, dt.date(2026, 11, 1)) if f.rule == "ending_soon"]  # noqa: E731
    assert len(soon()) == 1   # 60 days: within the default 60
    settings.set_value(db, "validation.ending_soon_days", "59")
    assert soon() == []


def test_settings_refuse_values_out_of_range_and_keep_the_old(db):
    import pytest

    from core.errors import ValidationError

    settings.set_value(db, "ui.font_size", "12")
    with pytest.raises(ValidationError, match="højst være 24"):
        settings.set_value(db, "ui.font_size", "40")
    assert settings.get(db, "ui.font_size") == 12
