"""Values far outside what the field and the rest of the file hold are warned about on their row
(preview, CLI, --json), never taken in silently; ordinary files get no such warning."""

from __future__ import annotations

import datetime as dt
import json

from core.importing.batches import prepare
from tests.conftest import run_cli
from tests.import_files import write_csv, write_xlsx

HEADER = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato", "Slutdato", "Sagsnr"]
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0: day numbers count from here


def _grants(rows):
    return [HEADER] + rows


def _row(i, start, end="", case=""):
    return [f"0{i}0190-1234", f"Borger {i}", "§ 108", "Bostedet", 2500, "pr. døgn", start, end, case]


def _warnings(plan):
    return [(w["row"], w["warning"]) for w in plan.warnings if "usandsynlig" in w["warning"]]


def test_a_five_digit_number_in_a_date_column_is_warned_about(tmp_path, db):
    path = write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(_with_a_day_number())})
    plan = prepare(db, path, "grants")
    (row, warning), = _warnings(plan)
    day = EXCEL_EPOCH + dt.timedelta(days=90000)  # 29-05-2146
    assert row == 9 and day.year == 2146
    assert warning.startswith(f"Startdato {day:%d-%m-%Y} (cellen: 90000) er usandsynlig (1950–")
    # the others' 5 % and 95 % quantiles by rank: of 7 dates (2021 ... 2027) the 1st and the 6th
    assert "de fleste af filens øvrige ligger fra 01-03-2021 til 01-03-2026" in warning
    assert "rigtige kolonne" in warning


def test_a_column_of_case_numbers_chosen_as_start_warns_on_every_row(tmp_path, db):
    # the user maps Startdato to 'Sagsnr' (five-digit numbers): every date lands in 1927 or 2146
    rows = [_row(1, dt.date(2024, 1, 1), case=10000), _row(2, dt.date(2024, 1, 1), case=90000),
            _row(3, dt.date(2024, 1, 1), case=10500)]
    path = write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(rows)})
    mapping = {"cpr": "CPR-nr.", "name": "Navn", "section": "Paragraf", "provider": "Leverandør", "rate": "Takst",
               "unit": "Enhed", "start": "Sagsnr"}
    plan = prepare(db, path, "grants", mapping=mapping)
    got = _warnings(plan)
    assert [r for r, _ in got] == [2, 3, 4]
    assert got[0][1].startswith(f"Startdato {EXCEL_EPOCH + dt.timedelta(days=10000):%d-%m-%Y}")  # 18-05-1927
    assert "filens øvrige" not in got[0][1]  # no ordinary value to compare with


def test_a_13_digit_amount_is_warned_about_in_the_cli_and_json(tmp_path):
    rows = [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"]]
    rows += [[f"0{d}-01-2026", "5.32.33", "4.0", f"{d}.000,00", "2006580648", "a", str(100 + d)] for d in range(1, 8)]
    rows += [["09-01-2026", "5.32.33", "4.0", "9876543210123", "2006580648", "b", "200"]]
    path = write_csv(tmp_path / "p.csv", rows)
    db = tmp_path / "d.sqlite"
    res = json.loads(run_cli("import", path, "--dry-run", "--json", db=db).stdout)
    odd = [w for w in res["warnings"] if "usandsynlig" in w["warning"]]
    assert [w["row"] for w in odd] == [9]
    # 9,876,543,210,123 kr. against a field bound of 100,000,000 kr. and the file's others (1.000 ... 7.000
    # kr.: the 95 % quantile by rank of 7 is the 6th, 6.000 kr.)
    assert odd[0]["warning"].startswith("Beløb 9.876.543.210.123,00 kr. er usandsynlig (højst 100.000.000 kr.; "
                                        "de fleste af filens øvrige er højst 6.000,00)")
    r = run_cli("import", path, "--dry-run", db=db)
    assert "række 9: Beløb 9.876.543.210.123,00 kr. er usandsynlig" in r.stdout


def test_ordinary_files_and_far_dates_the_whole_file_shares_give_no_warning(tmp_path, db):
    # every grant runs 'to 31-12-2099' (a finance system's 'no end'): the file's own habit, not an error
    rows = [_row(i, dt.date(2020 + i, 3, 1), end=dt.date(2099, 12, 31)) for i in range(1, 8)]
    plan = prepare(db, write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(rows)}), "grants")
    assert _warnings(plan) == []
    rows = [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"],
            ["03-01-2026", "5.32.33", "4.0", "44.792.003,00", "2006580648", "a", "1"],
            ["04-01-2026", "5.32.33", "4.0", "-1.000,00", "", "b", "2"]]
    assert _warnings(prepare(db, write_csv(tmp_path / "p.csv", rows))) == []


