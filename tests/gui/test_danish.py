"""Qt's own texts (standard buttons) are Danish, like the rest of the interface."""

from PySide6.QtWidgets import QMessageBox

from gui.app import create_application


def test_standard_buttons_speak_danish(qtbot):
    create_application()
    box = QMessageBox(QMessageBox.Icon.Question, "Dispo", "Vil du fortsætte?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    box.show()
    texts = {box.button(b).text().replace("&", "") for b in (QMessageBox.StandardButton.Yes,
                                                            QMessageBox.StandardButton.No)}
    assert texts == {"Ja", "Nej"}


def test_one_word_for_cancel(qtbot):
    """Qt's Danish standard button says "Annuller"; Dispo's own buttons say it the same way."""
    from pathlib import Path

    from PySide6.QtWidgets import QDialogButtonBox

    create_application()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuller"
    root = Path(__file__).resolve().parents[2]
    spelled = [str(p.relative_to(root)) for folder in ("gui", "core", "resources") for p in (root / folder).rglob("*")
               if p.suffix in (".py", ".html") and "Annull\u00e9r" in p.read_text(encoding="utf-8")]
    assert spelled == []
