"""The follow-up chart: the separate lines honour the screen's switches; Danish numbers on the axes."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QGraphicsTextItem

from gui.common.charts import decimals_of, nice_range

DANISH_DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$")


def shown_for_2026(qtbot, screen_class, context):
    """A screen of the demo shown at a laptop's size with the year 2026 (not yet refreshed)."""
    screen = screen_class(context)
    qtbot.addWidget(screen)
    screen.resize(1300, 850)
    screen.show()
    screen.year.setValue(2026)
    return screen


@pytest.fixture
def followup(qtbot, context):
    """The follow-up screen on the demo, computed for 2026 with both switches on."""
    from gui.followup.followup_screen import Screen

    screen = shown_for_2026(qtbot, Screen, context)
    with qtbot.waitSignal(screen.job.finished, timeout=60000):
        screen.refresh()
    yield screen
    QThreadPool.globalInstance().waitForDone(30000)


def december(screen, name: str) -> float:
    return screen.chart_points()[name][-1][1]


def axis_labels(qtbot, chart_view) -> list[str]:
    """The texts the chart has drawn (axis labels and titles), once it has laid itself out."""
    def texts():
        return [i.toPlainText() for i in chart_view.scene().items() if isinstance(i, QGraphicsTextItem)]

    qtbot.waitUntil(lambda: any(DANISH_DECIMAL.match(t) or re.match(r"^-?\d+\.\d+$", t) for t in texts()))
    return texts()


def test_the_lines_follow_the_switches(qtbot, followup):
    result = followup.result.level
    names = {line.name: float(line.expected_outturn) / 1e6 for line in result.lines}
    refund = next(v for k, v in names.items() if "refusion" in k)
    assert set(followup.chart_points()) == {"Forventet regnskab", "Kommende borgere", "Refusion (§ 176)",
                                            "I alt med linjerne", "Budget", "Bogført"}
    assert december(followup, "I alt med linjerne") == pytest.approx(float(result.grand_total.expected_outturn) / 1e6)
    assert december(followup, "Kommende borgere") == pytest.approx(names["Kommende borgere"])
    # the refund is income at the year's end: nothing before December
    assert [y for _, y in followup.chart_points()["Refusion (§ 176)"][:11]] == [0] * 11
    assert december(followup, "Refusion (§ 176)") == pytest.approx(refund)

    # without expected citizens: the table totals and the chart both lose that line
    with qtbot.waitSignal(followup.job.finished, timeout=60000):
        followup.expected_box.setChecked(False)
    result = followup.result.level
    assert [line.name for line in result.lines] == [k for k in names if "refusion" in k]
    assert "Kommende borgere" not in followup.status.text()
    assert "Kommende borgere" not in followup.chart_points()
    assert december(followup, "I alt med linjerne") == pytest.approx(float(result.grand_total.expected_outturn) / 1e6)

    # both off: the grants only, as before the lines existed
    with qtbot.waitSignal(followup.job.finished, timeout=60000):
        followup.refund_box.setChecked(False)
    assert followup.result.level.lines == ()
    assert set(followup.chart_points()) == {"Forventet regnskab", "Budget", "Bogført"}
    assert december(followup, "Forventet regnskab") == pytest.approx(
        float(followup.result.level.total.expected_outturn) / 1e6)


def test_followup_chart_axes_read_danish(qtbot, followup):
    labels = axis_labels(qtbot, followup.chart_view)
    numbers = [t for t in labels if re.match(r"^-?[\d.,]+$", t)]
    amounts = [t for t in numbers if "," in t]
    assert amounts and all(DANISH_DECIMAL.match(t) for t in amounts), numbers
    # the months are drawn too (a localised integer format would leave them empty)
    assert {str(m) for m in range(1, 13)} <= set(numbers)
    assert "Måned" in labels and "Mio. kr." in labels


def test_approval_chart_axes_read_danish(qtbot, context):
    from gui.followup.approval_screen import Screen

    screen = shown_for_2026(qtbot, Screen, context)
    screen.refresh()
    labels = axis_labels(qtbot, screen.chart_view)
    amounts = [t for t in labels if re.match(r"^-?[\d.,]+$", t) and "," in t]
    assert amounts and all(DANISH_DECIMAL.match(t) for t in amounts), labels
    QThreadPool.globalInstance().waitForDone(30000)


@pytest.mark.parametrize("low, high, expected", [
    (0, 98.3, (0, 100, 6)),         # step 20
    (-16.9, 98.3, (-20, 100, 7)),   # step 20: the refund below zero still on a round tick
    (0, 18, (0, 20, 5)),            # step 5
    (0, 0, (0, 1, 6)),              # nothing to show: a unit range
    (0, 0.19, (0, 0.2, 5)),         # step 0,05
    # a flat trend (approved months alike): at least 2 % of 98,33 = 1,97 wide, step 0,5
    (98.328, 98.33, (97, 99.5, 6)),
])
def test_nice_range(low, high, expected):
    start, end, ticks = nice_range(low, high)
    assert (start, end, ticks) == pytest.approx(expected)


@pytest.mark.parametrize("step, decimals", [(20, 1), (0.5, 1), (2.5, 1), (0.25, 2), (0.05, 2), (0.002, 3)])
def test_labels_show_every_step(step, decimals):
    assert decimals_of(step) == decimals
