"""Every screen at 1366 × 768 (a common municipal laptop) on the demo: the columns she reads
the screen for are fully visible, header text not cut. The grabs are saved as PNG files
(``DISPO_GRAB_DIR``, default the test's folder) to be looked at."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QTableView

from gui.main_window import MainWindow
from gui.screens import KEY_COLUMNS
from tests.gui.helpers import app_context

LAPTOP = (1366, 768)


@pytest.fixture
def sample_context(tmp_path, samples):
    """A new user's database with the sample files of the month imported: the grants list, the
    bookings of January to October and the occupancy lists."""
    from core.importing.batches import import_file

    with app_context(tmp_path / "ny.sqlite") as context:
        for name in ("dispositionsregnskab_2026.xlsx", "bogfoering_jan-okt_2026.csv", "belaegningsliste_2026.xlsx"):
            import_file(context.db, samples / name)
        yield context


def settle(qtbot) -> None:
    for _ in range(5):
        QThreadPool.globalInstance().waitForDone(2000)
        qtbot.wait(30)


def column_problems(screen, wanted: list[str]) -> list[str]:
    """The key columns of ``screen`` that are missing, off-screen or narrower than their header."""
    problems = []
    views = [v for v in screen.findChildren(QTableView) if v.isVisible() and v.model() is not None]
    for title in wanted:
        found = None
        for view in views:
            model, header = view.model(), view.horizontalHeader()
            for i in range(model.columnCount()):
                if model.headerData(i, header.orientation()) == title and not header.isSectionHidden(i):
                    found = (view, header, i)
        if found is None:
            problems.append(f"{title}: no such column")
            continue
        view, header, i = found
        left = header.sectionViewportPosition(i)
        width = header.sectionSize(i)
        need = header.sectionSizeFromContents(i).width()
        shown = min(left + width, view.viewport().width()) - max(left, 0)
        # figures and short columns whole; a long text column (a remark) at least its title and a bit
        wanted_width = width if width <= 300 else need + 100
        if shown < wanted_width:
            problems.append(f"{title}: off-screen ({left}+{width}, {shown} shown of {view.viewport().width()})")
        elif width < need:
            problems.append(f"{title}: cut ({width} < {need})")
        elif figures(view, i) and width < view.sizeHintForColumn(i):
            problems.append(f"{title}: figures cut ({width} < {view.sizeHintForColumn(i)})")
    return problems


def figures(view, column: int) -> bool:
    """A right-aligned column (amounts, counts): its figures must show whole, never elided."""
    model = view.model()
    if model.rowCount() == 0:
        return False
    alignment = model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole)
    return alignment is not None and bool(int(alignment) & int(Qt.AlignmentFlag.AlignRight))


def at_laptop_size(qtbot, context, title: str):
    """The main window at 1366 × 768 showing the screen ``title``: (window, screen)."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    return window, window.show_screen(title)


def previewed_report(qtbot, context, folder: Path, name: str):
    """Rapporter at laptop size with the default report previewed, its grab saved as ``name``
    (in ``DISPO_GRAB_DIR``, else ``folder``)."""
    window, screen = at_laptop_size(qtbot, context, "Rapporter")
    with qtbot.waitSignal(screen.report_ready, timeout=60_000):
        screen.preview_button.click()
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or folder) / name))
    return screen


def texts_cut(view, titles: list[str]) -> list[str]:
    """The cells of the columns ``titles`` whose text, wrapped in the cell's width, is taller than
    the row (so part of it would only be in the tooltip), or whose column ends off-screen."""
    from PySide6.QtCore import QRect

    from PySide6.QtWidgets import QStyle

    model, header, metrics = view.model(), view.horizontalHeader(), view.fontMetrics()
    # the cell's margins, as the style lays out an item's text (its focus frame's margin + 1, each side)
    margins = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    names = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    cut = []
    for title in titles:
        column = names.index(title)
        if header.sectionViewportPosition(column) + header.sectionSize(column) > view.viewport().width():
            cut.append(f"{title}: off-screen")
        for row in range(model.rowCount()):
            text = model.index(row, column).data()
            needed = metrics.boundingRect(QRect(0, 0, view.columnWidth(column) - margins, 10_000),
                                          int(Qt.TextFlag.TextWordWrap), text).height()
            if needed > view.rowHeight(row):
                cut.append(f"{title}, row {row}: {text!r} needs {needed} pixels, has {view.rowHeight(row)}")
            elif not view.wordWrap() and metrics.horizontalAdvance(text) > view.columnWidth(column) - margins:
                cut.append(f"{title}, row {row}: {text!r} is elided (one line, no wrapping)")
    return cut


