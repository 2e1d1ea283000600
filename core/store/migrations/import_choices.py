"""Schema of the import's remembered choices: a profile also keeps fixed values and translations."""

from __future__ import annotations

from sqlite_utils import Migrations

from core.store.migrations.util import run_script

migrations = Migrations("dispo.import_choices")


@migrations()
def m001_profile_fixed_values_and_translations(db):
    run_script(
        db,
        """
        ALTER TABLE import_profiles ADD COLUMN fixed TEXT NOT NULL DEFAULT '{}';         -- JSON: field -> value
        ALTER TABLE import_profiles ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';  -- JSON: field -> {value: meaning}
        """
    )
