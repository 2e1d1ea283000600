"""VUM-based allocation: the category rule, assessments, residents pro rata, the allocation,
the significant-change rule, versions, and applying imported VUM lists (incl. the sample sheet)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from python_calamine import CalamineWorkbook

from core.register import catalogue, grants, providers
from core import vum
from core.register.citizens import ensure_citizen
from core.errors import DispoError, ValidationError
from core.money import to_ore

D = dt.date


def content(db):
    return [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("citizens", "vum_assessments", "vum_allocations", "settings")]


def new_batch(db) -> int:
    return db["batches"].insert({"kind": "vum", "created_at": "2026-11-27T05:00:00", "user": "test"}).last_pk


@pytest.fixture
def home(db):
    return providers.create_provider(db, "Botilbuddet Skovbrynet", "egen", places=18)


def add_resident(db, provider_id, cpr, start="2020-01-01", end=None, category=None):
    return grants.create_grant(db, {"cpr": cpr, "section": "§ 108", "provider_id": provider_id, "rate": "3000",
                                    "start": start, "end": end or "", "vum_category": category})


def scored(db, *values) -> dict:
    """Scores for the first themes of the catalogue, in order."""
    codes = [t.code for t in vum.themes(db)]
    return dict(zip(codes, values))


# ------------------------------------------------------------------ the category rule

@pytest.mark.parametrize("values, expected", [
    ((0, 0, 0, 0), "A"),
    ((1, 1, 0, 0), "A"),          # 0.5
    ((1, 1, 1, 0), "B"),          # 0.75: exactly on the boundary -> the higher category
    ((2, 1, 1, 1), "B"),          # 1.25
    ((2, 2, 1, 1), "C"),          # 1.5
    ((3, 2, 2, 2), "D"),          # 2.25
    ((3, 3, 3, 2), "D"),          # 2.75
    ((3, 3, 3, 3), "E"),          # 3
    ((4, 4, 3, 3), "E"),          # 3.5
    ((4, 4, 4, 3), "F"),          # 3.75
])
def test_the_shipped_rule_suggests_by_average_with_boundaries(db, values, expected):
    assert vum.category_rule(db).suggest(scored(db, *values)) == expected


def test_unscored_themes_do_not_count_and_no_scores_no_suggestion(db):
    rule = vum.category_rule(db)
    assert rule.suggest({}) is None
    # 3 and 3 scored, the rest not: average 3 -> E (an unscored theme would have pulled it down)
    assert rule.suggest(scored(db, 3, 3)) == "E"


def test_the_rule_is_changed_in_settings_and_explained_in_danish(db):
    vum.set_category_rule(db, {"measure": "maksimum", "steps": [["0", "A"], ["2", "C"], ["4", "E"]]})
    rule = vum.category_rule(db)
    assert rule.suggest(scored(db, 1, 1, 1)) == "A"
    assert rule.suggest(scored(db, 0, 0, 2)) == "C"      # the maximum, exactly on the boundary
    assert rule.suggest(scored(db, 0, 4)) == "E"
    text = rule.text()
    assert "den højeste score" in text and "under 2: A" in text and "4 og derover: E" in text


@pytest.mark.parametrize("data, field", [
    ({"measure": "median", "steps": [["0", "A"]]}, "measure"),
    ({"measure": "gennemsnit", "steps": [["1", "A"]]}, "steps"),
    ({"measure": "gennemsnit", "steps": [["0", "A"], ["2", "B"], ["1", "C"]]}, "steps"),
    ({"measure": "gennemsnit", "steps": [["0", "A"], ["5", "B"]]}, "steps"),
    ({"measure": "gennemsnit", "steps": [["0", "A"], ["x", "B"]]}, "steps"),
    ({"measure": "gennemsnit", "steps": [["0", "A"], ["2", "G"]]}, "steps"),
])
def test_a_bad_rule_is_refused_and_nothing_changes(db, data, field):
    before = content(db)
    with pytest.raises(ValidationError) as ex:
        vum.set_category_rule(db, data)
    assert field in ex.value.problems
    assert content(db) == before


def test_theme_catalogue_is_editable(db):
    n = len(vum.themes(db))
    assert n >= 8
    vum.save_theme(db, "Nyt tema", "Et nyt tema")
    assert [t.code for t in vum.themes(db)][-1] == "nyt_tema"
    vum.save_theme(db, "nyt_tema", "Et nyt tema", active=False)
    assert len(vum.themes(db)) == n and len(vum.themes(db, include_inactive=True)) == n + 1


# ------------------------------------------------------------------ assessments

def test_an_assessment_takes_the_suggestion_and_history_is_kept(db, home):
    add_resident(db, home, "010180-1234")
    first = vum.record_assessment(db, cpr="0101801234", date="01-03-2026", assessor="Pia", provider_id=home,
                                  scores=scored(db, 2, 2, 1, 1))
    second = vum.record_assessment(db, cpr="010180-1234", date="01-09-2026", assessor="Mads", provider_id=home,
                                   scores=scored(db, 3, 3, 3, 3), category="D", reason="Bedre end scorerne viser")
    history = vum.list_assessments(db)
    assert [(a.id, a.category, a.suggested_category) for a in history] == [(first, "C", "C"), (second, "D", "E")]
    assert history[1].reason == "Bedre end scorerne viser" and history[0].reason == ""
    assert history[1].decided_by and history[1].decided_at


def test_an_override_without_reason_is_refused_and_nothing_is_saved(db, home):
    add_resident(db, home, "010180-1234")
    before = content(db)
    with pytest.raises(ValidationError) as ex:
        vum.record_assessment(db, cpr="010180-1234", date="01-03-2026", assessor="Pia",
                              scores=scored(db, 2, 2, 1, 1), category="E")
    assert "begrundelse" in ex.value.problems["reason"]
    assert content(db) == before


@pytest.mark.parametrize("over, field", [
    ({"cpr": "020202-0202"}, "cpr"),
    ({"cpr": "12345"}, "cpr"),
    ({"date": "31-02-2026"}, "date"),
    ({"assessor": " "}, "assessor"),
    ({"scores": {"egenomsorg": 5}}, "scores"),
    ({"scores": {"ukendt": 1}}, "scores"),
    ({"scores": {}}, "category"),
    ({"category": "F", "reason": "meget"}, "hours"),
])
def test_bad_assessments_get_danish_messages(db, home, over, field):
    add_resident(db, home, "010180-1234")
    data = {"cpr": "010180-1234", "date": "01-03-2026", "assessor": "Pia", "scores": scored(db, 1, 1)}
    data.update(over)
    before = content(db)
    with pytest.raises(ValidationError) as ex:
        vum.record_assessment(db, **data)
    assert field in ex.value.problems
    assert content(db) == before


def test_scores_from_text_pairs(db):
    assert vum.parse_scores(db, ["egenomsorg=3", "Socialt liv = 1"]) == {"egenomsorg": 3, "socialt_liv": 1}
    with pytest.raises(ValidationError):
        vum.parse_scores(db, ["egenomsorg"])


# ------------------------------------------------------------------ residents and the allocation

def test_full_year_residents_and_individual_hours(db, home):
    add_resident(db, home, "010180-1234", category="B")
    add_resident(db, home, "020280-1234")
    vum.record_assessment(db, cpr="020280-1234", date="01-03-2026", assessor="Pia", provider_id=home,
                          scores=scored(db, 4, 4, 4, 4), hours="42,5")
    a = vum.compute_allocation(db, home, 2027)
    assert a.hourly_price == Decimal("412")
    # by hand: B 6.5 h + F 42.5 h = 49 h per week; 49 * 52 = 2548 h; 2548 * 412 = 1,049,776 kr
    assert a.categories["B"].count == 1 and a.categories["F"].count == 1
    assert a.categories["F"].hours_per_week == Fraction("42.5") and a.categories["F"].norm_hours is None
    assert a.hours_per_week == 49 and a.hours_per_year == 2548 and a.kr_per_year == 1_049_776
    assert a.categories["F"].kr_per_week == Fraction("42.5") * 412
    # the totals row: 2 residents; 49 h × 412 kr. = 20.188 kr. a week
    assert a.resident_count == 2 and a.kr_per_week == 20_188


def test_residents_count_pro_rata_by_days_in_the_year(db, home):
    add_resident(db, home, "010180-1234", start="2027-07-01", category="B")        # 184 of 365 days
    add_resident(db, home, "020280-1234", start="2015-01-01", end="2027-01-31", category="E")  # 31 days
    add_resident(db, home, "030380-1234", start="2015-01-01", end="2026-12-31", category="A")  # not in 2027
    a = vum.compute_allocation(db, home, 2027)
    assert sorted(r.cpr for r in a.residents) == ["010180-1234", "020280-1234"]
    weekly = Fraction(184, 365) * Fraction("6.5") + Fraction(31, 365) * Fraction("35.5")
    assert a.categories["B"].count == Fraction(184, 365)
    assert a.hours_per_week == weekly
    assert a.resident_count == Fraction(184 + 31, 365)
    assert to_ore(a.kr_per_year) == to_ore(weekly * 52 * 412)


def test_two_grants_at_one_facility_count_their_days_once(db, home):
    add_resident(db, home, "010180-1234", start="2027-01-01", end="2027-06-30", category="A")
    add_resident(db, home, "010180-1234", start="2027-06-01", category="A")
    (r,) = vum.residents(db, home, 2027)
    assert r.weight == 1


def test_the_newest_assessment_decides_over_the_grants_category(db, home):
    add_resident(db, home, "010180-1234", category="A")
    assert vum.residents(db, home, 2027)[0].category_source == "bevilling"
    vum.record_assessment(db, cpr="010180-1234", date="01-03-2026", assessor="Pia", scores=scored(db, 3, 3))
    (r,) = vum.residents(db, home, 2027)
    assert (r.category, r.category_source, r.assessed_on) == ("E", "vurdering", D(2026, 3, 1))


def test_the_significant_change_threshold_at_its_boundary(db, home):
    vum.set_significant_change_pct(db, "10")
    cprs = [f"{d:02d}0180-1234" for d in range(1, 12)]
    for cpr in cprs[:10]:
        add_resident(db, home, cpr, category="A")
    last_year = vum.compute_allocation(db, home, 2026)
    assert last_year.previous is None and last_year.significant      # no allocation yet: one must be set
    vum.save_allocation(db, last_year)
    add_resident(db, home, cprs[10], category="A")
    # 10 h -> 11 h per week: exactly +10 %, which is not *more than* 10 %
    a = vum.compute_allocation(db, home, 2027)
    assert a.previous.year == 2026 and a.previous.hours_per_year == 520
    assert a.change_pct == 10 and not a.significant and a.proposal == "behold"
    vum.set_significant_change_pct(db, "9,99")
    a = vum.compute_allocation(db, home, 2027)
    assert a.significant and a.proposal == "ændr"


def test_versions_are_kept_and_the_newest_of_last_year_is_compared(db, home):
    add_resident(db, home, "010180-1234", category="A")
    vum.save_allocation(db, vum.compute_allocation(db, home, 2027))
    adjusted = [r.with_category("C") for r in vum.residents(db, home, 2027)]
    vum.save_allocation(db, vum.compute_allocation(db, home, 2027, adjusted), decision="ændr", note="Ny vurdering")
    saved = vum.versions(db, home, 2027)
    assert [(v.version, v.hours_per_week, v.decision) for v in saved] == [
        (1, Decimal("1"), "ændr"), (2, Decimal("15.5"), "ændr")]
    assert saved[1].lines[0]["category"] == "C" and saved[1].kr_per_year_ore == to_ore(Fraction("15.5") * 52 * 412)
    assert vum.previous_version(db, home, 2028).version == 2
    assert vum.previous_version(db, home, 2027) is None


def test_an_allocation_with_a_resident_without_category_is_not_saved(db, home):
    add_resident(db, home, "010180-1234")
    before = content(db)
    with pytest.raises(ValidationError) as ex:
        vum.save_allocation(db, vum.compute_allocation(db, home, 2027))
    assert "mangler en VUM-kategori" in ex.value.problems["category"]
    assert content(db) == before


def test_fixed_budget_per_year_falls_back_to_the_providers(db, home):
    providers.update_provider(db, home, fixed_budget_ore=500_000_00)
    vum.set_fixed_budget(db, home, 2027, 612_000_00)
    assert vum.fixed_budget_ore(db, home, 2027) == 612_000_00
    assert vum.fixed_budget_ore(db, home, 2026) == 500_000_00


def test_only_own_facilities_with_categories_are_listed(db, home):
    other = providers.create_provider(db, "Engly Botilbud ApS", "privat")
    empty = providers.create_provider(db, "Kilden", "egen")
    add_resident(db, home, "010180-1234", category="B")
    add_resident(db, other, "020280-1234", category="C")
    add_resident(db, empty, "030380-1234")
    assert [p.name for p in vum.facilities(db, 2027)] == ["Botilbuddet Skovbrynet"]
    with pytest.raises(ValidationError):
        vum.compute_allocation(db, other, 2027)


def test_due_lists_missing_old_and_changed_categories(db, home):
    vum.set_reassessment_months(db, 12)
    add_resident(db, home, "010180-1234", category="B")      # no assessment
    add_resident(db, home, "020280-1234")
    add_resident(db, home, "030380-1234")
    vum.record_assessment(db, cpr="020280-1234", date="01-09-2025", assessor="Pia", scores=scored(db, 1, 1, 1, 1))
    vum.record_assessment(db, cpr="030380-1234", date="01-06-2026", assessor="Pia", scores=scored(db, 0, 0))
    vum.save_allocation(db, vum.compute_allocation(db, home, 2026))
    vum.record_assessment(db, cpr="030380-1234", date="01-10-2026", assessor="Pia", scores=scored(db, 2, 2))
    items = {i["cpr"]: i["reasons"] for i in vum.due(db, D(2026, 10, 31))}
    assert items["010180-1234"] == ["mangler VUM-vurdering"]
    assert items["020280-1234"] == ["vurderingen er ældre end 12 måneder"]
    assert items["030380-1234"] == ["kategori ændret siden tildelingen 2026 (A → C)"]


# ------------------------------------------------------------------ imported VUM lists

def record(cpr, provider_id, category, row, hours=None, facility="Botilbuddet Skovbrynet"):
    return {"cpr": cpr, "provider_id": provider_id, "facility": facility, "category": category, "hours": hours,
            "sheet": "Ark1", "row": row}


def test_apply_vum_list_imports_updates_and_leaves_unchanged(db, home):
    ensure_citizen(db, "010180-1234")
    ensure_citizen(db, "020280-1234")
    batch = new_batch(db)
    result = vum.apply_vum_list(db, [record("010180-1234", home, "B", 6),
                                     record("0202801234", home, "F", 7, hours=Decimal("44"))], batch,
                                today=D(2026, 11, 27))
    assert result == {"imported": 2, "updated": 0, "unchanged": 0, "rejected": []}
    saved = vum.list_assessments(db)
    assert [(a.cpr, a.category, a.hours, a.date, a.source, a.batch_id, a.scores) for a in saved] == [
        ("010180-1234", "B", None, D(2026, 11, 27), "import", batch, {}),
        ("020280-1234", "F", Decimal("44"), D(2026, 11, 27), "import", batch, {})]
    before = content(db)
    again = vum.apply_vum_list(db, [record("010180-1234", home, "B", 6),
                                    record("020280-1234", home, "F", 7, hours=Decimal("44.0"))], new_batch(db))
    assert again == {"imported": 0, "updated": 0, "unchanged": 2, "rejected": []}
    assert content(db)[1] == before[1]
    changed = vum.apply_vum_list(db, [record("010180-1234", home, "C", 6)], new_batch(db))
    assert changed["updated"] == 1
    assert vum.residents(db, home, 2027)[0].category == "C"


def test_apply_vum_list_rejects_with_place_and_reason(db, home):
    other = providers.create_provider(db, "Engly Botilbud ApS", "privat")
    ensure_citizen(db, "010180-1234")
    before = content(db)
    result = vum.apply_vum_list(db, [
        record("020280-1234", home, "B", 6),                     # not in the register
        record("12345", home, "B", 7),
        record("010180-1234", None, "B", 8, facility="Ukendt Tilbud"),
        record("010180-1234", other, "B", 9, facility="Engly Botilbud ApS"),
        record("010180-1234", home, "G", 10),
        record("010180-1234", home, "F", 11),                    # F without hours
    ], new_batch(db))
    assert result["imported"] == result["updated"] == result["unchanged"] == 0
    got = [(r["row"], r["column"]) for r in result["rejected"]]
    assert got == [(6, "cpr"), (7, "cpr"), (8, "facility"), (9, "facility"), (10, "category"), (11, "hours")]
    assert "findes ikke i registret" in result["rejected"][0]["reason"]
    assert "Ukendt Tilbud" in result["rejected"][2]["reason"]
    assert "ikke et eget tilbud" in result["rejected"][3]["reason"]
    assert all(r["sheet"] == "Ark1" for r in result["rejected"])
    assert content(db)[1] == before[1]


def test_the_same_citizen_twice_in_a_list(db, home):
    ensure_citizen(db, "010180-1234")
    result = vum.apply_vum_list(db, [record("010180-1234", home, "B", 6), record("010180-1234", home, "B", 9),
                                     record("010180-1234", home, "D", 12)], new_batch(db))
    assert (result["imported"], result["unchanged"]) == (1, 1)
    assert result["rejected"][0]["row"] == 12 and "kategori B" in result["rejected"][0]["reason"]


# ------------------------------------------------------------------ the sample sheet

def parse_thisted_sheet(rows: list[list]) -> dict:
    """Read one sheet of the sample by hand: facility, price, the x per citizen, the sheet's own totals."""
    title = rows[0][0]
    facility = title.split(" - ", 1)[1].strip()
    header = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Borger"))
    columns = {j: re.search(r"/([A-F])\b", str(text)).group(1)
               for j, text in enumerate(rows[header]) if j and re.search(r"/([A-F])\b", str(text))}
    citizens, totals = [], {}
    for i, r in enumerate(rows[header + 1:], start=header + 2):
        label = str(r[0]).strip()
        if re.fullmatch(r"\d{6}-\d{4}", label):
            marks = [columns[j] for j in columns if str(r[j]).strip().lower() == "x"]
            citizens.append((label, marks[0], i))
        elif label.startswith("Tildeling pr. uge i alt (timer)"):
            totals["week"] = {columns[j]: Decimal(str(r[j])) for j in columns if r[j] != ""}
        elif label.startswith("Samlet tildeling i timer pr. år"):
            totals["hours_year"] = Decimal(str(r[1]))
        elif label.startswith("Samlet tildeling i kr. pr. år"):
            totals["kr_year"] = Decimal(str(r[1]))
    price = Decimal(str(rows[1][1]))
    return {"facility": facility, "price": price, "citizens": citizens, "totals": totals}