def every_screen_at_laptop_size(qtbot, context, folder: Path, prefix: str) -> dict:
    """Show every screen at 1366 × 768, save its grab, and return the key columns' problems."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for number, screen in enumerate(window.screens):
        window.show_screen(screen.TITLE)
        settle(qtbot)
        assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1], screen.TITLE
        window.grab().save(str(folder / f"{prefix}{number:02d}.png"))
        found = column_problems(screen, KEY_COLUMNS.get(screen.TITLE, []))
        if found:
            problems[screen.TITLE] = found
    return problems


def test_every_screen_shows_its_key_columns_at_laptop_size(qtbot, context, tmp_path):
    problems = every_screen_at_laptop_size(qtbot, context, Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path), "")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_a_new_database_fits_too(qtbot, tmp_path):
    from gui.common.context import AppContext

    context = AppContext(tmp_path / "ny.sqlite")
    try:
        problems = every_screen_at_laptop_size(qtbot, context, Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path),
                                               "new_")
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_dialogs_fit_a_laptop_and_the_vum_wizard_shows_the_remark(qtbot, context, tmp_path):
    from gui.common.first_run import FirstRunWizard
    from gui.common.help_dialog import HelpDialog
    from gui.importing.import_wizard import ImportWizard
    from gui.store.settings_dialog import SettingsDialog
    from gui.vum.vum_wizard import AllocationWizard

    folder = Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    dialogs = [SettingsDialog(context), HelpDialog("vum"), FirstRunWizard(), ImportWizard(context)]
    vum_wizard = AllocationWizard(context, 2027)
    dialogs.append(vum_wizard)
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        hint = dialog.minimumSizeHint()
        assert dialog.width() <= LAPTOP[0] and dialog.height() <= LAPTOP[1] - 40, dialog.windowTitle()
        assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1] - 40, dialog.windowTitle()
    vum_wizard.choose_page.choose(2027, "Botilbuddet Skovbrynet")
    vum_wizard.next()
    settle(qtbot)
    vum_wizard.grab().save(str(folder / "vum_wizard.png"))
    assert column_problems(vum_wizard.residents_page, ["Navn", "Kategori", "Vurderet", "Bemærkning"]) == []


def test_the_drill_down_shows_the_postings_amounts_whole(qtbot, context, tmp_path):
    window, screen = at_laptop_size(qtbot, context, "Budgetopfølgning")
    qtbot.waitUntil(lambda: screen.main_model.rowCount() > 0, timeout=20_000)
    screen.main_view.setCurrentIndex(screen.main_proxy.index(2, 0))
    screen.detail_level.setCurrentIndex(screen.detail_level.findData("citizen"))
    screen.detail_view.setCurrentIndex(screen.detail_proxy.index(0, 0))
    qtbot.waitUntil(lambda: screen.postings_model.rowCount() > 0)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "drill_down.png"))
    assert column_problems(screen, ["Dato", "Beløb", "Forventet regnskab"]) == []


def test_the_report_preview_shows_the_expected_outturn_and_deviation(qtbot, context, tmp_path):
    """The monthly report's overview at 1366 × 768: the long account texts give way, so the
    figures she reports (forventet regnskab, afvigelse) are on screen without scrolling."""
    screen = previewed_report(qtbot, context, tmp_path, "report_preview.png")
    overview = screen.tabs.widget(0)
    titles = [overview.model().headerData(i, Qt.Orientation.Horizontal) for i in range(overview.model().columnCount())]
    assert "Forventet regnskab" in titles and "Afvigelse" in titles
    assert column_problems(screen, ["Konto", "Budget", "Forventet regnskab", "Afvigelse"]) == []


def test_the_import_preview_shows_the_rates_and_dates_of_the_grants_list(qtbot, context, samples, tmp_path):
    """The sample grants list in the wizard's preview, at the wizard's size: the names, providers
    and texts give way so the rate and the dates are on screen without scrolling."""
    from gui.importing.import_wizard import ImportWizard
    from tests.gui.importing.test_import_gui import _walk_to_preview

    wizard = ImportWizard(context, samples / "dispositionsregnskab_2026.xlsx")
    qtbot.addWidget(wizard)
    _walk_to_preview(qtbot, wizard)
    settle(qtbot)
    wizard.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "import_preview.png"))
    assert column_problems(wizard.preview_page, ["CPR-nr.", "Leverandør", "Takst"]) == []
    model = wizard.preview_page.model
    rate = next(i for i in range(model.columnCount()) if model.headerData(i, Qt.Orientation.Horizontal) == "Takst")
    rates = [model.index(r, rate).data() for r in range(model.rowCount())]
    assert rates[:2] == ["502,04", "587,77"] and "502,90" in rates  # the list's 502.9 as kroner


def test_a_fitting_table_deleted_before_its_titles_are_fitted_is_left_alone(qtbot):
    """A preview replaced at once (Vis again, a wizard closed) must not be fitted after it is gone."""
    import shiboken6
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QWidget

    from gui.common.headers import fit_table

    holder = QWidget()
    qtbot.addWidget(holder)
    view = fit_table(QTableView(holder))
    view.setModel(QStringListModel(["a", "b"], holder))  # queues the fitting of the titles
    header = view.horizontalHeader()
    header.setParent(None)  # the header alone, then deleted at once, as a replaced preview's is
    shiboken6.delete(header)
    qtbot.wait(50)  # the queued fitting would run on the deleted header (an error in the event loop)


def test_the_follow_up_overview_shows_every_operating_line_at_laptop_size(qtbot, context, tmp_path):
    """Budgetopfølgning at 1366 × 768: every operating line of the demo's overview (its accounts)
    is on screen at once, without scrolling; the drill-down and the chart take what is left."""
    window, screen = at_laptop_size(qtbot, context, "Budgetopfølgning")
    qtbot.waitUntil(lambda: screen.main_model.rowCount() > 0, timeout=20_000)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "followup_overview.png"))
    view = screen.main_view
    accounts = context.db.execute("SELECT count(DISTINCT account) FROM budgets WHERE year = 2026").fetchone()[0]
    assert view.model().rowCount() >= accounts >= 7  # the demo's 7 budgeted accounts are all lines
    last = view.model().rowCount() - 1
    bottom = view.rowViewportPosition(last) + view.rowHeight(last)
    assert 0 <= view.rowViewportPosition(0) and bottom <= view.viewport().height(), \
        f"{view.model().rowCount()} lines need {bottom} pixels, the table shows {view.viewport().height()}"
    assert screen.chart_view.isVisible() and screen.chart_view.height() >= 150


def test_the_reconciliation_shows_its_flags_and_remarks_whole_at_laptop_size(qtbot, context, tmp_path):
    """Afstemning at 1366 × 768: each flag and remark is readable in its cell (wrapped onto more
    lines, not cut to a tooltip), and the selected row's remark stands whole beneath the table."""
    window, screen = at_laptop_size(qtbot, context, "Afstemning")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=20_000)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "reconcile.png"))
    assert texts_cut(screen.view, ["Markering", "Bemærkning"]) == []
    view, model = screen.view, screen.view.model()
    view.setCurrentIndex(model.index(0, 0))
    row = screen.model.rows[screen.proxy.mapToSource(model.index(0, 0)).row()]
    assert all(message in screen.detail.text() for message in row.messages) and screen.detail.isVisible()


