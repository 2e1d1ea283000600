"""Business cases saved per citizen, and their workbook: real formulas that give Dispo's figures."""

from __future__ import annotations

import json
from decimal import Decimal as D

import openpyxl
import pytest

from core.register import citizens
from core.errors import ValidationError
from core.scenarios import businesscase as bc, store
from core.scenarios.export import CASE_SHEET, VARIANTS_SHEET, write_business_case
from tests.conftest import run_cli
from tests.dbcontent import content

CASE = {"year": 2026,
        "before": [{"kind": "benefit", "amount": 10000, "weeks_on_benefit": 2, "text": "Sygedagpenge"}],
        "after": [{"kind": "wage_subsidy", "amount": 20000, "refund_pct": 50, "flex_contribution": 1000},
                  {"kind": "pa", "hours_per_week": 7}]}


def test_save_list_and_reload_a_case_per_citizen(db):
    anna = citizens.ensure_citizen(db, "010180-1234", "Anna Hansen")
    case = bc.parse_case(CASE)
    variants = [bc.Variant("14 timer", D(14)), bc.Variant("180 kr.", None, D(180))]
    case_id = store.save_case(db, "Fleksjob med PA", case, variants, citizen_id=anna)
    saved = store.get_case(db, case_id)
    assert saved.case == case
    assert saved.variants == tuple(variants)
    assert (saved.cpr, saved.citizen_name, saved.name) == ("010180-1234", "Anna Hansen", "Fleksjob med PA")
    assert [s.id for s in store.list_cases(db, anna)] == [case_id]
    # the same name for another citizen (or none) is fine; twice for Anna is not
    store.save_case(db, "Fleksjob med PA", case)
    with pytest.raises(ValidationError, match="allerede en business case med navnet"):
        store.save_case(db, "fleksjob med pa", case, citizen_id=anna)
    assert db.execute("SELECT count(*) FROM audit WHERE table_name = 'scenario_cases'").fetchone()[0] == 2


def test_bad_saves_leave_the_database_unchanged(db, db_path):
    case = bc.parse_case(CASE)
    store.save_case(db, "A", case)
    before = content(db_path)
    with pytest.raises(ValidationError, match="Giv business casen et navn"):
        store.save_case(db, "  ", case)
    with pytest.raises(ValidationError, match="Borgeren nr. 999 findes ikke"):
        store.save_case(db, "B", case, citizen_id=999)
    with pytest.raises(ValidationError):
        store.save_case(db, "a", case)
    assert content(db_path) == before


def test_cli_save_list_show_and_delete(tmp_path):
    dbf = tmp_path / "a.sqlite"
    f = tmp_path / "case.json"
    f.write_text(json.dumps({**CASE, "variants": [{"hours_per_week": 14}]}))
    r = run_cli("scenarios", "save", f, "--name", "Sygedagpenge til fleksjob", "--json", db=dbf)
    assert r.returncode == 0, r.stderr
    case_id = json.loads(r.stdout)["id"]
    listed = json.loads(run_cli("scenarios", "list", "--json", db=dbf).stdout)
    # before 4.152,42 (staircase, see test_scenarios_businesscase); after 9.000 + 1.937,72 = 10.937,72;
    # saving 4152,42 − 10937,72 = −6.785,30
    assert [(x["name"], x["saving_month"]) for x in listed] == [("Sygedagpenge til fleksjob", -6785.30)]
    shown = json.loads(run_cli("scenarios", "show", case_id, "--json", db=dbf).stdout)
    # the variant 14 h: PA 14 · 127,86 · 4,33 · 0,5 = 3.875,44; after 12.875,44
    assert [v["after_net"] for v in shown["variants"]] == [12875.44]
    r = run_cli("scenarios", "save", f, "--name", "X", "--cpr", "010180-1234", db=dbf)
    assert r.returncode == 1 and "ingen borger med CPR-nummeret" in r.stderr
    assert run_cli("scenarios", "delete", case_id, db=dbf).returncode == 0
    assert json.loads(run_cli("scenarios", "list", "--json", db=dbf).stdout) == []


