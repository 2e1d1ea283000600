"""Månedens gang: each step's state and count for a month, worked out by hand."""

from __future__ import annotations

import datetime as dt

from core.followup import approval, monthly_cycle
from core.register import budgets
from core.store import settings
from core.register.grants import create_grant
from core.register.providers import create_provider

OWN = "Eksempel Kommune"


def states(db, year=2026, month=3) -> dict:
    return {s.key: (s.state, s.count) for s in monthly_cycle.cycle(db, year, month)}


def test_a_new_database_has_every_step_open_and_says_to_import_first(db):
    steps = monthly_cycle.cycle(db, 2026, 3)
    assert [s.key for s in steps] == list(monthly_cycle.STEPS)
    assert all(s.state == monthly_cycle.OPEN for s in steps)
    assert "Importér først bevillingerne" in steps[0].summary and steps[0].action == "Importér …"
    assert monthly_cycle.latest_month(db, dt.date(2026, 1, 15)) == (2025, 12)  # the month before today
    settings.set_value(db, "budget_year", "2026")  # set up for 2026: its first month, not December 2025
    assert monthly_cycle.latest_month(db, dt.date(2026, 1, 15)) == (2026, 1)
    assert monthly_cycle.latest_month(db, dt.date(2026, 5, 15)) == (2026, 4)


def test_steps_follow_the_months_data(db):
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=0)
    # one grant of 1.000 kr. a day from 1 March; rate given, so validation has nothing to say
    create_grant(db, {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn",
                      "rate": "1000", "start": "2026-03-01", "paying_municipality": OWN})
    # the year's values are entered (validation lists a missing one as an error)
    for kind, value in db.execute("SELECT kind, value FROM satser s WHERE year = "
                                  "(SELECT MAX(year) FROM satser t WHERE t.kind = s.kind)").fetchall():
        db["satser"].insert({"kind": kind, "year": 2026, "value": value}, replace=True)
    got = states(db)
    assert got["import"] == ("open", 0) and got["reconcile"] == ("open", None)
    assert got["validate"] == ("done", 0)
    assert got["followup"] == ("open", 0)  # no budget for 2026

    # March booked in full, to its last day: 31 days × 1.000 kr. = 31.000 kr. = 10.000 + 21.000 kr.
    # (two different amounts: two equal ones in a month would be a double payment), so nothing to
    # reconcile and nothing that needs a reason to approve
    for day, ore in ((10, 1_000_000), (31, 2_100_000)):
        db["postings"].insert({"date": f"2026-03-{day}", "account": "5.38.50", "amount_ore": ore,
                               "cpr": "010180-1234", "voucher": f"B{day}"})
    budgets.set_budget(db, 2026, "5.38.50", "400000")
    got = states(db)
    assert got["import"] == ("done", 2) and got["reconcile"] == ("done", 0)
    assert got["followup"] == ("done", 1)
    assert got["approve"] == ("open", 0) and "Rapporten skrives, når" in monthly_cycle.cycle(db, 2026, 3)[5].summary

    approval.approve_month(db, 2026, 3)
    steps = monthly_cycle.cycle(db, 2026, 3)
    assert (steps[4].state, steps[4].count) == ("done", 1) and "Godkendt " in steps[4].summary
    assert "skriv månedsrapporten for marts" in steps[5].summary
    # April is a new month: nothing booked, not approved
    assert states(db, 2026, 4)["import"] == ("open", 0) and states(db, 2026, 4)["approve"] == ("open", 0)
    assert monthly_cycle.latest_month(db) == (2026, 3)


def test_missing_yearly_values_are_not_called_faults_in_the_grants(db):
    """A new database has the yearly values of an earlier year only: the validation step must
    say that its errors are missing satser for the year, not errors 'i bevillingerne'."""
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=0)
    create_grant(db, {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn",
                      "rate": "1000", "start": "2026-03-01", "paying_municipality": OWN})
    step = monthly_cycle.cycle(db, 2026, 3)[2]
    # the shipped values are of 2022: the grant's refund for 2026 needs the 3 thresholds (errors);
    # the personal-assistance hourly rate is used by nothing of 2026 (a warning); the values that
    # hold until they change (staircase, cap, weeks per month, ...) are not missing
    assert (step.state, step.count) == ("problems", 3)
    assert step.summary == ("3 fejl og 1 advarsel. Heraf er 3 årlige satser for 2026 ikke "
                            "indtastet (Katalog og satser). Ret fejlene først.")


def test_a_booking_far_from_the_grant_is_a_problem_to_reconcile(db):
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=0)
    create_grant(db, {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn",
                      "rate": "1000", "start": "2026-03-01", "paying_municipality": OWN})
    # 5.000 kr. booked against 31.000 kr. computed: 26.000 kr. over the 1.000 kr. threshold
    db["postings"].insert({"date": "2026-03-31", "account": "5.38.50", "amount_ore": 500_000,
                           "cpr": "010180-1234", "voucher": "B1"})
    step = monthly_cycle.cycle(db, 2026, 3)[1]
    assert (step.state, step.count) == ("problems", 1)
    assert step.summary.startswith("1 række med afvigelser")


def test_the_month_command_lists_the_steps(db_path):
    import json

    from tests.conftest import run_cli

    run_cli("demo", db=db_path)
    r = run_cli("month", "--year", "2026", "--month", "1", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["year"], data["month"]) == (2026, 1)
    assert [s["key"] for s in data["steps"]] == list(monthly_cycle.STEPS)
    assert data["steps"][0]["state"] == "open"  # the demo books from February
    r = run_cli("month", "--year", "2026", "--month", "2", db=db_path)
    assert r.returncode == 0 and r.stdout.startswith("Månedens gang, februar 2026:")
    assert "Importér posteringer  Færdig" in r.stdout
    missing = db_path.parent / "ingen.sqlite"
    r = run_cli("month", db=missing)
    assert r.returncode == 1 and "findes ikke" in r.stderr and not missing.exists()
