"""A second dataset built through the CLI, recomputed independently and compared with every surface.

The samples in ../shared/regneark are imported as she would (grants, occupancy, bookings), the
own municipality is set, three grants and their bookings are imported from files written here,
the year's refund thresholds and the framework agreement's occupancy target are entered as 2026
values (the settings that change figures), budgets are set on an account, on a section and on
both, a refund budget and an expected citizen are added. One grant gets a new rate from
15-07-2026 through the register (there is no CLI command for one grant's rate change).

The independent recomputation is ``tests.test_independent_figures.Independent`` (plain SQL and
DOMAIN.md's rules, no Dispo arithmetic); the figures of the grants added here are also worked
by hand below, so a mistake common to both would still show.

By hand (2026 has 365 days; as of 31-10-2026: 304 days to date, 61 after):

- Test Midtår 010190-1001, § 108 (5.38.50), 2.345,67 kr./døgn from 1 Jan, 2.500,01 from 15 Jul:
  to date 195 × 2.345,67 = 457.405,65 + 109 × 2.500,01 = 272.501,09 → 729.906,74;
  rest 61 × 2.500,01 = 152.500,61; year 882.407,35.
- Test Slut 020290-2002, § 107 (5.38.52), 1.999,99 kr./døgn 10-02 – 17-07 (19+31+30+31+30+17 =
  158 days): 315.998,42, all to date. Booked 37.999,81 + 61.999,69 − 1.999,99 (a credit note)
  = 97.999,51; no booking after April (months without bookings).
- Test Dyr 030390-3003, § 108, 9.123,45 kr./døgn all year: to date 304 × 9.123,45 = 2.773.528,80,
  rest 61 × 9.123,45 = 556.530,45, year 3.330.059,25. Booked 282.826,95 on 5.38.50 and 1.000,00
  on 5.38.52, where she has no grant (a posting without a grant).
- § 176 with 2026's thresholds 800.000 / 1.500.000 / 2.000.000: Test Dyr 25 % × 700.000 +
  50 % × 500.000 + 75 % × 1.330.059,25 = 175.000 + 250.000 + 997.544,4375 → 1.422.544,44;
  Test Midtår 25 % × 82.407,35 = 20.601,8375 → 20.601,84; Test Slut under 800.000: none.
  With 2022's (860.000 / 1.680.000 / 2.120.000) Test Dyr would get 205.000 + 220.000 +
  907.544,4375 → 1.332.544,44: the 2026 values must be the ones used everywhere.
- Budgets: 5.32.32 50.000.000 on the account and 20.000.000 on § 95 (breaking it down), 5.38.50
  25.000.000 on the account, 5.38.52 17.000.000 on § 107 only. "Drift i alt" 92.000.000. 5.38.50's
  grants are all § 108, so its budget is § 108's (the account is the section). "Ikke fordelt på
  paragraf": 5.32.32 50 − 20 = 30.000.000 (§ 95 and § 96 share the account), 5.38.50 and 5.38.52
  none; at the section level 30.000.000.
- Refund budget 20.000.000 (income: -20.000.000); grand total budget 92 − 20 = 72.000.000.
- Expected citizen, § 108 2.000 kr./døgn from 15-11-2026: 16 + 31 = 47 days = 94.000,00, all committed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_independent_figures import (Independent, _sum, check_forecast, cli_json, independent_occupancy,
                                            ore, overview_rows, rha)

AS_OF = dt.date(2026, 10, 31)
UNALLOCATED = "Ikke fordelt på paragraf"

EXTRA_GRANTS = """CPR-nr.;Navn;Paragraf;Leverandør;Takst;Enhed;Startdato;Slutdato
010190-1001;Test Midtår;§ 108;Botilbud Nyvej;2345,67;døgn;01-01-2026;
020290-2002;Test Slut;§ 107;Privat Bo ApS;1999,99;døgn;10-02-2026;17-07-2026
030390-3003;Test Dyr;§ 108;Privat Bo ApS;9123,45;døgn;01-01-2026;
"""
EXTRA_POSTINGS = """Bogf.dato;Dranst;Funktion;Art;Beløb;CPR-nr;Posteringstekst;Bilagsnr
05-03-2026;1;5.38.52;4.0;37.999,81;0202902002;Privat Bo ApS 02-2026;900001
05-04-2026;1;5.38.52;4.0;61.999,69;0202902002;Privat Bo ApS 03-2026;900002
05-05-2026;1;5.38.52;4.0;-1.999,99;0202902002;Kreditnota;900003
10-02-2026;1;5.38.50;4.0;282.826,95;0303903003;Privat Bo ApS 01-2026;900004
10-06-2026;1;5.38.52;4.0;1.000,00;0303903003;Fejlkonteret;900005
"""

BY_HAND = {  # cpr: (computed_to_date, committed_rest, booked_to_date) in øre
    "010190-1001": (72990674, 15250061, 0),
    "020290-2002": (31599842, 0, 9799951),
    "030390-3003": (277352880, 55653045, 28282695),
}


def ok(*args, db):
    res = run_cli(*args, db=db)
    assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res.stdout


def build_second(path: Path, folder: Path, *, settings_2026: bool = True) -> Path:
    """The second dataset, through the CLI (the one rate change through the register)."""
    from tests.conftest import SAMPLES

    if not SAMPLES.is_dir():
        pytest.skip("the sample spreadsheets (../shared/regneark) are not next to this checkout")
    for name in ("dispositionsregnskab_2026.xlsx", "belaegningsliste_2026.xlsx", "bogfoering_jan-okt_2026.csv"):
        ok("import", SAMPLES / name, db=path)
    ok("settings", "set", "municipality", "Eksempel Kommune", db=path)
    (folder / "bevillinger.csv").write_text(EXTRA_GRANTS, encoding="utf-8")
    (folder / "posteringer.csv").write_text(EXTRA_POSTINGS, encoding="utf-8")
    ok("import", folder / "bevillinger.csv", db=path)
    ok("import", folder / "posteringer.csv", db=path)
    from core.register.grants import change_rate
    from core.store.storage import open_db

    db = open_db(path)
    try:
        grant = db.execute("SELECT g.id FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                           "WHERE c.cpr = '010190-1001'").fetchone()[0]
        change_rate(db, grant, dt.date(2026, 7, 15), "2500.01")
    finally:
        db.close()
    ok("budget", "set", "--year", 2026, "--account", "5.32.32", "--amount", "50000000", db=path)
    ok("budget", "set", "--year", 2026, "--account", "5.32.32", "--section", "§ 95", "--amount", "20000000", db=path)
    ok("budget", "set", "--year", 2026, "--account", "5.38.50", "--amount", "25000000", db=path)
    ok("budget", "set", "--year", 2026, "--account", "5.38.52", "--section", "§ 107", "--amount", "17000000",
       db=path)
    ok("budget", "set", "--year", 2026, "--refund", "20000000", db=path)
    ok("expected", "add", "--name", "Kommende Ung", "--section", "§ 108", "--rate", "2000", "--start", "15-11-2026",
       db=path)
    if settings_2026:
        for kind, value in (("refund_t1", 800000), ("refund_t2", 1500000), ("refund_t3", 2000000),
                            ("occupancy_target", 90)):
            ok("satser", "set", "--year", 2026, kind, value, db=path)
        ok("settings", "set", "reconcile_threshold", "1000", db=path)
    return path


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("second")
    return build_second(folder / "second.sqlite", folder)


def copy_of(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / path.name
    shutil.copy(path, target)
    return target


# ------------------------------------------------------------------ CLI

@pytest.mark.parametrize("as_of", ["2026-01-31", "2026-07-14", "2026-07-15", "2026-07-17", "2026-10-31",
                                   "2026-12-31"])
def test_second_forecast_recomputed_at_every_level(second, as_of):
    """forecast --json at every level equals the recomputation, on both sides of the rate change
    and the grant's end day."""
    check_forecast(second, 2026, as_of)


