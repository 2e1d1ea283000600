"""Table headers that fit a laptop screen (1366 × 768).

``FittingHeader`` does two things a plain ``QHeaderView`` does not:

- a header text of several words wraps onto two lines instead of widening its column
  ("Gns. pris pr. / helårsperson"), or three where two are still wider than the column's
  figures ("Forfaldent / efter faktura- / forsinkelse"), so a column is as wide as its
  figures, not its title;
- when the columns (sized to their contents) are wider than the table, the wide text
  columns (names, remarks) give up width, down to ``MIN_TEXT_WIDTH``, so the columns
  to their right stay on screen. Their full text is in the cell's tooltip. When the table
  has room again (a hidden tab shown, a larger window) they get their width back.

``fit_table(view)`` installs it on any ``QTableView``.
"""

from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView

MIN_TEXT_WIDTH = 110    # a shrunk text column keeps at least this much
WIDE = 200              # a column wider than this may give up width
MAX_LINES = 2           # a title's lines; three where two leave it wider than its figures


# Long compound words of the headers and where they break (Danish hyphenation)
BREAKS = {"Helårspersoner": "Helårs-|personer", "Mængdeeffekt": "Mængde-|effekt", "Priseffekt": "Pris-|effekt",
          "Betalingskommune": "Betalings-|kommune", "Handlekommune": "Handle-|kommune",
          "Fakturaforsinkelse": "Faktura-|forsinkelse", "Opfølgningsdato": "Opfølgnings-|dato",
          "Sagsbehandler": "Sags-|behandler", "Belægningsmål": "Belægnings-|mål"}


def _wrapped_lines(text: str, width_of, max_lines: int = MAX_LINES) -> list[str]:
    """``text`` on at most ``max_lines`` lines, the widest as narrow as can be (then as few lines
    as can be): split at a space, or a long compound word at its hyphenation point (``BREAKS``,
    whatever its case: "fakturaforsinkelse" too)."""
    tokens, glue = [], []  # the pieces, and what stands between a piece and the next
    for word in text.split():
        if tokens:
            glue.append(" ")
        first = BREAKS.get(word) or BREAKS.get(word.capitalize())
        if first:
            cut = len(first.split("|")[0].rstrip("-"))
            tokens += [word[:cut], word[cut:]]
            glue.append("")
        else:
            tokens.append(word)
    candidates = [[text]]
    for count in range(2, max_lines + 1):
        for cuts in combinations(range(1, len(tokens)), count - 1):
            lines, start = [], 0
            for end in (*cuts, len(tokens)):
                line = "".join(tokens[i] + (glue[i] if i < end - 1 else "") for i in range(start, end))
                lines.append(line + ("-" if end < len(tokens) and glue[end - 1] == "" else ""))
                start = end
            candidates.append(lines)
    return min(candidates, key=lambda lines: (max(width_of(line) for line in lines), len(lines)))


