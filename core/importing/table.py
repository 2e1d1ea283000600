"""Finding the table in a sheet: the header row under any title rows, and the data rows.

A header row is the row among the first ones whose cells best match known header words
(and that has data under it); two-row headers and headers in merged cells are joined
into one name per column. Blank rows and subtotal/total rows (``I alt § 108``,
``Total``, ``Belægning i alt``) are not data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from rapidfuzz import fuzz, process

from core.errors import DispoError
from core.importing.fields import KINDS, VUM_COLUMN_WORDS, all_synonyms
from core.importing.parsers import ParseError, is_blank, month_of, parse_account, parse_cpr, text
from core.importing.readers import RawSheet, missing_sheet_message

HEADER_SCAN_ROWS = 40
#: only the first columns of a row are weighed as header words: a header stands at the left, and a
#: sheet thousands of columns wide must not take seconds before it is read or refused
HEADER_SCAN_COLUMNS = 300
TOTAL_WORDS = re.compile(
    r"(?<![a-zæøå])(i alt|ialt|(?:hoved|sub|del|grand ?)?total(?:t|sum|er)?|sum(?:total)?|samlet|heraf|gennemsnit|"
    r"belægningsprocent|overført|saldo|resultat)(?![a-zæøå])")


#: a header this short under a blank group cell is a sub-header of the group word to its left
SUB_HEADER_CHARS = 8

# a second header row of units or explanations: "(kr.)", "kr.", "pr. uge", "dd-mm-åååå"
_UNIT_NOTE = re.compile(r"^\(.*\)$|^(kr\.?|dkk|pr\..*|i alt kr\.?|dd-mm-(åå)?åå|timer|dage|antal)$")


class NoTableError(DispoError):
    """No header row with recognisable column names was found in a sheet."""


@dataclass
class Table:
    """A sheet's table: one header per column and the data rows with their row numbers."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, list]]          # (1-based row number, cells)
    title: list[str] = field(default_factory=list)  # texts of the rows above the header
    header_row: int = 0
    totals: list[tuple[int, str]] = field(default_factory=list)  # (row number, label) of skipped sum rows
    headings: list[tuple[int, str]] = field(default_factory=list)  # (row number, text) of group headings
    repeated_headers: list[int] = field(default_factory=list)  # row numbers of the header or a title written again
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # per-column work done once per kind tried

    def column_samples(self, limit: int) -> list[list]:
        """The first ``limit`` non-blank values of every column, computed once for the rows as they are
        (matching tries every kind on the same table)."""
        key = ("samples", limit, id(self.rows), len(self.rows))
        if key not in self.memo:
            self.memo[key] = [self.column_values(c, limit) for c in range(len(self.headers))]
        return self.memo[key]

    def column(self, col: int) -> list:
        """Every row's cell in column ``col`` (None where a row is short), made once for the rows as
        they are and shared by every reader of the column: never change the list."""
        key = ("column", col)
        kept = self.memo.get(key)
        if kept is not None and kept[0] is self.rows:
            return kept[1]
        try:
            cells = [cells[col] for _, cells in self.rows]
        except IndexError:  # a short row: its missing cells are blank
            cells = [cells[col] if col < len(cells) else None for _, cells in self.rows]
        self.memo[key] = (self.rows, cells)
        return cells

    def column_values(self, col: int, limit: int | None = None) -> list:
        out = []
        for _, cells in self.rows:
            v = cells[col] if col < len(cells) else None
            if not is_blank(v):
                out.append(v)
                if limit and len(out) >= limit:
                    break
        return out


def normalize_header(value) -> str:
    """Header text for comparison: lower case, punctuation as spaces, single spaces (``§`` kept)."""
    if value.__class__ is str:
        return _normalize_text(value)
    return _normalize_text(text(value))


@lru_cache(maxsize=1 << 16)
def _normalize_text(value: str) -> str:
    t = text(value).casefold()
    t = re.sub(r"[^\w§<]+|_+", " ", t)  # CPR_NR, START_DATO: database-style names
    return " ".join(t.split())


