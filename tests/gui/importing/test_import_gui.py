"""The import wizard and the Importer screen, driven with qtbot on real files and a real database."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QMimeData, QPoint, QThreadPool, QUrl, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWizard

from core.register.grants import list_grants
from core.importing.batches import list_batches, prepare
from gui.importing.batches_screen import BATCH_COLUMNS, Screen
from gui.common.context import AppContext
from gui.common.models import RecordModel
from gui.importing.import_wizard import ImportWizard, preview_model
from gui.common.workers import Task, start
from tests.import_files import GRANT_ROWS, grants_sheet, write_csv, write_xlsx
from tests.importing.test_import_samples import content


@pytest.fixture
def context(db_path):
    ctx = AppContext(db_path)
    yield ctx
    ctx.close()


@pytest.fixture
def grants_file(tmp_path):
    bad = ["320190-1234"] + GRANT_ROWS[0][1:]
    return write_xlsx(tmp_path / "bevillinger.xlsx",
                      {"Dispo": grants_sheet() + [bad], "Opslag": [["Paragraf", "Konto"], ["§ 85", "5.32.33"]]},
                      hidden=("Opslag",))


def _walk_to_mapping(qtbot, wizard):
    wizard.show()
    wizard.next()
    qtbot.waitUntil(wizard.sheet_page.isComplete, timeout=10000)
    wizard.next()


def _walk_to_preview(qtbot, wizard):
    _walk_to_mapping(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=20000)


def test_wizard_end_to_end(qtbot, context, grants_file, tmp_path):
    wizard = ImportWizard(context, grants_file)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.file_page.isComplete()
    wizard.next()
    qtbot.waitUntil(wizard.sheet_page.isComplete, timeout=10000)
    combo = wizard.sheet_page.sheet_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert "Opslag (skjult)" in labels  # listed, but not chosen
    assert combo.currentData() == "Dispo"
    assert wizard.sheet_page.kind_combo.currentData() == "grants"
    wizard.next()
    mp = wizard.mapping_page
    assert mp.combos["cpr"].currentText() == "CPR-nr."
    assert mp.combos["quantity"].currentText() == "Timer pr. uge"
    assert mp.combos["caseworker"].currentText() == mp.NONE
    mp.save_profile.setChecked(True)
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10000)
    model = wizard.preview_page.model
    assert model.rowCount() == 5
    statuses = [model.index(r, 0).data() for r in range(5)]
    assert statuses.count("Ny") == 3 and statuses.count("Dublet i filen") == 1 and statuses.count("Afvist") == 1
    bad = statuses.index("Afvist")
    assert model.index(bad, 1).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d0d0"
    assert "CPR" in model.index(bad, 0).data(Qt.ItemDataRole.ToolTipRole)
    dup = statuses.index("Dublet i filen")
    assert model.index(dup, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff2b3"
    assert "afvist 1" in wizard.preview_page.counts.text()
    assert wizard.preview_page.counts.text().startswith("5 rækker læst")
    assert list_grants(context.db) == []  # nothing written before the commit
    wizard.next()
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=10000)
    assert "3 nye" in wizard.commit_page.summary.text()
    assert wizard.commit_page.save_errors.isVisible()
    # the result page offers no Annuller: the import is saved (it can be undone under Importer)
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    errors = tmp_path / "fejl.xlsx"
    wizard.commit_page.write_errors(errors)
    assert errors.stat().st_size > 0
    assert len(list_grants(context.db)) == 3
    assert [b["file"] for b in list_batches(context.db)] == ["bevillinger.xlsx"]
    from core.importing.profiles import list_profiles

    assert [p["kind"] for p in list_profiles(context.db)] == ["grants"]


def test_cancel_during_commit_leaves_nothing(qtbot, context, grants_file):
    before = content(context.db)
    wizard = ImportWizard(context, grants_file)
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    pool = QThreadPool.globalInstance()
    old_max = pool.maxThreadCount()
    pool.setMaxThreadCount(1)
    gate = threading.Event()
    start(Task(lambda task: gate.wait(10)))
    try:
        wizard.next()  # the commit is queued behind the blocker
        assert wizard.commit_page.busy
        wizard.reject()  # closing the wizard while saving cancels the import
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not wizard.commit_page.busy, timeout=10000)
    pool.setMaxThreadCount(old_max)
    assert "annulleret" in wizard.commit_page.status.text()
    assert wizard.commit_page.result is None
    assert content(context.db) == before and list_batches(context.db) == []


def test_models_pass_the_model_tester(qtmodeltester, db, grants_file):
    plan = prepare(db, grants_file)
    qtmodeltester.check(preview_model(plan.records))
    model = RecordModel(BATCH_COLUMNS)
    model.set_records([{"id": 1, "file": "a.xlsx", "sheet": "Ark", "kind": "grants", "created_at": "2026-11-27T05:00:00",
                     "user": "x", "imported": 1, "updated": 0, "unchanged": 0, "rejected": 0, "undone_at": None}])
    qtmodeltester.check(model)


def test_batches_screen_undoes_an_import(qtbot, context, grants_file, monkeypatch):
    before = content(context.db)
    from core.importing.batches import import_file

    import_file(context.db, grants_file)
    screen = Screen(context)
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 1
    assert screen.proxy.index(0, 1).data() == "bevillinger.xlsx"
    screen.view.selectRow(0)
    screen.undo_selected(confirm=False)
    assert "fortrudt" in screen.message.text()
    assert content(context.db) == before
    assert screen.proxy.index(0, 10).data()  # shown as undone
    screen.view.selectRow(0)
    screen.undo_selected(confirm=False)
    assert "allerede fortrudt" in screen.message.text()


def test_menu_action_and_dropping_a_file_open_the_wizard(qtbot, context, grants_file):
    from gui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(grants_file))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.file_page.path_edit.text() == str(grants_file)
    wizard.close()


def test_provider_suggestion_can_be_confirmed_in_the_preview(qtbot, context, grants_file):
    from core.register.providers import create_provider

    near = create_provider(context.db, "Bostøtten Nord", "egen")
    wizard = ImportWizard(context, grants_file)
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    page = wizard.preview_page
    combo = page.provider_combos["Bostøtten"]
    assert combo.currentData() is None  # a fuzzy suggestion is not taken without asking
    combo.setCurrentIndex(1)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    anna = next(r for r in page.plan.records if r.values.get("cpr") == "010190-1234" and r.status == "new")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=10000)
    g = next(g for g in list_grants(context.db) if g.cpr == anna.values["cpr"])
    assert g.provider_id == near


def test_wizard_offers_all_facility_sheets_of_an_occupancy_list(qtbot, context, samples):
    wizard = ImportWizard(context, samples / "belaegningsliste_2026.xlsx")
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    assert wizard.sheet is None and wizard.kind == "occupancy"
    sheets = {r.sheet for r in wizard.preview_page.plan.records}
    assert len(sheets) == 3
    assert not wizard.preview_page.view.isColumnHidden(1)  # 'Ark' tells the facilities' rows apart
    assert wizard.preview_page.model.rowCount() == wizard.preview_page.plan.rows_read


def test_wizard_offers_all_sheets_of_one_kind_such_as_one_per_section(qtbot, context, tmp_path):
    header = ["CPR-nr.", "Navn", "Leverandør", "Takst", "Startdato"]
    path = write_xlsx(tmp_path / "pr_paragraf.xlsx", {
        "§ 107": [header, ["010190-1234", "A", "Åhuset", 3000, "01-01-2026"]],
        "§ 108": [header, ["020291-1234", "B", "Engen", 2000, "01-01-2026"]]})
    wizard = ImportWizard(context, path)
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    assert wizard.sheet is None and wizard.kind == "grants"
    plan = wizard.preview_page.plan
    assert sorted((r.sheet, r.values["section"]) for r in plan.records) == [("§ 107", "§ 107"), ("§ 108", "§ 108")]


def test_preview_shows_danish_headers_dates_and_amounts(db, grants_file):
    from datetime import date

    plan = prepare(db, grants_file)
    model = preview_model(plan.records)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert {"CPR-nr.", "Takst", "Startdato", "Leverandør", "Bemærkning"} <= set(headers)
    anna = next(i for i, r in enumerate(model.rows) if r.values.get("start") == date(2024, 1, 15))
    row = {headers[c]: model.index(anna, c).data() for c in range(model.columnCount())}
    assert (row["Startdato"], row["Takst"], row["Leverandør"]) == ("15-01-2024", "512,50", "Bostøtten")


def test_mapping_samples_show_numbers_with_a_decimal_comma(qtbot, context, samples):
    """The sample list's first rate is the number cell 502.04, the second the text '587,77':
    both are shown as she writes them, 502,04 and 587,77; start dates as 06-10-2014."""
    wizard = ImportWizard(context, samples / "dispositionsregnskab_2026.xlsx")
    qtbot.addWidget(wizard)
    _walk_to_mapping(qtbot, wizard)
    page = wizard.mapping_page
    labels = {combo: label.text() for combo, label in page._sample_labels}
    rate, start = labels[page.combos["rate"]], labels[page.combos["start"]]
    assert rate == "502,04  |  587,77"
    assert start.startswith("06-10-2014")


def test_preview_of_a_one_sheet_file_hides_the_sheet_column(qtbot, context, samples):
    """A csv has one 'sheet', its file name: the column only takes the width of the amounts."""
    wizard = ImportWizard(context, samples / "bogfoering_jan-okt_2026.csv")
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    assert wizard.preview_page.model.headerData(1, Qt.Orientation.Horizontal) == "Ark"
    assert wizard.preview_page.view.isColumnHidden(1)


def _grants_csv(path, n: int):
    """``n`` new grants, one citizen each (born 1-n January 1990)."""
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato"]]
    rows += [[f"{day:02d}0190-1234", "§ 108", "Skovbrynet", "3.500,00", "døgn", "01-01-2026"] for day in range(1, n + 1)]
    return write_csv(path, rows)


def test_the_imports_list_sorts_counts_as_numbers_and_filters(qtbot, context, tmp_path):
    from core.importing.batches import import_file

    import_file(context.db, _grants_csv(tmp_path / "to.csv", 2))
    import_file(context.db, _grants_csv(tmp_path / "ti.csv", 10))  # the same 2 again (unchanged) and 8 new
    screen = Screen(context)
    qtbot.addWidget(screen)
    shown = lambda column: [screen.proxy.index(r, column).data() for r in range(screen.proxy.rowCount())]  # noqa: E731
    assert shown(1) == ["ti.csv", "to.csv"]  # the newest first
    screen.view.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # Nye: 2 before 8 (as text '8' would follow '2' too)
    assert shown(6) == ["2", "8"]
    screen.view.sortByColumn(8, Qt.SortOrder.DescendingOrder)  # Uændret: 2, then 0
    assert shown(8) == ["2", "0"] and shown(1) == ["ti.csv", "to.csv"]
    screen.panel.filter_edit.setText("TO.csv")
    assert shown(1) == ["to.csv"]
    screen.panel.filter_edit.setText("")
    screen.view.selectRow(1)  # to.csv, after sorting: the selected import is the one undone
    assert screen.selected_batch()["file"] == "to.csv"


def test_the_preview_filters_and_sorts_its_rows(qtbot, context, tmp_path):
    rows = [["CPR-nr.", "Paragraf", "Leverandør", "Takst", "Enhed", "Startdato"],
            ["010190-1234", "§ 108", "Skovbrynet", "900,00", "døgn", "01-01-2026"],
            ["320190-1234", "§ 108", "Skovbrynet", "3.500,00", "døgn", "01-01-2026"],   # no 32 January: rejected
            ["020190-1234", "§ 108", "Skovbrynet", "10.000,00", "døgn", "01-01-2026"]]
    wizard = ImportWizard(context, write_csv(tmp_path / "b.csv", rows))
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    page = wizard.preview_page
    rate = next(c for c in range(page.model.columnCount()) if page.model.headerData(c, Qt.Orientation.Horizontal)
                == "Takst")
    shown = lambda column: [page.proxy.index(r, column).data() for r in range(page.proxy.rowCount())]  # noqa: E731
    assert shown(rate) == ["900,00", "3.500,00", "10.000,00"]  # the file's order
    page.view.horizontalHeader().setSortIndicator(rate, Qt.SortOrder.DescendingOrder)  # as a click on the title
    # by the rate, not its text ('900,00' after '10.000,00'); the rejected row has only its text, and
    # texts sort after numbers (so first, descending)
    assert shown(rate) == ["3.500,00", "10.000,00", "900,00"]
    assert shown(0) == ["Afvist", "Ny", "Ny"]
    page.filter_edit.setText("afvist")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    assert shown(0) == ["Afvist"] and shown(rate) == ["3.500,00"]
    page.filter_edit.setText("")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)


def test_a_changed_booking_shows_its_old_and_new_amount_in_kroner(qtbot, context, tmp_path):
    """A month's extract imported again with a corrected amount (the same voucher): the preview's
    Beløb and remark show old → new as Danish kroner (20.022,10 → 1.233.838,76), not the øre the
    database keeps (2002210 → 123383876)."""
    from core.importing.batches import import_file
    from tests.import_files import write_csv

    head = ["Bogf.dato", "Funktion", "Art", "Beløb", "CPR-nr", "Posteringstekst", "Bilagsnr"]
    import_file(context.db, write_csv(tmp_path / "okt.csv",
                                      [head, ["03-01-2026", "5.32.32", "4.0", "20.022,10", "2006580648", "x", "100001"]]))
    wizard = ImportWizard(context, write_csv(tmp_path / "okt_rettet.csv", [
        head, ["03-01-2026", "5.32.32", "4.0", "1.233.838,76", "2006580648", "x", "100001"]]))
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    model = wizard.preview_page.model
    cells = {model.headerData(i, Qt.Orientation.Horizontal): model.index(0, i).data() for i in range(model.columnCount())}
    assert cells["Status"] == "Ændret"
    assert cells["Beløb"] == "20.022,10 → 1.233.838,76"
    assert cells["Bemærkning"] == "Ændret: Beløb: 20.022,10 → 1.233.838,76"
