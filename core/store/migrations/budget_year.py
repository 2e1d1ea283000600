"""Schema of the budget year: rate changes as batches, target groups, a catalogue that grows,
budget proposal versions and savings measures."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.budget_year")


@migrations()
def m001_budget_year(db):
    run_script(
        db,
        """
        -- a provider's rate change applied to its grants is one batch: undo removes its new rows
        ALTER TABLE provider_rates ADD COLUMN batch_id INTEGER REFERENCES batches(id);
        CREATE INDEX provider_rates_batch ON provider_rates(batch_id);
        ALTER TABLE citizens ADD COLUMN target_group TEXT NOT NULL DEFAULT '';
        CREATE TABLE target_groups (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            retired INTEGER NOT NULL DEFAULT 0
        );
        ALTER TABLE sections ADD COLUMN valid_from TEXT;          -- ISO date; NULL = always
        ALTER TABLE sections ADD COLUMN retired_from TEXT;        -- ISO date from which it is not used
        ALTER TABLE accounts ADD COLUMN valid_from TEXT;
        ALTER TABLE accounts ADD COLUMN retired_from TEXT;
        ALTER TABLE units ADD COLUMN retired_from TEXT;
        CREATE TABLE section_groupings (
            id INTEGER PRIMARY KEY,
            section TEXT NOT NULL REFERENCES sections(code),
            account TEXT NOT NULL,
            grouping TEXT NOT NULL,                  -- '004'
            text TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            retired_from TEXT,
            UNIQUE (section, account, grouping)
        );
        CREATE TABLE budget_versions (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            user TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (year, name)
        );
        CREATE TABLE budget_version_lines (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES budget_versions(id) ON DELETE CASCADE,
            account TEXT NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            fye_change TEXT,                        -- Decimal text: more (+) or fewer (-) full-year equivalents
            average_price TEXT,                     -- Decimal text: another average price (kr.)
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (version_id, account, section)
        );
        CREATE TABLE savings (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,                  -- the budget year the measure belongs to
            text TEXT NOT NULL,
            account TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'decided', 'implemented', 'dropped')),
            responsible TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE savings_amounts (
            saving_id INTEGER NOT NULL REFERENCES savings(id) ON DELETE CASCADE,
            year INTEGER NOT NULL,
            planned_ore INTEGER NOT NULL,           -- a saving is a positive amount
            PRIMARY KEY (saving_id, year)
        );
        CREATE TABLE savings_links (
            id INTEGER PRIMARY KEY,
            saving_id INTEGER NOT NULL REFERENCES savings(id) ON DELETE CASCADE,
            grant_id INTEGER REFERENCES grants(id) ON DELETE CASCADE,
            citizen_id INTEGER REFERENCES citizens(id) ON DELETE CASCADE,
            -- the linked grant's expected outturn for the measure's year when it was linked,
            -- so the realised amount is the forecast difference since then
            baseline_ore INTEGER,
            CHECK ((grant_id IS NULL) != (citizen_id IS NULL))
        );
        INSERT OR IGNORE INTO rate_kinds (code, text, unit)
            VALUES ('price_index', 'Pris- og lønfremskrivning af takster', '%');
        """,
    )


@migrations()
def m002_grant_rates_batch(db):
    # rate periods given to many grants at once (next year's rates) belong to their batch, so undo
    # removes exactly them without a snapshot of every grant
    run_script(
        db,
        """
        ALTER TABLE grant_rates ADD COLUMN batch_id INTEGER REFERENCES batches(id);
        CREATE INDEX grant_rates_batch ON grant_rates(batch_id);
        """,
    )