_SYNONYMS: list[str] | None = None
_SYNONYM_SET: frozenset[str] = frozenset()
_SYNONYM_WORDS = 1  # the most words a synonym has


def _synonyms() -> list[str]:
    global _SYNONYMS, _SYNONYM_SET, _SYNONYM_WORDS
    if _SYNONYMS is None:
        _SYNONYMS = sorted({normalize_header(s) for s in all_synonyms()} | set(VUM_COLUMN_WORDS))
        _SYNONYM_SET = frozenset(_SYNONYMS)
        _SYNONYM_WORDS = max(len(s.split(" ")) for s in _SYNONYMS)
    return _SYNONYMS


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ASCII_DANISH = (("oe", "ø"), ("aa", "å"), ("ae", "æ"))


def header_spellings(value) -> list[str]:
    """A header normalised, and also with ``oe``/``aa``/``ae`` read as ``ø``/``å``/``æ`` when it has no
    Danish letters (systems that export ASCII: ``BELOEB``, ``DOEGNTAKST``), and an Excel pivot's
    ``Sum af Beløb`` also as ``beløb``."""
    h = normalize_header(value)
    pivot = _PIVOT_VALUE.match(h)
    if pivot:  # an Excel pivot's value field ('Sum af Beløb') is the field it sums
        return [h, *header_spellings(pivot.group(1))]
    if not h or re.search("[æøå]", h) or not re.search("oe|aa|ae", h):
        return [h]
    danish = h
    for ascii_, letter in _ASCII_DANISH:
        danish = danish.replace(ascii_, letter)
    return [h, danish]


#: the header Excel gives a pivot table's summed field ('Sum af Beløb', 'Summen af Beløb', 'Sum of Amount')
_PIVOT_VALUE = re.compile(r"^(?:sum af|summen af|sum of) (\S.*)$")


def header_word_score(value) -> float:
    """0..1: how much a cell looks like a known column header."""
    if value.__class__ is str:
        return _text_header_word_score(value)
    return _header_word_score(value)


@lru_cache(maxsize=1 << 16)
def _text_header_word_score(value: str) -> float:
    return _header_word_score(value)


def _header_word_score(value) -> float:
    if month_of(value) and not isinstance(value, (dt.date, dt.datetime)) and not _ISO_DATE.match(text(value)):
        return 0.8  # a month name; dates in a row of months are counted by ``_month_cells``
    return max(_word_score(h) for h in header_spellings(value))


@lru_cache(maxsize=1 << 16)
def _word_score(h: str) -> float:
    """0..1 for a normalised header: 1 for a known header word, 0.8 when known words stand in it
    (``cpr nr borger``), else its fuzzy likeness (at least 0.85) to the nearest known word.

    Cached, and the fuzzy search runs in rapidfuzz's C loop: the header finder asks this for every
    text cell of the first rows, and a sheet may be thousands of columns wide.
    """
    if not h or len(h) > 80:
        return 0.0
    _synonyms()
    if h in _SYNONYM_SET:
        return 1.0
    best = 0.0
    words = h.split(" ")
    n = len(words)
    for i in range(n):
        for j in range(i + 1, min(n, i + _SYNONYM_WORDS) + 1):
            if j - i < n:  # a part of the header that is a known word
                part = " ".join(words[i:j])
                if (len(part) >= 3 or part == "§") and part in _SYNONYM_SET:
                    best = 0.8
                    break
        if best:
            break
    hit = process.extractOne(h, _of_similar_length(len(h)), scorer=fuzz.ratio, score_cutoff=85)
    return max(best, hit[1] / 100) if hit else best


@lru_cache(maxsize=128)
def _of_similar_length(length: int) -> list[str]:
    """The known header words that can be 85 % like a text of ``length`` characters: ``fuzz.ratio``
    is ``2 * matches / (len(a) + len(b))``, so the shorter may be at most 26 % shorter than the longer."""
    return [s for s in _synonyms() if 0.739 * length <= len(s) <= 1.353 * length]


