"""The monthly overview: the sheet layout from forecast rows, and (when the forecast module is
part of the build) the workbook against the forecast figures and hand-computed anchors."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.reports import DETAIL, SUBTOTAL, TOTAL
from core.reports.monthly import UNALLOCATED, build_overview, top_deviations
from core.reports.xlsx_writer import write_tables
from tests.reports.xlsx_check import evaluate, load

D = Decimal
FIELDS = ("budget", "booked_to_date", "computed_to_date", "committed_rest", "expected_outturn", "deviation",
          "full_year_equivalents", "average_price", "volume_effect", "price_effect")


def frow(account, section=None, **figures):
    values = {k: D(0) for k in FIELDS} | {k: D(v) for k, v in figures.items()}
    return SimpleNamespace(account=account, section=section, **values)


def test_sections_sit_under_their_account_and_differences_are_shown(tmp_path):
    by_section = [
        frow("5.38.50", "§ 108", budget="1000", expected_outturn="1200", deviation="200",
             full_year_equivalents="2", average_price="600", volume_effect="150", price_effect="50"),
        frow("5.32.32", "§ 95", budget="300", expected_outturn="250", deviation="-50", full_year_equivalents="1",
             average_price="250"),
        frow("5.32.32", "§ 96", budget="500", expected_outturn="700", deviation="200", full_year_equivalents="1",
             average_price="700"),
    ]
    # the account 5.38.50 has 100 kr. budget that is on no section
    by_account = [
        frow("5.32.32", budget="800", expected_outturn="950", deviation="150", full_year_equivalents="2",
             average_price="475"),
        frow("5.38.50", budget="1100", expected_outturn="1200", deviation="100", full_year_equivalents="2",
             average_price="600", volume_effect="150", price_effect="50"),
    ]
    lines = [SimpleNamespace(name="Kommende borgere", computed_to_date=D(10), committed_rest=D(40),
                             expected_outturn=D(50), booked_to_date=D(0), backlog=D(10))]
    table = build_overview(by_section, by_account, lines, {"§ 108": "Længerevarende botilbud"}, {})
    rows = [(r.values[0], r.values[1], r.values[2], r.kind) for r in table.rows]
    assert rows == [
        ("5.32.32", "§ 95", "", DETAIL), ("5.32.32", "§ 96", "", DETAIL), ("5.32.32 i alt", "", "", SUBTOTAL),
        ("5.38.50", "§ 108", "Længerevarende botilbud", DETAIL), ("5.38.50", "", UNALLOCATED, DETAIL),
        ("5.38.50 i alt", "", "", SUBTOTAL), ("Drift i alt", "", "", TOTAL), ("", "", "Kommende borgere", DETAIL),
        ("I alt", "", "", TOTAL)]
    residual = table.rows[4]
    assert residual.values[table.index("budget")] == D(100)
    assert residual.values[table.index("deviation")] == D(-100)

    ws = load(write_tables([table], tmp_path / "o.xlsx")).active
    budget, dev, price = (table.index(k) for k in ("budget", "deviation", "average_price"))
    for offset, row in enumerate(table.rows):
        if row.kind == DETAIL:
            continue
        r = 5 + offset
        assert evaluate(ws, f"{chr(65 + budget)}{r}") == row.values[budget]
        assert evaluate(ws, f"{chr(65 + dev)}{r}") == row.values[dev]
    operating, total = table.rows[-3].values, table.rows[-1].values
    # by hand: budgets 800 + 1100; outturn 950 + 1200, deviation 150 + 100; average price 2150 / 4 FYE
    assert evaluate(ws, f"{chr(65 + budget)}11") == operating[budget] == D(1900)
    assert evaluate(ws, f"{chr(65 + dev)}11") == operating[dev] == D(250)
    assert operating[price] == D("537.50")
    # the expected citizens (50) are spent from the operating budget: the total's deviation is
    # its expected − budget, 2200 − 1900 = 300, as on every row (the formula says the same)
    assert evaluate(ws, f"{chr(65 + budget)}13") == total[budget] == D(1900)
    assert evaluate(ws, f"{chr(65 + dev)}13") == total[dev] == D(300)
    assert total[table.index("expected_outturn")] == D(2200)
    assert table.rows[-2].values[dev] is None and table.rows[-2].values[table.index("volume_effect")] is None


def test_top_deviations_are_the_largest_in_absolute_value():
    by_section = [frow("1", f"§ {n}", budget="100", deviation=str(d)) for n, d in ((1, 5), (2, -40), (3, 10), (4, 0))]
    by_account = [frow("1", budget="400", deviation="-25"), frow("2", budget="50", deviation="-30")]
    table = build_overview(by_section, by_account, [], {}, {})
    top = top_deviations(table, 3)
    # account 2 has its budget on the account only: the account row is the cause, not "not allocated"
    assert [(r.values[0], r.values[1]) for r in top.rows] == [("1", "§ 2"), ("2 i alt", ""), ("1 i alt", "")]


# ---- against the forecast ------------------------------------------------------------------

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def forecast_module():
    from core.followup import forecast

    return forecast


@pytest.fixture
def booked_db(small_db):
    """The small register plus a budget kept on the account only and two postings, one of
    them for a person without a grant."""
    small_db["budgets"].insert({"year": 2026, "account": "5.38.50", "section": None, "month": None,
                                "original_ore": 50_000_000, "corrected_ore": None})
    small_db["postings"].insert_all([
        {"date": "2026-03-15", "account": "5.38.50", "amount_ore": 3_100_000, "cpr": "010180-1234"},
        {"date": "2026-04-01", "account": "5.38.50", "amount_ore": 123_456, "cpr": "040404-4444"},
    ])
    return small_db


def test_workbook_matches_the_forecast(forecast_module, booked_db, tmp_path):
    from core.reports.monthly import build_monthly
    from core.reports.xlsx_writer import write_report

    db = booked_db
    report = build_monthly(db, 2026, AS_OF)
    path = write_report(report, tmp_path / "m.xlsx")
    wb = load(path)
    assert [n for n in wb.sheetnames if n not in ("Afstemning", "Belægning")] == [
        "Oversigt", "Borgere", "Kommende borgere", "Refusion"]
    ws = wb["Oversigt"]
    overview = report.tables[0]
    col = {k: chr(65 + overview.index(k)) for k in ("budget", "booked_to_date", "computed_to_date",
                                                     "expected_outturn", "deviation")}
    last = 4 + len(overview.rows)
    by_label = {}
    for r in range(5, last + 1):
        by_label.setdefault(ws.cell(r, 2).value or ws.cell(r, 1).value or ws.cell(r, 3).value, r)

    by_section = forecast_module.forecast(db, 2026, AS_OF, by="section")
    for f in by_section.rows:
        if f.section is None:
            continue
        r = by_label[f.section]
        for key in ("expected_outturn", "computed_to_date", "booked_to_date"):
            assert D(str(ws[f"{col[key]}{r}"].value)) == getattr(f, key), (f.section, key)
    by_account = forecast_module.forecast(db, 2026, AS_OF, by="account")
    for f in by_account.rows:
        r = by_label[f"{f.account} i alt"]
        for key in ("expected_outturn", "booked_to_date", "budget", "deviation"):
            assert evaluate(ws, f"{col[key]}{r}") == (getattr(f, key) or 0), (f.account, key)
    total = by_label["I alt"]
    assert evaluate(ws, f"{col['expected_outturn']}{total}") == by_account.grand_total.expected_outturn
    assert evaluate(ws, f"{col['expected_outturn']}{by_label['Drift i alt']}") == by_account.total.expected_outturn
    assert evaluate(ws, f"{col['booked_to_date']}{total}") == by_account.total.booked_to_date

    # by hand: § 85 Anna 500/day for 167 days (15 Feb - 31 Jul); § 104 Dorte 300/day for 90 days;
    # § 108 Anna 365 × 1.000 + Bo 214 × 1.500 − Carl's sold place 365 × 2.000 (income)
    assert D(str(ws[f"{col['expected_outturn']}{by_label['§ 85']}"].value)) == D("83500.00")
    assert D(str(ws[f"{col['expected_outturn']}{by_label['§ 104']}"].value)) == D("27000.00")
    assert D(str(ws[f"{col['expected_outturn']}{by_label['§ 108']}"].value)) == D("-44000.00")
    # the budget is on the account only, whose grants are all § 108: it is § 108's budget (the
    # account is the section); the posting without a grant is the unallocated line's, with no budget
    assert D(str(ws[f"{col['budget']}{by_label['§ 108']}"].value)) == D("500000.00")
    unallocated = next(r for r in range(5, last + 1) if ws.cell(r, 3).value == UNALLOCATED)
    assert ws[f"{col['budget']}{unallocated}"].value is None
    assert D(str(ws[f"{col['booked_to_date']}{unallocated}"].value)) == D("1234.56")
    assert evaluate(ws, f"{col['budget']}{total}") == D("500000.00")

    citizens = wb["Borgere"]
    by_grant = forecast_module.forecast(db, 2026, AS_OF, by="grant")
    rows = report.tables[1].rows
    assert len(rows) == len(by_grant.rows) + 2  # grants, postings without a grant, total
    total_row = 4 + len(rows)
    assert citizens.cell(total_row, 1).value == "I alt"
    assert evaluate(citizens, f"H{total_row}") == by_grant.total.expected_outturn
    assert evaluate(citizens, f"I{total_row}") == by_grant.total.booked_to_date == D("32234.56")
    names = {citizens.cell(r, 2).value for r in range(5, total_row)}
    assert {"Anna Hansen", "Dorte Dag", "Posteringer uden bevilling"} <= names


def test_the_citizens_are_listed_by_name_as_a_printed_list_is_looked_up():
    from types import SimpleNamespace

    from core.reports.monthly import build_citizens

    def grant(name, cpr, section="§ 108"):
        return SimpleNamespace(cpr=cpr, name=name, section=section, account="5.38.50", provider="X",
                               computed_to_date=1, committed_rest=1, expected_outturn=2, booked_to_date=0, backlog=1)

    rows = [grant("Åse Møller", "010101-1111"), grant("Bo Berg", "020202-2222"), grant("anna Ørum", "030303-3333"),
            grant("Øjvind Ask", "040404-4444"), grant("Bo Berg", "010101-0000", "§ 107"), grant("Ærlig Ejner", "050505-5555")]
    table = build_citizens(rows, grant("", ""))
    # Danish order: a, b, …, z, æ, ø, å; case does not count; one name by CPR
    assert [(r.values[1], r.values[0]) for r in table.rows[:-1]] == [
        ("anna Ørum", "030303-3333"), ("Bo Berg", "010101-0000"), ("Bo Berg", "020202-2222"),
        ("Ærlig Ejner", "050505-5555"), ("Øjvind Ask", "040404-4444"), ("Åse Møller", "010101-1111")]


def test_monthly_pdf_has_overview_chart_and_deviations(forecast_module, qapp, booked_db, tmp_path):
    from core.reports.monthly import build_monthly
    from gui.reports.pdf_report import write_pdf
    from tests.reports.pdf_text import pdf_text

    text = pdf_text(write_pdf(build_monthly(booked_db, 2026, AS_OF), tmp_path / "m.pdf", mask_cpr=True))
    assert "Månedsoversigt 2026" in text and "Testby Kommune" in text and "Pr. 31-10-2026" in text
    assert "Forventet regnskab måned for måned" in text and "Største afvigelser" in text
    assert "83.500,00" in text and "500.000,00" in text
    assert "Side 1 af" in text
    assert "010180-1234" not in text


def test_without_expected_citizens_there_is_no_such_sheet(forecast_module, booked_db):
    from core.reports.monthly import build_monthly

    report = build_monthly(booked_db, 2026, AS_OF, include_expected=False)
    assert "Kommende borgere" not in [t.title for t in report.tables]
    assert "uden kommende borgere" in report.tables[0].subtitle


def test_libreoffice_recalculates_the_overview_totals(forecast_module, booked_db, tmp_path):
    import openpyxl

    from core.reports.monthly import build_monthly
    from core.reports.xlsx_writer import write_report
    from tests.reports.conftest import recalc_with_libreoffice

    report = build_monthly(booked_db, 2026, AS_OF)
    recalculated = recalc_with_libreoffice(write_report(report, tmp_path / "m.xlsx"), tmp_path)
    ws = openpyxl.load_workbook(recalculated, data_only=True)["Oversigt"]
    overview = report.tables[0]
    total_row = 4 + len(overview.rows)
    grand = forecast_module.forecast(booked_db, 2026, AS_OF, by="account").grand_total
    assert ws.cell(total_row, 1).value == "I alt"
    got = ws.cell(total_row, overview.index("expected_outturn") + 1).value
    assert got == pytest.approx(float(grand.expected_outturn), abs=0.005)
    assert ws.cell(total_row, overview.index("budget") + 1).value == pytest.approx(500000.00, abs=0.005)


def test_cli_monthly_defaults_to_the_newest_booked_months_end(forecast_module, booked_db, db_path, tmp_path):
    from tests.conftest import run_cli

    out = tmp_path / "m.xlsx"
    r = run_cli("report", "monthly", "--year", "2026", "--out", out, "--no-expected", db=db_path)
    assert r.returncode == 0, r.stderr
    assert "pr. 30-04-2026" in r.stdout  # the later of the two postings is of 01-04-2026: April's end
    assert "Kommende borgere" not in load(out).sheetnames and "Oversigt" in load(out).sheetnames


def test_the_printed_overview_is_readable_and_each_part_starts_a_page(forecast_module, qapp, booked_db, tmp_path):
    from core.reports.monthly import build_monthly
    from gui.reports.pdf_report import write_pdf
    from tests.reports.pdf_text import pdf_text

    booked_db["accounts"].upsert({"code": "5.38.50", "text": "Botilbud til længerevarende ophold (§ 108) med et "
                                  "meget langt navn som skal ombrydes og ikke afkortes"}, pk="code")
    text = pdf_text(write_pdf(build_monthly(booked_db, 2026, AS_OF), tmp_path / "m.pdf", mask_cpr=True))
    assert "…" not in text and "..." not in text  # no text cell is cut with an ellipsis
    assert "afkortes" in text
    pages = text.split("\f")
    captions = ("Største afvigelser", "Borgere", "Afstemning: rækker med bemærkninger", "Kommende borgere",
                "Refusion")
    for caption in captions:
        starts = [i for i, page in enumerate(pages) if caption in [line.strip() for line in page.splitlines()]]
        assert starts, caption
        others = [c for c in captions if c != caption]
        assert not any(c in [line.strip() for line in pages[starts[0]].splitlines()] for c in others), caption
    assert f"Side {len(pages) - 1} af {len(pages) - 1}" in text or f"Side {len(pages)} af {len(pages)}" in text


def test_wrapped_headings_get_a_row_tall_enough_to_print(forecast_module, booked_db, tmp_path):
    from core.reports.monthly import build_monthly
    from core.reports.xlsx_writer import write_report

    ws = load(write_report(build_monthly(booked_db, 2026, AS_OF), tmp_path / "m.xlsx"))["Oversigt"]
    # "Gns. pris pr. helårsperson" (26 characters) in its 18-character column wraps to two lines:
    # "Gns. pris pr." and "helårsperson"
    assert ws.row_dimensions[4].height >= 2 * 15


def test_the_unallocated_line_is_explained_in_the_notes_the_workbook_carries(tmp_path):
    """An account whose budget is on the account only, one citizen with grants on both its sections
    all year, and a posting without a grant: the "Ikke fordelt på paragraf" line holds the budget
    with its own deviation (expected − budget), the posting and -1 full-year equivalent, and the notes say so."""
    def section(code, expected, booked):
        row = frow("5.38.53", code, expected_outturn=expected, booked_to_date=booked, full_year_equivalents="1")
        row.budget = row.deviation = row.volume_effect = row.price_effect = None  # no section budget
        return row

    by_section = [section("§ 97", "400", "200"), section("§ 98", "500", "100")]
    # by hand: expected 400 + 500 = 900 on the grants; booked 200 + 100 + 50 without a grant = 350;
    # one citizen all year on the account = 1 full-year equivalent (1 on each section: 2)
    by_account = [frow("5.38.53", budget="1000", expected_outturn="900", booked_to_date="350", deviation="-100",
                       full_year_equivalents="1", average_price="900", volume_effect="-100")]
    table = build_overview(by_section, by_account, [], {}, {})
    residual = next(r.values for r in table.rows if r.values[2] == UNALLOCATED)
    assert residual[table.index("budget")] == D(1000) and residual[table.index("expected_outturn")] == D(0)
    # the line's own deviation, as on every line: expected 0 − budget 1.000 = -1.000 (not spent
    # here; not the account's -100 shown against an expected 0); no price effect on the account,
    # so the whole deviation is volume: -1.000 − 0
    assert residual[table.index("deviation")] == D(-1000) and residual[table.index("booked_to_date")] == D(50)
    assert residual[table.index("volume_effect")] == D(-1000) and residual[table.index("price_effect")] == D(0)
    assert residual[table.index("full_year_equivalents")] == D(-1)
    notes = table.notes
    assert any("afvigelsen er linjens forventede regnskab − budget som på alle linjer" in n for n in notes)
    assert "5.38.53: bogført 50,00 kr. er posteringer uden en bevilling (og dermed uden paragraf); forventet " \
           "regnskab bygger på bevillingerne og rummer dem ikke; helårspersoner -1,00: en borger med bevillinger " \
           "på flere paragraffer på kontoen tæller på hver paragraf, men kun én gang på kontoen." in notes
    ws = load(write_tables([table], tmp_path / "o.xlsx")).active
    cells = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert set(notes) <= cells  # the workbook carries the same notes (the PDF prints table.notes too)


def test_an_account_without_an_unallocated_line_has_no_note_about_it():
    by_section = [frow("5.38.50", "§ 108", budget="1000", expected_outturn="1200", deviation="200")]
    by_account = [frow("5.38.50", budget="1000", expected_outturn="1200", deviation="200")]
    table = build_overview(by_section, by_account, [], {}, {})
    assert all(r.values[2] != UNALLOCATED for r in table.rows)
    assert not any(UNALLOCATED in n for n in table.notes)
