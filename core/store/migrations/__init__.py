"""Schema migrations, one migration set per domain area, applied in this order.

An applied migration is never edited: a change to the schema is a new function at the
end of its set. Sets from later areas may reference tables of earlier ones.
"""

from core.store.connection import APPLICATION_ID

from core.store.migrations.base import migrations as base
from core.store.migrations.vum import migrations as vum
from core.store.migrations.followup import migrations as followup
from core.store.migrations.importing import migrations as importing
from core.store.migrations.indexes import migrations as indexes
from core.store.migrations.import_choices import migrations as import_choices
from core.store.migrations.numbers import migrations as numbers
from core.store.migrations.budget_year import migrations as budget_year
from core.store.migrations.scenarios import migrations as scenarios
from core.store.migrations.pa_grants import migrations as pa_grants

MIGRATION_SETS = [
    base,
    importing,
    followup,
    vum,
    indexes,
    import_choices,
    numbers,
    budget_year,
    scenarios,
    pa_grants,
]


def known_migrations() -> set[tuple[str, str]]:
    """Every (migration set, migration) this version knows; a file with others is newer."""
    return {(s.name, m.name) for s in MIGRATION_SETS for m in s._migrations}


def apply_migrations(db) -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns their names."""
    done = []
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for migrations in MIGRATION_SETS:
        pending = [m.name for m in migrations.pending(db)]
        if pending:
            migrations.apply(db)
            done += [f"{migrations.name}:{name}" for name in pending]
    return done


def pending_migrations(db) -> list[str]:
    return [f"{s.name}:{m.name}" for s in MIGRATION_SETS for m in s.pending(db)]