def test_an_unlikely_change_is_refused_only_when_changed_rows_are_updated(tmp_path):
    from tests.fuzzing import run_cli as run_here

    rows = [_row(i, dt.date(2020 + i, 3, 1), end=dt.date(2030, 12, 31)) for i in range(1, 8)]
    db_file = tmp_path / "d.sqlite"
    assert run_here("--db", db_file, "import", write_xlsx(tmp_path / "a.xlsx", {"Ark": _grants(rows)}))[0] == 0
    rows[6][7] = 90000  # next month's file: row 8's end date became a day number (29-05-2146)
    path = write_xlsx(tmp_path / "b.xlsx", {"Ark": _grants(rows)})
    # changed rows are kept by default: nothing unlikely is saved, so nothing to confirm
    code, out, _ = run_here("--db", db_file, "import", path)
    assert code == 0 and "række 8, end: 2030-12-31 → 2146-05-29" in out
    code, _, err = run_here("--db", db_file, "import", path, "--update-changed")
    assert code == 1 and "ark 'Ark' række 8, kolonne 'Slutdato' ('90000')" in err
    code, out, _ = run_here("--db", db_file, "import", path, "--update-changed", "--skip-unlikely", "--json")
    assert code == 0 and json.loads(out)["updated"] == 0 and [r["row"] for r in json.loads(out)["rejected"]] == [8]


def test_the_wizard_saves_unlikely_values_only_when_she_confirms_she_has_looked(qtbot, db_path, tmp_path):
    from gui.common.context import AppContext
    from gui.importing.import_wizard import ImportWizard
    from tests.gui.importing.test_import_gui import _walk_to_preview

    rows = _with_a_day_number()
    ctx = AppContext(db_path)
    try:
        wizard = _wizard_at_preview(qtbot, ctx, write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(rows)}))
        page = wizard.preview_page
        assert page.plan is not None and not page.isComplete()
        assert page.confirm_unlikely.isVisible()
        assert page.confirm_unlikely.text() == ("&Jeg har tjekket den usandsynlige værdi (gule rækker: 'usandsynlig') "
                                                "og vil gemme alligevel")
        page.confirm_unlikely.setChecked(True)
        assert page.isComplete()
        # an ordinary file asks nothing
        ok = write_xlsx(tmp_path / "ok.xlsx", {"Ark": _grants(rows[:-1])})
        plain = ImportWizard(ctx, ok)
        qtbot.addWidget(plain)
        _walk_to_preview(qtbot, plain)
        assert not plain.preview_page.confirm_unlikely.isVisible() and plain.preview_page.isComplete()
    finally:
        ctx.close()


def test_the_wizard_can_leave_the_rows_with_unlikely_values_out(qtbot, db_path, tmp_path):
    from PySide6.QtCore import Qt

    from core.register.grants import list_grants
    from gui.common.context import AppContext

    ctx = AppContext(db_path)
    try:
        wizard = _wizard_at_preview(qtbot, ctx, write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(_with_a_day_number())}))
        page = wizard.preview_page
        assert page.skip_unlikely.isVisible() and not page.isComplete()
        qtbot.mouseClick(page.skip_unlikely, Qt.MouseButton.LeftButton)
        # row 9 (the day number 90000) is now a rejected row with its reason; the rest can be saved
        assert page.isComplete() and page.confirm_unlikely.isHidden() and page.skip_unlikely.isHidden()
        assert "afvist 1" in page.counts.text()
        [rejected] = page.plan.rejected
        assert rejected["row"] == 9 and rejected["reason"].startswith("Udeladt: Startdato")
        wizard.next()
        qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=20000)
        # the seven ordinary rows: CPR 010190-1234 ... 070190-1234
        assert sorted(g.cpr for g in list_grants(ctx.db)) == [f"0{i}0190-1234" for i in range(1, 8)]
    finally:
        ctx.close()