def test_second_by_hand_grants_and_lines(second):
    data = cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "grant")
    for row in data["rows"]:
        if row["cpr"] in BY_HAND:
            want = BY_HAND[row["cpr"]]
            assert (ore(row["computed_to_date"]), ore(row["committed_rest"]), ore(row["booked_to_date"])) == want
    lines = {line["name"]: line for line in data["lines"]}
    assert ore(lines["Kommende borgere"]["committed_rest"]) == 9400000  # 47 × 2.000
    refund = lines["Forventet refusion (§ 176)"]
    assert ore(refund["budget"]) == -2000000000
    assert ore(refund["deviation"]) == ore(refund["expected_outturn"]) + 2000000000
    total, grand = data["total"], data["grand_total"]
    assert ore(total["budget"]) == 9200000000  # 50 + 25 + 17 mio.
    assert ore(grand["budget"]) == 7200000000  # 92 − 20 mio.
    assert ore(grand["deviation"]) == ore(grand["expected_outturn"]) - 7200000000
    unmatched = data["unmatched"]
    ind = Independent(second, 2026)
    ind.forecast(AS_OF)
    assert ore(unmatched["booked_to_date"]) == ind.unmatched
    assert ind.unmatched_by_account["5.38.52"] >= 100000  # Test Dyr's 1.000,00 on an account without her grant


