"""The import's command line: import, batches, undo, postings, and the error workbook."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.conftest import run_cli
from tests.import_files import GRANT_HEADER, GRANT_ROWS, write_csv, write_xlsx


def test_import_batches_undo_and_postings(tmp_path):
    db = tmp_path / "d.sqlite"
    posts = write_csv(tmp_path / "p.csv", [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"],
                                          ["03-01-2026", "5.32.33", "4.0", "44.792,03", "2006580648", "a", "1"],
                                          ["03-02-2025", "5.38.50", "7.8", "-100,50", "", "b", "2"]],
                      encoding="cp1252")
    r = run_cli("import", posts, "--json", db=db)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert {"batch_id", "file", "sheet", "kind", "rows_read", "imported", "updated", "unchanged", "rejected",
            "mapping"} <= set(res)
    assert (res["kind"], res["rows_read"], res["imported"]) == ("postings", 2, 2)
    assert res["mapping"]["amount"] == "Beløb"
    got = json.loads(run_cli("postings", "--json", db=db).stdout)
    assert got == [{"date": "2025-02-03", "account": "5.38.50", "art": "7.8", "amount": -100.5, "cpr": None,
                    "text": "b", "batch_id": res["batch_id"]},
                   {"date": "2026-01-03", "account": "5.32.33", "art": "4.0", "amount": 44792.03,
                    "cpr": "200658-0648", "text": "a", "batch_id": res["batch_id"]}]
    assert len(json.loads(run_cli("postings", "--json", "--year", "2026", db=db).stdout)) == 1
    batches = json.loads(run_cli("batches", "--json", db=db).stdout)
    assert [(b["id"], b["file"], b["imported"]) for b in batches] == [(res["batch_id"], "p.csv", 2)]
    r = run_cli("undo", str(res["batch_id"]), db=db)
    assert r.returncode == 0 and "fortrudt" in r.stdout
    assert json.loads(run_cli("postings", "--json", db=db).stdout) == []
    r = run_cli("undo", "99", db=db)
    assert r.returncode == 1 and r.stderr.startswith("Fejl: ") and "Traceback" not in r.stderr


def test_dry_run_writes_nothing_and_bad_files_fail_cleanly(tmp_path):
    db = tmp_path / "d.sqlite"
    path = write_xlsx(tmp_path / "g.xlsx", {"Ark": [GRANT_HEADER] + GRANT_ROWS})
    res = json.loads(run_cli("import", path, "--dry-run", "--json", db=db).stdout)
    assert res["batch_id"] is None and res["imported"] == 3
    assert json.loads(run_cli("grants", "--json", db=db).stdout) == []
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"not a spreadsheet at all" * 20)
    r = run_cli("import", garbage, db=db)
    assert r.returncode == 1 and "Fejl: " in r.stderr and "Traceback" not in r.stderr
    r = run_cli("import", path, "--kind", "vum", db=db)
    assert r.returncode == 1 and "VUM" in r.stderr


def test_error_workbook_can_be_fixed_and_reimported(tmp_path):
    db = tmp_path / "d.sqlite"
    bad = ["320190-1234"] + GRANT_ROWS[0][1:]
    formula = list(GRANT_ROWS[1])
    formula[1], formula[4] = "=1+1", "ukendt"
    rows = [[("" if v is None else str(v)) for v in row] for row in (GRANT_HEADER, GRANT_ROWS[0], bad, formula)]
    path = write_csv(tmp_path / "Ark.csv", rows)
    errors = tmp_path / "fejl.xlsx"
    res = json.loads(run_cli("import", path, "--json", "--errors", errors, db=db).stdout)
    assert res["imported"] == 1 and len(res["rejected"]) == 2
    wb = load_workbook(errors)
    ws = wb["Ark"]
    header = [c.value for c in ws[1]]
    assert header[:1] == ["Række i filen"] and header[1:1 + len(GRANT_HEADER)] == GRANT_HEADER
    assert header[-2:] == ["Fejl", "Værdi"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [3, 4]
    assert "CPR" in rows[0][-2] or "fødselsdato" in rows[0][-2]
    assert ws.cell(3, 3).value == "=1+1" and ws.cell(3, 3).data_type == "s"  # text, never a formula
    # fix the cells and import the error workbook itself
    ws.cell(2, 2).value = "010190-4321"
    ws.cell(3, 6).value = "2.450,75"
    wb.save(errors)
    res = json.loads(run_cli("import", errors, "--json", db=db).stdout)
    assert (res["imported"], res["rejected"]) == (2, [])


def test_profiles_can_be_listed_renamed_and_deleted(tmp_path):
    from core.importing.profiles import save_profile
    from core.store.storage import open_db

    db = tmp_path / "d.sqlite"
    conn = open_db(db)
    pid = save_profile(conn, "postings", ["Dato", "Beløb"], {"date": "Dato", "amount": "Beløb"}, "Bank")
    conn.close()
    r = run_cli("import-profiles", "--rename", str(pid), "Økonomi", "--json", db=db)
    assert [(p["id"], p["name"], p["mapping"]) for p in json.loads(r.stdout)] == \
        [(pid, "Økonomi", {"amount": "Beløb", "date": "Dato"})]
    assert json.loads(run_cli("import-profiles", "--delete", str(pid), "--json", db=db).stdout) == []
    r = run_cli("import-profiles", "--delete", str(pid), db=db)
    assert r.returncode == 1 and "findes ikke" in r.stderr


def test_plain_output_summarises(tmp_path):
    from tests.import_files import grants_sheet

    db = tmp_path / "d.sqlite"
    path = write_xlsx(tmp_path / "g.xlsx", {"Dispo": grants_sheet()})
    r = run_cli("import", path, db=db)
    assert r.returncode == 0
    assert "Import nr. 1: 3 nye, 0 opdaterede, 0 fandtes allerede, 0 afviste." in r.stdout
    assert "Sum-rækker sprunget over i arket 'Dispo': række 7, 9" in r.stdout
    assert "række 10: Samme række som række 5" in r.stdout