def test_a_one_click_import_with_a_profile_stops_at_unlikely_values(qtbot, db_path, tmp_path):
    from PySide6.QtCore import Qt

    from core.importing.profiles import save_profile
    from core.register.grants import list_grants
    from gui.common.context import AppContext
    from gui.importing.import_wizard import ImportWizard

    ctx = AppContext(db_path)
    try:
        save_profile(ctx.db, "grants", HEADER, {"cpr": "CPR-nr.", "name": "Navn", "section": "Paragraf",
                                                "provider": "Leverandør", "rate": "Takst", "unit": "Enhed",
                                                "start": "Startdato", "end": "Slutdato"}, "Bostedet")
        wizard = ImportWizard(ctx, write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(_with_a_day_number())}))
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.next()
        qtbot.waitUntil(wizard.sheet_page.quick_button.isVisible, timeout=10000)
        qtbot.mouseClick(wizard.sheet_page.quick_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20000)
        qtbot.wait(200)  # a one-click import would have moved on to saving by now
        # it stops at the preview and asks, as any import does; nothing is saved
        assert wizard.currentPage() is wizard.preview_page and wizard.commit_page.result is None
        assert wizard.preview_page.confirm_unlikely.isVisible() and not wizard.preview_page.isComplete()
        assert not wizard.preview_page.validatePage()  # the page itself refuses to go on unconfirmed
        assert list_grants(ctx.db) == []
    finally:
        ctx.close()


def _with_a_day_number() -> list[list]:
    """Seven grants starting 2021 ... 2027 and one whose start is the day number 90000 (29-05-2146)."""
    return [_row(i, dt.date(2020 + i, 3, 1)) for i in range(1, 8)] + [_row(8, 90000)]


def _wizard_at_preview(qtbot, ctx, path):
    from gui.importing.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, path)
    qtbot.addWidget(wizard)
    _walk_to_preview_unconfirmed(qtbot, wizard)
    return wizard


def _walk_to_preview_unconfirmed(qtbot, wizard):
    """File, sheet, mapping, preview: up to a preview that has its plan (complete or not)."""
    wizard.show()
    for ready in (wizard.sheet_page.isComplete, None, lambda: wizard.preview_page.plan is not None):
        wizard.next()
        if ready is not None:
            qtbot.waitUntil(ready, timeout=10000)


# ---------------------------------------------------------------- unlikely values are confirmed in the CLI

def _bookings_with_a_13_digit_amount(tmp_path):
    rows = [["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Tekst", "Bilagsnr"]]
    rows += [[f"0{d}-01-2026", "5.32.33", "4.0", f"{d}.000,00", "2006580648", "a", str(100 + d)] for d in range(1, 8)]
    rows += [["09-01-2026", "5.32.33", "4.0", "9876543210123", "2006580648", "b", "200"]]
    return write_csv(tmp_path / "p.csv", rows)


def _stored(db_file):
    from core.store.storage import open_db, query

    db = open_db(db_file)
    try:
        return ([(r["date"], r["amount_ore"]) for r in query(db, "SELECT date, amount_ore FROM postings ORDER BY id")],
                len(query(db, "SELECT id FROM batches")))
    finally:
        db.close()


