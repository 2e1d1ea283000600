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
