"""Choices that finish an import: columns, fixed values, translations (CLI and core), profiles
that remember them, and columns never dropped silently."""

from __future__ import annotations

import json

import pytest

from core.errors import DispoError
from core.importing.batches import import_file, prepare
from core.importing.choices import Choices
from core.importing.profiles import list_profiles
from core.store.storage import query
from tests.conftest import run_cli
from tests.import_files import write_csv, write_xlsx

RESIDENTS = [["Beboer", "Personnr.", "Tilbud", "Indflyttet", "Fraflyttet", "Døgntakst", "Niveau", "Kørselsrute"],
             ["Anna Holm", "010190-1234", "Botilbuddet Skovbrynet", "01-01-2026", "", "3.500,00", "N2", "Rute 4"],
             ["Bo Lund", "020291-2345", "Botilbuddet Skovbrynet", "01-02-2026", "30-06-2026", "3.600,00", "N4",
              "Rute 7"]]
CHOICES = ["--kind", "grants", "--set", "section=§ 108", "--map", "start=Indflyttet", "--map", "end=Fraflyttet",
           "--map", "vum_category=Niveau", "--translate", "vum_category:N2=B", "--translate", "vum_category:n4=D"]


def _grants(db) -> dict:
    return {r["cpr"]: r for r in query(db, "SELECT c.cpr, g.section, g.start, g.end, g.vum_category, g.unit "
                                           "FROM grants g JOIN citizens c ON c.id = g.citizen_id")}


def test_cli_choices_import_a_residents_list_and_the_saved_profile_imports_next_month_alone(tmp_path):
    db = tmp_path / "d.sqlite"
    f = write_csv(tmp_path / "beboere.csv", RESIDENTS)
    r = run_cli("import", f, *CHOICES, "--save-profile", "Skovbrynet beboere", "--json", db=db)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["imported"] == 2 and res["rejected"] == []
    # translations are looked up ignoring case ('n4' given, 'N4' written)
    assert {t["value"]: (t["meaning"], t["source"]) for t in res["choices"]["translations"]} == {
        "N2": ("B", "given"), "n4": ("D", "given")}
    assert {(m["field"], m["column"], m["source"]) for m in res["choices"]["maps"]} >= {
        ("start", "Indflyttet", "given"), ("vum_category", "Niveau", "given"), ("cpr", "Personnr.", "matched")}
    assert [(x["field"], x["value"], x["source"]) for x in res["choices"]["fixed"]] == [("section", "§ 108", "given")]
    assert res["unused_columns"] == [{"sheet": "beboere", "column": "Kørselsrute", "samples": ["Rute 4", "Rute 7"]}]
    # next month's file, same layout, one more resident: no options at all
    nxt = write_csv(tmp_path / "beboere_feb.csv", RESIDENTS + [
        ["Carl Berg", "030392-3456", "Botilbuddet Skovbrynet", "01-03-2026", "", "3.700,00", "N2", "Rute 1"]])
    r = run_cli("import", nxt, "--json", db=db)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert (res["kind"], res["imported"], res["unchanged"]) == ("grants", 1, 2)
    assert {x["source"] for x in res["choices"]["fixed"] + res["choices"]["translations"]} == {"profile"}
    from core.store.storage import open_db

    conn = open_db(db)
    got = _grants(conn)
    assert {c: (g["section"], g["start"], g["end"], g["vum_category"]) for c, g in got.items()} == {
        "010190-1234": ("§ 108", "2026-01-01", None, "B"), "020291-2345": ("§ 108", "2026-02-01", "2026-06-30", "D"),
        "030392-3456": ("§ 108", "2026-03-01", None, "B")}
    conn.close()
    listed = run_cli("import-profiles", db=db)
    assert "section = § 108" in listed.stdout and "N2 → B" in listed.stdout


