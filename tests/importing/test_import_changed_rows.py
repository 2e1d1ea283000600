"""Changed rows: shown old -> new, kept unless she chooses to update, and an updated posting's
citizen link follows its CPR number."""

from __future__ import annotations

import json

from core.register.citizens import ensure_citizen
from core.importing.batches import commit, import_file, prepare, undo
from core.store.storage import open_db, query
from tests.conftest import run_cli
from tests.import_files import write_csv

HEAD = ["Bogføringsdato", "Funktion", "Art", "Beløb", "CPR-nr.", "Tekst", "Bilagsnr."]


def test_updating_a_posting_moves_its_citizen_link_with_its_cpr(db, tmp_path):
    anna = ensure_citizen(db, "010190-1234", "Anna Holm")
    bo = ensure_citizen(db, "020291-2345", "Bo Lund")
    import_file(db, write_csv(tmp_path / "jan.csv", [HEAD, ["05-01-2026", "5.38.50", "4.0", "1.000,00",
                                                            "010190-1234", "ophold", "B1"]]))
    assert [tuple(r.values()) for r in query(db, "SELECT cpr, citizen_id FROM postings")] == [("010190-1234", anna)]
    fixed = write_csv(tmp_path / "jan2.csv", [HEAD, ["05-01-2026", "5.38.50", "4.0", "1.000,00", "020291-2345",
                                                     "ophold", "B1"]])
    plan = prepare(db, fixed)
    assert [(c["field"], c["old"], c["new"]) for c in plan.changes()] == [("cpr", "010190-1234", "020291-2345")]
    res = commit(db, plan, update_changed=True)
    assert res["updated"] == 1
    assert [tuple(r.values()) for r in query(db, "SELECT cpr, citizen_id FROM postings")] == [("020291-2345", bo)]
    undo(db, res["batch_id"])
    assert [tuple(r.values()) for r in query(db, "SELECT cpr, citizen_id FROM postings")] == [("010190-1234", anna)]
    # a CPR without a citizen leaves the posting without a link, never on the old citizen
    blank = write_csv(tmp_path / "jan3.csv", [HEAD, ["05-01-2026", "5.38.50", "4.0", "1.000,00", "030392-3456",
                                                     "ophold", "B1"]])
    commit(db, prepare(db, blank), update_changed=True)
    assert [tuple(r.values()) for r in query(db, "SELECT cpr, citizen_id FROM postings")] == [("030392-3456", None)]


def test_the_cli_keeps_existing_values_unless_told_to_update_and_shows_old_and_new(tmp_path):
    db = tmp_path / "d.sqlite"
    grants = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato", "Slutdato"],
              ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "døgn", "01-01-2026", ""]]
    assert run_cli("import", write_csv(tmp_path / "a.csv", grants), db=db).returncode == 0
    grants[1][3], grants[1][6] = "3.600,00", "30-06-2026"
    changed = write_csv(tmp_path / "b.csv", grants)
    r = run_cli("import", changed, db=db)
    assert r.returncode == 0 and "0 opdaterede" in r.stdout and "--update-changed" in r.stdout
    assert "end: (tom) → 2026-06-30" in r.stdout and "rate: 3500.00 → 3600.00" in r.stdout
    conn = open_db(db)
    assert [tuple(g.values()) for g in query(conn, "SELECT end FROM grants")] == [(None,)]
    conn.close()
    res = json.loads(run_cli("import", changed, "--update-changed", "--json", db=db).stdout)
    assert res["updated"] == 1
    assert {(c["field"], c["old"], c["new"]) for c in res["changes"]} == {("end", None, "2026-06-30"),
                                                                          ("rate", "3500.00", "3600.00")}
    conn = open_db(db)
    assert [tuple(g.values()) for g in query(conn, "SELECT end FROM grants")] == [("2026-06-30",)]
    conn.close()


def test_the_preview_shows_each_changed_field_old_and_new(qtbot, db, tmp_path):
    from PySide6.QtCore import Qt

    from gui.importing.import_wizard import preview_model

    grants = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato", "Slutdato"],
              ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "døgn", "01-01-2026", ""]]
    import_file(db, write_csv(tmp_path / "a.csv", grants))
    grants[1][3], grants[1][6] = "3.600,00", "30-06-2026"
    model = preview_model(prepare(db, write_csv(tmp_path / "b.csv", grants)).records)
    message = model.index(0, model.columnCount() - 1).data()
    assert model.index(0, 0).data() == "Ændret"
    assert "Slutdato: (tom) → 30-06-2026" in message and "Takst: 3.500,00 → 3.600,00" in message
    assert "Ændret" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # the changed fields' own cells show old → new, marked; an unchanged field shows its value
    cells = {model.headerData(c, Qt.Orientation.Horizontal): model.index(0, c) for c in range(model.columnCount())}
    assert cells["Takst"].data() == "3.500,00 → 3.600,00" and cells["Slutdato"].data() == "(tom) → 30-06-2026"
    assert cells["Takst"].data(Qt.ItemDataRole.BackgroundRole).color().name() == "#d6e6ff"
    assert cells["Takst"].data(Qt.ItemDataRole.ToolTipRole) == "Takst ændres: 3.500,00 → 3.600,00"
    assert cells["Startdato"].data() == "01-01-2026"
    assert cells["Startdato"].data(Qt.ItemDataRole.BackgroundRole) is None