_ABBREVIATION = re.compile(r"^([a-zæøå]{2,6})\.$")


def abbreviation(header) -> str | None:
    """The letters of a header that is one word cut short with a dot (``Lev.``, ``Enh.``), lower case."""
    m = _ABBREVIATION.match(text(header).casefold())
    return m.group(1) if m else None


@lru_cache(maxsize=1)
def _first_words() -> tuple[str, ...]:
    return tuple({s.split(" ")[0] for s in _synonyms()})


@lru_cache(maxsize=1 << 16)
def may_name_a_field(header: str) -> bool:
    """Whether a header can name any field at all: it is, holds or fuzzily resembles a known header
    word, or is a compound of one (``Bevillingsstartdato``).

    Every header that some field's header score puts at 0.8 or more passes (the same words, the
    same normalisation, the same fuzzy bound), so the column matcher may skip the others outright:
    on a sheet thousands of columns wide, weighing each column against each field's words costs
    seconds.
    """
    short = abbreviation(header)
    if short and any(w.startswith(short) and len(w) > len(short) for w in _first_words()):
        return True
    for h in header_spellings(header):
        if not h:
            continue
        if len(h) > 80 or _word_score(h) >= 0.8:
            return True
        if " " not in h and (h.startswith(_compounds()) or h.endswith(_compound_ends())):
            return True
    return False


#: the fewest letters of a header word that ends a compound header ('Ydelsespris', 'Prisenhed'; a word
#: that begins one needs six: 'Takstgruppe' is a group, not a rate); the field must then say what its
#: values look like, and they must look so (``propose``)
COMPOUND_END = 4


@lru_cache(maxsize=1)
def _compounds() -> tuple[str, ...]:
    """Known one-word header words long enough to begin a compound header."""
    return tuple(s for s in _synonyms() if len(s) >= 6 and " " not in s)


@lru_cache(maxsize=1)
def _compound_ends() -> tuple[str, ...]:
    """Known one-word header words long enough to end a compound header."""
    return tuple(s for s in _synonyms() if len(s) >= COMPOUND_END and " " not in s)


def _is_word(v) -> bool:
    """A cell of words without digits (the rest of a header broken over two rows)."""
    return v.__class__ is str and bool(re.fullmatch(r"[^\W\d_][^\d]*", v.strip()))


def _is_texty(v) -> bool:
    if is_blank(v) or isinstance(v, (int, float, dt.date, dt.datetime)):
        return False
    t = str(v).strip()
    return not re.fullmatch(r"[\d\s.,:/-]+", t)


def _month_cells(row: list) -> list:
    """Date cells naming months (first or last day), when a row has at least three: a header of month columns."""
    dates = [v for v in row if isinstance(v, (dt.date, dt.datetime)) and month_of(text(v))]
    return dates if len({(v.year, v.month) for v in dates}) >= 3 else []


def _filled_headers(sheet: RawSheet, r: int, width: int) -> list:
    """Row ``r`` with merged header cells' value copied across their whole range."""
    cells = list(sheet.rows[r]) + [""] * (width - len(sheet.rows[r]))
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= r <= r1 and c0 < width:
            value = sheet.rows[r0][c0] if c0 < len(sheet.rows[r0]) else ""
            for c in range(c0, min(c1 + 1, width)):
                cells[c] = value
    return cells


