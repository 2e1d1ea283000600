"""Every screen at 1366 × 768 (a common municipal laptop) on the demo: the columns she reads
the screen for are fully visible, header text not cut. The grabs are saved as PNG files
(``DISPO_GRAB_DIR``, default the test's folder) to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QTableView

from gui.main_window import MainWindow
from gui.screens import KEY_COLUMNS

LAPTOP = (1366, 768)


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
    return problems


def test_every_screen_shows_its_key_columns_at_laptop_size(qtbot, context, tmp_path):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    folder = Path(os.environ.get("DISPO_GRAB_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for number, screen in enumerate(window.screens):
        window.show_screen(screen.TITLE)
        settle(qtbot)
        assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1], screen.TITLE
        window.grab().save(str(folder / f"{number:02d}.png"))
        found = column_problems(screen, KEY_COLUMNS.get(screen.TITLE, []))
        if found:
            problems[screen.TITLE] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert QApplication.instance() is not None


def test_dialogs_fit_a_laptop_and_the_vum_wizard_shows_the_remark(qtbot, context, tmp_path):
    from gui.first_run import FirstRunWizard
    from gui.help_dialog import HelpDialog
    from gui.import_wizard import ImportWizard
    from gui.settings_dialog import SettingsDialog
    from gui.vum_wizard import AllocationWizard

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
