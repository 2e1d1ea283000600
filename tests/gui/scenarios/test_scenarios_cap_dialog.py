"""The personal-assistance cap warns in the grant dialog, without blocking the grant."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit

from tests.gui.helpers import fill


def test_grant_dialog_warns_above_the_cap(qtbot, context):
    from gui.register.grant_dialog import GrantDialog

    dialog = GrantDialog(context)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, cpr="010203-4005", name="Test Testesen", section="§ 85", provider_id="Bostøtteteamet",
         rate="250", start="1.3.2026")
    fill(qtbot, dialog, account="5.68.91", quantity="25", quantity_per="uge")
    # 25 hours a week > 20 (full time, no working hours recorded): a warning, and OK still works
    assert dialog.ok_button.isEnabled()
    assert dialog.errors["quantity"].text().startswith(
        "Advarsel: Personlig assistance på 25 timer om ugen er over loftet på 20 timer")
    # 30 working hours in the note: cap 20 · 30 / 37 = 16,22
    note: QPlainTextEdit = dialog.fields["note"]
    note.setPlainText("Arbejdstimer: 30")
    assert "loftet på 16,22 timer" in dialog.errors["quantity"].text()
    # a recorded reason: no warning
    note.setPlainText("Arbejdstimer: 30\nBegrundelse: hjælp til al kommunikation")
    assert dialog.errors["quantity"].text() == ""
    # § 85 support on its own account is not capped
    note.setPlainText("")
    fill(qtbot, dialog, account="5.32.33")
    assert dialog.errors["quantity"].text() == ""
