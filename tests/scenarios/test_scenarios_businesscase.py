"""The employment-support business case: each kind of line, the staircase, a whole case with
variants, the satser by year, malformed input. Every expected figure is worked by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from core.register import catalogue
from core.scenarios import businesscase as bc
from tests.conftest import run_cli

RATES_2022 = {"pa_hourly": D("127.86"), "weeks_per_month": D("4.33")}


def case(before, after, **extra):
    return bc.parse_case({"before": before, "after": after, **extra})


def only_line(db, line, **extra):
    result = bc.evaluate(db, case([], [line], **extra))
    return result.lines[0]


def test_benefit_with_a_refund_share(db):
    # 7.552 kr. education benefit, 20 % refund: net 7552 · 0,8 = 6.041,60; refund 7552 − 6041,60 = 1.510,40
    r = only_line(db, {"kind": "benefit", "amount": 7552, "refund_pct": 20})
    assert (r.gross, r.refund, r.net) == (D("7552.00"), D("1510.40"), D("6041.60"))
    assert r.formula.startswith("7.552,00 × (1 − 20 %) = 6.041,60")


def test_benefit_rounds_to_ore_half_away_from_zero(db):
    # 100,05 kr. at 50 %: 50,025 → 50,03 (half away from zero); refund 100,05 − 50,03 = 50,02
    r = only_line(db, {"kind": "benefit", "amount": "100,05", "refund_pct": 50})
    assert (r.net, r.refund) == (D("50.03"), D("50.02"))


def test_wage_subsidy_with_flex_contribution(db):
    # 20.000 kr. wage subsidy, 50 % refund, 1.250 kr. special flex contribution:
    # net 20000 · 0,5 − 1250 = 8.750,00; refund 20000 − 8750 − 1250 = 10.000,00
    r = only_line(db, {"kind": "wage_subsidy", "amount": 20000, "refund_pct": 50, "flex_contribution": 1250})
    assert (r.gross, r.refund, r.net) == (D("20000.00"), D("10000.00"), D("8750.00"))


def test_personal_assistance_uses_the_year_satser(db):
    # 7 h/week · 127,86 (2022 sats, used for 2026: the newest earlier year) · 4,33 = 3.875,4366 → 3.875,44;
    # net 3875,4366 · 0,5 = 1.937,7183 → 1.937,72; refund 3875,44 − 1937,72 = 1.937,72
    result = bc.evaluate(db, case([], [{"kind": "pa", "hours_per_week": 7}], year=2026))
    r = result.lines[0]
    assert (r.gross, r.refund, r.net) == (D("3875.44"), D("1937.72"), D("1937.72"))
    assert result.rates.pa_hourly == bc.Rate(D("127.86"), 2022)
    assert result.rates.weeks_per_month == bc.Rate(D("4.33"), 2022)
    assert result.block_grant_month == D("1937.72")


def test_a_newer_sats_is_used_for_its_year_and_not_before(db):
    # 2025: 150 kr./h → 10 h · 150 · 4,33 · 0,5 = 3.247,50; 2024 still uses 2022's 127,86:
    # 10 · 127,86 · 4,33 · 0,5 = 2.768,169 → 2.768,17
    catalogue.set_sats(db, "pa_hourly_rate", 2025, "150")
    line = {"kind": "pa", "hours_per_week": 10}
    assert bc.evaluate(db, case([], [line], year=2026)).after_net == D("3247.50")
    assert bc.evaluate(db, case([], [line], year=2026)).rates.pa_hourly.year == 2025
    assert bc.evaluate(db, case([], [line], year=2024)).after_net == D("2768.17")


def test_no_sats_for_the_year_or_before_is_a_clear_error(db):
    with pytest.raises(bc.CaseError, match="ingen sats 'pa_hourly_rate' for 2021"):
        bc.evaluate(db, case([], [{"kind": "pa", "hours_per_week": 7}], year=2021))


@pytest.mark.parametrize("weeks, expected_net, why", [
    # the month begins in week 1: 4,33 weeks, 4 at 80 % and 0,33 at 40 %:
    # share (4·80 + 0,33·40)/4,33 = 333,2/4,33 %; net 10000 · (1 − 3,332/4,33) = 10000 · 0,998/4,33 = 2.304,85
    (0, D("2304.85"), "weeks 1-4 and a bit of 5-26"),
    # after 2 weeks: (2·80 + 2,33·40)/4,33 = 253,2/4,33 %; net 10000 · 1,798/4,33 = 4.152,42
    (2, D("4152.42"), "weeks 3-4 and 5-6.33"),
    # after 10 weeks: all in 5-26, 40 %: net 10000 · 0,6 = 6.000,00
    (10, D("6000.00"), "inside one step"),
    # after 50 weeks: 2 weeks at 30 % + 2,33 at 20 %: (60 + 46,6)/4,33 = 106,6/4,33 %;
    # net 10000 · (4,33 − 1,066)/4,33 = 10000 · 3,264/4,33 = 7.538,11
    (50, D("7538.11"), "weeks 51-52 and 53-"),
    # from 52 weeks on: 20 %: net 8.000,00
    (52, D("8000.00"), "week 53 onwards"),
    (200, D("8000.00"), "long after a year"),
])
def test_the_refund_staircase(db, weeks, expected_net, why):
    r = only_line(db, {"kind": "benefit", "amount": 10000, "weeks_on_benefit": weeks}, rates={"weeks_per_month": 4.33})
    assert r.net == expected_net, why
    assert r.gross - r.refund == r.net


def test_a_whole_case_with_variants(db):
    # Before: sickness benefit 16.000 at 20 % (after a year) = 12.800,00.
    # After: flexjob wage subsidy 12.000 at 50 % − 500 flex = 5.500,00; PA 7 h/week = 1.937,72.
    # net after 5500 + 1937,72 = 7.437,72; saving 12800 − 7437,72 = 5.362,28; per year × 12 = 64.347,36
    c = case([{"kind": "benefit", "amount": 16000, "refund_pct": 20}],
             [{"kind": "wage_subsidy", "amount": 12000, "refund_pct": 50, "flex_contribution": 500},
              {"kind": "pa", "hours_per_week": 7}], rates={"pa_hourly": "127.86", "weeks_per_month": "4.33"})
    result = bc.evaluate(db, c)
    assert (result.before_net, result.after_net) == (D("12800.00"), D("7437.72"))
    assert (result.saving_month, result.saving_year) == (D("5362.28"), D("64347.36"))
    assert result.block_grant_month == D("1937.72")

    compared = {v.name: r for v, r in bc.compare_variants(db, c, bc.standard_variants())}
    assert list(compared) == ["7 t/uge · 127,86 kr./t", "7 t/uge · 165 kr./t", "7 t/uge · 180 kr./t",
                              "14 t/uge · 127,86 kr./t", "14 t/uge · 165 kr./t", "14 t/uge · 180 kr./t"]
    # 7 · 165 · 4,33 · 0,5 = 2.500,575 → 2.500,58; after 5500 + 2500,58 = 8.000,58; saving 4.799,42
    assert compared["7 t/uge · 165 kr./t"].saving_month == D("4799.42")
    # 14 · 127,86 · 4,33 · 0,5 = 3.875,4366 → 3.875,44; after 9.375,44; saving 3.424,56; year 41.094,72
    assert compared["14 t/uge · 127,86 kr./t"].saving_year == D("41094.72")
    # 14 · 180 · 4,33 · 0,5 = 5.455,80; after 10.955,80; saving 1.844,20; block grant 5.455,80
    assert compared["14 t/uge · 180 kr./t"].saving_month == D("1844.20")
    assert compared["14 t/uge · 180 kr./t"].block_grant_month == D("5455.80")
    # the variant leaves the case itself alone
    assert result.after_net == D("7437.72")


@pytest.mark.parametrize("data, message", [
    ({"before": [], "after": [{"kind": "pa"}]}, "Linje 1 i 'after' (pa): feltet 'hours_per_week' mangler"),
    ({"before": [{"kind": "benefit", "amount": "mange", "refund_pct": 20}], "after": []},
     "Linje 1 i 'before' (benefit): feltet 'amount' skal være et tal"),
    ({"before": [{"kind": "benefit", "amount": 100}], "after": []}, "enten feltet 'refund_pct' eller"),
    ({"before": [{"kind": "benefit", "amount": 100, "refund_pct": 20, "weeks_on_benefit": 3}], "after": []},
     "ikke begge"),
    ({"before": [{"kind": "benefit", "amount": 100, "refund_pct": 120}], "after": []},
     "'refund_pct' kan ikke være større end 100"),
    ({"before": [], "after": [{"kind": "pa", "hours_per_week": -1}]}, "kan ikke være mindre end 0"),
    ({"before": [], "after": [{"kind": "pa", "hours_per_week": 7}, {"kind": "løn"}]},
     "Linje 2 i 'after': feltet 'kind' skal være"),
    ({"before": [], "after": [{"kind": "pa", "hours": 7}]}, "feltet 'hours' hører ikke til en pa-linje"),
    ({"before": [{"kind": "wage_subsidy", "amount": 100}], "after": []},
     "Linje 1 i 'before' (wage_subsidy): feltet 'refund_pct' mangler"),
    ({"after": []}, "Feltet 'before' mangler"),
    ({"before": {}, "after": []}, "'before' skal være en liste"),
    ({"before": [], "after": [], "rates": {"timesats": 1}}, "Satsen 'rates.timesats' kendes ikke"),
    ({"before": [], "after": [], "year": "2026"}, "'year' skal være et årstal"),
    ([], "et objekt med 'before' og 'after'"),
])
def test_malformed_cases_name_the_line_and_field(data, message):
    with pytest.raises(bc.CaseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bc.parse_case(data)


def test_cli_json_contract(tmp_path):
    f = tmp_path / "case.json"
    f.write_text(json.dumps({"rates": {"pa_hourly": 127.86, "weeks_per_month": 4.33},
                             "before": [{"kind": "benefit", "amount": 7552, "refund_pct": 20}],
                             "after": [{"kind": "pa", "hours_per_week": 7}]}))
    r = run_cli("businesscase", f, "--json", db=tmp_path / "a.sqlite")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # before 7552 · 0,8 = 6.041,60; after 7 · 127,86 · 4,33 · 0,5 = 1.937,72; saving 4.103,88; × 12 = 49.246,56
    assert (out["before_net"], out["after_net"], out["saving_month"], out["saving_year"],
            out["block_grant_month"]) == (6041.60, 1937.72, 4103.88, 49246.56, 1937.72)
    assert [(x["side"], x["gross"], x["refund"], x["net"]) for x in out["lines"]] == [
        ("before", 7552.0, 1510.40, 6041.60), ("after", 3875.44, 1937.72, 1937.72)]
    assert out["rates"]["pa_hourly"] == {"value": 127.86, "year": None}


def test_cli_malformed_file_exits_1_with_a_danish_message(tmp_path):
    f = tmp_path / "case.json"
    f.write_text(json.dumps({"before": [{"kind": "benefit", "amount": 7552, "refund_pct": 20}],
                             "after": [{"kind": "pa", "hours_per_week": "syv"}]}))
    r = run_cli("businesscase", f, db=tmp_path / "a.sqlite")
    assert r.returncode == 1
    assert "Linje 1 i 'after' (pa): feltet 'hours_per_week' skal være et tal" in r.stderr
    assert "Traceback" not in r.stderr
    f.write_text("{ikke json")
    r = run_cli("businesscase", f, db=tmp_path / "a.sqlite")
    assert r.returncode == 1 and "ikke gyldig JSON" in r.stderr


def test_cli_text_says_which_year_the_satser_are_from(tmp_path):
    f = tmp_path / "case.json"
    f.write_text(json.dumps({"year": 2026, "before": [], "after": [{"kind": "pa", "hours_per_week": 7}]}))
    r = run_cli("businesscase", f, db=tmp_path / "a.sqlite")
    assert r.returncode == 0, r.stderr
    assert "timesats 127,86 kr. (sats for 2022)" in r.stdout
    assert "Netto efter pr. måned: 1.937,72 kr." in r.stdout
