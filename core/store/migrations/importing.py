"""Schema of the import area: old values of rows an import changed, and saved column mappings."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.importing")


@migrations()
def m001_import_tables(db):
    run_script(
        db,
        """
        CREATE TABLE import_changes (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            table_name TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            old TEXT NOT NULL                       -- JSON: the row (grants: grant_state) before the import
        );
        CREATE INDEX import_changes_batch ON import_changes(batch_id);
        CREATE TABLE import_profiles (
            id INTEGER PRIMARY KEY,
            signature TEXT NOT NULL,                -- hash of the normalised header row
            kind TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            mapping TEXT NOT NULL,                  -- JSON: field -> source header
            created_at TEXT NOT NULL,
            UNIQUE (signature, kind)
        );
        """
    )


@migrations()
def m002_batch_indexes(db):
    # undo and its dependency check select a batch's rows by batch_id; a finance extract has many
    run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS postings_batch ON postings(batch_id);
        CREATE INDEX IF NOT EXISTS grants_batch ON grants(batch_id);
        CREATE INDEX IF NOT EXISTS budgets_batch ON budgets(batch_id);
        """
    )
