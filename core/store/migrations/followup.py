"""Tables of the budget follow-up: expected citizens and approved monthly snapshots."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.followup")


@migrations()
def m001_expected_and_approvals(db):
    run_script(
        db,
        """
        CREATE TABLE expected_citizens (
            id INTEGER PRIMARY KEY,
            ident TEXT NOT NULL UNIQUE,             -- a real CPR 'DDMMYY-SSSS' or a temporary id 'T-0001'
            temporary INTEGER NOT NULL DEFAULT 1,
            name TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL REFERENCES sections(code),
            account TEXT NOT NULL,
            provider_id INTEGER REFERENCES providers(id),
            unit TEXT NOT NULL REFERENCES units(code),
            quantity TEXT,
            quantity_per TEXT CHECK (quantity_per IN ('uge', 'måned')),
            rate TEXT NOT NULL,                     -- Decimal as text
            start TEXT NOT NULL,
            end TEXT,
            source TEXT NOT NULL DEFAULT 'planlagt', -- 'planlagt' or 'ung18' (from the children's area)
            note TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches(id),
            CHECK (end IS NULL OR end >= start)
        );
        CREATE TABLE approvals (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
            as_of TEXT NOT NULL,
            approved_at TEXT NOT NULL,
            user TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (year, month)
        );
        CREATE TABLE approval_rows (
            id INTEGER PRIMARY KEY,
            approval_id INTEGER NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('account', 'section', 'total')),
            key TEXT,                               -- account or section code; NULL for the total
            budget_ore INTEGER,
            booked_ore INTEGER NOT NULL,
            computed_ore INTEGER NOT NULL,
            committed_ore INTEGER NOT NULL,
            expected_ore INTEGER NOT NULL,
            deviation_ore INTEGER,
            full_year_equivalents TEXT
        );
        CREATE INDEX approval_rows_approval ON approval_rows(approval_id);
        """,
    )


@migrations()
def m002_postings_aggregate_index(db):
    # the forecast sums postings per (cpr, account) in a date range: a covering index makes
    # that one ordered scan of the index (no table lookups, no sort)
    db.execute("CREATE INDEX postings_aggregate ON postings(cpr, account, date, amount_ore)")
