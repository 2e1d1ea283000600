"""Used hours of personal assistance in employment through the import wizard: recognised, previewed
with Danish headers, the rejected row explained, committed as one batch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool

from core.register.grants import create_grant
from core.register import pa_hours
from tests.import_files import write_xlsx


@pytest.fixture(autouse=True)
def no_running_work():
    yield
    QThreadPool.globalInstance().waitForDone(30000)


def test_wizard_imports_used_hours(qtbot, context, tmp_path):
    from gui.importing.import_wizard import ImportWizard

    gid = create_grant(context.db, {"cpr": "010190-1234", "name": "Anna", "section": "§ 85",
                                    "provider": "Bostøtteteamet", "rate": "200", "unit": "time", "quantity": "10",
                                    "quantity_per": "uge", "account": "5.68.91", "start": "01-01-2026"})
    path = write_xlsx(tmp_path / "timer.xlsx", {"Timer": [
        ["CPR-nr.", "Navn", "Måned", "Forbrugte timer"],
        ["010190-1234", "Anna", "2026-01", 40],
        ["020185-1234", "Bo", "2026-01", 12]]})  # Bo is not in the register
    wizard = ImportWizard(context, path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    qtbot.waitUntil(wizard.sheet_page.isComplete, timeout=10000)
    assert wizard.sheet_page.kind_combo.currentData() == "pa_hours"
    assert wizard.sheet_page.kind_combo.currentText() == "Forbrugte timer (personlig assistance i job)"
    wizard.next()
    assert wizard.mapping_page.combos["hours_used"].currentText() == "Forbrugte timer"
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=20000)
    model = wizard.preview_page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert {"CPR-nr.", "Fra", "Til", "Forbrugte timer"} <= set(headers)
    rows = [{headers[c]: model.index(r, c).data() for c in range(model.columnCount())} for r in range(2)]
    anna, bo = sorted(rows, key=lambda r: r["CPR-nr."])
    assert (anna["Fra"], anna["Til"], anna["Forbrugte timer"]) == ("01-01-2026", "31-01-2026", "40,0")
    assert model.index(rows.index(bo), 0).data(Qt.ItemDataRole.ToolTipRole).endswith("findes ikke i registret")
    assert pa_hours.used_rows(context.db) == []  # nothing written before the commit
    wizard.next()
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=10000)
    assert [(u.grant_id, str(u.hours)) for u in pa_hours.used_rows(context.db)] == [(gid, "40.0")]