def test_the_sample_sheet_totals_equal_the_computed_allocation(db, samples):
    book = CalamineWorkbook.from_path(str(samples / "vum_tildeling_2027.xlsx"))
    sheets = {name: parse_thisted_sheet(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names}
    records = []
    for name, sheet in sheets.items():
        pid = providers.create_provider(db, sheet["facility"], "egen")
        catalogue.set_sats(db, "vum_hourly_price", 2027, sheet["price"])
        for cpr, category, row in sheet["citizens"]:
            ensure_citizen(db, cpr)
            records.append({"cpr": cpr, "provider_id": pid, "facility": sheet["facility"], "category": category,
                            "hours": None, "sheet": name, "row": row})
    result = vum.apply_vum_list(db, records, new_batch(db))
    assert result["imported"] == len(records) and not result["rejected"]
    assert {p.name for p in vum.facilities(db, 2027)} == {s["facility"] for s in sheets.values()}
    for sheet in sheets.values():
        a = vum.compute_allocation(db, vum.facility_by_name(db, sheet["facility"]).id, 2027)
        assert a.hours_per_year == sheet["totals"]["hours_year"], sheet["facility"]
        assert a.kr_per_year == sheet["totals"]["kr_year"], sheet["facility"]
        for code, hours in sheet["totals"]["week"].items():
            assert a.categories[code].hours_per_week == hours, (sheet["facility"], code)
    skovbrynet = next(s for s in sheets.values() if s["facility"] == "Botilbuddet Skovbrynet")
    assert skovbrynet["totals"]["hours_year"] == 4420      # the sheet was read, not guessed


# The expected-citizens table as the follow-up area defines it (created here when this
# checkout does not have that area, so the VUM side is tested either way).
EXPECTED_TABLE = """CREATE TABLE IF NOT EXISTS expected_citizens (
    id INTEGER PRIMARY KEY, ident TEXT NOT NULL UNIQUE, temporary INTEGER NOT NULL DEFAULT 1,
    name TEXT NOT NULL DEFAULT '', section TEXT NOT NULL, account TEXT NOT NULL, provider_id INTEGER,
    unit TEXT NOT NULL, quantity TEXT, quantity_per TEXT, rate TEXT NOT NULL, start TEXT NOT NULL, end TEXT,
    source TEXT NOT NULL DEFAULT 'planlagt', note TEXT NOT NULL DEFAULT '', batch_id INTEGER)"""


def add_expected(db, provider_id, ident, name, start, end=None):
    db.execute(EXPECTED_TABLE)
    db.execute("INSERT INTO expected_citizens (ident, name, section, account, provider_id, unit, rate, start, end) "
               "VALUES (?, ?, '§ 108', '5.38.50', ?, 'døgn', '3000', ?, ?)", [ident, name, provider_id, start, end])


def test_expected_citizens_count_from_their_expected_start(db, home):
    add_resident(db, home, "010180-1234", category="A")
    add_expected(db, home, "T-0001", "Ung fra børneområdet", "2027-10-01")
    add_expected(db, home, "010180-1234", "Allerede beboer", "2027-01-01")       # counted once, by the grant
    add_expected(db, home, "T-0002", "Først i 2028", "2028-01-01")
    a = vum.compute_allocation(db, home, 2027)
    (expected,) = [r for r in a.residents if r.expected]
    assert (expected.name, expected.weight, expected.category) == ("Ung fra børneområdet", Fraction(92, 365), None)
    assert len(a.uncategorised) == 1
    chosen = [r.with_category("D") if r.expected else r for r in a.residents]
    a = vum.compute_allocation(db, home, 2027, chosen)
    assert a.hours_per_week == 1 + Fraction(92, 365) * Fraction("25.5")


def test_an_expected_citizen_with_a_real_cpr_takes_the_assessed_category(db, home):
    ensure_citizen(db, "020280-1234")
    vum.record_assessment(db, cpr="020280-1234", date="01-10-2026", assessor="Pia", provider_id=home,
                          scores=scored(db, 2, 2))
    add_expected(db, home, "020280-1234", "Flytter ind", "2027-07-01", "2027-12-31")
    (r,) = vum.residents(db, home, 2027)
    assert (r.expected, r.category, r.weight) == (True, "C", Fraction(184, 365))


@pytest.mark.parametrize("text, expected", [
    ("C", "C"), (" b ", "B"), ("Let", "A"), ("Moderat støtte", "B"), ("Omfattende", "C"), ("Svær støtte", "D"),
    ("Fuldstændig", "E"), ("Individuel støtte", "F"), ("11-20 timer\nOmfattende støtte/C\npr. uge", "C"),
    ("Kategori D", "D"), ("x", None), ("", None), ("Borger (cpr-nr.)", None), ("Ikke vurderet", None),
])
def test_categories_are_read_as_lists_write_them(text, expected):
    assert vum.parse_category(text) == expected


def test_a_list_with_category_labels_imports_like_letters(db, home):
    ensure_citizen(db, "010180-1234")
    result = vum.apply_vum_list(db, [record("010180-1234", home, "Omfattende støtte", 6)], new_batch(db))
    assert result["imported"] == 1 and vum.list_assessments(db)[0].category == "C"
    again = vum.apply_vum_list(db, [record("010180-1234", home, "C", 6)], new_batch(db))
    assert again["unchanged"] == 1


def test_the_demo_extension_places_planned_cases_in_last_year_s_allocation(db, monkeypatch):
    """Other demo extensions may add expected citizens at own facilities before this one runs."""
    import random

    from core.register import demo

    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", [])
    demo.build_demo(db)
    home = vum.facility_by_name(db, "Botilbuddet Skovbrynet").id
    add_expected(db, home, "T-0001", "Planlagt botilbud", "2026-12-01")
    with db.atomic():
        counts = vum.extend_demo(db, random.Random(1))
    assert counts["vum_allocations"] == len(vum.facilities(db, 2026)) >= 4
    (saved,) = vum.versions(db, home, 2026)
    planned_line = next(line for line in saved.lines if line["key"][0] == "e")
    assert planned_line["category"] in ("B", "C", "D") and planned_line["weight"] == "31/365"
    assert all(line["category"] for line in saved.lines)
    planned = [r for r in vum.residents(db, home, 2027) if r.expected]
    assert [(r.name, r.category) for r in planned] == [("Planlagt botilbud", None)]
    with pytest.raises(ValidationError) as ex:
        vum.save_allocation(db, vum.compute_allocation(db, home, 2027))
    assert "forventet" in str(ex.value)


def test_restore_rows_writes_all_rows_back_or_none(db, home):
    from core.vum.undo import restore_rows, row_state

    keys = [("vum_fixed_budgets", {"provider_id": home, "year": y}) for y in (2026, 2027)]
    vum.set_fixed_budget(db, home, 2026, 500_000_00)
    before = [row_state(db, t, w) for t, w in keys]  # 2026 set, 2027 none
    vum.set_fixed_budget(db, home, 2026, 510_000_00)
    vum.set_fixed_budget(db, home, 2027, 520_000_00)
    after = [row_state(db, t, w) for t, w in keys]
    restore_rows(db, keys, before, after)  # undo both
    assert [(r or {}).get("amount_ore") for r in (row_state(db, t, w) for t, w in keys)] == [500_000_00, None]
    vum.set_fixed_budget(db, home, 2027, 1_00)  # a later change to the second row only
    with pytest.raises(DispoError, match="ændret siden"):
        restore_rows(db, keys, after, before)  # redo refused: the first row is not written either
    assert row_state(db, *keys[0])["amount_ore"] == 500_000_00


def test_the_overview_per_facility_against_the_allocation_and_the_fixed_budget(db, home):
    add_resident(db, home, "010180-1234", category="A")
    add_resident(db, home, "020280-1234", category="A")
    vum.save_allocation(db, vum.compute_allocation(db, home, 2026))  # 2 × 1 h a week × 52 × 412 kr. = 42.848 kr.
    add_resident(db, home, "030380-1234", category="C")
    add_resident(db, home, "040480-1234")                            # no category yet: no hours
    vum.set_fixed_budget(db, home, 2027, 400_000_00)
    (row,) = vum.overview(db, 2027)
    assert (row.facility, row.residents, row.uncategorised) == ("Botilbuddet Skovbrynet", 4, 1)
    assert (row.allocated.year, row.allocated.version, row.allocated_ore) == (2026, 1, 42_848_00)
    # now (1 + 1 + 15,5) h a week × 52 × 412 kr. = 17,5 × 21.424 = 374.920 kr.
    assert row.implied_ore == 374_920_00
    # (374.920 − 42.848) / 42.848 = 17,5 / 2 − 1 = 7,75: +775 %, far over the threshold
    assert row.vs_allocation_pct == 775 and row.significant
    assert (row.fixed_budget_ore, row.vs_budget_ore) == (400_000_00, -25_080_00)  # 374.920 − 400.000


def test_the_overview_without_allocation_or_fixed_budget_has_no_differences(db, home):
    add_resident(db, home, "010180-1234", category="B")
    (row,) = vum.overview(db, 2027)
    assert row.implied_ore == to_ore(Fraction("6.5") * 52 * 412)  # B: 6,5 h a week = 139.256 kr.
    assert (row.allocated, row.allocated_ore, row.vs_allocation_pct, row.vs_budget_ore) == (None, None, None, None)


def test_an_assessment_is_due_when_missing_or_older_than_the_setting(db, home):
    from core.vum.allocation import assessment_problem

    add_resident(db, home, "010180-1234", category="A")
    (r,) = vum.residents(db, home, 2027)
    today = D(2027, 3, 31)
    assert assessment_problem(r, today, 24) == "mangler VUM-vurdering"
    # 24 months before 31-03-2027 is 31-03-2025: an assessment of that day is not older
    assert assessment_problem(dataclasses.replace(r, assessed_on=D(2025, 3, 31)), today, 24) == ""
    assert assessment_problem(dataclasses.replace(r, assessed_on=D(2025, 3, 30)), today, 24) == \
        "vurderingen er ældre end 24 måneder"
    # 31-05-2027 less 3 months: February has no 31st, so its last day, 28-02-2027
    assert assessment_problem(dataclasses.replace(r, assessed_on=D(2027, 2, 28)), D(2027, 5, 31), 3) == ""
    assert assessment_problem(dataclasses.replace(r, assessed_on=D(2027, 2, 27)), D(2027, 5, 31), 3) != ""
