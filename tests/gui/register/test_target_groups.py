"""A citizen's target group from the list, set in the citizen view, with undo (issue #16)."""

from __future__ import annotations

import datetime as dt

from core.budget_year import breakdowns
from core.followup.forecast import forecast


def test_citizen_target_group_with_undo_and_forecast_by_it(qtbot, context, demo_db):
    from gui.register.citizen_view import CitizenView
    from gui.register.target_groups import TargetGroupField

    cid, = demo_db.execute("SELECT citizen_id FROM grants WHERE section = '§ 108' ORDER BY id LIMIT 1").fetchone()
    context.db.execute("UPDATE citizens SET target_group = '' WHERE id = ?", [cid])
    breakdowns.add_target_group(context.db, "Autisme")
    view = CitizenView(context, cid)
    qtbot.addWidget(view)
    field = view.findChild(TargetGroupField)
    items = [field.box.itemText(i) for i in range(field.box.count())]
    assert items[0] == "(ingen)" and "Autisme" in items and field.box.currentData() == ""
    field.box.setCurrentIndex(items.index("Autisme"))
    field.box.activated.emit(items.index("Autisme"))
    group = lambda: demo_db.execute("SELECT target_group FROM citizens WHERE id = ?", [cid]).fetchone()[0]  # noqa
    assert group() == "Autisme"
    rows = forecast(demo_db, 2026, dt.date(2026, 10, 31), by="target_group", include_expected=False,
                    include_refund=False).rows
    # the citizen's grants, and nobody else's, are in the group's row
    own = demo_db.execute("SELECT id FROM grants WHERE citizen_id = ?", [cid]).fetchall()
    mine = forecast(demo_db, 2026, dt.date(2026, 10, 31), include_expected=False, include_refund=False).rows
    expected = sum(r.expected_outturn for r in mine if (r.grant_id,) in own)
    assert next(r.expected_outturn for r in rows if r.key == "Autisme") == expected
    context.undo_stack.undo()
    assert group() == ""
    assert field.box.currentData() == ""
