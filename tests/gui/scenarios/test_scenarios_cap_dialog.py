"""The personal-assistance cap warns in the grant dialog as she types, without blocking the grant;
working hours and the reason are fields of their own, shown for personal assistance in employment."""

from __future__ import annotations

from core.register.grants import get_grant
from core.store import audit
from tests.gui.helpers import add_grant, fill


def test_grant_dialog_warns_above_the_cap(qtbot, context):
    from gui.register.grant_dialog import GrantDialog

    dialog = GrantDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    # § 85 on its own account: no working hours, no reason
    fill(qtbot, dialog, section="§ 85")
    assert not dialog.fields["working_hours"].isVisible() and not dialog.fields["cap_reason"].isVisible()
    # the hours typed on the personal-assistance account warn at once, before CPR, rate and start are there
    fill(qtbot, dialog, account="5.68.91", quantity="25", quantity_per="uge")
    assert dialog.fields["working_hours"].isVisible() and dialog.captions["cap_reason"].isVisible()
    # 25 hours a week > 20 (full time, no working hours recorded)
    assert dialog.errors["quantity"].text().startswith(
        "Advarsel: Personlig assistance på 25 timer om ugen er over loftet på 20 timer")
    fill(qtbot, dialog, cpr="010203-4005", name="Test Testesen", provider_id="Bostøtteteamet", rate="250",
         start="1.3.2026")
    assert dialog.ok_button.isEnabled()  # a warning, and OK still works
    # 30 working hours: cap 20 · 30 / 37 = 16,22
    fill(qtbot, dialog, working_hours="30")
    assert "loftet på 16,22 timer (20 · 30 / 37" in dialog.errors["quantity"].text()
    # a recorded reason: no warning
    fill(qtbot, dialog, cap_reason="hjælp til al kommunikation")
    assert dialog.errors["quantity"].text() == ""
    # working hours that are no hours: a problem next to the field, and OK is off
    fill(qtbot, dialog, working_hours="0")
    assert dialog.errors["working_hours"].text() == "Arbejdstimer skal være flere end 0 og højst 168 om ugen"
    assert not dialog.ok_button.isEnabled()
    fill(qtbot, dialog, working_hours="30")
    dialog.submit()
    grant = get_grant(context.db, dialog.grant_id)
    assert (str(grant.working_hours), grant.cap_reason) == ("30", "hjælp til al kommunikation")
    # another account hides the fields again
    fill(qtbot, dialog, account="5.32.33")
    assert not dialog.fields["working_hours"].isVisible()


def test_editing_working_hours_is_undone_and_audited_in_danish(qtbot, context):
    from gui.register.grant_dialog import GrantDialog

    db = context.db
    gid = add_grant(db, "010203-4005", "Test Testesen", section="§ 85", provider="Bostøtteteamet", rate="250",
                    start="2026-03-01", account="5.68.91", unit="time", quantity="18", quantity_per="uge",
                    working_hours="37")
    dialog = GrantDialog(context, get_grant(db, gid))
    qtbot.addWidget(dialog)
    assert dialog.fields["working_hours"].text() == "37"
    # 18 ≤ 20 · 37 / 37 = 20: no warning; 25 working hours: cap 20 · 25 / 37 = 13,51 < 18: warning
    assert dialog.errors["quantity"].text() == ""
    fill(qtbot, dialog, working_hours="25", cap_reason="synshandicap")
    dialog.submit()
    assert (get_grant(db, gid).working_hours, get_grant(db, gid).cap_reason) == (25, "synshandicap")
    [entry] = [e for e in audit.for_grant(db, gid) if e["action"] == "update"]
    assert audit.describe_change(entry) == ("Begrundelse for timer over loftet: – → synshandicap; "
                                            "Arbejdstimer pr. uge: 37,00 → 25,00")
    context.undo_stack.undo()
    assert (get_grant(db, gid).working_hours, get_grant(db, gid).cap_reason) == (37, "")