def test_second_refund_uses_the_years_own_thresholds_everywhere(second, tmp_path):
    """The 2026 thresholds entered as yearly values are used by the refund command, the forecast's
    refund line, the workbook's sheet and the printed note; no surface names 2022."""
    ind = Independent(second, 2026)
    rows = ind.forecast(AS_OF)
    mine = ind.refund(rows)
    assert mine["030390-3003"] == 142254444 and mine["010190-1001"] == 2060184  # by hand, see the docstring
    assert "020290-2002" not in mine
    got = cli_json(second, "refund", "--year", 2026, "--as-of", "2026-10-31")
    assert got["thresholds_year"] == 2026 and not any("2022" in w for w in got["warnings"])
    assert {r["cpr"]: ore(r["refund"]) for r in got["rows"]} == mine
    line = next(x for x in cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31")["lines"]
                if x["name"] == "Forventet refusion (§ 176)")
    assert ore(line["expected_outturn"]) == -sum(mine.values())
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "m.xlsx"
    ok("report", "monthly", "--year", 2026, "--as-of", "31-10-2026", "--out", out, db=second)
    ws = openpyxl.load_workbook(out)["Refusion"]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    text = " ".join(str(v) for r in cells for v in r if isinstance(v, str))
    assert "tærskelværdier for 2026" in text and "2022" not in text
    by_cpr = {r[0]: r for r in cells if isinstance(r[0], str) and re.fullmatch(r"\d{6}-\d{4}", r[0])}
    head = next(r for r in cells if r[0] == "CPR-nr.")
    col = head.index("Forventet refusion")
    assert {cpr: ore(r[col]) for cpr, r in by_cpr.items()} == mine


def test_the_thresholds_setting_changes_the_refund(tmp_path):
    """Before the 2026 values are entered, 2022's are used and said (Test Dyr 1.332.544,44 by hand);
    entering them changes the figure on the refund command and the forecast line alike."""
    path = build_second(tmp_path / "before.sqlite", tmp_path, settings_2026=False)
    got = cli_json(path, "refund", "--year", 2026, "--as-of", "2026-10-31")
    by_cpr = {r["cpr"]: ore(r["refund"]) for r in got["rows"]}
    assert got["thresholds_year"] == 2022 and by_cpr["030390-3003"] == 133254444
    ok("satser", "set", "--year", 2026, "refund_t1", 800000, db=path)
    ok("satser", "set", "--year", 2026, "refund_t2", 1500000, db=path)
    ok("satser", "set", "--year", 2026, "refund_t3", 2000000, db=path)
    got = cli_json(path, "refund", "--year", 2026, "--as-of", "2026-10-31")
    by_cpr = {r["cpr"]: ore(r["refund"]) for r in got["rows"]}
    assert got["thresholds_year"] == 2026 and by_cpr["030390-3003"] == 142254444
    line = next(x for x in cli_json(path, "forecast", "--year", 2026, "--as-of", "2026-10-31")["lines"]
                if x["name"] == "Forventet refusion (§ 176)")
    assert ore(line["expected_outturn"]) == -sum(by_cpr.values())