def find_header_row(sheet: RawSheet) -> int | None:
    """0-based index of the header row, or ``None`` when no row looks like one."""
    best, best_score = None, 0.0
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        row = row[:HEADER_SCAN_COLUMNS]
        texty = [v for v in row if _is_texty(v)] + _month_cells(row)
        if len(texty) < 2:
            continue
        distinct = {text(v) for v in texty}
        if len(distinct) < 2:  # a merged title repeated across the row
            continue
        scores = [0.8 if isinstance(v, (dt.date, dt.datetime)) else header_word_score(v) for v in texty]
        score = sum(s for s in scores if s >= 0.8) + 0.05 * len(texty)
        if sum(1 for s in scores if s >= 0.8) < 2:
            continue
        if score > best_score:
            best, best_score = r, score
    if best is None:
        # no known header words: the first row of distinct texts with a row of numbers or dates under it
        for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS - 1]):
            texty = [v for v in row[:HEADER_SCAN_COLUMNS] if _is_texty(v)]
            below = sheet.rows[r + 1][:HEADER_SCAN_COLUMNS] if r + 1 < len(sheet.rows) else []
            if len(texty) >= 2 and len({text(v) for v in texty}) == len(texty) and \
                    any(not is_blank(v) and not _is_texty(v) for v in below):
                return r
    return best


def is_total_row(cells: list) -> bool:
    """A subtotal/total/summary row (its label says so), not a data row."""
    for v in cells:
        if isinstance(v, str) and v.strip():
            return _is_total_label(v)
    return False


@lru_cache(maxsize=4096)
def _is_total_label(label: str) -> bool:
    """Whether a row's first text says it sums up; cached, as first columns repeat (dates, accounts)."""
    return bool(TOTAL_WORDS.search(label.casefold())) or label.strip().endswith(":")


_CPR_CELL = re.compile(r"\s*\d{6}[- ]?\d{4}\s*")


def _names_a_person(cells: list) -> bool:
    """Whether a row holds a CPR number (as text, or as a number that lost its leading zero): a
    data row whose first text only sounds like a sum ('Totalt' as a support need), never a sum row."""
    for v in cells:
        if v.__class__ is str and _CPR_CELL.fullmatch(v):
            return True
        if v.__class__ in (int, float) and 1e8 <= v < 1e10 and v == int(v):
            try:
                parse_cpr(v)
                return True
            except ParseError:
                continue
    return False


def _all_blank(cells) -> bool:
    """``all(is_blank(v) for v in cells)``, inlined: it runs once per row of the file."""
    for v in cells:
        if v is None:
            continue
        if not isinstance(v, str) or (v and not v.isspace()):
            return False
    return True


def _spread_groups(upper: list[str], lower: list) -> list[str]:
    """A group header over several sub-headers when the file keeps no merge information (ods, csv,
    'centre across selection'): ``Periode`` over ``Fra``, blank over ``Til`` -> ``Periode`` over both.

    A blank upper cell takes its left neighbour's text when both have a sub-header below that is
    not a unit note.
    """
    out = list(upper)
    for c in range(1, len(out)):
        if (not out[c] and out[c - 1] and not is_blank(lower[c]) and not is_blank(lower[c - 1])
                and not _UNIT_NOTE.match(text(lower[c]).casefold())):
            out[c] = out[c - 1]
    return out


def _joined_with_group_row(above: list, headers: list[str]) -> list[str] | None:
    """The headers under a row of group words (``Takst`` over ``Beløb``/``Enhed``, ``Opfølgning`` over
    ``Dato``) kept without merge information (ods, csv, 'centre across selection'), joined into one
    heading per column (``Takst Beløb``); ``None`` when the row above is no group row, or joining does
    not make the headers name more fields of some kind than they do alone.

    A group row holds short texts without digits (a title says ``Bevillinger 2026``), each over a
    header; one text in the first column alone is a title. A group word stands over its column and
    the following ones up to the next group word, as long as their headers are short known sub-headers
    (``Til``, ``Slut``, ``Beløb``): a full header (``Leverandør``) or an unknown one (``Sagsnr``) stands
    on its own.
    """
    filled = [c for c, v in enumerate(above) if not is_blank(v)]
    if not filled or filled == [0] or len(filled) * 2 > len(headers) + 1:
        return None
    for c in filled:
        v = above[c]
        if not _is_texty(v) or len(text(v)) > 40 or re.search(r"\d", text(v)) or c >= len(headers) \
                or not headers[c]:
            return None
    group, word = [], ""
    for c, header in enumerate(headers):
        if c in filled:
            word = text(above[c])
        elif not header or len(normalize_header(header)) > SUB_HEADER_CHARS or header_word_score(header) < 0.8:
            word = ""
        group.append(word)
    joined = [" ".join(x for x in (group[c], headers[c]) if x) for c in range(len(headers))]
    return joined if _fields_named(joined) > _fields_named(headers) else None


