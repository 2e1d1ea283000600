"""Written variants behind the unseen layouts (tests/importing/test_unseen_layouts.py): account strings
with the dranst, a company's CVR number in a CPR/CVR column, a CPR number split over two columns,
a credit column that is already signed, and values a title row gives a whole sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.importing import parsers as p
from core.importing.batches import import_file, prepare
from core.importing.matching import joined_cpr
from core.store.storage import query
from tests.import_files import write_csv, write_xlsx

ACCOUNTS = st.tuples(st.integers(0, 9), st.integers(0, 99), st.integers(0, 99))
ARTS = st.sampled_from(["", "4.0", "4.8", "7.8", "5.2", "4,0"])
GROUPINGS = st.sampled_from(["", "002", "004", "010"])


@settings(max_examples=300, deadline=None)
@given(ACCOUNTS, st.sampled_from(["1", "2", "3"]), GROUPINGS, ARTS, st.sampled_from([".", " ", "-"]),
       st.sampled_from(["", " Længerevarende botilbud", " - Botilbud"]))
def test_an_account_string_with_its_dranst_is_read_whatever_its_separators(account, dranst, grouping, art, sep,
                                                                          name):
    a, b, c = account
    written = f"{a}.{b:02d}.{c:02d}{'.' if sep != ' ' else ' '}{dranst}"
    if grouping:
        written += f"{sep}{grouping}"
    if art:
        written += f"{sep}{art}"
    # '5.38.50.1-4.0': the account 5.38.50, dranst 1 (drift), art 4.0; the dranst is not stored
    assert p.parse_account(written + name) == (f"{a}.{b:02d}.{c:02d}", grouping, art.replace(",", "."))


@settings(max_examples=100, deadline=None)
@given(ACCOUNTS, st.sampled_from("123"))
def test_six_packed_digits_ending_in_a_dranst_are_the_account(account, dranst):
    a, b, c = account
    assert p.parse_account(f"{a}{b:02d}{c:02d}{dranst}") == (f"{a}.{b:02d}.{c:02d}", "", "")


@pytest.mark.parametrize("raw", ["538500", "538504", "538509", "5385012", "538501002"])
def test_six_or_more_digits_that_are_no_known_form_are_still_asked_about(raw):
    with pytest.raises(p.ParseError, match="flere måder"):
        p.parse_account(raw)


@settings(max_examples=200, deadline=None)
@given(st.integers(10_000_000, 99_999_999), st.sampled_from(["{}", "CVR {}", "cvr-nr. {}", "CVR: {}", "CVR-nummer {}"]),
       st.booleans())
def test_a_cvr_number_in_a_cpr_column_is_no_person(cvr, pattern, as_number):
    value = cvr if as_number and pattern == "{}" else pattern.format(cvr)
    assert p.parse_optional_cpr(value) is None
    assert p.parse_optional_cpr(float(cvr)) is None


@pytest.mark.parametrize("raw", ["1234567", "123456789012", "CVR 1234"])
def test_numbers_that_are_neither_cpr_nor_cvr_are_refused(raw):
    with pytest.raises(p.ParseError):
        p.parse_optional_cpr(raw)


def test_a_cpr_number_that_lost_its_leading_zero_is_still_a_person():
    # nine digits: 010190-1234 written as a number; eight would be a CVR number
    assert p.parse_optional_cpr(101901234) == "010190-1234"
    assert p.parse_optional_cpr("101901234") == "010190-1234"


BIRTHS = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(1999, 12, 31))


@settings(max_examples=200, deadline=None)
@given(BIRTHS, st.integers(0, 3999), st.booleans(), st.booleans())
def test_a_cpr_number_split_in_two_cells_is_joined_as_text_or_numbers(born, serial, head_number, tail_number):
    head, tail = f"{born:%d%m%y}", f"{serial:04d}"
    first = int(head) if head_number else head       # a number loses its leading zeros
    second = float(serial) if tail_number else tail
    assert p.parse_cpr(joined_cpr(first, second)) == f"{head}-{tail}"


def test_a_split_cpr_with_one_part_missing_is_refused_not_guessed():
    assert joined_cpr(None, "") is None
    with pytest.raises(p.ParseError):
        p.parse_cpr(joined_cpr("010190", None))
    with pytest.raises(p.ParseError):
        p.parse_cpr(joined_cpr("Hansen", "1234"))


def postings(db) -> list[tuple]:
    return [tuple(r.values()) for r in query(db, "SELECT date, account, art, amount_ore, cpr FROM postings ORDER BY id")]


def test_cpr_split_over_birth_date_and_serial_columns_is_booked_on_the_person(db, tmp_path):
    rows = [["Bogf. dato", "Konto", "Art", "Fødselsdato", "Løbenr.", "Beløb", "Tekst"],
            ["05-01-2026", "5.38.50", "4.0", "010190", "1234", "1.000,00", "Ophold"],
            ["06-01-2026", "5.38.50", "4.0", "", "", "200,00", "Diverse"],
            ["07-01-2026", "5.38.52", "4.0", "240385", "0042", "50,00", "Ophold"]]
    res = import_file(db, write_csv(tmp_path / "split.csv", rows))
    assert res["rejected"] == [] and res["mapping"]["cpr_part_1"] == "Fødselsdato"
    assert res["unused_columns"] == []
    assert postings(db) == [("2026-01-05", "5.38.50", "4.0", 100000, "010190-1234"),
                            ("2026-01-06", "5.38.50", "4.0", 20000, None),
                            ("2026-01-07", "5.38.52", "4.0", 5000, "240385-0042")]


def test_two_columns_of_numbers_without_person_headers_are_not_joined(db, tmp_path):
    # a date-like six-digit code beside a four-digit one under headers that do not name a person
    rows = [["Bogf. dato", "Konto", "Art", "Sagsnr", "År", "Beløb"],
            ["05-01-2026", "5.38.50", "4.0", "010190", "1234", "1.000,00"]]
    res = import_file(db, write_csv(tmp_path / "nosplit.csv", rows))
    assert "cpr_part_1" not in res["mapping"]
    assert postings(db) == [("2026-01-05", "5.38.50", "4.0", 100000, None)]


@pytest.mark.parametrize("credits, want", [
    # credits written as positive amounts are subtracted; an already signed (negative) credit column is added
    (["", "250,00"], [100000, -25000]),
    (["", "-250,00"], [100000, -25000]),
    ([0.0, -250.0], [100000, -25000]),
])
def test_a_credit_column_is_read_with_its_own_sign_convention(db, tmp_path, credits, want):
    rows = [["Bogføringsdato", "Konto", "Art", "Debet", "Kredit"],
            [dt.date(2026, 1, 5), "5.38.50", "4.0", 1000.0, credits[0]],
            [dt.date(2026, 1, 6), "5.38.50", "4.0", None, credits[1]]]
    res = import_file(db, write_xlsx(tmp_path / "dk.xlsx", {"Ark1": rows}))
    assert res["rejected"] == []
    assert [r[3] for r in postings(db)] == want


def test_a_credit_column_with_both_signs_asks_about_the_negative_ones(db, tmp_path):
    rows = [["Bogføringsdato", "Konto", "Art", "Debet", "Kredit"],
            ["05-01-2026", "5.38.50", "4.0", "", "300,00"],
            ["06-01-2026", "5.38.50", "4.0", "", "-250,00"]]
    plan = prepare(db, write_csv(tmp_path / "mixed.csv", rows))
    [rejected] = plan.rejected
    assert (rejected["row"], rejected["column"]) == (3, "Kredit") and "tilbageført" in rejected["reason"]
    # 300,00 in a credit column is a credit: -300 kr.
    assert [r.values["amount_ore"] for r in plan.records if r.ok] == [-30000]


def test_a_title_row_names_the_provider_of_a_sheet_without_a_provider_column(db, tmp_path):
    rows = [["Leverandør: Botilbuddet Egely"], ["Udskrevet: 02-11-2026"], [],
            ["CPR-nummer", "Navn", "Paragraf", "Døgntakst", "Startdato", "Slutdato"],
            ["010190-1234", "Anna Holm", "§ 108", "2.000,00", "01-02-2024", ""]]
    res = import_file(db, write_xlsx(tmp_path / "lev.xlsx", {"Ark1": rows}))
    assert res["rejected"] == [] and res["imported"] == 1
    [fixed] = res["choices"]["fixed"]
    assert (fixed["field"], fixed["value"], fixed["source"]) == ("provider", "Botilbuddet Egely", "matched")
    got = query(db, "SELECT p.name, g.end FROM grants g JOIN providers p ON p.id = g.provider_id")
    # 'Udskrevet: 02-11-2026' is when the list was printed, never the grants' end
    assert [(r["name"], r["end"]) for r in got] == [("Botilbuddet Egely", None)]


def test_a_provider_column_wins_over_a_title_row(db, tmp_path):
    rows = [["Leverandør: Botilbuddet Egely"], [],
            ["CPR-nummer", "Navn", "Paragraf", "Leverandør", "Døgntakst", "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Bofællesskabet Lærkevej", "2.000,00", "01-02-2024"]]
    res = import_file(db, write_xlsx(tmp_path / "lev2.xlsx", {"Ark1": rows}))
    assert res["choices"]["fixed"] == []
    assert [r["name"] for r in query(db, "SELECT name FROM providers")] == ["Bofællesskabet Lærkevej"]


@pytest.mark.parametrize("header, field, named", [
    ("Lev.", "provider", True), ("lev.", "provider", True), ("Par.", "section", True), ("Enh.", "unit", True),
    ("Ant.", "quantity", True), ("Enh.", "rate", True),   # a word of both: the values decide (see below)
    ("Lev", "provider", False), ("Levering af mad.", "provider", False), ("X.", "provider", False),
])
def test_an_abbreviated_header_with_its_dot_may_name_a_field(header, field, named):
    from core.importing.fields import GRANTS
    from core.importing.matching import header_score

    assert (header_score(GRANTS.field(field), header) >= 0.8) is named


def test_abbreviated_headers_are_matched_by_their_values(db, tmp_path):
    rows = [["Cpr.nr.", "Navn", "Par.", "Lev.", "Takst", "Enh.", "Ant.", "Fra"],
            ["010190-1234", "Anna Holm", "§ 85", "Bostøtteteamet", "512,00", "t/uge", "7", "01-02-2024"]]
    res = import_file(db, write_xlsx(tmp_path / "abbr.xlsx", {"Ark1": rows}))
    assert res["rejected"] == []
    assert {k: res["mapping"][k] for k in ("section", "provider", "unit", "quantity", "rate")} == \
        {"section": "Par.", "provider": "Lev.", "unit": "Enh.", "quantity": "Ant.", "rate": "Takst"}


@pytest.mark.parametrize("headers, chosen", [
    # the latest year up to now is the rate in force; a column of a later year only is asked about
    (["Takst 2025", f"Takst {dt.date.today().year}"], f"Takst {dt.date.today().year}"),
    ([f"Takst {dt.date.today().year}", "Takst 2019"], f"Takst {dt.date.today().year}"),
    ([f"Takst {dt.date.today().year + 1}", f"Takst {dt.date.today().year + 2}"], None),
])
def test_of_rates_named_alike_but_for_the_year_this_years_is_taken(db, tmp_path, headers, chosen):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", *headers, "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "1.000,00", "2.000,00", "01-02-2024"]]
    path = write_xlsx(tmp_path / "takster.xlsx", {"Ark1": rows})
    if chosen is None:
        with pytest.raises(Exception, match="Takst"):
            prepare(db, path)
        return
    plan = prepare(db, path)
    assert plan.mapping_headers()["rate"] == chosen
    assert [u["column"] for u in plan.unused_columns()] == [h for h in headers if h != chosen]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["int", "float", "text", "float text"]))
def test_a_date_written_as_a_yyyymmdd_number_is_read(day, form):
    n = int(f"{day:%Y%m%d}")
    value = {"int": n, "float": float(n), "text": str(n), "float text": f"{n}.0"}[form]
    assert p.parse_date(value) == day


@pytest.mark.parametrize("value", [20261301, 20260230, 21010101.0])
def test_a_yyyymmdd_number_that_is_no_date_is_refused(value):
    with pytest.raises(p.ParseError):
        p.parse_date(value)


@settings(max_examples=200, deadline=None)
@given(BIRTHS, st.integers(0, 3999), st.sampled_from([" - ", " -", "- ", "  -  ", " – ", "-"]))
def test_a_cpr_number_with_spaces_around_its_dash_is_read(born, serial, dash):
    cpr = f"{born:%d%m%y}-{serial:04d}"
    assert p.parse_cpr(cpr.replace("-", dash)) == cpr


def test_ten_bare_digits_in_the_text_are_the_person_only_when_the_file_or_register_knows_the_number(db, tmp_path):
    rows = [["Bogføringsdato", "Konto", "Art", "CPR-nr.", "Tekst", "Beløb", "Bilag"],
            ["05-01-2026", "5.38.50", "4.0", "0101901234", "Ophold jan", "1.000,00", "1"],
            ["05-02-2026", "5.38.50", "4.0", "", "Ophold 0101901234", "1.000,00", "2"],
            # ten digits no CPR cell of the file has: a person's number or an invoice? not guessed
            ["05-02-2026", "5.38.50", "4.0", "", "Faktura 1503261234", "500,00", "3"]]
    import_file(db, write_csv(tmp_path / "bare.csv", rows))
    assert [r[4] for r in postings(db)] == ["010190-1234", "010190-1234", None]
    # next month the person of the invoice number is registered: then it is hers
    db["citizens"].insert({"cpr": "150326-1234", "name": "Test"})
    rows = [rows[0], ["05-03-2026", "5.38.50", "4.0", "", "Faktura 1503261234", "500,00", "4"]]
    import_file(db, write_csv(tmp_path / "bare2.csv", rows))
    assert [r[4] for r in postings(db)][-1] == "150326-1234"


def test_a_second_table_under_the_first_has_its_header_skipped_not_rejected(db, tmp_path):
    header = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato", "Slutdato"]
    rows = [header, ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024", ""],
            [], ["Ophørte bevillinger"], header,
            ["020290-1234", "Bo Holm", "§ 108", "Botilbuddet Egely", "2.100,00", "01-02-2023", "31-03-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "to_tabeller.xlsx", {"Ark1": rows}))
    assert (res["imported"], res["rejected"]) == (2, [])
    assert [w["row"] for w in res["warnings"] if "gentager arkets overskrift" in w["warning"]] == [5]


@pytest.mark.parametrize("row", [
    ["CPR-nr.", "Navn", "§ 108", "Botilbuddet Egely"],      # two header words, but data beside them
    ["CPR-nr.", "", "", "", 2000.0],                        # one header word and a number
])
def test_a_row_with_a_header_word_among_data_is_not_taken_for_the_header(row):
    from core.importing.table import _repeats_header

    header = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst"]
    assert not _repeats_header(row, header)
    assert _repeats_header(header, header) and _repeats_header([" CPR-nr.", "Navn", "", "Leverandør"], header)


def test_a_residents_list_titled_with_its_facility_on_a_sheet_named_otherwise(db, tmp_path):
    from core.importing.importers import facility_name
    from core.importing.table import Table

    assert facility_name(Table("Beboere", [], [], ["Beboerliste - Botilbuddet Egely"])) == "Botilbuddet Egely"
    assert facility_name(Table("Ark1", [], [], ["Tilbud: Egely", "Normerede pladser: 12"])) == "Egely"
    # a title that names no facility leaves the sheet's name
    assert facility_name(Table("Egely", [], [], ["Beboerliste 2026 - udskrevet 02-11-2026"])) == "Egely"


@pytest.mark.parametrize("header, field, named", [
    ("Ydelsespris", "rate", True), ("Prisenhed", "unit", True), ("Ydelsesstart", "start", True),
    ("Visiteret omfang", "quantity", True), ("Timeantal", "quantity", True),
    # a Danish compound is a kind of its last part: a rate group is no rate, a start fee no start date
    ("Takstgruppe", "rate", False), ("Startgebyr", "start", False), ("Prisenhed", "rate", False),
])
def test_a_compound_ending_in_a_short_header_word_names_its_field(header, field, named):
    from core.importing.fields import GRANTS
    from core.importing.matching import header_score

    assert (header_score(GRANTS.field(field), header) >= 0.8) is named


def test_a_compound_whose_values_do_not_fit_is_not_taken(db, tmp_path):
    # 'Prisenhed' begins with 'pris' (a rate) but holds units; 'Ydelsespris' ends with it and holds amounts
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Prisenhed", "Ydelsespris", "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "Døgn", "2.000,00", "01-02-2024"]]
    res = import_file(db, write_xlsx(tmp_path / "comp.xlsx", {"Ark1": rows}))
    assert (res["mapping"]["unit"], res["mapping"]["rate"]) == ("Prisenhed", "Ydelsespris")


@pytest.mark.parametrize("debit, credit", [("Debetbeløb", "Kreditbeløb"), ("Beløb debet", "Beløb kredit"),
                                           ("Debet kr.", "Kredit kr.")])
def test_debit_and_credit_under_longer_names(db, tmp_path, debit, credit):
    rows = [["Bogføringsdato", "Konteringsstreng", debit, credit],
            ["05-01-2026", "5.38.50.1.002-4.0", "1.000,00", ""], ["06-01-2026", "5.38.50.1.002-4.0", "", "250,00"]]
    res = import_file(db, write_csv(tmp_path / "dk.csv", rows))
    assert (res["mapping"]["debit"], res["mapping"]["credit"], res["mapping"]["account"]) == \
        (debit, credit, "Konteringsstreng")
    assert [(r[1], r[2], r[3]) for r in postings(db)] == [("5.38.50", "4.0", 100000), ("5.38.50", "4.0", -25000)]


def test_a_column_of_person_names_under_an_unknown_header_is_the_name(db, tmp_path):
    rows = [["CPR-nr.", "Ydelsesmodtager", "Paragraf", "Leverandør", "Takst", "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024"],
            ["020290-1234", "Holm, Bo", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024"],
            ["030390-1234", "Eva de Jong", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024"]]
    res = import_file(db, write_xlsx(tmp_path / "names.xlsx", {"Ark1": rows}))
    assert res["mapping"]["name"] == "Ydelsesmodtager"
    assert [r["name"] for r in query(db, "SELECT name FROM citizens ORDER BY cpr")] == \
        ["Anna Holm", "Bo Holm", "Eva de Jong"]


def test_two_columns_of_names_are_not_guessed_between(db, tmp_path):
    # the citizen or her contact person? neither is taken; both are listed as not used
    rows = [["CPR-nr.", "Modtager", "Kontaktperson", "Paragraf", "Leverandør", "Takst", "Startdato"]]
    rows += [[f"0{i}0190-1234", f"Anna Holm{'x' * i}".replace("x", "e"), f"Bo Hansen{'n' * i}", "§ 108",
              "Botilbuddet Egely", "2.000,00", "01-02-2024"] for i in range(1, 4)]
    plan = prepare(db, write_xlsx(tmp_path / "names2.xlsx", {"Ark1": rows}))
    assert "name" not in plan.mapping_headers()
    assert {"Modtager", "Kontaktperson"} <= {u["column"] for u in plan.unused_columns()}


def test_a_blank_booking_date_is_the_last_day_of_the_rows_period(db, tmp_path):
    rows = [["Posteringsdato", "Periode", "Konto", "Art", "Beløb"],
            [dt.date(2026, 3, 5), "2026-03", "5.38.50", "4.0", 100.0],
            [None, "2026-02", "5.38.50", "4.0", 50.0],
            [None, None, "5.38.50", "4.0", 25.0]]
    plan = prepare(db, write_xlsx(tmp_path / "periode.xlsx", {"Ark1": rows}))
    assert [r.values["date"] for r in plan.records if r.ok] == ["2026-03-05", "2026-02-28"]
    [rejected] = plan.rejected
    assert (rejected["row"], rejected["column"]) == (4, "Posteringsdato")


def test_a_printed_reports_page_titles_and_headers_are_skipped_not_rejected(db, tmp_path):
    page = [["Posteringsliste"], ["Regnskabsår 2026", "Udskrevet 03-11-2026"],
            ["Bogføringsdato", "Konto", "Art", "Beløb"]]
    rows = page + [["05-01-2026", "5.38.50", "4.0", "100,00"], ["Side 1 af 2"]] + page + \
        [["06-01-2026", "5.38.50", "4.0", "50,00"], ["Side 2 af 2"]]
    res = import_file(db, write_csv(tmp_path / "udskrift.csv", rows))
    assert (res["imported"], res["rejected"]) == (2, [])
    assert [w["row"] for w in res["warnings"] if "gentager arkets overskrift" in w["warning"]] == [7, 8]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), min_size=1, max_size=12),
       st.sampled_from(["{d.month}/{d.day}/{d.year}", "{d.month:02d}/{d.day:02d}/{d.year}"]))
def test_a_month_first_column_is_read_month_first_or_asked_never_swapped(days, pattern):
    cells = [pattern.format(d=d) for d in days]
    order = p.slash_date_order(cells)
    if order == "md":
        # some day is above 12: the whole column is month first
        assert [p.parse_date(p.month_first_as_day_first(c)) for c in cells] == days
    else:
        # nothing proves the order: read day first, as Danish files write it; only days <= 12 can be so
        assert order == "dm" and all(d.day <= 12 for d in days)


def test_month_first_dates_in_a_grants_list_are_not_swapped(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato", "Slutdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "2000.00", "1/31/2024", ""],
            ["020290-1234", "Bo Holm", "§ 108", "Botilbuddet Egely", "2000.00", "3/1/2024", "12/31/2026"]]
    import_file(db, write_csv(tmp_path / "us.csv", rows, delimiter=","))
    got = [(r["start"], r["end"]) for r in query(db, "SELECT start, end FROM grants ORDER BY start")]
    assert got == [("2024-01-31", None), ("2024-03-01", "2026-12-31")]


def test_a_column_with_both_orders_asks_about_the_dates_that_read_two_ways(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "2000,00", "31/1/2024"],   # day first
            ["020290-1234", "Bo Holm", "§ 108", "Botilbuddet Egely", "2000,00", "1/31/2024"],    # month first
            ["030390-1234", "Eva Holm", "§ 108", "Botilbuddet Egely", "2000,00", "3/1/2024"]]    # which?
    plan = prepare(db, write_csv(tmp_path / "mixed_dates.csv", rows))
    asked = {r["row"]: r["reason"] for r in plan.rejected}
    assert "begge måder" in asked[4] and "er ikke en gyldig dato" in asked[3]
    assert [r.values["start"] for r in plan.records if r.ok] == [dt.date(2024, 1, 31)]


def test_an_abbreviation_over_numbers_is_not_a_text_field(db, tmp_path):
    # 'Sag.' shortens 'Sagsbehandler', but the column holds case numbers: not the caseworker
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato", "Sag."],
            ["010190-1234", "Anna Holm", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024", "2024-1234"],
            ["020290-1234", "Bo Holm", "§ 108", "Botilbuddet Egely", "2.000,00", "01-02-2024", "2024-1235"]]
    plan = prepare(db, write_xlsx(tmp_path / "sag.xlsx", {"Ark1": rows}))
    assert "caseworker" not in plan.mapping_headers()
    rows = [r[:6] + [w] for r, w in zip(rows, ["Sagsbeh.", "LKH", "MJ"])]
    assert prepare(db, write_xlsx(tmp_path / "sagsbeh.xlsx", {"Ark1": rows})).mapping_headers()["caseworker"] == "Sagsbeh."


def test_a_cpr_split_under_headers_that_do_not_say_so_is_a_warning_and_can_be_chosen(db, tmp_path):
    from core.importing.choices import ChoiceError, Choices

    rows = [["Bogf. dato", "Konto", "Art", "Nr1", "Nr2", "Beløb"],
            ["05-01-2026", "5.38.50", "4.0", "010190", "1234", "1.000,00"],
            ["06-01-2026", "5.38.50", "4.0", "240385", "0042", "50,00"]]
    path = write_csv(tmp_path / "nr.csv", rows)
    plan = prepare(db, path)
    [warning] = [w for w in plan.warnings if w.get("field") == "cpr"]
    assert "'Nr1' og 'Nr2'" in warning["warning"] and "cpr_part_1" in warning["warning"]
    res = import_file(db, path, choices=Choices(maps={"cpr_part_1": "Nr1", "cpr_part_2": "Nr2"}))
    assert res["rejected"] == []
    assert [(m["field"], m["column"], m["source"]) for m in res["choices"]["maps"] if m["field"].startswith("cpr")] \
        == [("cpr_part_1", "Nr1", "given"), ("cpr_part_2", "Nr2", "given")]
    assert [r[4] for r in postings(db)] == ["010190-1234", "240385-0042"]
    with pytest.raises(ChoiceError, match="begge"):
        prepare(db, path, choices=Choices(maps={"cpr_part_1": "Nr1"}))


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_spreadsheet_error_value_is_no_account_nor_date(value):
    with pytest.raises(p.ParseError):
        p.parse_account(value)
    with pytest.raises(p.ParseError):
        p.parse_date(value)