def test_the_framework_occupancy_target_is_the_years_value(second, tmp_path):
    """A facility without its own target is compared with the framework agreement's yearly value
    (it had no target at all: the sats was never read). 2026: 90 %; 2027 has none, so 2026's, and
    the note names the year. The months are the recomputation's."""
    got = cli_json(second, "occupancy", "--year", 2026)
    assert got["rows"] and all(r["target"] == 90.0 and r["target_year"] == 2026 for r in got["rows"])
    assert all(r["below_target"] == (r["occupancy"] < 90.0) for r in got["rows"])
    assert any("90,0 % (sats for 2026)" in w for w in got["warnings"])
    mine = independent_occupancy(second, Independent(second, 2026), 2026)
    for r in got["rows"]:
        m = mine[(r["provider"], r["month"])]
        assert (r["capacity"], ore(r["occupied"]), ore(r["sold"])) == (m["capacity"], m["occupied"], m["sold"])
    later = cli_json(second, "occupancy", "--year", 2027)
    assert all(r["target"] == 90.0 and r["target_year"] == 2026 for r in later["rows"])
    text = ok("occupancy", "--year", 2026, db=second)
    assert "90,0 %" in text and "sats for 2026" in text
    # a facility's own target wins over the agreement's
    path = copy_of(second, tmp_path)
    import sqlite3

    con = sqlite3.connect(path)
    with con:
        name = con.execute("SELECT name FROM providers WHERE kind = 'egen' AND places > 0 ORDER BY name").fetchone()[0]
        con.execute("UPDATE providers SET occupancy_target = '97.5' WHERE name = ?", [name])
    con.close()
    rows = cli_json(path, "occupancy", "--year", 2026)["rows"]
    assert {(r["target"], r["target_year"]) for r in rows if r["provider"] == name} == {(97.5, None)}
    assert {(r["target"], r["target_year"]) for r in rows if r["provider"] != name} == {(90.0, 2026)}


def test_occupancy_without_any_target_shows_none(tmp_path):
    """No provider target and no yearly value: no target, nothing below it, no note."""
    from core.followup.occupancy import occupancy, target_note
    from core.register.providers import create_provider
    from core.store.storage import open_db

    db = open_db(tmp_path / "t.sqlite")
    try:
        db.execute("DELETE FROM satser WHERE kind = 'occupancy_target'")
        create_provider(db, "Eget Bo", "egen", places=2)
        months = occupancy(db, 2026)
        assert months and all(m.target is None and not m.below_target for m in months)
        assert target_note(months) is None
    finally:
        db.close()