def test_the_cli_saves_no_unlikely_value_unless_confirmed(tmp_path):
    from tests.fuzzing import run_cli as run_here

    path = _bookings_with_a_13_digit_amount(tmp_path)
    db_file = tmp_path / "d.sqlite"
    code, out, err = run_here("--db", db_file, "import", path)
    assert code == 1 and out == ""
    assert err.startswith("Fejl: Intet er gemt: 'p.csv' har 1 usandsynlig værdi på 1 række")
    # the place, the cell as written and why; then the two ways on
    assert ("ark 'p' række 9, kolonne 'Beløb' ('9876543210123'): Beløb 9.876.543.210.123,00 kr. er usandsynlig "
            "(højst 100.000.000 kr.") in err
    assert "--accept-unlikely" in err and "--skip-unlikely" in err
    assert _stored(db_file) == ([], 0)  # nothing saved, no import recorded

    # confirmed: all eight rows, the odd amount as written (9.876.543.210.123 kr. = 987.654.321.012.300 øre)
    code, out, err = run_here("--db", db_file, "import", path, "--accept-unlikely")
    assert (code, err) == (0, "")
    assert "Usandsynlige værdier gemt, som du bekræftede med --accept-unlikely: 1" in out
    postings, batches = _stored(db_file)
    assert batches == 1 and len(postings) == 8
    assert postings[-1] == ("2026-01-09", 987_654_321_012_300)


def test_the_cli_can_leave_the_rows_with_unlikely_values_out(tmp_path):
    from tests.fuzzing import run_cli as run_here

    path = _bookings_with_a_13_digit_amount(tmp_path)
    db_file = tmp_path / "d.sqlite"
    code, out, err = run_here("--db", db_file, "import", path, "--skip-unlikely", "--json")
    assert (code, err) == (0, "")
    res = json.loads(out)
    assert (res["imported"], res["unlikely"], res["questions"]) == (7, [], [])
    [rejected] = res["rejected"]
    assert (rejected["row"], rejected["column"], rejected["value"]) == (9, "Beløb", "9876543210123")
    assert rejected["reason"].startswith("Udeladt: Beløb 9.876.543.210.123,00 kr. er usandsynlig")
    # the seven ordinary bookings of 1.000 ... 7.000 kr., in øre
    assert _stored(db_file) == ([(f"2026-01-0{d}", d * 100_000) for d in range(1, 8)], 1)
    # the two options exclude each other (a usage error)
    assert run_here("--db", db_file, "import", path, "--skip-unlikely", "--accept-unlikely")[0] == 2


def test_dry_run_and_json_list_the_unlikely_values(tmp_path):
    from tests.fuzzing import run_cli as run_here

    path = _bookings_with_a_13_digit_amount(tmp_path)
    db_file = tmp_path / "d.sqlite"
    code, out, _ = run_here("--db", db_file, "import", path, "--dry-run", "--json")
    assert code == 0
    [u] = json.loads(out)["unlikely"]
    assert {k: u[k] for k in ("sheet", "row", "column", "field", "value")} == {
        "sheet": "p", "row": 9, "column": "Beløb", "field": "amount", "value": "9876543210123"}
    assert u["reason"].startswith("Beløb 9.876.543.210.123,00 kr. er usandsynlig")
    code, out, _ = run_here("--db", db_file, "import", path, "--dry-run")
    assert code == 0
    assert "Usandsynlige værdier (se ovenfor): 1. De gemmes kun med --accept-unlikely" in out
    assert _stored(db_file) == ([], 0)


def test_an_xlsx_date_that_is_a_day_number_far_off_is_refused_until_confirmed(tmp_path):
    from tests.fuzzing import run_cli as run_here

    path = write_xlsx(tmp_path / "g.xlsx", {"Ark": _grants(_with_a_day_number())})
    db_file = tmp_path / "d.sqlite"
    code, _, err = run_here("--db", db_file, "import", path, "--kind", "grants")
    day = EXCEL_EPOCH + dt.timedelta(days=90000)  # 29-05-2146
    assert code == 1
    assert f"ark 'Ark' række 9, kolonne 'Startdato' ('90000'): Startdato {day:%d-%m-%Y} (cellen: 90000)" in err
    code, out, _ = run_here("--db", db_file, "import", path, "--kind", "grants", "--accept-unlikely", "--json")
    assert code == 0, out
    res = json.loads(out)
    assert res["imported"] == 8 and [(u["row"], u["value"]) for u in res["unlikely"]] == [(9, "90000")]