@lru_cache(maxsize=1)
def _fields_by_synonym() -> dict[str, frozenset[tuple[str, str]]]:
    """Each known header word, normalised, with the (kind, field) pairs it names."""
    out: dict[str, set] = {}
    for kind in KINDS.values():
        for f in kind.fields:
            for s in f.synonyms:
                out.setdefault(normalize_header(s), set()).add((kind.code, f.name))
    return {s: frozenset(pairs) for s, pairs in out.items()}


def _fields_named(headers: list[str]) -> int:
    """The most fields of one kind that the headers name by a known word each header is, begins with
    or ends with (the words the column matcher weighs at 0.8 or more, without its fuzzy likeness)."""
    by_word = _fields_by_synonym()
    named: set[tuple[str, str]] = set()
    for header in headers:
        for h in header_spellings(header):
            words = h.split(" ")
            for i in range(len(words)):
                for part in (" ".join(words[i:]), " ".join(words[:len(words) - i])):
                    if i == 0 or len(part) >= 3 or part == "§":
                        named |= by_word.get(part, frozenset())
    per_kind = Counter(kind for kind, _ in named)
    return max(per_kind.values(), default=0)


#: what ``side_by_side`` adds to a sheet's name for the table to the right (``Ark1 (tabel 2)``)
SECOND_TABLE = " (tabel 2)"


def sheet_of_table(name: str) -> str | None:
    """The sheet a right-hand table named by ``side_by_side`` stands on (``Ark1`` of ``Ark1 (tabel 2)``)."""
    return name[:-len(SECOND_TABLE)] if name.endswith(SECOND_TABLE) else None


def side_by_side(sheet: RawSheet) -> list[RawSheet]:
    """A sheet holding two tables side by side (``Aktive`` to the left, ``Ophørte`` to the right of an
    empty column, the same header over each) as one sheet per table: the right one named
    ``Ark1 (tabel 2)``, its rows keeping their numbers. Any other sheet is returned as it is.

    Read as one table, each row would name two people; the split needs an empty column down the
    whole sheet below the header and at least three of the right-hand headers repeating the left's.
    """
    h = find_header_row(sheet) if sheet.rows and not sheet.missing else None
    if h is None:
        return [sheet]
    header = sheet.rows[h]
    named = [normalize_header(v) if _is_texty(v) else "" for v in header]
    for c in range(2, len(header) - 2):
        if named[c] or not any(named[:c]):
            continue
        left, right = [n for n in named[:c] if n], [n for n in named[c + 1:] if n]
        repeated = [n for n in right if n in left]
        if len(repeated) < 3 or len(repeated) < 0.6 * len(right):
            continue
        if any(c < len(row) and not is_blank(row[c]) for row in sheet.rows[h:]):
            continue
        return [RawSheet(sheet.name, [list(row[:c]) for row in sheet.rows], sheet.hidden),
                RawSheet(sheet.name + SECOND_TABLE, [list(row[c + 1:]) for row in sheet.rows], sheet.hidden)]
    return [sheet]


def build_table(sheet: RawSheet) -> Table:
    """The table of a sheet (an Excel pivot in compact form unfolded, see ``unfold_compact_pivot``).

    Raises:
        NoTableError: no header row was recognised.
    """
    return unfold_compact_pivot(_build_table(sheet))