def test_the_section_level_adds_up_to_drift_i_alt(second):
    """forecast --by section: the budget kept on an account of several sections is the line "Ikke
    fordelt på paragraf" (30.000.000 by hand), § 108 has 5.38.50's 25.000.000, so every summed
    column of the lines is "Drift i alt"'s."""
    data = cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "section")
    rest = next(r for r in data["rows"] if r["name"] == UNALLOCATED)
    assert (ore(rest["budget"]), ore(rest["expected_outturn"]), ore(rest["deviation"])) == \
        (3000000000, 0, -3000000000)
    sections = {r["section"]: r for r in data["rows"] if r["section"]}
    assert ore(sections["§ 95"]["budget"]) == 2000000000 and ore(sections["§ 107"]["budget"]) == 1700000000
    assert ore(sections["§ 108"]["budget"]) == 2500000000 and sections["§ 96"]["budget"] is None
    assert ore(sections["§ 108"]["deviation"]) == ore(sections["§ 108"]["expected_outturn"]) - 2500000000
    for key in ("budget", "booked_to_date", "computed_to_date", "committed_rest", "expected_outturn"):
        assert sum(ore(r[key]) for r in data["rows"] if r[key] is not None) == ore(data["total"][key]), key
    text = ok("forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "section", db=second)
    assert UNALLOCATED in text and "30.000.000,00" in text and "-30.000.000,00" in text


# ------------------------------------------------------------------ the workbook and the print

def test_second_workbook_overview_adds_up_and_equals_the_recomputation(second, tmp_path):
    """The overview sheet recalculated by LibreOffice: every account's lines add up to its
    subtotal, the subtotals to "Drift i alt", "I alt" is Drift and the lines; the "Ikke fordelt på
    paragraf" lines carry the budget kept on the account with their own deviation (not red)."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "m.xlsx"
    ok("report", "monthly", "--year", 2026, "--as-of", "31-10-2026", "--out", out, db=second)
    _, sheet = overview_rows(out, tmp_path)
    ind = Independent(second, 2026)
    rows = ind.forecast(AS_OF)
    outturn = _sum(rows, "to_date", lambda r: r["account"])
    for k, v in _sum(rows, "rest", lambda r: r["account"]).items():
        outturn[k] += v

    def cell(row, name):
        v = row.get(name)
        return None if v in (None, "") else ore(v)

    subtotal = {r["Konto"][:-6]: r for r in sheet if re.fullmatch(r"[\d.]+ i alt", r["Konto"] or "")}
    for account, value in outturn.items():
        assert cell(subtotal[account], "Forventet regnskab") == value, account
    rest = {r["Konto"]: r for r in sheet if r["Tekst"] == UNALLOCATED}
    assert (cell(rest["5.32.32"], "Budget"), cell(rest["5.32.32"], "Afvigelse")) == (3000000000, -3000000000)
    assert cell(rest["5.38.50"], "Budget") is None and cell(rest["5.38.50"], "Afvigelse") is None
    section_108 = next(r for r in sheet if r["Paragraf"] == "§ 108")
    assert cell(section_108, "Budget") == 2500000000
    assert cell(section_108, "Afvigelse") == outturn["5.38.50"] - 2500000000
    assert cell(rest["5.38.52"], "Budget") is None and cell(rest["5.38.52"], "Afvigelse") is None
    for r in rest.values():
        if cell(r, "Afvigelse") is not None:
            assert cell(r, "Mængdeeffekt") + cell(r, "Priseffekt") == cell(r, "Afvigelse")
    assert cell(subtotal["5.38.52"], "Budget") == 1700000000
    # every account's detail lines add up to its subtotal in the summed columns
    for account, total in subtotal.items():
        lines = [r for r in sheet if r["Konto"] == account]
        for name in ("Budget", "Bogført til dato", "Beregnet til dato", "Disponeret resten af året",
                     "Forventet regnskab", "Helårspersoner", "Priseffekt"):
            want = cell(total, name)
            if want is not None:
                assert sum(cell(r, name) or 0 for r in lines) == want, (account, name)
        if cell(total, "Budget") is not None:
            assert cell(total, "Afvigelse") == cell(total, "Forventet regnskab") - cell(total, "Budget")
    by_label = {(r["Konto"] or r["Tekst"]): r for r in sheet}
    drift = by_label["Drift i alt"]
    assert cell(drift, "Budget") == 9200000000 == sum(cell(r, "Budget") or 0 for r in subtotal.values())
    assert cell(drift, "Forventet regnskab") == sum(outturn.values())
    grand = by_label["I alt"]
    assert cell(grand, "Budget") == 7200000000
    assert cell(grand, "Afvigelse") == cell(grand, "Forventet regnskab") - 7200000000
    # the deviation of a line holding only budget is an underspend: not in the warning colour
    from core.reports import WARNING_COLOUR

    ws = openpyxl.load_workbook(out)["Oversigt"]
    values = [[c for c in r] for r in ws.iter_rows()]
    head = next(r for r in values if r[0].value == "Konto")
    dev = [c.value for c in head].index("Afvigelse")
    for r in values:
        if r[2].value == UNALLOCATED and r[dev].value is not None:
            colour = r[dev].font.color.rgb if r[dev].font and r[dev].font.color else None
            assert not (isinstance(colour, str) and colour.endswith(WARNING_COLOUR)), r[0].value


def _danish_numbers(line: str) -> list[int]:
    return [int(m.replace(".", "").replace(",", "")) for m in re.findall(r"-?\d{1,3}(?:\.\d{3})*,\d{2}", line)]


def test_second_pdf_prints_the_figures_of_the_forecast(second, tmp_path):
    """pdftotext of the printed overview: "Drift i alt", the separate lines and "I alt" carry the
    forecast's figures; the "Ikke fordelt på paragraf" lines their budget and own deviation; the
    refund note names 2026, the occupancy sheet the agreement's 90 %."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    out = tmp_path / "m.pdf"
    ok("report", "monthly", "--year", 2026, "--as-of", "31-10-2026", "--out", out, db=second)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = text.splitlines()
    data = cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "account")
    order = ("budget", "booked_to_date", "computed_to_date", "committed_rest", "expected_outturn", "deviation")

    def first(prefix):
        return next(line for line in lines if line.strip().startswith(prefix))

    assert _danish_numbers(first("Drift i alt"))[:6] == [ore(data["total"][k]) for k in order]
    assert _danish_numbers(first("I alt")) == [ore(data["grand_total"][k]) for k in order]
    for line in data["lines"]:
        assert _danish_numbers(first(line["name"])) == [ore(line[k]) for k in order if line[k] is not None]
    rest = [line for line in lines if UNALLOCATED in line and line.strip().startswith("5.3")]
    by_account = {line.split()[0]: _danish_numbers(line) for line in rest}
    assert by_account["5.32.32"][:1] == [3000000000] and -3000000000 in by_account["5.32.32"]
    assert "tærskelværdier for 2026" in text
    assert "90,0 % (sats for 2026)" in text


