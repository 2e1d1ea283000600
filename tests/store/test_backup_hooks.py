"""Backups before the changes that replace much data: an import and the undo of one.

The import calls ``core.store.backup.before(db, "import")`` before its transaction and the
undo ``core.store.backup.before(db, "undo")``.
"""

import json

from core.store import backup
from tests.conftest import run_cli
from tests.dbcontent import content


def test_an_import_and_its_undo_are_each_preceded_by_a_backup(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    demo_db.close()
    extract = tmp_path / "bogforing.csv"
    extract.write_text("Bogf.dato;Funktion;Art;Beløb;CPR-nr;Posteringstekst\n"
                       "03-01-2026;5.38.50;4.0;1.234,50;0101801234;Botilbud januar\n"
                       "03-02-2026;5.38.50;4.0;1.234,50;0101801234;Botilbud februar\n", encoding="utf-8")
    before_import = content(path)
    r = run_cli("import", extract, "--kind", "postings", "--json", db=path)
    assert r.returncode == 0, r.stderr
    batch_id = json.loads(r.stdout)["batch_id"]
    made = [b for b in backup.list_backups(path) if b.reason == "import"]
    assert len(made) == 1 and content(made[0].path) == before_import
    after_import = content(path)
    r = run_cli("undo", batch_id, db=path)
    assert r.returncode == 0, r.stderr
    made = [b for b in backup.list_backups(path) if b.reason == "undo"]
    assert len(made) == 1 and content(made[0].path) == after_import
