"""The person is found wherever the row names her; two different persons in one row are asked about."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.importing.batches import import_file
from core.importing.persons import cprs_in_cell, name_without_cpr
from core.store.storage import query
from tests.import_files import write_csv, write_xlsx

HEAD = ["Bogføringsdato", "Funktion", "Art", "Beløb", "CPR-nr.", "Modtager", "Posteringstekst"]


def _by_cpr(db) -> dict:
    return {r["cpr"]: r["total"] / 100 for r in query(db, "SELECT cpr, SUM(amount_ore) AS total FROM postings "
                                                          "GROUP BY cpr")}


def test_blank_cpr_cells_take_the_cpr_from_the_text_or_another_column(db, tmp_path):
    rows = [HEAD,
            ["05-01-2026", "5.38.50", "4.0", "10.000,00", "0101901234", "Skovbrynet", "ophold jan"],
            ["05-02-2026", "5.38.50", "4.0", "10.000,00", "", "Skovbrynet", "ophold feb 010190-1234"],
            ["05-02-2026", "5.38.50", "4.0", "7.500,00", "", "Holm, Bo 020291 2345", "ophold feb"],
            ["05-03-2026", "5.38.50", "4.0", "2.500,00", "", "Skovbrynet", "Bo Holm cpr.nr. 0202912345 mar"],
            ["05-03-2026", "5.38.50", "4.0", "1.000,00", "", "Kursus", "personale, faktura 1234567890"],
            ["05-03-2026", "5.38.50", "4.0", "300,00", "", "Skovbrynet", "Bilag 2026-0001 konto 5.38.50"]]
    res = import_file(db, write_csv(tmp_path / "poster.csv", rows), "postings")
    assert res["imported"] == 6 and res["rejected"] == []
    # 010190-1234: 10.000 + 10.000 = 20.000; 020291-2345: 7.500 + 2.500 = 10.000; nobody: 1.000 + 300 = 1.300
    assert _by_cpr(db) == {"010190-1234": 20000.0, "020291-2345": 10000.0, None: 1300.0}
    assert any("Posteringstekst" in n for n in res["notes"]) and any("Modtager" in n for n in res["notes"])
    # the citizen link follows the CPR found in the text
    linked = query(db, "SELECT p.cpr, c.cpr AS citizen FROM postings p LEFT JOIN citizens c ON c.id = p.citizen_id")
    assert all(r["citizen"] in (None, r["cpr"]) for r in linked)


def test_two_different_cprs_in_a_row_are_asked_about_never_guessed(db, tmp_path):
    rows = [HEAD,
            ["05-01-2026", "5.38.50", "4.0", "10.000,00", "010190-1234", "", "refusion 020291-2345"],
            ["05-01-2026", "5.38.50", "4.0", "5.000,00", "", "Anna 010190-1234", "fælles med 020291-2345"],
            ["05-01-2026", "5.38.50", "4.0", "1.000,00", "010190-1234", "", "Anna Holm 010190-1234"]]
    res = import_file(db, write_xlsx(tmp_path / "poster.xlsx", {"Ark1": rows}), "postings")
    assert res["imported"] == 1  # the third: the same person twice is no question
    assert [(r["row"], r["column"]) for r in res["rejected"]] == [(2, "CPR-nr."), (3, "CPR-nr.")]
    assert "to forskellige CPR-numre" in res["rejected"][0]["reason"]
    assert "flere CPR-numre" in res["rejected"][1]["reason"]
    # the question names the numbers masked
    assert "020291-xxxx" in res["rejected"][0]["reason"] and "2345" not in res["rejected"][0]["reason"]
    assert _by_cpr(db) == {"010190-1234": 1000.0}


def test_a_grant_row_finds_the_cpr_in_the_name_cell(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato"],
            ["010190-1234", "Anna Holm", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"],
            ["", "Bo Lund (020291-2345)", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"],
            ["", "Carl Berg", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"],
            ["", "Dan Ek, 0404941234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark1": rows}), "grants")
    assert res["imported"] == 3
    assert [(r["row"], r["reason"]) for r in res["rejected"]] == [(4, "CPR-nr. mangler")]
    got = query(db, "SELECT cpr, name FROM citizens ORDER BY cpr")
    assert [(r["cpr"], r["name"]) for r in got] == [("010190-1234", "Anna Holm"), ("020291-2345", "Bo Lund"),
                                                    ("040494-1234", "Dan Ek")]


CPRS = st.builds(lambda d, m, y, s: f"{d:02d}{m:02d}{y:02d}{s:04d}", st.integers(1, 28), st.integers(1, 12),
                 st.integers(0, 99), st.integers(0, 9999))
WORDS = st.text(alphabet="abcæøå ,.:;()/", max_size=12)


@settings(max_examples=200, deadline=None)
@given(CPRS, WORDS, WORDS, st.sampled_from(["-", " ", "cpr ", "CPR-nr. ", "cpr:", "Personnr "]))
def test_a_cpr_written_in_a_text_is_found_whatever_is_around_it(cpr, before, after, form):
    if form in ("-", " "):
        written = cpr[:6] + form + cpr[6:]
    else:
        written = form + cpr
    found = cprs_in_cell(f"{before} {written} {after}")
    # the century comes from the 7th digit: all of these are valid birth dates in some century, unless in the future
    assert found in (frozenset({cpr[:6] + "-" + cpr[6:]}), frozenset())
    if int(cpr[4:6]) <= 20 or cpr[6] in "0123":  # born before today whatever the century rule says
        assert found == frozenset({cpr[:6] + "-" + cpr[6:]})


@settings(max_examples=100, deadline=None)
@given(CPRS, WORDS)
def test_ten_bare_digits_in_a_text_are_no_cpr(cpr, words):
    assert cprs_in_cell(f"faktura {cpr} {words}") == frozenset()


def test_the_name_loses_the_cpr_written_in_it():
    assert name_without_cpr("Bo Lund (020291-2345)") == "Bo Lund"
    assert name_without_cpr("020291-2345 Lund, Bo") == "Lund, Bo"
    assert name_without_cpr("Anna Holm") == "Anna Holm"


TEXT_CELLS = st.lists(st.one_of(st.none(), st.just(""), WORDS,
                                st.builds(lambda a, c, b, sep: f"{a}{c[:6]}{sep}{c[6:]}{b}", WORDS, CPRS, WORDS,
                                          st.sampled_from(["-", " ", "", "--"])),
                                st.builds(lambda c, w: f"{w}CPR: {c}", CPRS, WORDS),
                                st.builds(lambda c: f"1{c[:6]}-{c[6:]}", CPRS)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(TEXT_CELLS)
def test_a_column_searched_at_once_finds_what_the_cells_one_by_one_find(cells):
    from core.importing.persons import _cells_searched_one_by_one, _texts_searched_at_once

    at_once = {i: set(found) for i, found in _texts_searched_at_once(cells)}
    one_by_one = {i: set(found) for i, found in _cells_searched_one_by_one(cells, False)}
    assert at_once == one_by_one


def test_a_row_naming_a_person_is_data_even_when_its_first_word_sounds_like_a_sum(db, tmp_path):
    rows = [["Støttebehov", "CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato"],
            ["Totalt", "010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"],
            ["Totalt", 2011901234, "§ 108", "Skovbrynet", "3.500,00", "01-01-2026"],  # a CPR stored as a number
            ["I alt", "", "", "", 123456789.0, ""]]
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark1": rows}), "grants", dry_run=True)
    # the persons' rows are read (and ask what 'Totalt' means), never skipped as sums
    assert [(r["row"], r["value"]) for r in res["rejected"]] == [(2, "Totalt"), (3, "Totalt")]
    assert [w["row"] for w in res["warnings"] if w["row"] is not None] == [4]  # the real sum row is skipped