def test_second_workbook_sheets_equal_the_forecast(second, tmp_path):
    """The sheets beside the overview: "Borgere" (per grant, with the postings without a grant)
    totals the forecast's Drift i alt; "Kommende borgere" the expected line (94.000,00 by hand);
    "Belægning" the occupancy with the 90 % target."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "m.xlsx"
    ok("report", "monthly", "--year", 2026, "--as-of", "31-10-2026", "--out", out, db=second)
    wb = openpyxl.load_workbook(out)
    data = cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "grant")

    def table(name, first_heading):
        cells = [[c.value for c in r] for r in wb[name].iter_rows()]
        head = next(i for i, r in enumerate(cells) if r[0] == first_heading)
        return cells[head], cells[head + 1:]

    head, body = table("Borgere", "CPR-nr.")
    col = {h: i for i, h in enumerate(head)}
    details = [r for r in body if r[0] not in (None, "I alt") or (r[0] is None and r[1])]
    for name, key in (("Beregnet til dato", "computed_to_date"), ("Disponeret resten af året", "committed_rest"),
                      ("Bogført til dato", "booked_to_date")):
        assert sum(ore(r[col[name]]) for r in details if r[col[name]] is not None) == ore(data["total"][key]), name
    by_cpr = {}
    for r in details:
        if r[0] in BY_HAND:
            by_cpr[r[0]] = (ore(r[col["Beregnet til dato"]]), ore(r[col["Disponeret resten af året"]]),
                            ore(r[col["Bogført til dato"]]))
    assert by_cpr == BY_HAND
    head, body = table("Kommende borgere", "CPR-nr./midl. nr.")
    expected = [r[head.index("Forventet i året")] for r in body if r[0] and r[0] != "I alt"]
    assert sum(ore(v) for v in expected) == 9400000  # the total row is a SUBTOTAL formula over these
    head, body = table("Belægning", "Tilbud")
    targets = {r[head.index("Mål")] for r in body if r[1] and r[1] != "året"}  # the months
    assert targets == {0.9}


def test_trend_and_key_figures_show_the_forecasts_expected_outturn_to_the_ore(second):
    """trend and keyfigures computed the year as of 31 December (each grant's whole year rounded
    once) while the follow-up computes as of its default date (to date and rest rounded apart):
    5.32.33 showed 3.485.062,47 against the forecast's 3.485.062,48. Now every surface shows the
    recomputation's figure of the default date (31-10-2026 here: the newest booking is in October)."""
    ind = Independent(second, 2026)
    rows = ind.forecast(AS_OF)
    outturn = {level: _sum(rows, "to_date", lambda r, lv=level: r[lv]) for level in ("account", "section")}
    for level in outturn:
        for k, v in _sum(rows, "rest", lambda r, lv=level: r[lv]).items():
            outturn[level][k] += v
    trend = cli_json(second, "trend", "--from", 2026, "--to", 2026, "--by", "account")
    trend_rows = trend["rows"] if isinstance(trend, dict) else trend
    assert {r["key"]: ore(r["expenses"]) for r in trend_rows} == dict(outturn["account"])
    figures = cli_json(second, "keyfigures", "--year", 2026, "--by", "section")
    figure_rows = figures["rows"] if isinstance(figures, dict) else figures
    assert {r["key"]: ore(r["expected_outturn"]) for r in figure_rows} == dict(outturn["section"])