def test_the_report_preview_explains_the_unallocated_lines_as_the_sheet_does(qtbot, context, tmp_path):
    """The overview's "Ikke fordelt på paragraf" lines are explained beneath the preview by the same
    notes the workbook and the PDF carry: on the demo, 5.38.53's -1,00 full-year equivalents (a
    citizen with grants on two sections of the account counts on each, once on the account) and
    5.38.52's 86.150,00 kr. booked without a grant."""
    screen = previewed_report(qtbot, context, tmp_path, "report_notes.png")
    text = screen.notes.toPlainText()
    assert screen.notes.isVisible()
    assert "afvigelsen er linjens forventede regnskab − budget som på alle linjer" in text
    assert "5.38.53: helårspersoner -1,00" in text and "5.38.52: bogført 86.150,00 kr." in text
    assert text.split("\n") == screen.report.tables[0].notes
    screen.tabs.setCurrentIndex(1)  # Borgere: notes of its own (none)
    assert screen.notes.toPlainText() == "\n".join(screen.report.tables[1].notes)


def test_the_validation_shows_each_finding_whole_at_laptop_size(qtbot, context, tmp_path):
    """Datavalidering at 1366 × 768: a long finding (the missing yearly thresholds) wraps in its
    cell instead of ending in "…" with the rest in the tooltip."""
    window, screen = at_laptop_size(qtbot, context, "Datavalidering")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=20_000)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "validation.png"))
    assert texts_cut(screen.view, ["Fund"]) == []


