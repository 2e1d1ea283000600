"""Charts in Danish: month-by-month line charts with Danish numbers on the axes.

QtCharts formats axis labels with C's printf (``1.5``) unless the chart localises its
numbers; every chart of the application is made here, so they all read ``1,5`` and
``1.234,5`` whatever the machine's locale is.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import QAbstractSeries, QChart, QValueAxis
from PySide6.QtCore import QLocale, Qt

DANISH = QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)


def danish_chart(title: str) -> QChart:
    """A chart with ``title`` whose axis labels use Danish decimal and thousands separators."""
    chart = QChart()
    chart.setTitle(title)
    chart.setLocale(DANISH)
    chart.setLocalizeNumbers(True)
    return chart


def nice_range(low: float, high: float, ticks: int = 6) -> tuple[float, float, int]:
    """An axis range around ``low..high`` on a round step (1, 2, 2,5 or 5 × 10ⁿ) giving at most
    about ``ticks`` intervals: (start, end, tick count). A nearly flat line gets a span of at
    least 2 % of its size, so its labels differ."""
    if high <= low:
        high = low + 1
    least = 0.02 * max(abs(low), abs(high))
    if high - low < least:
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    raw = (high - low) / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    return start, end, round((end - start) / step) + 1


def decimals_of(step: float) -> int:
    """Decimals (at least one, at most three) that show every multiple of ``step`` apart."""
    return next((d for d in (1, 2) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6), 3)


def set_month_series(chart: QChart, series: list[QAbstractSeries], y_title: str = "Mio. kr.", *,
                     from_zero: bool = True) -> None:
    """Replace the chart's series by ``series`` over the months 1–12 (x) and amounts (y).

    The amount axis spans every series (QtCharts would take the first series' range, hiding
    small lines such as a refund that is only income in December), and zero when
    ``from_zero`` (cumulative lines; a trend of near-equal figures is clearer without)."""
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    for s in series:
        chart.addSeries(s)
    x = QValueAxis()
    x.setRange(1, 12)
    x.setTickCount(12)
    x.setLabelFormat("%.0f")  # a localised "%d" renders no labels at all (QtCharts 6)
    x.setTitleText("Måned")
    font = x.labelsFont()  # twelve labels in a narrow chart: a smaller font keeps "10"–"12" from eliding
    font.setPointSizeF(font.pointSizeF() * 0.8)
    x.setLabelsFont(font)
    y = QValueAxis()
    y.setTitleText(y_title)
    values = [p.y() for s in series for p in s.points()] or [0.0]
    if from_zero:
        values.append(0.0)
    start, end, ticks = nice_range(min(values), max(values))
    y.setRange(start, end)
    y.setTickCount(ticks)
    y.setLabelFormat(f"%.{decimals_of((end - start) / (ticks - 1))}f")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in series:
        s.attachAxis(x)
        s.attachAxis(y)