def test_a_file_that_needs_a_choice_says_which_field_and_which_option(tmp_path):
    db = tmp_path / "d.sqlite"
    f = write_csv(tmp_path / "beboere.csv", RESIDENTS)
    r = run_cli("import", f, "--kind", "grants", db=db)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "Paragraf" in r.stderr and "--set section=" in r.stderr and "--map section=" in r.stderr
    # values no parser reads are a question naming the option that answers it
    r = run_cli("import", f, "--kind", "grants", "--set", "section=108", "--map", "start=Indflyttet",
                "--map", "vum_category=Niveau", "--dry-run", "--json", db=db)
    res = json.loads(r.stdout)
    assert res["imported"] == 0 and len(res["rejected"]) == 2
    assert res["questions"] == [{"field": "vum_category", "column": "Niveau",
                                 "values": [{"value": "N2", "count": 1}, {"value": "N4", "count": 1}],
                                 "option": "--translate vum_category:N2=BETYDNING"}]
    # imported for real, nothing could come in: exit 1 with the question, and no empty import is saved
    r = run_cli("import", f, "--kind", "grants", "--set", "section=108", "--map", "start=Indflyttet",
                "--map", "vum_category=Niveau", db=db)
    assert r.returncode == 1 and "--translate vum_category:N2=BETYDNING" in r.stderr and "'N4'" in r.stderr
    assert json.loads(run_cli("batches", "--json", db=db).stdout) == []


@pytest.mark.parametrize("args, words", [
    (["--map", "farve=Niveau"], ["farve", "findes ikke", "vum_category"]),
    (["--map", "start=Ingen slags kolonne"], ["Ingen slags kolonne", "findes ikke", "Indflyttet"]),
    (["--set", "section=§ 108", "--set", "unit=kasse"], ["kasse", "Enhed"]),
    (["--translate", "vum_category:N2=Q"], ["Q", "VUM"]),
])
def test_a_bad_choice_is_a_danish_message_and_nothing_is_saved(tmp_path, args, words):
    db = tmp_path / "d.sqlite"
    f = write_csv(tmp_path / "beboere.csv", RESIDENTS)
    r = run_cli("import", f, "--kind", "grants", "--map", "start=Indflyttet", *args, db=db)
    assert r.returncode == 1 and r.stderr.startswith("Fejl: ") and "Traceback" not in r.stderr
    assert all(w in r.stderr for w in words), r.stderr
    assert json.loads(run_cli("grants", "--json", db=db).stdout) == []


@pytest.mark.parametrize("option", ["--map=start", "--set=section", "--translate=vum_category=B", "--translate=:N2=B"])
def test_a_malformed_option_is_a_usage_error(tmp_path, option):
    r = run_cli("import", write_csv(tmp_path / "b.csv", RESIDENTS), option, db=tmp_path / "d.sqlite")
    assert r.returncode == 2


def test_profile_by_name_applies_to_a_file_with_other_headers(db, tmp_path):
    f = write_csv(tmp_path / "beboere.csv", RESIDENTS)
    res = import_file(db, f, "grants", choices=Choices({"start": "Indflyttet", "end": "Fraflyttet"},
                                                       {"section": "§ 108"}), dry_run=True)
    assert res["imported"] == 2
    from core.importing.batches import save_plan_profile

    plan = prepare(db, f, "grants", choices=Choices({"start": "Indflyttet", "vum_category": "Niveau"},
                                                    {"section": "§ 107"}, {"vum_category": {"N2": "C", "N4": "E"}}))
    save_plan_profile(db, plan, "Beboerliste")
    assert [(p["name"], p["fixed"], p["translations"]) for p in list_profiles(db)] == [
        ("Beboerliste", {"section": "§ 107"}, {"vum_category": {"N2": "C", "N4": "E"}})]
    # the same layout with one more column has another signature: the profile is named
    wider = write_csv(tmp_path / "b2.csv", [r + [x] for r, x in zip(RESIDENTS, ["Note", "", ""])])
    with pytest.raises(DispoError, match="Paragraf"):
        prepare(db, wider, "grants")
    res = import_file(db, wider, profile="beboerliste")
    assert res["imported"] == 2 and res["kind"] == "grants"
    assert {c: (g["section"], g["vum_category"]) for c, g in _grants(db).items()} == {
        "010190-1234": ("§ 107", "C"), "020291-2345": ("§ 107", "E")}
    with pytest.raises(DispoError, match="findes ikke"):
        prepare(db, wider, profile="Ukendt")


