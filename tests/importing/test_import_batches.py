"""Import behaviour: duplicates, changes, undo with dependencies, cancel, bad input, kinds, profiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DispoError
from core.register.grants import list_grants, update_grant
from core.importing.batches import ImportCancelled, commit, import_file, list_batches, prepare, undo
from core.importing.matching import detect_kind
from core.importing.profiles import delete_profile, list_profiles, save_profile
from core.importing.readers import read_file
from core.importing.table import build_table
from core.register.providers import create_provider
from core.store.storage import query
from tests.import_files import GRANT_HEADER, GRANT_ROWS, grants_sheet, write_csv, write_xlsx
from tests.importing.test_import_samples import content


@pytest.fixture
def grants_file(tmp_path):
    return write_xlsx(tmp_path / "bevillinger.xlsx", {"Dispo": grants_sheet()}, merged={"Dispo": ["A1:I1"]})


def test_grants_file_parsed_field_by_field(db, grants_file):
    res = import_file(db, grants_file)
    assert res["kind"] == "grants"
    assert (res["imported"], res["duplicates"], res["rejected"]) == (3, 1, [])
    assert res["mapping"]["quantity"] == "Timer pr. uge"
    g = {x.name: x for x in list_grants(db)}
    anna = g["Anna Hansen"]  # "Hansen, Anna" turned around
    assert (anna.cpr, anna.section, anna.unit, anna.quantity, anna.quantity_per, anna.end) == \
        ("010190-1234", "§ 85", "time", Decimal(7), "uge", None)
    assert anna.rates[0].rate == Decimal("512.50") and anna.account == "5.32.33"
    bo = g["Bo Berg"]  # CPR that lost its leading zero, date as text
    assert (bo.cpr, bo.section, bo.unit, bo.start) == ("020108-5123", "§ 108", "døgn", dt.date(2026, 3, 1))
    carl = g["Carl Dahl"]
    assert (carl.section, carl.unit, carl.quantity, carl.start, carl.end) == \
        ("§ 104", "dag", Decimal(4), dt.date(2025, 2, 1), dt.date(2026, 12, 31))
    assert carl.rates[0].rate == Decimal("1100.00")
    prov = query(db, "SELECT name, kind, municipality, batch_id FROM providers ORDER BY name")
    assert {p["name"]: (p["kind"], p["municipality"]) for p in prov}["Værkstedet (Nabo Kommune)"] == \
        ("kommune", "Nabo Kommune")
    assert all(p["batch_id"] == res["batch_id"] for p in prov)


def test_changed_rows_are_updated_or_skipped_and_undo_restores(db, tmp_path, grants_file):
    first = import_file(db, grants_file)
    before = content(db)
    rows = grants_sheet()
    rows[4] = rows[4][:4] + ["600,00"] + rows[4][5:]  # Anna's rate changed
    rows[-1] = rows[4]
    changed = write_xlsx(tmp_path / "v2.xlsx", {"Dispo": rows})
    plan = prepare(db, changed)
    assert [r.changes for r in plan.records if r.status == "changed"] == [{"rate": ("512.50", "600.00")}]
    skipped = commit(db, plan, update_changed=False)
    assert (skipped["imported"], skipped["updated"], skipped["unchanged"]) == (0, 0, 3)
    assert content(db) == before
    res = import_file(db, changed)
    assert (res["imported"], res["updated"], res["unchanged"]) == (0, 1, 2)
    anna = next(g for g in list_grants(db) if g.name == "Anna Hansen")
    assert anna.rates[0].rate == Decimal("600.00")
    undo(db, res["batch_id"])
    assert content(db) == before
    assert first["batch_id"] < res["batch_id"]


def test_undo_refuses_when_a_grant_was_edited_later(db, grants_file):
    res = import_file(db, grants_file)
    before_import = {t: v for t, v in content(db).items() if t == "providers"}
    anna = next(g for g in list_grants(db) if g.name == "Bo Berg")
    update_grant(db, anna.id, {"end": dt.date(2026, 6, 30)})
    snapshot = content(db)
    with pytest.raises(DispoError) as ex:
        undo(db, res["batch_id"])
    assert f"bevilling {anna.id} er ændret" in str(ex.value) and "--force" in str(ex.value)
    assert content(db) == snapshot
    undo(db, res["batch_id"], force=True)
    assert list_grants(db) == []
    assert before_import["providers"] and query(db, "SELECT * FROM providers") == []
    assert list_batches(db)[0]["undone_at"]
    with pytest.raises(DispoError, match="allerede fortrudt"):
        undo(db, res["batch_id"])


def test_undo_refuses_while_later_rows_use_the_batch(db, grants_file, tmp_path):
    res = import_file(db, grants_file)
    posts = write_csv(tmp_path / "p.csv", [["Dato", "Konto", "Beløb", "CPR-nr.", "Bilagsnr."],
                                           ["05-01-2026", "5.32.33", "3.587,50", "010190-1234", "1"]])
    import_file(db, posts)
    with pytest.raises(DispoError, match="postering"):
        undo(db, res["batch_id"])


def test_cancel_leaves_nothing_behind(db, grants_file):
    before = content(db)
    plan = prepare(db, grants_file)
    seen = []
    with pytest.raises(ImportCancelled):
        commit(db, plan, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) > 0)
    assert content(db) == before and list_batches(db) == []
    # the same plan can still be committed afterwards
    res = commit(db, plan)
    assert res["imported"] == 3 and len(list_grants(db)) == 3


def test_identical_monthly_payments_are_not_duplicates(db, tmp_path):
    head = ["Bogføringsdato", "Konto", "Art", "Beløb", "CPR", "Tekst"]
    jan_feb = [head] + [["%02d-%02d-2026" % (1, m), "5.38.50", "4.0", "10.000,00", "0101901234", "Husleje"]
                        for m in (1, 2)] * 2
    res = import_file(db, write_csv(tmp_path / "a.csv", jan_feb))
    assert res["imported"] == 4 and res["duplicates"] == 0
    feb_mar = [head] + [["%02d-%02d-2026" % (1, m), "5.38.50", "4.0", "10.000,00", "0101901234", "Husleje"]
                        for m in (2, 3)] * 2
    res = import_file(db, write_csv(tmp_path / "b.csv", feb_mar))
    assert (res["imported"], res["unchanged"]) == (2, 2)
    assert db.execute("SELECT COUNT(*), SUM(amount_ore) FROM postings").fetchone() == (6, 6 * 1_000_000)


def test_postings_by_voucher_debit_credit_and_duplicate_lines(db, tmp_path):
    rows = [["Posteringsdato", "Kontostreng", "Debet", "Kredit", "Bilagsnr.", "Tekst"],
            ["2026-02-01", "53850002", "1.000,00", "", "B1", "a"],
            ["2026-02-01", "53850002", "", "250,50", "B2", "=HYPERLINK(\"x\")"],
            ["2026-02-01", "53850002", "", "250,50", "B2", "=HYPERLINK(\"x\")"]]
    res = import_file(db, write_csv(tmp_path / "d.csv", rows, delimiter=","))
    assert (res["imported"], res["duplicates"]) == (2, 1)
    got = query(db, "SELECT account, grouping, amount_ore, voucher FROM postings ORDER BY voucher")
    assert got == [{"account": "5.38.50", "grouping": "002", "amount_ore": 100000, "voucher": "B1"},
                   {"account": "5.38.50", "grouping": "002", "amount_ore": -25050, "voucher": "B2"}]
    rows[1][2] = "1.100,00"
    res = import_file(db, write_csv(tmp_path / "e.csv", rows, delimiter=","))
    assert (res["imported"], res["updated"], res["unchanged"]) == (0, 1, 1)


def test_a_months_extract_is_matched_only_against_its_own_vouchers_and_plain_lines(db, tmp_path):
    head = ["Bogf.dato", "Konto", "Art", "Beløb", "CPR", "Tekst", "Bilag"]
    # January: two vouchered postings and one line without a voucher
    jan = [head, ["31-01-2026", "5.38.50", "4.0", "1.000,00", "0101901234", "Husleje", "J1"],
           ["31-01-2026", "5.38.50", "4.0", "2.000,00", "0101901234", "Pleje", "J2"],
           ["31-01-2026", "5.38.52", "4.0", "300,00", "0101901234", "Kørsel", ""]]
    assert import_file(db, write_csv(tmp_path / "jan.csv", jan))["imported"] == 3
    # February's extract repeats voucher J2 with a corrected amount and January's plain line, and adds
    # a new voucher and a new plain line: J1 (not in the file) is neither matched nor touched
    feb = [head, ["31-01-2026", "5.38.50", "4.0", "2.500,00", "0101901234", "Pleje", "J2"],
           ["31-01-2026", "5.38.52", "4.0", "300,00", "0101901234", "Kørsel", ""],
           ["28-02-2026", "5.38.50", "4.0", "1.000,00", "0101901234", "Husleje", "F1"],
           ["28-02-2026", "5.38.52", "4.0", "300,00", "0101901234", "Kørsel", ""]]
    plan = prepare(db, write_csv(tmp_path / "feb.csv", feb))
    assert [r.status for r in plan.records] == ["changed", "unchanged", "new", "new"]
    assert [r.changes for r in plan.records][0] == {"amount_ore": (200000, 250000)}
    res = commit(db, plan)
    assert (res["imported"], res["updated"], res["unchanged"]) == (2, 1, 1)
    # 1.000 (J1) + 2.500 (J2) + 300 (Jan plain) + 1.000 (F1) + 300 (Feb plain) = 5.100,00 kr.
    assert db.execute("SELECT COUNT(*), SUM(amount_ore) FROM postings").fetchone() == (5, 510_000)


def test_budget_wide_layout_becomes_one_record_per_month(db, tmp_path):
    months = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
    rows = [["Budget 2027 fordelt på måneder"], [], ["Konto", "Paragraf"] + months,
            ["5.38.50", "§ 108"] + [100000] * 11 + ["100.000,50"], ["I alt", ""] + [100000] * 12]
    res = import_file(db, write_xlsx(tmp_path / "budget.xlsx", {"Budget": rows}))
    assert res["kind"] == "budget" and res["imported"] == 12
    got = query(db, "SELECT year, month, account, section, original_ore FROM budgets ORDER BY month")
    assert [g["month"] for g in got] == list(range(1, 13))
    assert {(g["year"], g["account"], g["section"]) for g in got} == {(2027, "5.38.50", "§ 108")}
    assert got[-1]["original_ore"] == 10_000_050 and got[0]["original_ore"] == 10_000_000


def test_profile_maps_an_unusual_layout(db, tmp_path):
    rows = [["Personid", "Ydelse", "Hvem", "Kroner", "Fra og med"],
            ["010190-1234", "108", "Bostøtten", 500, "01-01-2026"]]
    path = write_xlsx(tmp_path / "odd.xlsx", {"Ark": rows})
    with pytest.raises(DispoError):
        import_file(db, path, kind="grants")
    table = build_table(read_file(path)[0])
    pid = save_profile(db, "grants", table.headers, {"cpr": "Personid", "section": "Ydelse", "provider": "Hvem",
                                                     "rate": "Kroner", "start": "Fra og med"}, "Gammelt ark")
    res = import_file(db, path)  # kind and mapping come from the profile
    assert res["kind"] == "grants" and res["imported"] == 1 and res["mapping"]["rate"] == "Kroner"
    assert [p["name"] for p in list_profiles(db)] == ["Gammelt ark"]
    delete_profile(db, pid)
    assert list_profiles(db) == []


def test_providers_are_matched_fuzzily(db, grants_file):
    existing = create_provider(db, "Botilbudet Engen", "egen")
    other = create_provider(db, "Bostøtten i Nord", "egen")
    plan = prepare(db, grants_file)
    choices = {c.name: c for c in plan.provider_choices()}
    assert choices["Botilbuddet Engen"].provider_id == existing  # one letter off: accepted
    assert choices["Bostøtten"].provider_id is None and choices["Bostøtten"].suggestion_id in (None, other)
    commit(db, plan)
    assert db.execute("SELECT COUNT(*) FROM providers").fetchone()[0] == 4


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b""), "tom"),
    (lambda p: p.write_bytes(b"\x00\xff" * 300), "kan ikke læses"),
    (lambda p: write_xlsx(p, {"Ark": [[1, 2], [3, 4]]}), "overskriftsrække"),
    (lambda p: write_xlsx(p, {"Ark": [["Dato", "Konto", "Beløb"], ["01-01-2026", "5.38.50", 1]]}),
     "passer ikke til bevillinger"),
])
def test_bad_input_gives_a_danish_error_and_no_change(db, tmp_path, make, message):
    path = tmp_path / "fil.xlsx"
    make(path)
    before = content(db)
    with pytest.raises(DispoError) as ex:
        import_file(db, path, kind="grants")
    assert message in str(ex.value)
    assert content(db) == before and list_batches(db) == []


def test_rejected_rows_name_their_place(db, tmp_path):
    rows = [GRANT_HEADER, GRANT_ROWS[0], ["320190-1234"] + GRANT_ROWS[0][1:],
            GRANT_ROWS[1][:4] + ["mange penge"] + GRANT_ROWS[1][5:]]
    res = import_file(db, write_xlsx(tmp_path / "f.xlsx", {"Ark": rows}))
    assert res["imported"] == 1
    assert [(r["row"], r["column"], r["value"]) for r in res["rejected"]] == \
        [(3, "CPR-nr.", "320190-1234"), (4, "Takst", "mange penge")]
    assert all(r["sheet"] == "Ark" and r["reason"] for r in res["rejected"])
    # a provider named only on rejected rows is not created
    assert [r[0] for r in db.execute("SELECT name FROM providers")] == ["Bostøtten"]


def test_kind_detection_on_each_kind(tmp_path, samples):
    expected = {"dispositionsregnskab_2026.xlsx": "grants", "bogfoering_jan-okt_2026.csv": "postings",
                "belaegningsliste_2026.xlsx": "occupancy", "vum_tildeling_2027.xlsx": "vum"}
    for name, kind in expected.items():
        table = build_table(read_file(samples / name)[0])
        assert detect_kind(table)[0].code == kind, name


def test_budget_year_from_the_amount_header_and_corrected_budget(db, tmp_path):
    rows = [["Konto", "Budget 2027", "Korrigeret budget"], ["5.38.50", "12.000.000", "12.500.000,50"],
            ["5.38.52", 3000000, None]]
    res = import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Budget": rows}))
    assert (res["kind"], res["imported"]) == ("budget", 2)
    got = query(db, "SELECT year, account, month, original_ore, corrected_ore FROM budgets ORDER BY account")
    assert got == [{"year": 2027, "account": "5.38.50", "month": None, "original_ore": 1_200_000_000,
                    "corrected_ore": 1_250_000_050},
                   {"year": 2027, "account": "5.38.52", "month": None, "original_ore": 300_000_000,
                    "corrected_ore": None}]
    rows[2][2] = "3.100.000"
    res = import_file(db, write_xlsx(tmp_path / "b2.xlsx", {"Budget": rows}))
    assert (res["imported"], res["updated"], res["unchanged"]) == (0, 1, 1)


def test_wide_bookings_become_one_posting_per_month(db, tmp_path):
    rows = [["Forbrug 2026 pr. borger"], ["CPR-nr.", "Konto", "Art", "Januar", "Februar", "Marts"],
            ["0101901234", "5.38.50", "4.0", "10.000,00", "10.000,00", ""],
            ["0201851234", "5.32.33", "4.0", "", "2.000,50", "2.000,50"]]
    res = import_file(db, write_xlsx(tmp_path / "forbrug.xlsx", {"Ark": rows}))
    assert (res["kind"], res["imported"]) == ("postings", 4)
    got = query(db, "SELECT date, account, amount_ore, cpr FROM postings ORDER BY cpr, date")
    assert got == [{"date": "2026-01-31", "account": "5.38.50", "amount_ore": 1_000_000, "cpr": "010190-1234"},
                   {"date": "2026-02-28", "account": "5.38.50", "amount_ore": 1_000_000, "cpr": "010190-1234"},
                   {"date": "2026-02-28", "account": "5.32.33", "amount_ore": 200_050, "cpr": "020185-1234"},
                   {"date": "2026-03-31", "account": "5.32.33", "amount_ore": 200_050, "cpr": "020185-1234"}]
    assert import_file(db, tmp_path / "forbrug.xlsx")["unchanged"] == 4


def test_occupancy_rules(db, tmp_path):
    import_file(db, write_xlsx(tmp_path / "g.xlsx", {"G": [
        ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato", "Betalingskommune"],
        ["010190-1234", "Anna", "§ 108", "Bostedet Engen", 2000, "01-01-2020", "Testkommune"]]}))
    liste = [["Belægningsliste 2026 - Bostedet Engen"], ["Normerede pladser: 6"], [],
             ["Navn", "CPR", "Indflyttet", "Fraflyttet", "Betalingskommune", "Døgntakst"],
             ["Anna", "010190-1234", "01-01-2020", "30-06-2026", "Testkommune", 2100],
             ["Bo", "020185-1234", "01-02-2024", "", "Nabo Kommune", "2.500,00"],
             ["Carl", "150372-4321", "01-03-2025", "", "Testkommune", 2000],
             ["Belægning i alt", 3]]
    path = write_xlsx(tmp_path / "belaegning.xlsx", {"Bostedet Engen": liste})
    plan = prepare(db, path)
    status = {r.values["cpr"]: r.status for r in plan.records}
    assert status == {"010190-1234": "changed", "020185-1234": "new", "150372-4321": "skipped"}
    assert any("ingen bevilling" in w for r in plan.records for w in r.warnings)
    assert any("takst er 2.000,00, listen siger 2.100,00" in w for r in plan.records for w in r.warnings)
    res = commit(db, plan)
    assert (res["imported"], res["updated"], res["skipped"]) == (1, 1, 1)
    grants = {g.cpr: g for g in list_grants(db)}
    assert grants["010190-1234"].end == dt.date(2026, 6, 30)  # moved out: the grant ends
    bo = grants["020185-1234"]
    assert (bo.section, bo.unit, bo.paying_municipality, bo.provider, bo.rates[0].rate) == \
        ("§ 108", "døgn", "Nabo Kommune", "Bostedet Engen", Decimal("2500.00"))
    assert db.execute("SELECT places FROM providers WHERE name = 'Bostedet Engen'").fetchone()[0] == 6
    again = import_file(db, path)
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_vum_commit_goes_through_the_vum_module(db, samples):
    import_file(db, samples / "dispositionsregnskab_2026.xlsx")
    before = content(db)
    plan = prepare(db, samples / "vum_tildeling_2027.xlsx")
    try:
        import core.vum  # noqa: F401  (written in another area)
    except ImportError:
        with pytest.raises(DispoError, match="VUM-modulet"):
            commit(db, plan)
        assert content(db) == before and len(list_batches(db)) == 1
    else:
        res = commit(db, plan)
        assert res["imported"] + res["updated"] + res["unchanged"] + len(res["rejected"]) == len(plan.records)


def test_a_column_the_file_lacks_changes_nothing(demo_db, tmp_path):
    g = next(g for g in list_grants(demo_db) if g.unit not in ("time", "dag") and g.end is not None)
    rate = g.rates[0].rate
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato"],
            [g.cpr, g.section, g.provider, f"{rate}".replace(".", ","), g.start.isoformat()]]
    res = import_file(demo_db, write_xlsx(tmp_path / "kort.xlsx", {"Ark": rows}))
    assert (res["imported"], res["updated"], res["unchanged"]) == (0, 0, 1)


def test_debit_credit_marker_gives_the_sign(db, tmp_path):
    rows = [["Dato", "Konto", "Beløb", "D/K"], ["01-01-2026", "5.38.50", "100,00", "D"],
            ["02-01-2026", "5.38.50", "40,00", "K"]]
    res = import_file(db, write_csv(tmp_path / "dk.csv", rows))
    assert res["mapping"]["sign"] == "D/K"
    assert [r[0] for r in db.execute("SELECT amount_ore FROM postings ORDER BY date")] == [10000, -4000]


def test_two_kinds_that_fit_equally_are_not_guessed(tmp_path):
    from core.importing.matching import KindError

    rows = [["Konto", "Jan", "Feb", "Mar"], ["5.38.50", 1, 2, 3]]
    table = build_table(read_file(write_xlsx(tmp_path / "x.xlsx", {"Ark": rows}))[0])
    with pytest.raises(KindError, match="kan være både"):
        detect_kind(table)
    table.title = ["Budget 2027"]
    assert detect_kind(table)[0].code == "budget"


def test_first_and_last_name_columns_make_the_name(db, tmp_path):
    rows = [["CPR-nummer", "Fornavn", "Efternavn", "Paragraf", "Tilbud", "Døgntakst", "Bevilget fra"],
            ["010190-1234", "Anna", "Hansen", "§ 108", "Engen", "2.000,00", "01-01-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "n.xlsx", {"A": rows}))
    assert res["imported"] == 1
    assert db.execute("SELECT name FROM citizens").fetchone()[0] == "Anna Hansen"


def test_the_better_header_wins_when_two_columns_fit(db, tmp_path):
    rows = [["Bilagsdato", "Bogføringsdato", "Konto", "Beløb"], ["28-12-2025", "02-01-2026", "5.38.50", "100,00"]]
    res = import_file(db, write_csv(tmp_path / "to.csv", rows))
    assert res["mapping"]["date"] == "Bogføringsdato"
    assert db.execute("SELECT date FROM postings").fetchone()[0] == "2026-01-02"


@pytest.mark.parametrize("name,kind,municipality", [
    ("Fjordglimt (Nabo Kommune)", "kommune", "Nabo Kommune"), ("Nabo Kommune", "kommune", "Nabo Kommune"),
    ("Bo & Naboskab (Region)", "region", ""), ("Hjælperordning Nord ApS", "privat", ""),
    ("Fonden Lys", "privat", ""), ("Botilbuddet Skovbrynet", "egen", ""), ("Testby Kommune, diverse", "egen", ""),
])
def test_kind_of_a_new_provider_from_its_name(name, kind, municipality):
    from core.importing.providers import guess_kind

    assert guess_kind(name, "Testby Kommune") == (kind, municipality)


def test_undo_handles_any_table_with_a_batch_id(db, grants_file):
    # another area's table keyed without an ``id`` column, with rows in the batch
    db.execute("CREATE TABLE area_budgets (provider_id INTEGER REFERENCES providers(id), year INTEGER, "
               "amount_ore INTEGER, batch_id INTEGER REFERENCES batches(id), PRIMARY KEY (provider_id, year))")
    before = content(db)
    res = import_file(db, grants_file)
    pid = db.execute("SELECT id FROM providers ORDER BY id LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO area_budgets VALUES (?, 2027, 100, ?)", [pid, res["batch_id"]])
    undo(db, res["batch_id"])
    assert content(db) == before


def test_error_workbook_of_a_csv_with_control_characters(db, tmp_path):
    from openpyxl import load_workbook

    from core.importing.errors_workbook import write_error_workbook

    path = write_csv(tmp_path / "p.csv", [["Dato", "Konto", "Beløb", "Tekst"],
                                          ["01-01-2026", "5.38.50", "1\x1f00", "a\x07b"]])
    plan = prepare(db, path)
    assert len(plan.rejected) == 1
    out = write_error_workbook(tmp_path / "fejl.xlsx", plan, plan.rejected)
    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws[2]][:5] == [2, "01-01-2026", "5.38.50", "100", "ab"]


def test_a_profile_saved_when_underscores_were_part_of_a_header_word_is_still_found(db):
    import hashlib
    import json

    from core.importing.profiles import find_profile

    headers = ["CPR_NR", "Beløb", "Bogf. dato"]
    # the signature as earlier versions computed it: 'cpr_nr' one word, punctuation as spaces
    legacy = hashlib.sha1("cpr_nr|beløb|bogf dato".encode("utf-8")).hexdigest()
    db["import_profiles"].insert({"signature": legacy, "kind": "postings", "name": "Gammel profil",
                                  "mapping": json.dumps({"cpr": "CPR_NR"}), "created_at": "2026-01-05T10:00:00"})
    found = find_profile(db, headers, "postings")
    assert found is not None and found["name"] == "Gammel profil"
    # a profile saved now (under today's signature) wins over the old one
    save_profile(db, "postings", headers, {"cpr": "CPR_NR", "amount": "Beløb"}, name="Ny profil")
    assert find_profile(db, headers, "postings")["name"] == "Ny profil"
    assert find_profile(db, ["Helt", "Andre", "Kolonner"], "postings") is None