def test_the_approved_months_fit_beside_the_chart_at_laptop_size(qtbot, context, tmp_path):
    """Godkend måned at 1366 × 768 on the demo (January to September approved, October approved
    here despite its checks, with a reason): every column of the approved months is on screen,
    no sideways scrolling, the figures whole; the trend chart keeps the width that is left."""
    from core.followup import approval

    approval.approve_month(context.db, 2026, 10, reason="Gennemgået med økonomichefen",
                           today=datetime.date(2026, 12, 5))
    window, screen = at_laptop_size(qtbot, context, "Godkend måned")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 10, timeout=20_000)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "approval.png"))
    view = screen.view
    titles = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(view.model().columnCount())]
    assert column_problems(screen, titles) == []
    assert view.horizontalScrollBar().maximum() == 0
    assert screen.chart_view.width() >= 280


def test_the_reconciliation_of_imported_samples_fits_when_the_data_comes_after_the_window(qtbot, tmp_path,
                                                                                        samples):
    """A new user's month: Dispo open on her new database, then the grants list and the bookings of
    January to October imported, then Afstemning. The remarks wrap onto more lines, a vertical
    scroll bar appears and the table narrows: the remark column gives way again (it had already
    shrunk below the width of a "wide" column), so it stays on screen without sideways scrolling."""
    from core.importing.batches import import_file
    from gui.common.context import AppContext

    context = AppContext(tmp_path / "ny.sqlite")
    try:
        window, _ = at_laptop_size(qtbot, context, "Månedens gang")
        settle(qtbot)
        import_file(context.db, samples / "dispositionsregnskab_2026.xlsx")
        import_file(context.db, samples / "bogfoering_jan-okt_2026.csv")
        context.notify_changed("postings")
        screen = window.show_screen("Afstemning")
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=20_000)
        settle(qtbot)
        window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "reconcile_samples.png"))
        assert screen.view.verticalScrollBar().isVisible()  # the case: rows taller than the table
        assert texts_cut(screen.view, ["Markering", "Bemærkning"]) == []
        assert screen.view.horizontalScrollBar().maximum() == 0
    finally:
        context.close()


