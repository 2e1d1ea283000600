"""Scenarios: the satser of the employment-support business case, saved business cases per
citizen, and the reference values for key figures."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.scenarios")

# The yearly values the business case and the personal-assistance cap read (2022 level).
RATE_KINDS = [
    {"code": "weeks_per_month", "text": "Business case: uger pr. måned", "unit": "uger"},
    {"code": "pa_refund_pct", "text": "Personlig assistance: statsrefusion", "unit": "%"},
    {"code": "benefit_refund_w1_4", "text": "Refusionstrappen: uge 1–4", "unit": "%"},
    {"code": "benefit_refund_w5_26", "text": "Refusionstrappen: uge 5–26", "unit": "%"},
    {"code": "benefit_refund_w27_52", "text": "Refusionstrappen: uge 27–52", "unit": "%"},
    {"code": "benefit_refund_w53", "text": "Refusionstrappen: fra uge 53", "unit": "%"},
    {"code": "pa_cap_hours", "text": "Personlig assistance i job: højst timer pr. uge ved fuld tid", "unit": "timer"},
    {"code": "full_time_hours", "text": "Fuld tid: timer pr. uge", "unit": "timer"},
]
SATSER_2022 = {"weeks_per_month": "4.33", "pa_refund_pct": "50", "benefit_refund_w1_4": "80",
               "benefit_refund_w5_26": "40", "benefit_refund_w27_52": "30", "benefit_refund_w53": "20",
               "pa_cap_hours": "20", "full_time_hours": "37"}


@migrations()
def m001_satser_and_tables(db):
    db["rate_kinds"].insert_all(RATE_KINDS, ignore=True)
    db["satser"].insert_all(({"kind": k, "year": 2022, "value": v} for k, v in SATSER_2022.items()), ignore=True)
    run_script(
        db,
        """
        CREATE TABLE scenario_cases (
            id INTEGER PRIMARY KEY,
            citizen_id INTEGER REFERENCES citizens(id),   -- NULL: a case not tied to a citizen
            name TEXT NOT NULL,
            year INTEGER,
            data TEXT NOT NULL,                           -- JSON: before, after, rates (the CLI file's form)
            variants TEXT NOT NULL DEFAULT '[]',          -- JSON: [{name, hours_per_week, pa_hourly}]
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX scenario_cases_name ON scenario_cases(ifnull(citizen_id, 0), name COLLATE NOCASE);
        CREATE TABLE key_figure_references (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            figure TEXT NOT NULL,                         -- e.g. 'expense_per_fye'
            scope TEXT NOT NULL DEFAULT '',               -- '' (the whole area), a section '§ 85', a provider kind
            value TEXT NOT NULL,                          -- Decimal as text
            source TEXT NOT NULL DEFAULT '',              -- e.g. 'Socialstyrelsen, kommuner 20-60.000 indb.'
            UNIQUE (year, figure, scope)
        );
        """
    )
