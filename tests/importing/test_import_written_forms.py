"""Values the parsers must read in every form the systems write them, and the layouts that
stopped whole files: a period in one cell, a unit with its quantity under 'Pr.', a residents'
list of one facility, a sheet without a section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.importing import parsers as p
from core.importing.batches import import_file
from core.importing.choices import Choices
from core.store.storage import query
from tests.import_files import write_csv, write_xlsx

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


def _written(day: dt.date, form: int) -> str:
    return [f"{day:%d.%m.%Y}", f"{day.day}.{day.month}.{day.year}", f"{day:%d-%m-%Y}", f"{day:%Y-%m-%d}",
            f"{day.day}/{day.month}-{day.year}", f"{day.day}. {p.MONTH_NAMES[day.month - 1]} {day.year}",
            f"{day:%Y.%m.%d}", f"{day:%Y/%m/%d}", f"{day:%Y-%m-%d}T00:00:00", f"{day:%d-%m-%Y} kl. 10:15"][form]


@settings(max_examples=300, deadline=None)
@given(DAYS, st.one_of(st.none(), DAYS), st.integers(0, 9), st.integers(0, 9),
       st.sampled_from([" - ", "-", " – ", "–", " til ", "  -  "]), st.sampled_from(["", "løbende", "Løbende"]),
       st.sampled_from(["", "fra ", "Fra "]))
def test_a_period_in_one_cell_is_split_whatever_its_spelling(start, end, f1, f2, sep, open_word, lead):
    if end is not None and end < start:
        start, end = end, start
    cell = lead + _written(start, f1) + sep + (_written(end, f2) if end else open_word)
    assert p.parse_date_range(cell) == (start, end)
    assert p.parse_date_range(cell.upper()) == (start, end)


@pytest.mark.parametrize("cell", ["Anna", "01.03.2024 - Anna", "31.12.2026 - 01.01.2024", "", "1 - 2"])
def test_what_is_no_period_is_refused_with_a_reason(cell):
    with pytest.raises(p.ParseError):
        p.parse_date_range(cell)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([("time", ["time", "t", "timer", "Time", "TIMER", "t."]),
                        ("dag", ["dag", "dg", "dage", "Dag", "DAGE", "dg."])]),
       st.integers(1, 37), st.sampled_from(["uge", "uge.", "Uge", "ugen", "u"]),
       st.sampled_from(["{u} ({q} {s}/{per})", "{u} ({q}{s}/{per})", "{u} {q} {s}/{per}", "{q} {s}/{per}",
                        "{q} {s} pr. {per}", "{u} ({q} {s} pr {per})", "{u}, {q} {s}/{per}"]))
def test_a_unit_with_its_quantity_in_one_cell_is_split(unit_words, quantity, per_word, pattern):
    unit, words = unit_words
    if per_word == "u":
        per_word = "uge"
    for word in words:
        cell = pattern.format(u=words[0], q=quantity, s=word, per=per_word)
        assert p.parse_unit(cell) == (unit, Decimal(quantity), "uge"), cell


@pytest.mark.parametrize("cell, unit", [("døgn", "døgn"), ("Døgn", "døgn"), ("pr. døgn", "døgn"), ("DOEGN", "døgn"),
                                        ("md.", "måned"), ("pr. måned", "måned"), ("år", "år"), ("uge", "uge")])
def test_plain_units(cell, unit):
    assert p.parse_unit(cell)[0] == unit


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list("abcdef")), st.sampled_from(["{l}", "Kategori {l}", "kat. {l}", "{l} - {w}", "{w}",
                                                         "VUM {l}", "{l}: {w}", "Niveau {l}", "VUM-kategori {l}",
                                                         "Støttekategori {l}", "{w} ({l})"]),
       st.sampled_from([str.upper, str.lower, str.title]))
def test_vum_categories_in_their_written_forms(letter, pattern, case):
    words = {"a": "Let støtte", "b": "Moderat støtte", "c": "Omfattende støtte", "d": "Svær støtte",
             "e": "Fuldstændig støtte", "f": "Individuel støtte"}
    assert p.parse_vum_category(case(pattern.format(l=letter, w=words[letter]))) == letter.upper()


def _grants(db) -> list[tuple]:
    return [tuple(r.values()) for r in query(db, "SELECT c.cpr, g.section, g.unit, g.quantity, g.quantity_per, "
                                                 "g.start, g.end FROM grants g JOIN citizens c ON c.id = "
                                                 "g.citizen_id ORDER BY c.cpr")]


def test_a_period_cell_and_a_unit_with_quantity_under_pr_import_without_help(db, tmp_path):
    rows = [["Borger", "CPR", "Ydelse", "Leverandør", "Takst", "Pr.", "Periode"],
            ["Anna Holm", "010190-1234", "§ 85 Socialpædagogisk støtte", "Støttecentret", "512,50",
             "time (8 t/uge)", "11.01.2017 -"],
            ["Bo Lund", "020291-2345", "§ 104", "Værkstedet", "650,00", "dag (5 dg/uge)", "01.03.2024 - 31.12.2026"],
            ["Carl Berg", "030392-3456", "Længerevarende botilbud", "Skovbrynet", "3.500,00", "døgn",
             "01.01.2025 - løbende"]]
    res = import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Bevillinger": rows}))
    assert (res["kind"], res["imported"], res["rejected"], res["unused_columns"]) == ("grants", 3, [], [])
    assert any("'Periode' er delt" in n for n in res["notes"]) and any("'Pr.' er delt" in n for n in res["notes"])
    assert _grants(db) == [("010190-1234", "§ 85", "time", "8", "uge", "2017-01-11", None),
                           ("020291-2345", "§ 104", "dag", "5", "uge", "2024-03-01", "2026-12-31"),
                           ("030392-3456", "§ 108", "døgn", None, None, "2025-01-01", None)]
    assert query(db, "SELECT name FROM citizens ORDER BY cpr")[0]["name"] == "Anna Holm"


def test_a_residents_list_of_one_facility_imports_with_fixed_values_and_a_translation(db, tmp_path):
    rows = [["Beboerliste Skovbrynet 2026"], [],
            ["Navn", "CPR", "Ind", "Ud", "Takst pr. døgn", "Støttebehov"],
            ["Anna Holm", "010190-1234", "01.01.2026", "", "3.500,00", "Moderat"],
            ["Bo Lund", "020291-2345", "01.02.2026", "30.06.2026", "3.600,00", "Meget"]]
    f = write_xlsx(tmp_path / "beboere.xlsx", {"Beboere": rows})
    res = import_file(db, f, "grants", choices=Choices(fixed={"section": "§ 108", "provider": "Skovbrynet"}),
                      dry_run=True)
    # the unknown word is asked about, with the option that answers it
    assert res["questions"] == [{"field": "vum_category", "column": "Støttebehov",
                                 "values": [{"value": "Meget", "count": 1}],
                                 "option": "--translate vum_category:Meget=BETYDNING"}]
    res = import_file(db, f, "grants", choices=Choices(fixed={"section": "§ 108", "provider": "Skovbrynet"},
                                                       translations={"vum_category": {"meget": "D"}}))
    assert (res["imported"], res["rejected"]) == (2, [])
    got = query(db, "SELECT c.cpr, g.section, g.unit, g.start, g.end, g.vum_category, p.name AS provider "
                    "FROM grants g JOIN citizens c ON c.id = g.citizen_id JOIN providers p ON p.id = g.provider_id "
                    "ORDER BY c.cpr")
    assert [tuple(r.values()) for r in got] == [
        ("010190-1234", "§ 108", "døgn", "2026-01-01", None, "B", "Skovbrynet"),
        ("020291-2345", "§ 108", "døgn", "2026-02-01", "2026-06-30", "D", "Skovbrynet")]


def test_without_a_section_the_providers_one_known_section_is_taken_and_several_are_asked(db, tmp_path):
    first = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Startdato"],
             ["010190-1234", "§ 108", "Skovbrynet", "3.500,00", "01-01-2025"],
             ["020291-2345", "§ 107", "Åhuset", "3.000,00", "01-01-2025"],
             ["030392-3456", "§ 108", "Åhuset", "3.200,00", "01-01-2025"]]
    import_file(db, write_csv(tmp_path / "first.csv", first), "grants")
    later = [["CPR-nr.", "Leverandør", "Takst", "Startdato"],
             ["040493-4567", "Skovbrynet", "3.500,00", "01-03-2026"],
             ["050594-5678", "Åhuset", "3.000,00", "01-03-2026"],
             ["060695-6789", "Nyt Sted", "3.000,00", "01-03-2026"]]
    res = import_file(db, write_csv(tmp_path / "later.csv", later), "grants")
    assert res["imported"] == 1
    assert [(r["row"], "§ 107 og § 108" in r["reason"], "--set section" in r["reason"]) for r in res["rejected"]] == [
        (3, True, True), (4, False, True)]
    assert ("040493-4567", "§ 108") in [(g[0], g[1]) for g in _grants(db)]
    assert res["questions"] == [{"field": "section", "column": "Paragraf", "option": "--set section=VÆRDI",
                                 "values": [{"value": "Åhuset", "count": 1}, {"value": "Nyt Sted", "count": 1}]}]


SECTION_NUMBERS = [85, 95, 96, 97, 98, 103, 104, 107, 108]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SECTION_NUMBERS),
       st.sampled_from(["§ {n}", "§{n}", "§  {n}", "SEL § {n}", "SEL {n}", "Servicelovens § {n}", "{n}", "{n}.0",
                        "§ {n}, stk. 1", "Paragraf {n}", "sel§{n}", " § {n} "]),
       st.sampled_from([str, str.upper, str.lower]))
def test_sections_in_their_written_forms(number, pattern, case):
    assert p.parse_section(case(pattern.format(n=number))) == f"§ {number}"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 9_999_999), st.integers(0, 99),
       st.sampled_from(["{dk}", "{dk} kr.", "kr. {dk}", "{dk} kr", "{dk} DKK", "{plain}", "{en}", "{dk_nodots}",
                        " {dk} "]),
       st.booleans())
def test_amounts_in_their_written_forms(whole, ore, pattern, negative):
    dk = f"{whole:,}".replace(",", ".") + f",{ore:02d}"
    cell = pattern.format(dk=dk, plain=f"{whole}.{ore:02d}", en=f"{whole:,}.{ore:02d}", dk_nodots=f"{whole},{ore:02d}")
    if negative:
        cell = "-" + cell.strip()
    want = Decimal(f"{'-' if negative else ''}{whole}.{ore:02d}")
    assert p.parse_amount(cell) == want


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(0, 9), st.sampled_from([str, str.upper]))
def test_dates_in_their_written_forms(day, form, case):
    assert p.parse_date(case(_written(day, form))) == day


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 28), st.integers(1, 12), st.integers(0, 99), st.integers(0, 3), st.integers(0, 999),
       st.sampled_from(["{c}", "{d}", "{a} {b}", "{a}‐{b}", " {c} ", "'{d}", '="{d}"', "{d}.0"]))
def test_cpr_numbers_in_their_written_forms(day, month, year, seventh, rest, pattern):
    digits = f"{day:02d}{month:02d}{year:02d}{seventh}{rest:03d}"
    cell = pattern.format(c=f"{digits[:6]}-{digits[6:]}", d=digits, a=digits[:6], b=digits[6:])
    assert p.parse_cpr(cell) == f"{digits[:6]}-{digits[6:]}"