def _build_table(sheet: RawSheet) -> Table:
    """The table of a sheet as it stands.

    Raises:
        NoTableError: no header row was recognised.
    """
    if sheet.missing:
        raise NoTableError(missing_sheet_message(None, [sheet.name]))
    width = max(map(len, sheet.rows), default=0)
    h = find_header_row(sheet)
    if h is None:
        raise NoTableError(f"Arket '{sheet.name}' har ingen genkendelig overskriftsrække "
                           "(fx CPR-nr., Navn, Paragraf, Takst, Beløb)")
    headers = [text(v) for v in _filled_headers(sheet, h, width)]
    first_data = h + 1
    # a second header row: text cells only, under merged or blank header cells or adding words
    if first_data < len(sheet.rows):
        below = list(sheet.rows[first_data]) + [""] * (width - len(sheet.rows[first_data]))
        merged_above = any(r0 <= h <= r1 and c1 > c0 for (r0, c0), (r1, c1) in sheet.merged)
        notes_only = all(is_blank(v) or _UNIT_NOTE.match(text(v).casefold()) for v in below)
        # a header printed over two rows, its words broken with a hyphen ('Bogførings-' over 'dato')
        broken = [c for c in range(width) if headers[c].endswith("-") and _is_word(below[c])]
        if broken and all(is_blank(v) or _is_word(v) for v in below):
            # the hyphen of a word broken in two goes; that of a compound with an abbreviation stays ('CPR-nummer')
            headers = [(headers[c] if headers[c][-2:-1].isupper() else headers[c][:-1]) + text(below[c]) if c in broken
                       else " ".join(x for x in (headers[c], text(below[c])) if x) for c in range(width)]
            first_data += 1
        elif (all(is_blank(v) or _is_texty(v) for v in below)
                and sum(1 for v in below if not is_blank(v)) >= 1
                and all(is_blank(v) or header_word_score(v) >= 0.8 or _UNIT_NOTE.match(text(v).casefold())
                        for v in below)):
            upper = headers if merged_above else _spread_groups(headers, below)
            joined = [" ".join(x for x in (upper[c], text(below[c])) if x) for c in range(width)]
            # under merged or blank header cells, or units; else when the two rows name more fields together
            # than the first alone ('Bevilling' over 'Til'), or as many and the row holds several header
            # words ('Borger' over 'CPR-nr.', 'Takst' over 'Beløb'): a lone text is a group heading
            named, named_alone = _fields_named(joined), _fields_named(headers)
            if (merged_above or notes_only or any(is_blank(headers[c]) and not is_blank(below[c]) for c in range(width))
                    or named > named_alone
                    or (named == named_alone and sum(1 for v in below if not is_blank(v)) >= 2)):
                headers = joined
                first_data += 1
    # a group row above the header: text in merged cells spanning several columns (``Periode`` over Start/Slut),
    # or, where the file keeps no merge information, group words that make the headers name more fields
    h_title = h
    if h > 0:
        spans = [(c0, c1) for (r0, c0), (r1, c1) in sheet.merged if r0 <= h - 1 <= r1 and r1 < h and c1 > c0]
        above = list(sheet.rows[h - 1]) + [""] * (width - len(sheet.rows[h - 1]))
        if spans and all(is_blank(v) or _is_texty(v) for v in above) and \
                len({text(v) for v in above if not is_blank(v)}) >= 2:
            group = [text(v) for v in _filled_headers(sheet, h - 1, width)]
            headers = [" ".join(x for x in (group[c], headers[c]) if x) for c in range(width)]
            h_title = h - 1
        elif not spans:
            joined = _joined_with_group_row(above, headers)
            if joined:
                headers, h_title = joined, h - 1
    title = [" ".join(text(v) for v in row if not is_blank(v)) for row in sheet.rows[:h_title]]
    rows, totals, headings, repeated = [], [], [], []
    header_texts = [v.strip() if v.__class__ is str else None for v in sheet.rows[h]]
    # a row can repeat the header only if one of its cells is a header text as written (checked in C first)
    header_words = frozenset(v for v in sheet.rows[h] if v.__class__ is str and v.strip())
    # the rows above the header with two or more cells (a single text is a heading anyway), by their first cell
    title_rows: dict[tuple, set[tuple]] = {}
    for key in (_row_key(row) for row in sheet.rows[:h]):
        if len(key) >= 2:
            title_rows.setdefault(key[0], set()).add(key)
    sums: dict[str, bool] = {}  # a first cell's text -> whether it says its row sums up
    if _plain_data_rows(sheet.rows[first_data:], width, sums, header_words, title_rows):
        rows = list(zip(range(first_data + 1, len(sheet.rows) + 1), sheet.rows[first_data:]))
        return Table(sheet.name, headers, rows, [t for t in title if t], h + 1, totals, headings, repeated)
    for r in range(first_data, len(sheet.rows)):
        cells = sheet.rows[r]
        if width >= 2 and len(cells) == width:
            # the common row, told in a few steps: a first cell of text that does not sum up and a
            # second cell that is not blank (so not blank, not a total, not a lone heading)
            first, second = cells[0], cells[1]
            if first.__class__ is str and first and not first.isspace() and second is not None and \
                    (second.__class__ is not str or second and not second.isspace()):
                total = sums.get(first)
                if total is None:
                    total = sums[first] = _is_total_label(first)
                if not total and header_words.isdisjoint(cells) and not (title_rows and _repeats_title(cells, title_rows)):
                    rows.append((r + 1, cells))
                    continue
        if _all_blank(cells):
            continue
        if (not header_words.isdisjoint(cells) and _repeats_header(cells, header_texts)) or \
                (title_rows and _repeats_title(cells, title_rows)):
            repeated.append(r + 1)  # the header again: a second table below the first, or a printed page's
            continue
        if is_total_row(cells) and not _names_a_person(cells):
            totals.append((r + 1, next(text(v) for v in cells if isinstance(v, str) and v.strip())))
            continue
        heading = _lone_text(cells) if width >= 3 else None
        if heading:
            headings.append((r + 1, heading))
            continue
        # a full row is the sheet's own list (nothing changes a table's cells); a short one is padded
        rows.append((r + 1, cells if len(cells) == width else list(cells) + [""] * (width - len(cells))))
    return Table(sheet.name, headers, rows, [t for t in title if t], h + 1, totals, headings, repeated)


