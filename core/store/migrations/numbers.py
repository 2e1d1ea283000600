"""Tables and indexes of "Numbers she can sign" (issue 14): the refund budget per year, and
the postings' art in the forecast's covering index (expense and income postings are
shared among different grants)."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.numbers")


@migrations()
def m001_refund_budget_and_art_index(db):
    run_script(
        db,
        """
        CREATE TABLE refund_budgets (
            year INTEGER PRIMARY KEY,
            amount_ore INTEGER NOT NULL         -- the expected § 176 refund (income) as a positive amount
        );
        DROP INDEX IF EXISTS postings_aggregate;
        CREATE INDEX postings_aggregate ON postings(cpr, account, date, art, amount_ore);
        """,
    )
