"""VUM-based allocation: themes, assessments, allocation versions, fixed budgets per year."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script
from core.store.shipped import load_shipped_vum

migrations = Migrations("dispo.vum")


@migrations()
def m001_schema(db):
    run_script(
        db,
        """
        CREATE TABLE vum_themes (
            code TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            sort INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE vum_assessments (
            id INTEGER PRIMARY KEY,
            citizen_id INTEGER NOT NULL REFERENCES citizens(id),
            provider_id INTEGER REFERENCES providers(id),   -- the facility; NULL = all the citizen's facilities
            date TEXT NOT NULL,                             -- ISO date of the assessment
            assessor TEXT NOT NULL DEFAULT '',
            scores TEXT NOT NULL DEFAULT '{}',              -- JSON: theme code -> ICF score 0-4
            note TEXT NOT NULL DEFAULT '',
            suggested_category TEXT REFERENCES vum_categories(code),
            category TEXT NOT NULL REFERENCES vum_categories(code),
            hours TEXT,                                     -- individual hours per week (category F)
            reason TEXT NOT NULL DEFAULT '',                -- why the category differs from the suggestion
            source TEXT NOT NULL DEFAULT 'vurdering' CHECK (source IN ('vurdering', 'import')),
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id)
        );
        CREATE INDEX vum_assessments_citizen ON vum_assessments(citizen_id, provider_id, date);
        CREATE TABLE vum_allocations (
            id INTEGER PRIMARY KEY,
            provider_id INTEGER NOT NULL REFERENCES providers(id),
            year INTEGER NOT NULL,
            version INTEGER NOT NULL,
            hourly_price TEXT NOT NULL,                     -- Decimal as text
            hours_per_week TEXT NOT NULL,                   -- Decimal as text (rounded to 0.01)
            hours_per_year TEXT NOT NULL,
            kr_per_year_ore INTEGER NOT NULL,
            lines TEXT NOT NULL DEFAULT '[]',               -- JSON: the residents with category and weight
            decision TEXT NOT NULL DEFAULT '',              -- 'behold' or 'ændr'
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id),
            UNIQUE (provider_id, year, version)
        );
        CREATE TABLE vum_fixed_budgets (
            provider_id INTEGER NOT NULL REFERENCES providers(id),
            year INTEGER NOT NULL,
            amount_ore INTEGER NOT NULL,
            batch_id INTEGER REFERENCES batches(id),
            PRIMARY KEY (provider_id, year)
        );
        """
    )


@migrations()
def m002_shipped_themes_and_settings(db):
    load_shipped_vum(db)
