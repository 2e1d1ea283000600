"""The foundation schema: catalogue, citizens, providers, grants, postings, budgets, audit."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script
from core.store.shipped import load_shipped_catalogue

migrations = Migrations("dispo.base")


@migrations()
def m001_schema(db):
    run_script(
        db,
        """
        CREATE TABLE units (
            code TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            needs_quantity INTEGER NOT NULL DEFAULT 0,
            quantity_per TEXT NOT NULL DEFAULT ''   -- comma separated: 'uge,måned'
        );
        CREATE TABLE accounts (
            code TEXT PRIMARY KEY,                  -- '5.38.50'
            text TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sections (
            code TEXT PRIMARY KEY,                  -- '§ 108'
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            account TEXT NOT NULL REFERENCES accounts(code),
            grouping TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL REFERENCES units(code),
            quantity_per TEXT
        );
        CREATE TABLE vum_categories (
            code TEXT PRIMARY KEY,
            band TEXT NOT NULL,
            label TEXT NOT NULL,
            norm_hours TEXT                         -- Decimal as text; NULL = set per citizen (F)
        );
        CREATE TABLE rate_kinds (
            code TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE satser (
            kind TEXT NOT NULL REFERENCES rate_kinds(code),
            year INTEGER NOT NULL,
            value TEXT NOT NULL,                    -- Decimal as text
            PRIMARY KEY (kind, year)
        );
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            file TEXT NOT NULL DEFAULT '',
            sheet TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            user TEXT NOT NULL,
            rows_read INTEGER NOT NULL DEFAULT 0,
            imported INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            mapping TEXT NOT NULL DEFAULT '{}',     -- JSON: field -> source header
            undone_at TEXT
        );
        CREATE TABLE citizens (
            id INTEGER PRIMARY KEY,
            cpr TEXT NOT NULL UNIQUE,               -- 'DDMMYY-SSSS', or a temporary id 'T-000001'
            name TEXT NOT NULL DEFAULT '',
            temporary INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches(id)
        );
        CREATE TABLE providers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL DEFAULT 'privat' CHECK (kind IN ('egen', 'kommune', 'region', 'privat')),
            municipality TEXT NOT NULL DEFAULT '',  -- for kind 'kommune': which one
            places INTEGER,                         -- capacity of an own facility
            occupancy_target TEXT,                  -- percent as Decimal text, e.g. '95'
            invoice_lag_days INTEGER NOT NULL DEFAULT 45,
            fixed_budget_ore INTEGER,               -- own facility's fixed yearly budget
            note TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches(id)
        );
        CREATE TABLE provider_rates (
            id INTEGER PRIMARY KEY,
            provider_id INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
            section TEXT REFERENCES sections(code),
            unit TEXT NOT NULL REFERENCES units(code),
            text TEXT NOT NULL DEFAULT '',
            valid_from TEXT NOT NULL,               -- ISO date
            rate TEXT NOT NULL                      -- Decimal as text, kroner per unit
        );
        CREATE INDEX provider_rates_provider ON provider_rates(provider_id, valid_from);
        CREATE TABLE grants (
            id INTEGER PRIMARY KEY,
            citizen_id INTEGER NOT NULL REFERENCES citizens(id),
            section TEXT NOT NULL REFERENCES sections(code),
            provider_id INTEGER NOT NULL REFERENCES providers(id),
            account TEXT NOT NULL,                  -- '5.38.50'
            grouping TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL REFERENCES units(code),
            quantity TEXT,                          -- Decimal as text
            quantity_per TEXT CHECK (quantity_per IN ('uge', 'måned')),
            start TEXT NOT NULL,                    -- ISO date
            end TEXT,                               -- ISO date, NULL = open-ended
            status TEXT NOT NULL DEFAULT 'aktiv',
            paying_municipality TEXT NOT NULL DEFAULT '',
            acting_municipality TEXT NOT NULL DEFAULT '',
            payment_only INTEGER NOT NULL DEFAULT 0,
            caseworker TEXT NOT NULL DEFAULT '',
            granted_on TEXT,
            followup_date TEXT,
            vum_category TEXT REFERENCES vum_categories(code),
            vum_hours TEXT,                         -- individual hours per week for category F
            rate_from_catalogue INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches(id),
            CHECK (end IS NULL OR end >= start)
        );
        CREATE INDEX grants_citizen ON grants(citizen_id);
        CREATE INDEX grants_provider ON grants(provider_id);
        CREATE TABLE grant_rates (
            id INTEGER PRIMARY KEY,
            grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
            valid_from TEXT NOT NULL,
            rate TEXT NOT NULL,                     -- Decimal as text
            UNIQUE (grant_id, valid_from)
        );
        CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,                     -- ISO date
            account TEXT NOT NULL,                  -- '5.38.50'
            grouping TEXT NOT NULL DEFAULT '',
            art TEXT NOT NULL DEFAULT '',           -- '4.0', '7.8'
            amount_ore INTEGER NOT NULL,
            cpr TEXT,
            citizen_id INTEGER REFERENCES citizens(id),
            text TEXT NOT NULL DEFAULT '',
            voucher TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches(id)
        );
        CREATE INDEX postings_date ON postings(date);
        CREATE INDEX postings_citizen ON postings(cpr, account);
        CREATE TABLE budgets (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            account TEXT NOT NULL,
            section TEXT REFERENCES sections(code),
            month INTEGER CHECK (month BETWEEN 1 AND 12),  -- NULL = the whole year
            original_ore INTEGER NOT NULL DEFAULT 0,
            corrected_ore INTEGER,
            full_year_equivalents TEXT,             -- budgeted volume, Decimal as text
            batch_id INTEGER REFERENCES batches(id)
        );
        CREATE INDEX budgets_year ON budgets(year, account);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id INTEGER,
            action TEXT NOT NULL,                   -- insert, update, delete, import, undo, ...
            old TEXT,                               -- JSON
            new TEXT,                               -- JSON
            batch_id INTEGER
        );
        CREATE INDEX audit_row ON audit(table_name, row_id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_catalogue(db):
    load_shipped_catalogue(db)