def test_the_import_wizard_over_the_window_shows_a_months_bookings_whole(qtbot, tmp_path, samples):
    """Filer → Importér at 1366 × 768 with the bookings of January to October (the grants already
    in): the wizard takes the window's room (not its own 1000 × 680), so the preview shows every
    column of the bookings, the posting texts whole, without scrolling sideways; it still fits."""
    from core.importing.batches import import_file
    from gui.common.context import AppContext

    context = AppContext(tmp_path / "ny.sqlite")
    try:
        import_file(context.db, samples / "dispositionsregnskab_2026.xlsx")
        window, _ = at_laptop_size(qtbot, context, "Månedens gang")
        wizard = window.open_import(str(samples / "bogfoering_jan-okt_2026.csv"))
        wizard.next()
        qtbot.waitUntil(wizard.sheet_page.isComplete, timeout=30_000)
        wizard.next()
        wizard.next()
        qtbot.waitUntil(wizard.preview_page.isComplete, timeout=60_000)
        settle(qtbot)
        wizard.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "import_bookings.png"))
        assert wizard.width() <= LAPTOP[0] and wizard.height() <= LAPTOP[1] - 40
        view = wizard.preview_page.view
        assert view.horizontalScrollBar().maximum() == 0
        assert column_problems(wizard.preview_page, ["Bogføringsdato", "Konto", "CPR-nr.", "Tekst", "Bilagsnr.",
                                                     "Beløb"]) == []
        wizard.reject()
    finally:
        context.close()


def test_the_import_wizard_of_the_importer_screen_takes_the_window_room_too(qtbot, context):
    """Importer → Importér fil … opens the same wizard as Filer → Importér, at the same size: as
    large as the 1366 × 768 window allows, at most 1300 × 720 (1366 − 40 and 768 − 40 capped)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWizard

    window, screen = at_laptop_size(qtbot, context, "Importer")
    sizes = []

    def close_wizard():
        wizard = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QWizard) and w.isVisible())
        sizes.append((wizard.width(), wizard.height()))
        wizard.reject()

    QTimer.singleShot(100, close_wizard)
    screen.open_wizard()  # modal until closed
    from_menu = window.open_import()
    sizes.append((from_menu.width(), from_menu.height()))
    from_menu.reject()
    assert sizes == [(1300, 720), (1300, 720)]


def test_the_backups_dialog_fits_a_laptop_with_a_deep_folder(qtbot, demo_db, tmp_path):
    """Filer → Sikkerhedskopier for a database deep in a shared drive's folders: the sentence
    naming the folder wraps (the dialog was as wide as the path, wider than the screen), and each
    backup's time stands whole on one line."""
    import shutil

    from gui.common.context import AppContext
    from gui.store.backup_dialog import BackupDialog

    deep = tmp_path.joinpath("Fælles drev", "Social og sundhed", "Økonomi og analyse",
                             "Specialiseret voksenområde", "Budgetopfølgning", "2026", "Dispo-databasen")
    deep.mkdir(parents=True)
    shutil.copy(tmp_path / "demo.sqlite", deep / "specialiseret voksenområde.sqlite")
    context = AppContext(deep / "specialiseret voksenområde.sqlite")  # opening makes the day's backup
    try:
        dialog = BackupDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot)
        dialog.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "backups.png"))
        assert dialog.model.rowCount() >= 1
        assert dialog.minimumSizeHint().width() <= LAPTOP[0] and dialog.width() <= LAPTOP[0]
        assert texts_cut(dialog.view, ["Tidspunkt", "Årsag", "Størrelse"]) == []
    finally:
        context.close()


def test_the_print_preview_of_the_monthly_report_opens_large_at_laptop_size(qtbot, context, tmp_path):
    """Rapporter → Vis udskrift at 1366 × 768: the preview opens as large as the window allows,
    at most 1300 × 720 (1366 − 40 and 768 − 40, capped), not at Qt's own 533 × 533."""
    screen = previewed_report(qtbot, context, tmp_path, "report_for_print.png")
    dialog = screen.print_preview_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    dialog.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "print_preview.png"))
    assert (dialog.width(), dialog.height()) == (1300, 720)