class FittingHeader(QHeaderView):
    """A horizontal header whose titles wrap onto two lines and whose wide text columns give
    way when the table is too narrow for all its columns."""

    def __init__(self, parent: QTableView | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)
        self._fitting = False
        self._content: dict[int, int] = {}  # each column's figures' width, when last fitted
        self._shrunk: set[int] = set()  # the text columns ``fit`` made narrower than their contents
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.fit)
        # owned by the header, so it never fires after the header is gone (a closed dialog)
        self._titles = QTimer(self, singleShot=True, interval=0)
        self._titles.timeout.connect(self._show_titles)
        self.sectionResized.connect(self._resized)

    def setModel(self, model) -> None:
        super().setModel(model)
        self._shrunk.clear()
        self._content.clear()
        if model is not None:  # new columns or rows: titles whole again, then fit the width
            for signal in (model.modelReset, model.columnsInserted, model.headerDataChanged, model.layoutChanged):
                signal.connect(self._titles_changed)
            self._titles_changed()

    def _titles_changed(self, *_) -> None:
        self._titles.start()

    def _show_titles(self) -> None:
        """Nothing cut: a section narrower than its (wrapped) title or its figures grows to
        them; an empty table's sections are as wide as their titles (not Qt's default 100
        pixels each)."""
        model = self.model()
        view = self.parent()
        if model is None or not isinstance(view, QTableView):
            return
        empty = model.rowCount() == 0
        self._fitting = True
        try:
            for i in range(self.count()):
                if self.sectionResizeMode(i) != QHeaderView.ResizeMode.Interactive or self.isSectionHidden(i):
                    continue
                content = 0 if empty else view.sizeHintForColumn(i)
                before = self.sectionSizeFromContents(i).width()
                self._content[i] = content  # a title wider than this takes a third line
                title = self.sectionSizeFromContents(i).width()
                wanted = max(title, content)
                size = self.sectionSize(i)
                # as wide as its title on two lines, now narrower on three
                narrower = title < before and wanted < size <= before
                if size < wanted or (empty and size == self.defaultSectionSize()) or narrower:
                    self.resizeSection(i, wanted)
        finally:
            self._fitting = False
        self.headerDataChanged(self.orientation(), 0, max(self.count() - 1, 0))  # its height: two or three lines
        self.fit()

    def _lines(self, logical: int) -> list[str]:
        """The title's lines: two at most, or three where two leave the column wider than its
        figures ("Forfaldent / efter faktura- / forsinkelse" above 1.912.043,84)."""
        model = self.model()
        text = model.headerData(logical, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        if not isinstance(text, str):
            return [str(text or "")]
        width_of = self.fontMetrics().horizontalAdvance
        lines = _wrapped_lines(text, width_of)
        content = self._content.get(logical, 0)
        if content and len(text.split()) > 1 and self._size_of(logical, lines).width() > content:
            three = _wrapped_lines(text, width_of, MAX_LINES + 1)
            if self._size_of(logical, three).width() < self._size_of(logical, lines).width():
                return three
        return lines

    def _size_of(self, logical: int, lines: list[str]) -> QSize:
        size = super().sectionSizeFromContents(logical)
        if len(lines) == 1:
            return size
        metrics = self.fontMetrics()
        full = metrics.horizontalAdvance(" ".join(lines))
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        # a little slack: the style measures with rounding of its own
        return QSize(size.width() - full + widest + 6, size.height() + (len(lines) - 1) * metrics.lineSpacing())

    def sectionSizeFromContents(self, logical: int) -> QSize:
        return self._size_of(logical, self._lines(logical))

    def paintSection(self, painter, rect, logical: int) -> None:
        lines = self._lines(logical)
        if len(lines) == 1 or rect.width() >= super().sectionSizeFromContents(logical).width():
            super().paintSection(painter, rect, logical)  # room for one line
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical)
        option.rect = rect
        option.text = "\n".join(lines)
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()

    def _resized(self, *_):
        if not self._fitting and QGuiApplication.mouseButtons() == Qt.MouseButton.NoButton:
            self._pending.start()  # after the whole resize-to-contents, not after each column

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._pending.start()

    def fit(self) -> None:
        """Shrink the wide text columns until every column fits the table's width."""
        view = self.parent()
        model = self.model()
        if model is None or not isinstance(view, QTableView):
            return
        available = view.viewport().width()
        count = self.count()
        visible = [i for i in range(count) if not self.isSectionHidden(i)]
        if not visible or available <= 0:
            return
        if self.stretchLastSection():
            last = self.logicalIndex(max(self.visualIndex(i) for i in visible))
            visible = [i for i in visible if i != last]
            available -= min(self.sectionSize(last), max(MIN_TEXT_WIDTH, self.sectionSizeFromContents(last).width()))
        excess = sum(self.sectionSize(i) for i in visible) - available
        if excess < 0:
            self._give_back(-excess)
            return
        if excess == 0:
            return
        # a text column wide by its contents gives way again when the table narrows further (a
        # vertical scroll bar that appears once the rows have wrapped), not only while it is wide
        wide = [i for i in visible if self._is_text(i) and max(self.sectionSize(i), view.sizeHintForColumn(i)) > WIDE]
        if not wide:
            return
        floors = {i: max(MIN_TEXT_WIDTH, self.sectionSizeFromContents(i).width()) for i in wide}
        room = {i: max(0, self.sectionSize(i) - floors[i]) for i in wide}
        reducible = sum(room.values())
        if reducible <= 0:
            return
        self._fitting = True
        try:  # each wide text column gives its share of the excess, none below its floor
            for i in wide:
                give = room[i] if reducible <= excess else -(-room[i] * excess // reducible)
                self.resizeSection(i, self.sectionSize(i) - give)
                self._shrunk.add(i)
        finally:
            self._fitting = False

    def _give_back(self, spare: int) -> None:
        """The text columns ``fit`` shrank grow back towards their contents, as far as ``spare``
        pixels go: a table laid out narrow (a hidden tab, a window made larger) gets its texts back."""
        view = self.parent()
        self._fitting = True
        try:
            for i in sorted(self._shrunk):
                if spare <= 0:
                    break
                if i >= self.count() or self.isSectionHidden(i):
                    continue
                grow = min(spare, view.sizeHintForColumn(i) - self.sectionSize(i))
                if grow > 0:
                    self.resizeSection(i, self.sectionSize(i) + grow)
                    spare -= grow
        finally:
            self._fitting = False

    def _is_text(self, logical: int) -> bool:
        """A left-aligned column (names, remarks), not figures."""
        model = self.model()
        if model.rowCount() == 0:
            return True
        alignment = model.index(0, logical).data(Qt.ItemDataRole.TextAlignmentRole)
        if alignment is None:
            return True
        try:
            return not (int(alignment) & int(Qt.AlignmentFlag.AlignRight))
        except TypeError:
            return not (alignment & Qt.AlignmentFlag.AlignRight)


def fit_table(view: QTableView) -> QTableView:
    """Give ``view`` a ``FittingHeader`` (keeping its sorting, stretch and resize settings)."""
    old = view.horizontalHeader()
    if isinstance(old, FittingHeader):
        return view
    header = FittingHeader(view)
    header.setStretchLastSection(old.stretchLastSection())
    header.setSortIndicatorShown(old.isSortIndicatorShown())
    header.setSortIndicator(old.sortIndicatorSection(), old.sortIndicatorOrder())
    view.setHorizontalHeader(header)
    return view