def _row_key(cells) -> tuple:
    """A row's non-blank cells as text with their columns (to find a title row written again; a page
    number in it, 'SIDE 2', 'Side 3 af 7', is any page's)."""
    return tuple((c, _PAGE_NUMBER.sub("side #", text(v))) for c, v in enumerate(cells) if not is_blank(v))


_PAGE_NUMBER = re.compile(r"(?i)(?<![a-zæøå])(?:side|page)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?")


def _repeats_title(cells: list, title_rows: dict[tuple, set[tuple]]) -> bool:
    """Whether a row is one of the title rows above the header written again (a printed page's title)."""
    for c, v in enumerate(cells):
        if not is_blank(v):
            keys = title_rows.get((c, text(v)))
            return bool(keys) and _row_key(cells) in keys
    return False


def _repeats_header(cells: list, header_texts: list[str | None]) -> bool:
    """Whether a row is the header row written again: at least two of its cells, and all but one of
    its texts, are the header's texts in the same columns (as written)."""
    same = other = 0
    for c, v in enumerate(cells):
        if v is None:
            continue
        if v.__class__ is not str:
            return False  # a number or a date: data
        v = v.strip()
        if not v:
            continue
        if c < len(header_texts) and v == header_texts[c]:
            same += 1
        else:
            other += 1
            if other > 1:
                return False
    return same >= 2 and same > other