def test_a_fixed_value_fills_only_the_blank_cells_of_its_column(db, tmp_path):
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato"],
            ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "", "01-01-2026"],
            ["020291-2345", "§ 85", "Skovbrynet", "512,00", "time (7 t/uge)", "01-01-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark1": rows}), "grants",
                      choices=Choices(fixed={"unit": "døgn"}))
    assert res["imported"] == 2
    assert {c: g["unit"] for c, g in _grants(db).items()} == {"010190-1234": "døgn", "020291-2345": "time"}


def test_every_column_is_used_or_listed_and_a_lookalike_is_a_warning_naming_the_field(db, tmp_path):
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato", "Tyngde", "Sagsnr", ""],
            ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026", "C", 40112, ""],
            ["020291-2345", "§ 108", "Skovbrynet", "3.600,00", "01-02-2026", "Moderat støtte", 40113, ""],
            ["030392-3456", "§ 108", "Skovbrynet", "3.600,00", "01-02-2026", "D", 40114, ""]]
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark1": rows}), "grants", dry_run=True)
    assert [(u["column"], u["samples"]) for u in res["unused_columns"]] == [
        ("Tyngde", ["C", "Moderat støtte", "D"]), ("Sagsnr", ["40112", "40113", "40114"])]
    column_warnings = [w for w in res["warnings"] if w["row"] is None]
    # the VUM column under an unknown heading is named; a case number is not taken for an amount or date
    assert [(w["column"], w["field"]) for w in column_warnings] == [("Tyngde", "vum_category")]
    assert "VUM" in column_warnings[0]["warning"]


def test_unused_cpr_column_samples_are_masked(db, tmp_path):
    rows = [["Bogføringsdato", "Funktion", "Beløb", "CPR-nr.", "Pårørende"],
            ["05-01-2026", "5.38.50", "100,00", "010190-1234", "020291-2345"]]
    res = import_file(db, write_csv(tmp_path / "p.csv", rows), "postings", dry_run=True)
    assert res["unused_columns"] == [{"sheet": "p", "column": "Pårørende", "samples": ["020291-xxxx"]}]


def test_the_error_workbook_lists_the_unused_columns_and_can_still_be_imported_again(tmp_path):
    from openpyxl import load_workbook

    db = tmp_path / "d.sqlite"
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato", "Tyngde", "Rute"],
            ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026", "C", "4"],
            ["020291-2345", "§ 108", "Skovbrynet", "ukendt", "01-02-2026", "D", "7"]]
    errors = tmp_path / "fejl.xlsx"
    res = json.loads(run_cli("import", write_csv(tmp_path / "g.csv", rows), "--json", "--errors", errors,
                             db=db).stdout)
    assert res["imported"] == 1 and len(res["rejected"]) == 1
    wb = load_workbook(errors)
    listed = [[c.value for c in r] for r in wb["Ikke brugte kolonner"].iter_rows(min_row=2)]
    assert [r[:3] for r in listed] == [["g", "Tyngde", "C, D"], ["g", "Rute", "4, 7"]]
    assert "VUM" in listed[0][3] and not listed[1][3]
    ws = wb["g"]
    ws.cell(2, 5).value = "3.600,00"
    wb.save(errors)
    res = json.loads(run_cli("import", errors, "--json", db=db).stdout)
    assert (res["imported"], res["rejected"]) == (1, [])


