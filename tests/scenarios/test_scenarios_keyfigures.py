"""Key figures per section and provider beside reference values, worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.register import providers
from core.errors import ValidationError
from core.scenarios import keyfigures as kf
from tests.dbcontent import content
from tests.reports.conftest import add


@pytest.fixture
def kf_db(db):
    providers.create_provider(db, "Bostedet", "egen", places=10)
    providers.create_provider(db, "Støtten", "privat")
    add(db, "010180-1234", "Anna", "§ 108", "1000", "01-01-2026")
    add(db, "150395-4321", "Bo", "§ 108", "1500", "01-07-2026", provider="Støtten")
    add(db, "020290-2222", "Carl", "§ 85", "500", "01-01-2026", provider="Støtten", unit="time", quantity="3",
        quantity_per="uge")
    add(db, "030385-3333", "Dorte", "§ 85", "400", "01-01-2026", unit="time", quantity="10", quantity_per="uge")
    add(db, "040485-4444", "Erik", "§ 85", "400", "01-01-2026", provider="Støtten", unit="time", quantity="40",
        quantity_per="måned")
    add(db, "050585-5555", "Finn", "§ 85", "400", "01-01-2025", "31-12-2025", unit="time", quantity="5",
        quantity_per="uge")  # ended before the year: not counted
    return db


def test_key_figures_per_section(kf_db):
    rows = {r.key: r for r in kf.key_figures(kf_db, 2026, "section")}
    s108 = rows["§ 108"]
    # Anna 1.000 · 365 = 365.000; Bo 1.500 · 184 days (1 Jul–31 Dec) = 276.000; together 641.000 on 2 grants
    assert (s108.expected_outturn, s108.grants, s108.expense_per_grant) == (D("641000.00"), 2, D("320500.00"))
    # full-year equivalents 1 + 184/365 = 549/365 = 1,504… → 1,50; per FYE 641.000 · 365 / 549 = 426.165,755… → 426.165,76
    assert s108.full_year_equivalents == D("1.50")
    assert s108.expense_per_fye == D("426165.76")
    assert s108.kinds == {"egen": 1, "privat": 1}
    s85 = rows["§ 85"]
    # Carl 3 h/week → 1–4; Dorte 10 → 10–12; Erik 40 h/month / 4,33 = 9,24 → 5–9; Finn ended in 2025
    assert s85.bands == {"1–4": 1, "5–9": 1, "10–12": 1}
    assert s85.grants == 3
    assert s85.figure("share_privat") == D(2) / 3


def test_key_figures_beside_references(kf_db):
    kf.set_reference(kf_db, 2026, "expense_per_grant", "300000", scope="§ 108", source="Landsgennemsnit")
    kf.set_reference(kf_db, 2026, "share_privat", "0.5", scope="§ 85")
    kf.set_reference(kf_db, 2025, "share_privat", "0.9", scope="§ 85")  # another year: not used
    rows = {r.key: r for r in kf.key_figures(kf_db, 2026, "section")}
    # § 108: 320.500 − 300.000 = 20.500
    assert rows["§ 108"].references == {"expense_per_grant": (D("300000"), D("20500.00"))}
    # § 85: 2/3 privat − 0,5 = 1/6
    ref, diff = rows["§ 85"].references["share_privat"]
    assert ref == D("0.5") and abs(diff - D(1) / 6) < D("1e-20")
    # replacing and removing
    kf.set_reference(kf_db, 2026, "share_privat", "0.6", scope="§ 85")
    assert kf.references(kf_db, 2026)[("share_privat", "§ 85")] == D("0.6")
    kf.set_reference(kf_db, 2026, "share_privat", None, scope="§ 85")
    assert ("share_privat", "§ 85") not in kf.references(kf_db, 2026)


def test_key_figures_per_provider(kf_db):
    rows = {r.key: r for r in kf.key_figures(kf_db, 2026, "provider")}
    # Støtten: Bo 276.000 + Carl 500 · 3/7 · 365 = 78.214,2857… → 78.214,29
    # + Erik 400 · 40 · 12 = 192.000 a year (365 days · 400 · 40 · 12 / 365) → 546.214,29 on 3 grants
    assert rows["Støtten"].grants == 3
    assert rows["Støtten"].expected_outturn == D("546214.29")
    assert rows["Støtten"].kinds == {"privat": 3}


def test_bad_references_leave_the_database_unchanged(kf_db, db_path):
    before = content(db_path)
    with pytest.raises(ValidationError, match="Ukendt nøgletal"):
        kf.set_reference(kf_db, 2026, "pris", "1")
    with pytest.raises(ValidationError, match="negativ"):
        kf.set_reference(kf_db, 2026, "expense_per_fye", "-1")
    with pytest.raises(ValidationError, match="opdeles efter"):
        kf.key_figures(kf_db, 2026, "konto")
    assert content(db_path) == before