def _plain_data_rows(rows: list, width: int, sums: dict[str, bool], header_words: frozenset = frozenset(),
                     title_rows: dict | None = None) -> bool:
    """Whether every row is a data row of the common kind, told column-wise: full width, a first
    cell of text that does not sum up, a second cell that is not blank, no cell a header text and no
    first cell a title row's (so no row is blank, a total, a lone heading or the header or title
    written again; the row loop of ``build_table`` would keep every one as it is)."""
    if width < 2 or not rows or min(map(len, rows)) != width:
        return False
    if header_words and not header_words.isdisjoint(chain.from_iterable(rows)):  # every cell, in one call
        return False
    try:
        firsts = set(map(itemgetter(0), rows))
        seconds = set(map(itemgetter(1), rows))
    except TypeError:  # a cell that is no plain value
        return False
    if set(map(type, firsts)) != {str}:
        return False
    if None in seconds or any(v.__class__ is str and (not v or v.isspace()) for v in seconds):
        return False
    title_firsts = {t for c, t in (title_rows or ()) if c == 0}
    for first in firsts:
        if not first or first.isspace() or (title_firsts and text(first) in title_firsts):
            return False
        total = sums.get(first)
        if total is None:
            total = sums[first] = _is_total_label(first)
        if total:
            return False
    return True


def _lone_text(cells: list) -> str | None:
    """The text of a row that holds nothing else (a group heading such as ``§ 108 Længerevarende
    botilbud``, ``Ledig plads`` or a footer ``Antal poster: 1580``), else ``None``.

    A lone CPR number, date or amount is a data row with gaps (rejected with its reasons), not a heading.
    """
    found = None
    for v in cells:
        if v is None or (v.__class__ is str and (not v or v.isspace())):
            continue
        if found is not None or v.__class__ is not str:
            return None
        found = v
    if found is None or not re.search(r"[a-zæøåA-ZÆØÅ]{2}", found):
        return None
    return text(found)



#: the header Excel gives the row fields of a pivot table in compact form (Danish and English)
_PIVOT_ROWS = re.compile(r"(?i)(?:^|\s)(?:rækkenavne|rækkeetiketter|row labels)\s*$")
#: the label Excel writes above a pivot's column field ('Kolonnenavne'), joined to the headers under it
_PIVOT_COLUMNS = re.compile(r"(?i)^\s*(?:kolonnenavne|kolonneetiketter|column labels)\s+")
#: what an unfolded level's values are, as a header the matcher knows
_LEVEL_HEADERS = {"cpr": "CPR-nr.", "account": "Konto", "name": "Navn"}


def _level(value) -> str | None:
    """What a compact pivot's row label is: a CPR number, an account, a name (other text), or None."""
    if is_blank(value):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{6}-?\d{4}\s*", value):
        try:
            parse_cpr(value)
            return "cpr"
        except ParseError:
            pass
    try:
        parse_account(value)
        return "account"
    except ParseError:
        return "name" if isinstance(value, str) else None


def unfold_compact_pivot(table: Table) -> Table:
    """An Excel pivot table in compact form copied as values (``Rækkenavne`` over a column that holds the
    outer field's value on its group row, with the group's totals, and the inner field's values on the
    rows under it: ``010190-1234`` over ``5.38.50`` and ``5.32.33``) as a plain table: the inner values
    under their own header, a column more with each row's outer value, and the group rows skipped as
    sums. A first column of one kind, or of more than two, is left as it is."""
    if not table.headers or not _PIVOT_ROWS.search(table.headers[0] or "") or not table.rows:
        return table
    levels = [_level(cells[0] if cells else None) for _, cells in table.rows]
    outer, inner = levels[0], next((lv for lv in levels if lv != levels[0]), None)
    if outer is None or inner is None or not set(levels) <= {outer, inner}:
        return table
    rows, totals, group = [], list(table.totals), None
    for (row_no, cells), level in zip(table.rows, levels):
        if level == outer:
            group = cells[0]
            totals.append((row_no, f"{text(group)} (gruppens sum)"))
        else:
            rows.append((row_no, list(cells) + [group]))
    headers = [_LEVEL_HEADERS[inner], *(_PIVOT_COLUMNS.sub("", h) for h in table.headers[1:]), _LEVEL_HEADERS[outer]]
    return Table(table.sheet, headers, rows, table.title, table.header_row, sorted(totals), table.headings,
                 table.repeated_headers)
