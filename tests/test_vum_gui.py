"""The VUM screens through real widgets: the wizard saves a version, the dialog needs a reason to override."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from core import vum
from gui.context import AppContext
from gui.vum_assessment_dialog import AssessmentDialog
from gui.vum_screen import Screen
from gui.vum_wizard import AllocationWizard


@pytest.fixture
def context(demo_db, tmp_path):
    ctx = AppContext(tmp_path / "demo.sqlite")
    yield ctx
    ctx.close()


def versions(ctx, facility, year):
    return vum.versions(ctx.db, vum.facility_by_name(ctx.db, facility).id, year)


def test_the_wizard_walks_to_a_saved_version_and_undo_removes_it(qtbot, qtmodeltester, context):
    wizard = AllocationWizard(context, 2027)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choose_page.choose(2027, "Botilbuddet Skovbrynet")
    assert wizard.windowTitle() == "Budgettildeling 2027"
    wizard.next()
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
    wizard.next()
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
