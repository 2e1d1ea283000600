"""Schema migrations, one migration set per domain area, applied in this order.

An applied migration is never edited: a change to the schema is a new function at the
end of its set. Sets from later areas may reference tables of earlier ones.
"""

from core.migrations.base import migrations as base
from core.migrations.vum import migrations as vum
from core.migrations.followup import migrations as followup
from core.migrations.importing import migrations as importing
from core.migrations.indexes import migrations as indexes
from core.migrations.scenarios import migrations as scenarios

MIGRATION_SETS = [
    base,
    importing,
    followup,
    vum,
    indexes,
    scenarios,
]