def test_without_kind_the_choices_name_the_kind(tmp_path):
    db = tmp_path / "d.sqlite"
    r = run_cli("import", write_csv(tmp_path / "beboere.csv", RESIDENTS), "--set", "section=§ 108", "--json", db=db)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["kind"] == "grants"


def test_computed_amounts_beside_the_rate_are_listed_but_no_warning(db, tmp_path):
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato", "Forventet regnskab", "CPR pårørende"],
            ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026", "1.277.500,00", ""],
            ["020291-2345", "§ 108", "Skovbrynet", "3.600,00", "01-02-2026", "1.202.400,00", "0303921234"]]
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark1": rows}), "grants", dry_run=True)
    assert [u["column"] for u in res["unused_columns"]] == ["Forventet regnskab", "CPR pårørende"]
    # a second column of CPR numbers is worth a word (and its row is asked about); computed amounts are not
    assert [(w["column"], w["field"]) for w in res["warnings"] if w["row"] is None] == [("CPR pårørende", "cpr")]
    assert [r["row"] for r in res["rejected"]] == [3]


def test_a_chosen_column_applies_to_the_sheets_that_have_it(db, tmp_path):
    head = ["Navn", "CPR", "Indflyttet", "Fraflyttet", "Døgntakst"]
    sheets = {"Skovbrynet": [head + ["Tyngde"], ["Anna Holm", "010190-1234", "01-01-2026", "", "3.500,00", "C"]],
              "Åhuset": [head, ["Bo Lund", "020291-2345", "01-02-2026", "", "3.000,00"]]}
    path = write_xlsx(tmp_path / "beboere.xlsx", sheets)
    plan = prepare(db, path, "occupancy", choices=Choices({"vum_category": "Tyngde"}))
    assert [(r.sheet, r.values["vum_category"]) for r in plan.records] == [("Skovbrynet", "C"), ("Åhuset", None)]
    with pytest.raises(DispoError, match="'Støtte'.*findes ikke i filen"):
        prepare(db, path, "occupancy", choices=Choices({"vum_category": "Støtte"}))


def test_translations_find_the_column_whose_values_they_name(db, tmp_path):
    # 'Behov' is no known heading and 'Meget'/'Lidt' no known category: her translations say where VUM stands
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato", "Behov", "Rute"],
            ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026", "Meget", "Lidt"],
            ["020291-2345", "§ 108", "Skovbrynet", "3.600,00", "01-02-2026", "Lidt", "Meget mere"]]
    res = import_file(db, write_csv(tmp_path / "g.csv", rows), "grants",
                      choices=Choices(translations={"vum_category": {"meget": "C", "lidt": "A"}}))
    assert res["mapping"]["vum_category"] == "Behov" and res["rejected"] == []
    assert {c: g["vum_category"] for c, g in _grants_vum(db).items()} == {"010190-1234": "C", "020291-2345": "A"}


def _grants_vum(db) -> dict:
    return {r["cpr"]: r for r in query(db, "SELECT c.cpr, g.vum_category FROM grants g JOIN citizens c "
                                           "ON c.id = g.citizen_id")}


def test_the_values_to_translate_are_the_unreadable_codes_with_their_counts():
    from core.importing.choices import unreadable_values
    from core.importing.fields import KINDS
    from core.importing.table import Table

    rows = [(i + 2, ["010190-1234", code]) for i, code in enumerate(["N2", "N2", "B", "N4", "n2", "", "Kategori C"])]
    table = Table("Ark1", ["CPR", "Niveau"], rows)
    grants = KINDS["grants"]
    # N2 three times ('n2' is the same value: one translation covers both); B and 'Kategori C' are read
    assert unreadable_values(grants, table, "vum_category", 1) == [("N2", 3), ("N4", 1)]
    assert unreadable_values(grants, table, "vum_category", 1, {"n4": "D"}) == [("N2", 3)]
    assert unreadable_values(grants, table, "name", 1) == []  # free text is never translated
