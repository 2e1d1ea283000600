"""The VUM screens through real widgets: the wizard saves a version, the dialog needs a reason to override."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from core import vum
from gui.common.context import AppContext
from gui.vum.vum_assessment_dialog import AssessmentDialog
from gui.vum.vum_screen import Screen
from gui.vum.vum_wizard import AllocationWizard


@pytest.fixture
def context(demo_db, tmp_path):
    ctx = AppContext(tmp_path / "demo.sqlite")
    yield ctx
    ctx.close()


def versions(ctx, facility, year):
    return vum.versions(ctx.db, vum.facility_by_name(ctx.db, facility).id, year)


def residents_of(qtbot, context, facility: str) -> AllocationWizard:
    """The wizard for 2027, shown, with ``facility`` chosen and its residents page open."""
    wizard = AllocationWizard(context, 2027)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choose_page.choose(2027, facility)
    assert wizard.windowTitle() == "Budgettildeling 2027"
    wizard.next()
    assert wizard.currentPage() is wizard.residents_page
    return wizard


def test_the_wizard_walks_to_a_saved_version_and_undo_removes_it(qtbot, qtmodeltester, context):
    wizard = residents_of(qtbot, context, "Botilbuddet Skovbrynet")
    page = wizard.residents_page
    model = page.model
    qtmodeltester.check(model)
    assert model.rowCount() == len(wizard.residents) > 5
    flags = [model.index(r, 7).data() for r in range(model.rowCount())]
    assert "mangler VUM-vurdering" in flags
    # put the first resident in F with individual hours
    first = page.view.model().mapToSource(page.view.model().index(0, 0)).row()
    assert model.setData(model.index(first, 4), "F")
    assert wizard.currentPage() is page
    wizard.next()
    assert wizard.currentPage() is page, "F without hours must stop the wizard"
    assert "F uden timer" in page.message.text()
    assert model.setData(model.index(first, 5), "44,5")
    # planned cases (expected citizens) come without a category: place them
    for row, r in enumerate(list(wizard.residents)):
        if r.category is None:
            assert model.setData(model.index(row, 4), "B")
    wizard.next()
    # everything here runs on the GUI thread: if the wizard stays, the page says why
    assert wizard.currentPage() is wizard.result_page, page.message.text()
    result = wizard.result_page
    qtmodeltester.check(result.model)
    a = wizard.allocation
    assert a.categories["F"].count >= 1
    expected_total = sum(c.hours_per_week for c in a.categories.values()) * 52
    assert a.hours_per_year == expected_total
    assert result.labels["fixed_budget"].text() != "ikke sat"
    assert "2026" in result.labels["previous"].text()
    assert ("ændre" if a.significant else "beholde") in result.verdict.text()
    before = len(versions(context, "Botilbuddet Skovbrynet", 2027))
    result.note.setText("Budget 2027")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    saved = versions(context, "Botilbuddet Skovbrynet", 2027)
    assert len(saved) == before + 1 and saved[-1].note == "Budget 2027"
    line = next(x for x in saved[-1].lines if x["category"] == "F" and x["hours"] == "44.5")
    assert line
    context.undo_stack.undo()
    assert len(versions(context, "Botilbuddet Skovbrynet", 2027)) == before
    context.undo_stack.redo()
    assert len(versions(context, "Botilbuddet Skovbrynet", 2027)) == before + 1


def test_the_wizard_stays_on_the_residents_when_the_allocation_cannot_be_computed(qtbot, context):
    from core.register.catalogue import delete_sats, satser

    for s in satser(context.db):
        if s["kind"] == "vum_hourly_price":
            delete_sats(context.db, "vum_hourly_price", s["year"])
    wizard = residents_of(qtbot, context, "Botilbuddet Skovbrynet")
    page = wizard.residents_page
    for row, r in enumerate(list(wizard.residents)):
        if r.category is None or (r.category == "F" and not r.hours):
            assert page.model.setData(page.model.index(row, 4), "B")
    before = len(versions(context, "Botilbuddet Skovbrynet", 2027))
    wizard.next()
    assert wizard.currentPage() is page and wizard.allocation is None
    assert "Tildelingen kan ikke beregnes" in page.message.text() and "ingen sats" in page.message.text()
    assert len(versions(context, "Botilbuddet Skovbrynet", 2027)) == before


def _dialog(qtbot, context, provider_id=None):
    cpr = vum.residents(context.db, vum.facility_by_name(context.db, "Botilbuddet Skovbrynet").id, 2026)[0].cpr
    dialog = AssessmentDialog(context, cpr, "Test", provider_id)
    qtbot.addWidget(dialog)
    codes = list(dialog.score_boxes)
    for code in codes[:4]:
        dialog.set_score(code, 2)                      # average 2 -> C by the shipped rule
    dialog.assessor.setText("Pia Winther")
    return dialog, cpr


def test_the_dialog_suggests_and_an_override_needs_a_reason(qtbot, context):
    dialog, cpr = _dialog(qtbot, context)
    assert dialog.suggested() == "C" and dialog.chosen() == "C"
    assert "Foreslået kategori: C" in dialog.suggestion.text()
    assert "gennemsnittet" in dialog.findChild(type(dialog.suggestion), "rule_text").text()
    count = len(vum.list_assessments(context.db))
    dialog.choose_category("D")
    assert dialog.reason.isEnabled()
    dialog.accept()
    assert "begrundelse" in dialog.error.text() and dialog.result() == 0
    assert len(vum.list_assessments(context.db)) == count
    dialog.reason.setText("Har brug for mere støtte om natten")
    dialog.accept()
    saved = vum.list_assessments(context.db)[-1]
    assert (saved.cpr, saved.category, saved.suggested_category, saved.reason) == (
        cpr, "D", "C", "Har brug for mere støtte om natten")
    assert saved.date == dt.date.today()
    context.undo_stack.undo()
    assert len(vum.list_assessments(context.db)) == count


def test_the_dialog_confirms_the_suggestion_without_reason(qtbot, context):
    dialog, cpr = _dialog(qtbot, context)
    dialog.set_score(list(dialog.score_boxes)[0], 4)   # 4,2,2,2: average 2.5 -> D follows the scores
    assert dialog.chosen() == "D" and not dialog.reason.isEnabled()
    dialog.accept()
    assert vum.list_assessments(context.db)[-1].category == "D"


def test_the_screen_shows_facilities_and_due_citizens(qtbot, qtmodeltester, context):
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2027)
    screen.refresh()
    qtmodeltester.check(screen.overview)
    qtmodeltester.check(screen.due)
    names = [screen.overview.index(r, 0).data() for r in range(screen.overview.rowCount())]
    assert "Botilbuddet Skovbrynet" in names and "Aktivitetscentret Kilden" not in names
    row = names.index("Botilbuddet Skovbrynet")
    assert screen.overview.index(row, 3).data() == "2026 v1"
    assert screen.due.rowCount() > 0
    assert screen.overview.data(screen.overview.index(row, 2), Qt.ItemDataRole.TextAlignmentRole)


def test_settings_dialog_changes_the_rule_and_undo_restores_it(qtbot, qtmodeltester, context):
    from gui.vum.vum_settings_dialog import SettingsDialog

    old_rule, old_threshold = vum.category_rule(context.db), vum.significant_change_pct(context.db)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.steps_model)
    qtmodeltester.check(dialog.themes_model)
    model = dialog.steps_model
    assert model.setData(model.index(1, 1), "1,25")          # B from 1.25
    assert model.setData(model.index(5, 1), "")              # F not suggested any more
    assert "fra 1,25 til under 1,5: B" in dialog.rule_text.text()
    dialog.threshold.setText("abc")
    dialog.accept()
    assert "ikke et tal" in dialog.error.text()
    assert vum.category_rule(context.db) == old_rule           # nothing saved
    dialog.threshold.setText("8")
    dialog.new_theme.setText("Seksualitet")
    dialog.add_theme()
    dialog.accept()
    rule = vum.category_rule(context.db)
    assert [c for _, c in rule.steps] == ["A", "B", "C", "D", "E"] and str(rule.steps[1][0]) == "1.25"
    assert vum.significant_change_pct(context.db) == 8
    assert "seksualitet" in [t.code for t in vum.themes(context.db)]
    context.undo_stack.undo()
    assert vum.category_rule(context.db) == old_rule
    assert vum.significant_change_pct(context.db) == old_threshold
    assert "seksualitet" not in [t.code for t in vum.themes(context.db, include_inactive=True)]


def test_the_fixed_budget_is_typed_in_the_overview_and_undone(qtbot, context):
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.year.setValue(2028)
    screen.refresh()
    model = screen.overview
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index("Åhuset, midlertidigt botilbud")
    pid = model.rows[row].provider_id
    before = vum.fixed_budget_ore(context.db, pid, 2028)
    assert model.setData(model.index(row, 4), "6.100.000,50")
    assert vum.fixed_budget_ore(context.db, pid, 2028) == 610_000_050
    assert not model.setData(model.index(row, 4), "-5")
    assert "negativt" in screen.message.text()
    assert vum.fixed_budget_ore(context.db, pid, 2028) == 610_000_050
    context.undo_stack.undo()
    assert vum.fixed_budget_ore(context.db, pid, 2028) == before


def test_a_resident_is_assessed_from_the_wizard_and_the_row_follows(qtbot, context):
    wizard = residents_of(qtbot, context, "Bostøtteteamet")
    page = wizard.residents_page
    row = next(i for i, r in enumerate(wizard.residents) if r.assessed_on is None)
    page.select(row)
    page.assess_selected()
    dialog = page.dialog
    for code in list(dialog.score_boxes)[:3]:
        dialog.set_score(code, 4)                      # average 4 -> F, which needs hours
    dialog.assessor.setText("Jonas Dahl")
    dialog.accept()
    assert "timer" in dialog.error.text()
    dialog.hours.setText("41")
    dialog.accept()
    r = wizard.residents[row]
    assert (r.category, r.hours, r.assessed_on) == ("F", 41, dt.date.today())
    assert page.model.index(row, 7).data() == ""       # no longer flagged


def test_the_screen_opens_the_dialog_for_a_due_citizen(qtbot, context):
    screen = Screen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.assess_selected()
    assert "Vælg en borger" in screen.message.text() and screen.dialog is None
    screen.due_view.selectRow(0)
    screen.assess_selected()
    assert screen.dialog is not None and screen.dialog.cpr == screen.selected_due()["cpr"]
    screen.dialog.reject()
