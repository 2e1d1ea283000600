"""The main window starts on a real database and offers undo/redo."""

from gui.common.context import AppContext
from gui.main_window import MainWindow


def test_main_window_opens_on_the_demo(qtbot, demo_db, tmp_path):
    context = AppContext(tmp_path / "demo.sqlite")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert "demo.sqlite" in window.windowTitle()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Y" in [s.toString() for s in window.redo_action.shortcuts()]
    context.close()
