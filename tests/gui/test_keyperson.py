"""The key person on her own: Månedens gang as the way through, the first-run guide, the
settings dialog and the user guide on F1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from core.store import settings
from gui.common.help_dialog import HELP_FILE, SECTIONS
from gui.main_window import MainWindow
from gui.screens import SCREEN_MODULES


@pytest.fixture
def window(qtbot, context):
    w = MainWindow(context)
    qtbot.addWidget(w)
    w.show()
    return w


def month_screen(qtbot, window):
    screen = window.show_screen("Månedens gang")
    qtbot.waitUntil(lambda: len(screen.steps) == 6, timeout=10_000)
    return screen


def test_navigation_follows_the_monthly_cycle(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:7] == ["Månedens gang", "Importer", "Afstemning", "Datavalidering", "Budgetopfølgning",
                          "Godkend måned", "Rapporter"]
    assert window.stack.currentWidget() is window.screen("Månedens gang")


def test_the_start_screen_shows_the_latest_month_and_each_button_does_its_step(qtbot, window, demo_db):
    screen = month_screen(qtbot, window)
    newest = demo_db.execute("SELECT max(date) FROM postings").fetchone()[0]
    assert screen.period == (int(newest[:4]), int(newest[5:7]))
    year, month = screen.period
    booked = demo_db.execute("SELECT count(*) FROM postings WHERE substr(date, 1, 7) = ?",
                             [f"{year}-{month:02d}"]).fetchone()[0]
    title, badge, summary, action = screen.rows["import"]
    assert badge.text() == "✓ Færdig" and summary.text().startswith(f"{booked} postering")

    qtbot.mouseClick(screen.rows["reconcile"][3], Qt.MouseButton.LeftButton)
    reconcile = window.stack.currentWidget()
    assert reconcile.TITLE == "Afstemning" and reconcile.year.value() == year
    assert reconcile.as_of.date().month() == month and reconcile.as_of.date().day() >= 28

    window.show_screen("Månedens gang")
    qtbot.mouseClick(screen.rows["approve"][3], Qt.MouseButton.LeftButton)
    approve = window.stack.currentWidget()
    assert approve.TITLE == "Godkend måned" and approve.month.currentData() == month


def test_choosing_another_month_recomputes_its_steps(qtbot, window):
    screen = month_screen(qtbot, window)
    screen.choose_month(2026, 1)  # the demo books from February: January has no postings
    qtbot.waitUntil(lambda: screen.rows["import"][1].text() == "○ Mangler", timeout=10_000)
    assert "Ingen posteringer for januar 2026" in screen.rows["import"][2].text()


@pytest.fixture
def new_window(qtbot, tmp_path):
    """The main window on a new, empty database."""
    from gui.common.context import AppContext

    ctx = AppContext(tmp_path / "ny.sqlite")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    yield w
    ctx.close()


def the_import_wizard_opened() -> None:
    from gui.importing.import_wizard import ImportWizard

    wizards = [x for x in QApplication.topLevelWidgets() if isinstance(x, ImportWizard) and x.isVisible()]
    assert len(wizards) == 1
    wizards[0].reject()


def test_on_a_new_database_the_first_step_offers_the_import(qtbot, new_window):
    screen = month_screen(qtbot, new_window)
    assert screen.rows["import"][3].text() == "Importér …"
    assert "Importér først bevillingerne" in screen.rows["import"][2].text()
    qtbot.mouseClick(screen.rows["import"][3], Qt.MouseButton.LeftButton)
    the_import_wizard_opened()


def test_after_the_first_bookings_the_start_screen_moves_to_their_month(qtbot, new_window):
    """On the empty database it shows the month before today; once the bookings of March 2026
    are imported it shows March 2026, until she picks a month herself."""
    import datetime as dt

    assert dt.date.today() > dt.date(2026, 4, 30)  # so the month before today is not March 2026 itself
    screen = month_screen(qtbot, new_window)
    ctx = new_window.context
    with ctx.db.conn:
        ctx.db["postings"].insert({"date": "2026-03-31", "account": "5.38.50", "amount_ore": 100_000,
                                   "cpr": "010180-1234", "voucher": "B1"})
    ctx.notify_changed("postings")
    qtbot.waitUntil(lambda: screen.period == (2026, 3), timeout=10_000)
    qtbot.waitUntil(lambda: "posteringerne for marts" in screen.rows["import"][2].text(), timeout=10_000)
    # Godkend måned and Rapporter, made with the window on the empty database, follow too
    approve = new_window.show_screen("Godkend måned")
    assert (approve.year.value(), approve.month.currentData()) == (2026, 3)
    reports = new_window.show_screen("Rapporter")
    assert reports.chosen_as_of() == dt.date(2026, 3, 31)
    reports.month.setCurrentIndex(0)  # she picks January there: showing the screen again keeps it
    new_window.show_screen("Rapporter")
    assert reports.chosen_as_of() == dt.date(2026, 1, 31)

    new_window.show_screen("Månedens gang")
    screen.month.setCurrentIndex(1)  # she picks February: a later change keeps her choice
    ctx.notify_changed("postings")
    assert screen.period == (2026, 2)


# ------------------------------------------------------------------ help

def test_every_screen_has_a_section_in_the_guide():
    html = HELP_FILE.read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert set(SECTIONS.values()) <= ids
    for name in SCREEN_MODULES:
        import importlib

        assert importlib.import_module(name).Screen.TITLE in SECTIONS, name
    for topic in ("nyt-layout", "vum", "aarets-opgaver", "fejl", "maanedens-gang"):
        assert topic in ids


def test_f1_opens_the_guide_at_the_screens_section(qtbot, window):
    window.show_screen("Revisionsspor")
    window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    dialog = window.help_dialog
    assert dialog.isVisible() and dialog.section == "revisionsspor"
    bar = dialog.browser.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)  # near the end of the guide, not at its top
    dialog.close()


# ------------------------------------------------------------------ settings

def test_settings_dialog_has_a_tab_per_group_and_checks_a_value_when_she_leaves_it(qtbot, window, demo_db):
    dialog = window.show_settings()
    groups = list(dict.fromkeys(s.group for s in settings.SETTINGS.values()))
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == groups
    assert all(label.text() == "" for label in dialog.errors.values())  # no red before she types
    assert dialog.fields["municipality"].text() == "Eksempel Kommune"

    edit = dialog.fields["reconcile_threshold"]
    edit.setText("tusind")
    assert dialog.errors["reconcile_threshold"].text() == ""  # not while she types
    edit.editingFinished.emit()  # she leaves the field
    assert "'tusind' er ikke et tal" in dialog.errors["reconcile_threshold"].text()
    audit_before = demo_db.execute("SELECT count(*) FROM audit").fetchone()[0]
    dialog.save()
    assert dialog.isVisible() and demo_db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before

    edit.setText("2.500,50")
    dialog.fields["validation.ending_soon_days"].setText("30")
    dialog.save()
    assert not dialog.isVisible()
    assert str(settings.get(demo_db, "reconcile_threshold")) == "2500.50"
    assert settings.get(demo_db, "validation.ending_soon_days") == 30
    # one save is one change: one audit entry holding both settings' old and new values
    entries = demo_db.execute("SELECT old, new FROM audit ORDER BY id").fetchall()[audit_before:]
    assert len(entries) == 1
    assert {"reconcile_threshold", "validation.ending_soon_days"} <= set(json.loads(entries[0][1]))


def test_font_size_setting_changes_the_application_font(qtbot, window, demo_db):
    app = QApplication.instance()
    before = app.font().pointSizeF()
    dialog = window.show_settings()
    dialog.fields["ui.font_size"].setText("14")
    dialog.save()
    try:
        assert app.font().pointSizeF() == 14
    finally:
        from gui.store.settings_dialog import apply_font_size

        apply_font_size(0)
    assert app.font().pointSizeF() == before


# ------------------------------------------------------------------ first run

def test_first_run_guide_sets_up_a_new_database(qtbot, tmp_path):
    from core.store.storage import open_db
    from gui.common.first_run import FirstRunWizard, apply_choice

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.municipality_page
    assert page.error.text() == ""
    assert not page.validatePage()  # an empty name is refused when she goes on
    assert "må ikke være tom" in page.error.text()
    page.municipality.setText("  Testrup   Kommune ")
    page.year.setValue(2027)
    wizard.next()
    db_page = wizard.database_page
    assert wizard.currentPage() is db_page
    db_page.path.setText(str(tmp_path / "findes-ikke" / "mine.sqlite"))
    assert not db_page.validatePage() and "findes ikke" in db_page.error.text()
    target = tmp_path / "mine.sqlite"
    db_page.path.setText(str(target))
    assert db_page.warning.text() == ""
    wizard.next()
    assert wizard.currentPage() is wizard.start_page
    choice = wizard.choice()
    assert (choice.municipality, choice.year, choice.path, choice.create, choice.next_step) == \
        ("Testrup Kommune", 2027, target, True, "import")
    db = open_db(target)
    try:
        apply_choice(db, choice)
        assert settings.get(db, "municipality") == "Testrup Kommune" and settings.get(db, "budget_year") == 2027
    finally:
        db.close()


def test_first_run_guide_warns_about_a_network_share(qtbot):
    from gui.common.first_run import NETWORK_WARNING, FirstRunWizard

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.database_page.path.setText(r"\\kommune-fil01\budget\dispo.sqlite")
    assert wizard.database_page.warning.text() == NETWORK_WARNING


def test_an_existing_database_must_exist(qtbot, tmp_path):
    from gui.common.first_run import FirstRunWizard

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    page = wizard.database_page
    page.existing.setChecked(True)
    page.path.setText(str(tmp_path / "væk.sqlite"))
    assert page.problem() == f"Filen '{tmp_path / 'væk.sqlite'}' findes ikke."
    (tmp_path / "her.sqlite").write_bytes(b"")
    page.path.setText(str(tmp_path / "her.sqlite"))
    assert page.problem() == ""


def test_a_database_without_municipality_needs_the_guide(context, tmp_path):
    from gui.common.first_run import needs_first_run
    from gui.common.context import AppContext

    assert not needs_first_run(context)  # the demo has its municipality
    fresh = AppContext(tmp_path / "tom.sqlite")
    try:
        assert needs_first_run(fresh)
    finally:
        fresh.close()
    assert Path(tmp_path / "tom.sqlite").exists()


# ------------------------------------------------------------------ empty screens

def test_every_empty_table_says_what_to_do_and_the_link_does_it(qtbot, new_window):
    w = new_window
    for title in ("Importer", "Bevillinger", "Borgere", "Afstemning", "Revisionsspor"):
        w.show_screen(title)
        hint = w.empty_hints[title][0]
        qtbot.waitUntil(hint.isVisible)
        assert hint.text()
    hint = w.empty_hints["Bevillinger"][0]
    assert "Ingen bevillinger endnu" in hint.text()
    hint.linkActivated.emit("do")
    the_import_wizard_opened()


def test_hints_hide_when_there_are_rows(qtbot, window):
    window.show_screen("Bevillinger")
    assert not window.empty_hints["Bevillinger"][0].isVisible()
    # the demo's grants were not imported: no 'start with the grants' over its empty imports list
    imports = window.show_screen("Importer")
    assert imports.findChild(QTableView, "batches").model().rowCount() == 0
    assert not window.empty_hints["Importer"][0].isVisible()
    screen = window.show_screen("Budgetopfølgning")
    hints = {h.view.objectName(): h for h in window.empty_hints["Budgetopfølgning"]}
    qtbot.waitUntil(lambda: screen.main_model.rowCount() > 0, timeout=20_000)
    assert not hints["forecast_table"].isVisible()
    assert hints["postings_table"].isVisible() and "Vælg en borger" in hints["postings_table"].text()


def test_the_postings_hint_says_how_to_see_them_when_a_provider_is_chosen(qtbot, window):
    """Opdelt på Leverandør (the default) has no postings per row: choosing one must not leave
    'choose a row' standing as if nothing happened; the hint names the breakdowns that have them."""
    screen = window.show_screen("Budgetopfølgning")
    hints = {h.view.objectName(): h for h in window.empty_hints["Budgetopfølgning"]}
    qtbot.waitUntil(lambda: screen.main_model.rowCount() > 0, timeout=20_000)
    screen.main_view.setCurrentIndex(screen.main_proxy.index(0, 0))
    assert screen.detail_level.currentData() == "provider" and screen.detail_model.rowCount() > 0
    screen.detail_view.setCurrentIndex(screen.detail_proxy.index(0, 0))
    assert screen.postings_model.rowCount() == 0
    assert hints["postings_table"].isVisible() and "Opdelt på Borger eller Bevilling" in hints["postings_table"].text()
    screen.detail_level.setCurrentIndex(screen.detail_level.findData("citizen"))
    booked = next(i for i, r in enumerate(screen.detail_model.rows) if r.booked_to_date > 0)
    screen.detail_view.setCurrentIndex(screen.detail_proxy.mapFromSource(screen.detail_model.index(booked, 0)))
    assert screen.postings_model.rowCount() > 0 and not hints["postings_table"].isVisible()


def test_the_imports_list_shows_counts_with_thousands_dots_and_danish_times():
    from gui.common.models import RecordModel
    from gui.importing.batches_screen import BATCH_COLUMNS

    model = RecordModel(BATCH_COLUMNS)
    model.set_records([{"id": 1, "file": "posteringer.xlsx", "sheet": "Ark1", "kind": "postings",
                     "created_at": "2026-11-03T09:05:41", "user": "kp", "imported": 237000, "updated": 1234,
                     "unchanged": 0, "rejected": 5, "undone_at": None}])
    shown = [model.index(0, c).data() for c in range(model.columnCount())]
    assert shown[4] == "03-11-2026 09:05" and shown[6:10] == ["237.000", "1.234", "0", "5"]
    assert shown[0] == "1"  # the import's number stays a plain number


def _drive_first_run(target: Path, step: str, municipality: str = "Testrup Kommune"):
    """Fill the modal first-run guide like a user once it is shown."""
    from PySide6.QtCore import QTimer

    def drive():
        wizard = QApplication.activeModalWidget()
        wizard.municipality_page.municipality.setText(municipality)
        wizard.next()
        wizard.database_page.path.setText(str(target))
        wizard.next()
        getattr(wizard.start_page, step).setChecked(True)
        wizard.button(wizard.WizardButton.FinishButton).click()

    QTimer.singleShot(0, drive)


def test_first_run_creates_her_database(qtbot, tmp_path):
    from gui.app import first_run

    target = tmp_path / "mine.sqlite"
    _drive_first_run(target, "empty")
    context, step = first_run(None, None)
    try:
        assert step == "empty" and context.db_path == target and target.exists()
        assert settings.get(context.db, "municipality") == "Testrup Kommune"
        assert context.db.execute("SELECT count(*) FROM grants").fetchone()[0] == 0
    finally:
        context.close()


def test_first_run_can_show_the_demo_and_keeps_hers_for_next_time(qtbot, tmp_path):
    from core.store.storage import last_database
    from gui.app import demo_db_path, first_run

    target = tmp_path / "mine.sqlite"
    _drive_first_run(target, "demo")
    context, step = first_run(None, None)
    try:
        assert step == "demo" and context.db_path == demo_db_path()
        assert settings.get(context.db, "municipality") == "Eksempel Kommune"
        assert last_database() == target.resolve()
    finally:
        context.close()
    from core.store.storage import open_db

    mine = open_db(target)
    try:
        assert settings.get(mine, "municipality") == "Testrup Kommune"
        assert mine.execute("SELECT count(*) FROM grants").fetchone()[0] == 0  # the demo stayed in its own file
    finally:
        mine.close()


def test_a_remembered_database_that_is_gone_is_suggested_not_forgotten(qtbot, tmp_path):
    from core.store.storage import last_database, remember_database
    from gui.common.first_run import FirstRunWizard

    share = tmp_path / "drev" / "budget.sqlite"
    share.parent.mkdir()
    share.write_bytes(b"")
    remember_database(share)
    share.unlink()  # the network drive is not connected today
    assert last_database() is None and last_database(existing=False) == share.resolve()
    wizard = FirstRunWizard(suggested_path=last_database(existing=False))
    qtbot.addWidget(wizard)
    page = wizard.database_page
    assert page.existing.isChecked() and page.path.text() == str(share.resolve())
    assert page.problem() == f"Filen '{share.resolve()}' findes ikke."


def test_a_db_file_in_a_missing_folder_is_refused_by_the_guide(qtbot, tmp_path):
    from gui.common.first_run import FirstRunWizard

    wizard = FirstRunWizard(fixed_path=tmp_path / "findes-ikke" / "x.sqlite")
    qtbot.addWidget(wizard)
    page = wizard.database_page
    assert not page.path.isEnabled() and page.create.isChecked()
    assert not page.validatePage() and "Dispo opretter ikke mapper" in page.error.text()
    assert not (tmp_path / "findes-ikke").exists()


def test_opening_a_database_without_municipality_asks_the_first_questions(qtbot, new_window, tmp_path):
    _drive_first_run(new_window.context.db_path, "empty", municipality="Nabo Kommune")
    new_window.set_up_if_new()
    assert settings.get(new_window.context.db, "municipality") == "Nabo Kommune"
    new_window.set_up_if_new()  # set up now: no guide again (it would wait for a user here)


def test_qt_settings_of_the_tests_stay_in_the_test_folder(qapp):
    from PySide6.QtCore import QSettings

    from tests.conftest import TEST_HOME

    assert Path(QSettings().fileName()).is_relative_to(TEST_HOME)


def test_f1_in_the_settings_dialog_opens_its_section(qtbot, window):
    dialog = window.show_settings()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.fields["municipality"].setFocus()
    qtbot.keyClick(dialog.fields["municipality"], Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(dialog, "help_dialog", None) is not None)
    assert dialog.help_dialog.section == "indstillinger"
    dialog.help_dialog.close()
    dialog.reject()


def test_approval_and_reports_start_on_the_month_of_the_newest_booking(qtbot, demo_db, tmp_path):
    """Opened from the navigation (not from Månedens gang) they must not offer the month before
    today: with bookings only up to March 2026 that is March, the month there is to approve."""
    from gui.common.context import AppContext

    with demo_db.conn:  # the demo books to October 2026; keep January to March
        demo_db.execute("DELETE FROM postings WHERE date >= '2026-04-01'")
    ctx = AppContext(tmp_path / "demo.sqlite")
    try:
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.show()
        approve = w.show_screen("Godkend måned")
        assert (approve.year.value(), approve.month.currentData()) == (2026, 3)
        reports = w.show_screen("Rapporter")
        assert (reports.year.value(), reports.month.currentText()) == (2026, "Marts")
        assert reports.chosen_as_of().isoformat() == "2026-03-31"
        # the greyed date beside the month is the month's last day, not today
        assert reports.as_of.date().toString("dd-MM-yyyy") == "31-03-2026" and not reports.as_of.isEnabled()
        reports.month.setCurrentText("Februar")
        assert reports.as_of.date().toString("dd-MM-yyyy") == "28-02-2026"
        reports.month.setCurrentText("Anden dato")
        assert reports.as_of.isEnabled() and reports.chosen_as_of().isoformat() == "2026-02-28"
    finally:
        ctx.undo_stack.clear()
        ctx.close()


def test_a_relative_db_file_is_shown_with_its_folder(qtbot, tmp_path, monkeypatch):
    """`--db mine.sqlite`: the guide shows where the file will be, not just its name."""
    from pathlib import Path as P

    from gui.common.first_run import FirstRunWizard

    monkeypatch.chdir(tmp_path)
    wizard = FirstRunWizard(fixed_path=P("mine.sqlite"))
    qtbot.addWidget(wizard)
    assert wizard.database_page.path.text() == str(tmp_path / "mine.sqlite")
    assert wizard.database_page.create.isChecked() and not wizard.database_page.path.isEnabled()