def test_the_unit_report_totals_are_the_sections_figures(second, tmp_path):
    """unit-report --section: its total's full-year equivalents and average price are the
    section's in the forecast (and the recomputation's); the total's average price was the ratio
    of the rounded cells (§ 108: 27.052.531,45 / 17,91 = 1.510.470,77 against the forecast's
    1.510.505,43 from the exact full-year equivalents). The money columns' lines add up to it."""
    openpyxl = pytest.importorskip("openpyxl")
    data = cli_json(second, "forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "section")
    ind = Independent(second, 2026)
    fyes = ind.fye(lambda g: g["section"])
    for row in (r for r in data["rows"] if r["section"] in ("§ 108", "§ 107", "§ 85")):
        out = tmp_path / f"u{row['section'][2:]}.xlsx"
        ok("unit-report", "--year", 2026, "--section", row["section"], "--as-of", "31-10-2026", "--out", out,
           db=second)
        cells = [[c.value for c in r] for r in openpyxl.load_workbook(out).worksheets[0].iter_rows()]
        head = next(i for i, r in enumerate(cells) if r[0] == "Leverandør")
        col = {h: i for i, h in enumerate(cells[head])}
        body = cells[head + 1:]
        total = next(r for r in body if r[0] == "I alt")
        lines = body[:body.index(total)]
        assert total[col["Helårspersoner"]] == row["full_year_equivalents"]
        assert ore(total[col["Gns. pris pr. helårsperson"]]) == ore(row["average_price"]), row["section"]
        fye = fyes[row["section"]]
        # average price = expected outturn (øre) / the exact full-year equivalents, rounded once
        assert ore(row["average_price"]) == rha(Fraction(ore(row["expected_outturn"])) / fye)
        assert sum(ore(r[col["Forventet regnskab"]]) for r in lines) == ore(row["expected_outturn"])


def test_reconcile_rows_are_the_forecasts_and_name_one_difference(second):
    """reconcile --json: computed is the recomputation's computed to date per citizen and account,
    booked the postings; the difference column is booked − computed, and the message's amount is
    the distance to what is expected invoiced by now, no longer also called "difference".
    Test Midtår by hand: due by 31-10 − 45 days' invoice lag = 16-09, so invoiced through 31-08:
    457.405,65 + 48 × 2.500,01 = 577.406,13; computed 729.906,74; booked 0."""
    data = cli_json(second, "reconcile", "--year", 2026, "--as-of", "2026-10-31", "--all")
    ind = Independent(second, 2026)
    rows = ind.forecast(AS_OF)
    computed = _sum(rows, "to_date", lambda r: (r["cpr"], r["account"]))
    for r in data["rows"]:
        assert ore(r["computed"]) == computed.get((r["cpr"], r["account"]), 0), r["cpr"]
        assert ore(r["difference"]) == ore(r["booked"]) - ore(r["computed"])
    midt = next(r for r in data["rows"] if r["cpr"] == "010190-1001")
    assert (ore(midt["booked"]), ore(midt["due"]), ore(midt["computed"])) == (0, 57740613, 72990674)
    assert "mellem 577.406,13 og 729.906,74 kr.: 577.406,13 kr. under det forventede" in " ".join(midt["messages"])
    assert not any("difference" in m for r in data["rows"] for m in r["messages"])