def test_the_monthly_overview_preview_of_the_samples_shows_every_column_at_laptop_size(qtbot, sample_context,
                                                                                      tmp_path):
    """Rapporter → Vis at 1366 × 768 on the sample municipality: every column of the overview is on
    screen, the effects too, without scrolling sideways. A figure column's long title ("Disponeret
    resten af året") takes a third line instead of widening the column past its figures."""
    screen = previewed_report(qtbot, sample_context, tmp_path, "report_samples.png")
    view = screen.tabs.widget(0)
    model = view.model()
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert titles[-2:] == ["Mængdeeffekt", "Priseffekt"]
    assert view.horizontalHeader()._lines(titles.index("Disponeret resten af året")) == ["Disponeret", "resten",
                                                                                          "af året"]
    assert column_problems(screen, titles) == []
    assert view.horizontalScrollBar().maximum() == 0


def test_the_reconciliation_of_imported_samples_fits_with_three_line_titles(qtbot, sample_context, tmp_path):
    """Afstemning on the sample municipality (grants, bookings January to October, occupancy):
    its long names and figures leave no room for the remarks unless "Forfaldent efter
    fakturaforsinkelse" and "Difference (bogført − beregnet)" take three lines above their figures."""
    window, screen = at_laptop_size(qtbot, sample_context, "Afstemning")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=20_000)
    settle(qtbot)
    window.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "reconcile_samples_3.png"))
    header = screen.view.horizontalHeader()
    assert header._lines(6) == ["Forfaldent", "efter faktura-", "forsinkelse"]
    assert texts_cut(screen.view, ["Markering", "Bemærkning"]) == []
    assert screen.view.horizontalScrollBar().maximum() == 0


def test_a_report_tab_shown_later_gives_its_texts_back_their_width(qtbot, sample_context, tmp_path):
    """The report preview's tabs are laid out while hidden, in a narrow table: their text columns
    give way then. Shown at 1366 × 768, where there is room, they get their width back: the
    occupancy's "Bofællesskabet Lærkevej i alt" is whole, not "Bofællesskab…"."""
    screen = previewed_report(qtbot, sample_context, tmp_path, "report_occupancy_hidden.png")
    titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    screen.tabs.setCurrentIndex(titles.index("Belægning"))
    settle(qtbot)
    screen.window().grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "report_occupancy.png"))
    view = screen.tabs.currentWidget()
    assert "Bofællesskabet Lærkevej i alt" in [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert texts_cut(view, ["Tilbud"]) == []
    assert view.horizontalScrollBar().maximum() == 0


def test_the_question_for_a_reason_to_approve_fits_a_laptop(qtbot, context, tmp_path):
    """Approving despite long checks (every rule of the validation failing, fourteen accounts
    without bookings): the question wraps them within the screen instead of one line per check
    wider than 1366 pixels, and its text is whole."""
    from PySide6.QtWidgets import QLabel

    from core.followup.approval import Check
    from core.followup.validation import RULE_LABELS

    accounts = [f"5.{n // 10}.{n % 10}0" for n in range(32, 46)]
    found = [Check("validation", f"Datavalideringen har 40 fejl ({', '.join(sorted(set(RULE_LABELS.values())))}); "
                                 "se Datavalidering"),
             Check("no_bookings", f"Ingen bogføringer i måneden på {len(accounts)} konti med bevillinger: "
                                  + ", ".join(accounts)),
             Check("bookings_end", "Bogføringerne når kun til 25-10-2026, ikke til månedens sidste bankdag "
                                   "30-10-2026 (den sidste bankdag før 31-10-2026)")]
    _, screen = at_laptop_size(qtbot, context, "Godkend måned")
    dialog = screen.reason_dialog(found)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    dialog.grab().save(str(Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path) / "approve_reason.png"))
    assert dialog.width() <= LAPTOP[0] and dialog.height() <= LAPTOP[1] - 40
    label = next(w for w in dialog.findChildren(QLabel) if "Begrundelse" in w.text())
    assert all(c.message in label.text() for c in found)
    assert label.height() >= label.heightForWidth(label.width())  # every line shown