def _formulas_and_values(path):
    wb = openpyxl.load_workbook(path)
    return wb[CASE_SHEET], wb[VARIANTS_SHEET] if VARIANTS_SHEET in wb.sheetnames else None


def _row_of(ws, label):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_workbook_has_a_formula_for_every_figure(db, tmp_path):
    case = bc.parse_case(CASE)
    result = bc.evaluate(db, case)
    variants = bc.compare_variants(db, case, [bc.Variant("14 t", D(14))])
    path = write_business_case(tmp_path / "bc.xlsx", result, title="Business case: Anna 010180-1234",
                               subtitle="Borger 010180-1234", variants=variants, mask_cpr=True)
    ws, wv = _formulas_and_values(path)
    header = _row_of(ws, "Side")
    pa = header + 3
    assert ws.cell(pa, 3).value == "Personlig assistance"
    assert ws.cell(pa, 5).value == 7
    assert ws.cell(pa, 10).value == "=ROUND(E{0}*$B$5*$B$6*(1-F{0}),2)".format(pa)
    assert ws.cell(pa, 11).value.startswith("7 t/uge × 127,86 kr. × 4,33 uger × (1 − 50 %) = 1.937,72")
    # the staircase share as weeks at each step over the weeks per month (rows 8 and 9: weeks 1-4, 5-26)
    assert ws.cell(header + 1, 6).value == "=(2*$B$8+2.33*$B$9)/$B$6"
    saving = _row_of(ws, "Besparelse pr. måned")
    assert ws.cell(saving, 10).value == f"=J{saving - 2}-J{saving - 1}"
    assert ws.cell(saving + 1, 10).value == f"=J{saving}*12"
    # no full CPR anywhere when masked; the formula-text column is text, not formulas
    assert ws.cell(1, 1).value == "Business case: Anna 010180-xxxx"
    assert all(not str(ws.cell(r, 11).value or "").startswith("=") for r in range(1, ws.max_row + 1))
    assert wv.cell(4, 2).value == 14


def test_workbook_recalculated_gives_dispo_figures(db, tmp_path):
    from tests.reports.conftest import recalc_with_libreoffice

    case = bc.parse_case(CASE)
    result = bc.evaluate(db, case)
    variants = bc.compare_variants(db, case, bc.standard_variants())
    path = write_business_case(tmp_path / "bc.xlsx", result, variants=variants)
    wb = openpyxl.load_workbook(recalc_with_libreoffice(path, tmp_path), data_only=True)
    ws, wv = wb[CASE_SHEET], wb[VARIANTS_SHEET]
    # 4.152,42 before; 10.937,72 after; saving −6.785,30; per year −81.423,60; block grant 1.937,72
    got = [round(D(str(ws.cell(_row_of(ws, label), 10).value)), 2) for label in (
        "Netto før pr. måned", "Netto efter pr. måned", "Besparelse pr. måned", "Besparelse pr. år",
        "Retur via bloktilskud pr. måned (efter 2 år)")]
    assert got == [D("4152.42"), D("10937.72"), D("-6785.30"), D("-81423.60"), D("1937.72")]
    saving_row = _row_of(wv, "Besparelse pr. måned")
    for col, (_, r) in enumerate(variants, 2):
        assert round(D(str(wv.cell(saving_row, col).value)), 2) == r.saving_month


def test_cli_pdf_shows_figures_with_formulas(tmp_path):
    from tests.reports.pdf_text import pdf_text

    f = tmp_path / "case.json"
    f.write_text(json.dumps({**CASE, "variants": [{"hours_per_week": 14}]}))
    r = run_cli("businesscase", f, "--out", tmp_path / "bc.pdf", db=tmp_path / "a.sqlite")
    assert r.returncode == 0, r.stderr
    text = pdf_text(tmp_path / "bc.pdf")
    # before 4.152,42; after 9.000 + 1.937,72 = 10.937,72; saving −6.785,30 (see above)
    assert "4.152,42 − 10.937,72 = -6.785,30" in text
    assert "timesats 127,86 kr. (sats for 2022)" in text
    r = run_cli("businesscase", f, "--out", tmp_path / "bc.docx", db=tmp_path / "a.sqlite")
    assert r.returncode == 1 and "skal ende på .xlsx eller .pdf" in r.stderr
