"""Matching a table's columns to a kind's fields, and recognising the kind of a table.

A column's score for a field combines its header (exact synonym, or fuzzy with
rapidfuzz) with what its values look like (CPR numbers, dates, amounts, § numbers ...).
Each field gets at most one column and each column at most one field, best pairs first.
The result carries a confidence and two sample values per field so that a person can
check it at a glance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rapidfuzz import fuzz, process

from core.errors import DispoError
from core.formatting import date_text
from core.importing import parsers as p
from core.importing.fields import CPR, KINDS, VUM_COLUMN_WORDS, Field, Kind, all_synonyms
from core.importing.table import COMPOUND_END, Table, abbreviation, header_spellings, may_name_a_field, normalize_header
from core.money import format_number

ACCEPT = 0.6      # lowest confidence that is proposed at all
SURE = 0.85       # shown as certain; below it the wizard marks the field for checking
SAMPLE_ROWS = 30


class KindError(DispoError):
    """The kind of a file cannot be recognised, or two kinds fit equally well."""


@dataclass
class Mapping:
    """Which column feeds which field (column indexes of the table)."""

    kind: str
    columns: dict[str, int] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    category_columns: dict[int, str] = field(default_factory=dict)   # vum: column -> letter
    month_columns: dict[int, tuple[int, int | None]] = field(default_factory=dict)  # budget: col -> (month, year)
    from_profile: bool = False
    #: field -> fixed value for every row (as written, parsed by the field's parser): named by the
    #: sheet's name or title, or chosen by the user; fills the field's blank cells when it has a column
    defaults: dict[str, object] = field(default_factory=dict)
    #: field -> {value as written (``choices.translation_key``) -> what it means}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the two columns a CPR number is split over (birth date DDMMYY, then the four last digits)
    cpr_parts: tuple[int, int] | None = None
    #: where each choice came from (matched, profile, given): keys ("map", field), ("set", field),
    #: ("translate", field, value)
    sources: dict[tuple, str] = field(default_factory=dict)
    #: field -> the other sheet of the workbook its values are looked up in (a case id -> its CPR number)
    looked_up: dict[str, str] = field(default_factory=dict)

    def given(self) -> set[str]:
        """The fields that get a value from the file or a fixed value."""
        return set(self.columns) | set(self.defaults) | ({"cpr"} if self.cpr_parts else set())

    def headers(self, table: Table) -> dict[str, str]:
        """Field -> source header text (what the CLI reports as ``mapping``)."""
        out = {f: table.headers[c] for f, c in self.columns.items()}
        for c, letter in sorted(self.category_columns.items()):
            out[f"category_{letter}"] = table.headers[c]
        for c, (m, _) in sorted(self.month_columns.items()):
            out[f"month_{m:02d}"] = table.headers[c]
        if self.cpr_parts:
            out["cpr_part_1"], out["cpr_part_2"] = (table.headers[c] for c in self.cpr_parts)
        parts = account_part_columns(table, self.columns["account"]) if "account" in self.columns else None
        if parts:
            out["account"] = " + ".join(table.headers[c] for c in (*parts, self.columns["account"]))
        for name, value in self.defaults.items():
            how = "arkets navn eller titel" if self.sources.get(("set", name), "matched") == "matched" else "fast værdi"
            out.setdefault(name, f"{value} ({how})")
        return out


def value_fit(f: Field, values: list, at_least: float = 0.0) -> float:
    """Share of sample values that look like what the field holds (0..1); 0.5 when it has no look.

    With ``at_least``, 0 as soon as the share cannot reach it (a wide sheet has many columns to try).
    """
    if not f.looks or not values:
        return 0.5
    ok = 0
    misses_allowed = len(values) * (1 - at_least)
    if f.looks == "date" and p.slash_date_order(values) == "md":
        values = [p.month_first_as_day_first(v) for v in values]
    for i, v in enumerate(values):
        if i - ok > misses_allowed:
            return 0.0
        try:
            if f.looks == "cpr":
                p.parse_cpr(v)
            elif f.looks == "date":
                if isinstance(v, (int, float)) and not (10000 < v < 80000 or 19000101 <= v <= 21001231):
                    raise p.ParseError("")
                if p.parse_open_date(v) is None and not (isinstance(v, str) and v.strip()):
                    raise p.ParseError("")
            elif f.looks == "amount":
                if isinstance(v, (dt.date, dt.datetime)):
                    raise p.ParseError("")
                f.parser(v) if f.parser is p.parse_rate else p.parse_amount(v)
            elif f.looks == "period":
                p.parse_date_range(v)
            elif f.looks == "number":
                p.parse_quantity(v)
            elif f.looks == "section":
                p.parse_section(v)
            elif f.looks == "account":
                p.parse_account(v)
            elif f.looks == "category":
                p.parse_vum_category(v)
            elif f.looks == "unit":
                p.parse_unit(v)
            ok += 1
        except (p.ParseError, ValueError, ArithmeticError):
            pass
    return ok / len(values)


def header_score(f: Field, header: str) -> float:
    """0..1: how well a header names the field (also read with ``oe``/``aa``/``ae`` as ``ø``/``å``/``æ``);
    an abbreviation with its dot (``Lev.``, ``Enh.``) of one of the field's words counts as 0.8, so the
    values must look right too (``propose``)."""
    best = max(_header_score(f, h) for h in header_spellings(header))
    if best < 0.8:
        short = abbreviation(header)
        if short and any(w.startswith(short) and len(w) > len(short) for w in _field_words(f.synonyms).first_words):
            best = 0.8
    return best


def _header_score(f: Field, h: str) -> float:
    if not h:
        return 0.0
    words = _field_words(f.synonyms)
    if h in words.exact:
        return 1.0 - 0.002 * words.exact.index(h)  # earlier synonyms are the better names ('Bogføringsdato' before 'Bilagsdato')
    hit = process.extractOne(h, words.exact, scorer=fuzz.ratio, score_cutoff=85)
    best = hit[1] / 100 if hit else 0.0
    if hit and _ends_in_another_name(h, hit[0]):
        best = min(best, 0.8)
    elif not hit and " " in h:
        # a group word over a sub-header spelled its own way ('Bevilling START_DATO'): the sub-header's likeness
        words_of_h = h.split(" ")
        for i in range(1, len(words_of_h)):
            end = " ".join(words_of_h[i:])
            if len(end) >= 5 and process.extractOne(end, words.exact, scorer=fuzz.ratio, score_cutoff=90):
                best = 0.82
                break
    if h.endswith(words.last):
        # the last words are the specific ones: 'Beløb Debet' under a merged 'Beløb' is the debit,
        # 'Behov (VUM)' the VUM category; a longer known ending says more ('Bevilling Lev. navn' ends
        # in the provider's 'lev navn', not just in the name's 'navn')
        ending = max(s.count(" ") for s in words.last if h.endswith(s))
        best = max(best, 0.82 + 0.01 * min(ending - 1, 2))
    elif h.startswith(words.first):
        best = max(best, 0.8)
    elif f.looks and " " not in h and (h.startswith(words.compound) or h.endswith(words.compound_end)):
        # a Danish compound of a known name ('Ikrafttrædelsesdato', 'Bevillingsstartdato'); the
        # values must then look right too, which ``propose`` checks
        best = max(best, 0.8)
    return best


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset(normalize_header(s) for s in all_synonyms())


def _ends_in_another_name(h: str, name: str) -> bool:
    """Whether a header of several words ends in a known header word (of any field) that the name
    it resembles does not end in: then it is another name, not a spelling of that one. A group word
    over a sub-header ('Borger Fornavn', 'Bevilget Til dato') is no 'Borger navn' or 'Bevilget dato'."""
    words = h.split(" ")
    for i in range(1, len(words)):
        end = " ".join(words[i:])
        if end in _known_names() and not name.endswith(end):
            return True
    return False


@dataclass(frozen=True)
class _FieldWords:
    """A field's synonyms normalised once, in the shapes ``_header_score`` tests (C-level tuple tests)."""

    exact: tuple[str, ...]
    last: tuple[str, ...]      # ' beløb': a header ending in the word
    first: tuple[str, ...]     # 'beløb ': a header beginning with it
    compound: tuple[str, ...]  # one-word synonyms long enough to begin a compound (six letters)
    compound_end: tuple[str, ...]  # ... and to end one (COMPOUND_END letters: a Danish compound names the
    # kind of its last part, 'Ydelsespris' is a price, 'Takstgruppe' no rate)
    first_words: tuple[str, ...]  # each synonym's first word (what an abbreviation shortens)


@lru_cache(maxsize=256)
def _field_words(synonyms: tuple[str, ...]) -> _FieldWords:
    exact = tuple(normalize_header(s) for s in synonyms)
    return _FieldWords(exact, tuple(" " + s for s in exact if len(s) >= 3 or s == "§"), tuple(s + " " for s in exact if len(s) >= 3),
                       tuple(s for s in exact if len(s) >= 6 and " " not in s),
                       tuple(s for s in exact if len(s) >= COMPOUND_END and " " not in s),
                       tuple({s.split(" ")[0] for s in exact}))


def _wordy(values: list) -> bool:
    """Whether a column's values are words (names, initials), not numbers or codes."""
    return bool(values) and sum(1 for v in values if len(re.findall(r"[^\W\d_]", p.text(v))) >= 2) >= 0.8 * len(values)


def vum_category_of_header(header: str) -> str | None:
    """The VUM letter a column of an x-marked layout stands for (``Let støtte/A`` -> A)."""
    h = p.text(header).casefold()
    for word, letter in VUM_COLUMN_WORDS.items():
        if re.search(rf"(?<![a-zæøå]){word}", h):
            return letter
    m = re.fullmatch(r"(?:kategori|kat\.?|vum)?\s*([a-f])(?:\s*[-:/(].*)?", h.strip())  # 'F (timer)', 'A - let'
    return m.group(1).upper() if m else None


def propose(kind: Kind, table: Table) -> Mapping:
    """The best mapping of the table's columns to the kind's fields."""
    mapping = Mapping(kind.code)
    samples = table.column_samples(SAMPLE_ROWS)
    taken: set[int] = set()
    if kind.code == "vum":
        cats = {c: vum_category_of_header(h) for c, h in enumerate(table.headers)}
        cats = {c: letter for c, letter in cats.items() if letter}
        if len(set(cats.values())) >= 3:
            mapping.category_columns = cats
            taken |= set(cats)
    if kind.code in ("budget", "postings"):
        months = {c: p.month_of(h) for c, h in enumerate(table.headers)}
        months = {c: m for c, m in months.items() if m}
        if len(set(months.values())) < len(months):
            # a month in several columns ('Budget jan', 'Forbrug jan'): only those the kind's word names
            months = {c: m for c, m in months.items() if re.search(KIND_WORDS[kind.code], table.headers[c].casefold())}
            if len(set(months.values())) < len(months):
                months = {}
        if len(months) >= 3:
            mapping.month_columns = months
            taken |= set(months)
    pairs = []
    named = {c for c, h in enumerate(table.headers) if may_name_a_field(h)}  # the others score < 0.8 for all
    for f in kind.fields:
        for c, header in enumerate(table.headers):
            if c in taken:
                continue
            hs = header_score(f, header) if c in named else 0.0
            if hs < 0.8 and f.looks != "cpr":
                continue
            if hs >= 0.8:
                vs = value_fit(f, samples[c])
            else:  # a column of CPR numbers under any header: the same answer for every kind
                key = ("cpr fit", c, id(table.rows), len(table.rows))
                vs = table.memo[key] if key in table.memo else table.memo.setdefault(
                    key, value_fit(f, samples[c], 0.9))
            if hs >= 0.8:
                conf = 0.75 * hs + 0.25 * vs if f.looks else hs
                if f.looks and samples[c] and vs < 0.5:
                    conf = min(conf, 0.7 * hs)  # the header says so, but the values do not
                elif not f.looks and hs < 0.85 and abbreviation(header) and not _wordy(samples[c]):
                    continue  # 'Sag.' over case numbers is no caseworker: a text field's abbreviation needs words
            elif f.looks == "cpr" and vs >= 0.9:
                conf = 0.65
            else:
                continue
            if conf >= ACCEPT:
                pairs.append((conf, f.name, c))
    pairs.sort(key=lambda x: (-x[0], x[2]))
    for conf, name, c in pairs:
        if name in mapping.columns or c in taken:
            continue
        rivals = [c2 for conf2, name2, c2 in pairs
                  if name2 == name and c2 != c and c2 not in taken and conf - conf2 < 0.005]
        if rivals:
            c = _of_this_year(table.headers, [c, *rivals]) if kind.code in YEARLY_KINDS else c
            if c is None:
                continue  # 'Takst 2027' beside 'Takst 2028': which is meant is asked, not guessed
        mapping.columns[name] = c
        mapping.confidence[name] = round(conf, 2)
        taken.add(c)
    if "cpr" not in mapping.columns and any(f.name == "cpr" for f in kind.fields):
        mapping.cpr_parts = split_cpr_columns(table, samples, taken)
    if any(f.name == "name" for f in kind.fields) and not {"name", "first_name", "last_name"} & set(mapping.columns):
        c = names_column(table, samples, taken | set(mapping.cpr_parts or ()))
        if c is not None:
            mapping.columns["name"] = c
            mapping.confidence["name"] = ACCEPT  # by its values only: shown for checking
            taken.add(c)
    if kind.code == "grants" and "section" not in mapping.columns:
        c = sections_column(samples, taken)
        if c is not None:
            mapping.columns["section"] = c
            mapping.confidence["section"] = ACCEPT  # by its values only: shown for checking
            taken.add(c)
    if kind.code == "budget" and not ({"original", "corrected"} & set(mapping.columns)) and \
            not mapping.month_columns and re.search(KIND_WORDS["budget"], _sheet_words(table, headers=False)):
        # a sheet that says it is a budget may call its amount just 'Beløb'
        amount = KINDS["postings"].field("amount")
        c = next((c for c, h in enumerate(table.headers) if c not in taken and header_score(amount, h) >= 0.8
                  and value_fit(amount, samples[c]) >= 0.5), None)
        if c is not None:
            mapping.columns["original"] = c
            mapping.confidence["original"] = 0.8
    return add_sheet_defaults(mapping, table)


_PERSON_NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåéü'-]+(?: (?:[a-zæøå]{1,3} )?[A-ZÆØÅ][a-zæøåéü'-]+){1,3}$"
                          r"|^[A-ZÆØÅ][a-zæøåéü'-]+(?: [A-ZÆØÅ][a-zæøåéü'-]+){0,2}, [A-ZÆØÅ][a-zæøåéü'-]+"
                          r"(?: [A-ZÆØÅ][a-zæøåéü'-]+){0,2}$")


def names_column(table: Table, samples: list[list], taken: set[int]) -> int | None:
    """The one column of a list of persons that holds their names under a header no field knows
    ('Ydelsesmodtager'): nearly all its values are written as names ('Anna Holm', 'Holm, Anna') and
    nearly all differ (a provider's or caseworker's name repeats). ``None`` when no column or several do."""
    found = []
    for c, values in enumerate(samples):
        if c in taken or len(values) < 3 or not all(isinstance(v, str) for v in values):
            continue
        texts = [" ".join(v.split()) for v in values]
        if sum(1 for t in texts if _PERSON_NAME.match(t)) >= 0.9 * len(texts) and len(set(texts)) >= 0.8 * len(texts):
            found.append(c)
    return found[0] if len(found) == 1 else None


#: a section written so that it cannot be a number of something else ('SEL 85', '§107 stk. 2', 'Servicelovens § 108')
_SECTION_WRITTEN = re.compile(r"(?i)§|(?<![a-zæøå])(?:sel|servicelov(?:en|ens)?)(?![a-zæøå])")


def sections_column(samples: list[list], taken: set[int]) -> int | None:
    """The one column, under a header no field knows ('Bevilling', 'Hjemmel'), whose values are nearly all
    sections written as sections ('SEL 85', '§ 108'; a bare number could count anything). ``None`` when
    no column or several do."""
    found = []
    for c, values in enumerate(samples):
        if c in taken or len(values) < 3 or not all(isinstance(v, str) for v in values):
            continue
        written = sum(1 for v in values if _SECTION_WRITTEN.search(v))
        if written >= 0.9 * len(values) and value_fit(KINDS["grants"].field("section"), values, 0.9) >= 0.9:
            found.append(c)
    return found[0] if len(found) == 1 else None


#: headers of the first part of a split CPR number (the birth date) and of the second (the last four digits)
_BIRTH_HEADER = re.compile(r"(?i)f(?:ø|oe?)d|cpr|person|birth")
_SERIAL_HEADER = re.compile(r"(?i)l(?:ø|oe?)be|kontrol|cpr|sidste|\bnr\b|nummer")


def cpr_part(value, digits: int) -> str | None:
    """A cell as ``digits`` digits (a number that lost its leading zeros padded), else ``None``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10 ** digits:
        return str(value).zfill(digits)
    if isinstance(value, str) and re.fullmatch(rf"\d{{{digits}}}", value.strip()):
        return value.strip()
    return None


def split_cpr_columns(table: Table, samples: list[list], taken: set[int] = frozenset(),
                      headers_say_so: bool = True) -> tuple[int, int] | None:
    """Two neighbouring columns that hold a CPR number split in two, as finance systems export it:
    the birth date (``DDMMYY``) and the last four digits, under headers that say so (``Fødselsdato``,
    ``Løbenr.``; or a ``CPR`` heading over both, the second without a header of its own).

    Every row that fills one fills both, and together they form valid CPR numbers. Without
    ``headers_say_so`` the values alone decide (for a warning, never for the mapping).
    """
    for c in range(len(table.headers) - 1):
        first, second = table.headers[c], table.headers[c + 1]
        if c in taken or c + 1 in taken or not samples[c] or not samples[c + 1]:
            continue
        if headers_say_so and not (_BIRTH_HEADER.search(first) and (_SERIAL_HEADER.search(second)
                                                                     or not second.strip())):
            continue
        if any(cpr_part(v, 6) is None for v in samples[c]) or any(cpr_part(v, 4) is None for v in samples[c + 1]):
            continue
        pairs = [(cells[c] if c < len(cells) else None, cells[c + 1] if c + 1 < len(cells) else None)
                 for _, cells in table.rows[:200]]
        pairs = [(a, b) for a, b in pairs if not (p.is_blank(a) and p.is_blank(b))]
        if not pairs:
            continue
        try:
            for a, b in pairs:
                head, tail = cpr_part(a, 6), cpr_part(b, 4)
                if head is None or tail is None:
                    raise p.ParseError("")
                p.parse_cpr(f"{head}-{tail}")
        except p.ParseError:
            continue
        return c, c + 1
    return None


def joined_cpr(first, second):
    """The CPR number of a row whose number is split over two cells (as written, for the CPR parser),
    blank when both are blank; a cell that is no part of a number is left for the parser to refuse."""
    if p.is_blank(first) and p.is_blank(second):
        return None
    head, tail = cpr_part(first, 6), cpr_part(second, 4)
    if head is None or tail is None:
        return f"{p.text(first)} {p.text(second)}".strip()
    return f"{head}-{tail}"


#: headers of the first two parts of an account split over columns (hovedkonto 5, hovedfunktion 38)
_MAIN_ACCOUNT_HEADER = re.compile(r"(?i)^\s*(?:hoved-?konto|hovedkontonr\.?|hk)\s*$")
_MAIN_FUNCTION_HEADER = re.compile(r"(?i)^\s*(?:hoved-?funktion|hovedfkt\.?|hf)\s*$")


def _small_number(value, digits: int) -> str | None:
    """A cell as a number of at most ``digits`` digits (``5``, ``38``, ``'05'``, ``' 38'``), padded; else ``None``."""
    if isinstance(value, str) and value.strip().isdigit():
        number = value.strip().lstrip("0") or "0"  # '05': leading zeros are no digit of the part
        value = number.zfill(digits) if len(number) <= digits else number
    return cpr_part(value, digits)


def account_part_columns(table: Table, col: int) -> tuple[int, int] | None:
    """The columns of an account split in three (``Hovedkonto`` 5, ``Hovedfunktion`` 38, the account
    column ``Funktion`` 50), as finance systems export the chart of accounts' levels: the two columns
    before the function, found by their headers, when every filled cell of the three is a number of
    one, two and two digits. ``None`` when the account column holds whole accounts."""
    key = ("account parts", col, id(table.rows), len(table.rows))
    if key in table.memo:
        return table.memo[key]
    main = [c for c, h in enumerate(table.headers) if _MAIN_ACCOUNT_HEADER.match(h)]
    head = [c for c, h in enumerate(table.headers) if _MAIN_FUNCTION_HEADER.match(h)]
    found = None
    if len(main) == 1 and len(head) == 1 and col not in (main[0], head[0]):
        found = main[0], head[0]
        for c, digits in ((main[0], 1), (head[0], 2), (col, 2)):
            values = [v for v in table.column_values(c, 200) if not p.is_blank(v)]
            if not values or any(_small_number(v, digits) is None for v in values):
                found = None
                break
    table.memo[key] = found
    return found


def joined_account(main, head, function):
    """The account of a row whose account is split over three cells (``5.38.50``), blank when all three
    are; a cell that is no part of an account is left for the account parser to refuse."""
    if p.is_blank(main) and p.is_blank(head) and p.is_blank(function):
        return None
    parts = (_small_number(main, 1), _small_number(head, 2), _small_number(function, 2))
    if None in parts:
        return " ".join(p.text(v) for v in (main, head, function))
    return ".".join(parts)


#: kinds whose values hold now (a grant's rate): of columns named alike but for a year ('Takst 2025',
#: 'Takst 2026'), this year's is meant
YEARLY_KINDS = ("grants", "occupancy")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _of_this_year(headers: list[str], cols: list[int]) -> int | None:
    """Of columns that name a field equally well, the one whose header names the latest year up to
    this year when they differ only by their years (``Takst 2025``, ``Takst 2026``); the first column
    when they differ otherwise (the best name wins as before); ``None`` when only later years are named."""
    bare = {normalize_header(_YEAR.sub(" ", headers[c])) for c in cols}
    years = {c: [int(y) for y in _YEAR.findall(headers[c])] for c in cols}
    if len(bare) > 1 or not all(len(y) == 1 for y in years.values()):
        return cols[0]
    now = dt.date.today().year
    due = [(y[0], c) for c, y in years.items() if y[0] <= now]
    return max(due)[1] if due else None


def _sheet_words(table: Table, headers: bool = True) -> str:
    """A sheet's name, title rows (and headers), lower case: where words that name a kind stand."""
    return " ".join([table.sheet, *table.title, *(table.headers if headers else [])]).casefold()


#: the fields whose one value for a whole sheet a title row may state as ``Label: value``
#: (``Leverandør: Botilbuddet Egely``, ``Paragraf: § 108``); dates, amounts and units never come from a title
#: (``Enhed: Voksne, døgn og bostøtte`` names an organisational unit, not the unit of the rates)
TITLE_FIELDS = ("provider", "section", "account")
_LABELLED = re.compile(r"^\s*([^:]{2,40}?)\s*:\s*(\S.*?)\s*$")


class BlockValues(str):
    """The values a sheet gives its rows block by block: the section of each merged group row
    ('§ 108 Længerevarende botilbud') for the rows under it. As text (shown, reported) the values
    joined; ``of(row)`` the one a row takes."""

    by_row: list[tuple[int, str]]

    def __new__(cls, by_row: list[tuple[int, str]]):
        made = super().__new__(cls, " / ".join(dict.fromkeys(v for _, v in by_row if v)) + " (mellemoverskrifterne)")
        made.by_row = by_row
        return made

    def of(self, row: int) -> str | None:
        """The value of the last group row above ``row`` (``None`` above the first)."""
        i = bisect_right([r for r, _ in self.by_row], row) - 1
        return self.by_row[i][1] if i >= 0 else None


def _sections_by_heading(table: Table, above: str | None = None) -> BlockValues | None:
    """The sections of a sheet whose every group row (a lone text between the rows) names one, when
    the first data row is below the first of them, or when the title row just above the header names
    ``above``: the first block's section (``§ 107 Midlertidigt botilbud`` over the header, the next
    blocks' titles between the rows)."""
    named = [(row, p.section_named_in(h)) for row, h in table.headings]
    if not named or not all(s for _, s in named) or not table.rows:
        return None
    if table.rows[0][0] < named[0][0]:
        if above is None:
            return None
        named.insert(0, (table.header_row, above))
    return BlockValues(named)


def _names_other_sections(table: Table, section: str) -> bool:
    """Whether a group row between the data rows names a section other than ``section``."""
    return any(p.section_named_in(h) not in (None, section) for _, h in table.headings)


def add_sheet_defaults(mapping: Mapping, table: Table) -> Mapping:
    """Values a sheet gives all its rows: grants on a sheet named ``§ 108`` (or titled
    ``Bevillinger SEL § 108``, ``Længerevarende botilbud``) without a section column are § 108 grants;
    a title row ``Leverandør: Botilbuddet Egely`` gives the provider of a sheet without a provider column;
    postings on a sheet named ``5.38.50`` (or titled ``Funktion 5.38.50 ...``) without an account column
    are booked on 5.38.50."""
    kind = KINDS[mapping.kind]
    for name in TITLE_FIELDS:
        if mapping.sources.get(("set", name), "matched") != "matched":
            continue  # a value she chose stays
        mapping.defaults.pop(name, None)
        if name in mapping.columns or not any(f.name == name for f in kind.fields):
            continue
        found = set(_labelled_values(kind.field(name), table.title[:5]))
        if name == "section" and mapping.kind == "grants" and not found:
            found = {p.section_named_in(t) for t in [table.sheet, *table.title[:3]]} - {None}
        if name == "account" and mapping.kind == "postings" and not found:  # one sheet per account
            found = {p.account_named_in(t) for t in [table.sheet, *table.title[:3]]} - {None}
        if name == "section" and mapping.kind == "grants" and len(found) == 1 and \
                _names_other_sections(table, next(iter(found))):
            # the title's section heads the first block only: group rows below name the others
            above = p.section_named_in(table.title[-1]) if table.title else None
            blocks = _sections_by_heading(table, above if above in found else None)
            if blocks:
                mapping.defaults[name] = blocks
        elif len(found) == 1:
            mapping.defaults[name] = found.pop()
        elif name == "section" and mapping.kind == "grants" and not found:
            blocks = _sections_by_heading(table)
            if blocks:
                mapping.defaults[name] = blocks
    return mapping


def _labelled_values(f: Field, titles: list[str]) -> list:
    """The values title rows give a field as ``Label: value`` where the label is one of the field's
    header words (each as the field's parser reads it; a value it cannot read is left out)."""
    out = []
    for t in titles:
        m = _LABELLED.match(t)
        if not m or max(_header_score(f, h) for h in header_spellings(m.group(1))) < 0.95:
            continue
        try:
            f.parser(m.group(2))
        except (p.ParseError, ValueError):
            continue
        out.append(m.group(2))
    return out


def missing_required(kind: Kind, mapping: Mapping) -> list[str]:
    """Labels of the required fields that have no column."""
    missing = [f.label for f in kind.fields
               if f.required and f.name not in mapping.given()]
    if kind.code == "vum" and "category" not in mapping.columns and not mapping.category_columns:
        missing.append("VUM-kategori")
    if kind.code == "grants" and "period" in mapping.columns and "Startdato" in missing:
        missing.remove("Startdato")  # the period's first day
    if kind.code == "postings" and "Beløb" in missing and ({"debit", "credit"} & set(mapping.columns)):
        missing.remove("Beløb")
    if kind.code == "postings" and "period" in mapping.columns and "Bogføringsdato" in missing:
        missing.remove("Bogføringsdato")  # dated the last day of the period
    if kind.code == "postings" and mapping.month_columns:
        missing = [m for m in missing if m not in ("Beløb", "Bogføringsdato")]
    if kind.code == "budget" and not ({"original", "corrected"} & set(mapping.columns)) and not mapping.month_columns:
        missing.append("Budgetbeløb")
    return missing


#: words in a sheet's title, name or headers that point at a kind (for wide layouts that fit several)
KIND_WORDS = {"budget": r"budget", "postings": r"bogført|bogføring|forbrug|regnskab|postering|udbetal|realiseret"}


def score(kind: Kind, mapping: Mapping, table: Table | None = None) -> float:
    bonus = 0.0
    if table is not None and kind.code in KIND_WORDS:
        words = _sheet_words(table)
        bonus = 1.0 if re.search(KIND_WORDS[kind.code], words) else 0.0
    return (sum(mapping.confidence.values()) + (1.5 if mapping.category_columns else 0)
            + (1.5 if mapping.month_columns else 0) + bonus)


def detect_kind(table: Table) -> tuple[Kind, Mapping]:
    """The kind whose fields the table fits best, with its mapping.

    Raises:
        KindError: no kind fits, two fit equally well (then ``--kind`` decides), or the only fit is
            weak beside a kind that recognises far more columns but lacks one (then the file is
            more likely that kind with a column missing than the weak fit).
    """
    person_rows = any(header_score(CPR, h) >= 0.8 for h in table.headers)
    fits, near = [], None
    for kind in KINDS.values():
        mapping = propose(kind, table)
        missing = missing_required(kind, mapping)
        if missing:
            cand = (_found(mapping) - len(missing), _found(mapping), kind, missing)
            near = cand if near is None or cand[:2] > near[:2] else near
        elif not person_rows or any(f.name == "cpr" for f in kind.fields):  # a list of persons is not a budget
            fits.append((score(kind, mapping, table), kind, mapping))
    if not fits:
        raise KindError(_no_kind_message(table, near))
    fits.sort(key=lambda x: -x[0])
    found = _found(fits[0][2])
    if near is not None and near[1] >= 2 * found and near[1] - found >= 3:
        raise KindError(_no_kind_message(table, near))
    if len(fits) > 1 and fits[0][0] - fits[1][0] < 0.5:
        raise KindError(f"Arket '{table.sheet}' kan være både {fits[0][1].label.lower()} og "
                        f"{fits[1][1].label.lower()}. Vælg slags selv (--kind).")
    return fits[0][1], fits[0][2]


def _found(mapping: Mapping) -> int:
    """How many columns a mapping uses."""
    return len(mapping.columns) + len(mapping.month_columns) + len(mapping.category_columns)


def _no_kind_message(table: Table, near: tuple | None) -> str:
    """Why no kind fits: the nearest kind (most columns recognised) and the columns it lacks."""
    text = (f"Arket '{table.sheet}' ligner ikke en kendt slags data (bevillinger, posteringer, budget, "
            "belægningsliste, VUM-liste eller forbrugte timer)")
    if near is not None and near[1] >= 2:
        _, _, kind, missing = near
        text += f". Det ligner mest {kind.label.lower()}, men der er ingen kolonne til {', '.join(missing)}"
    return text + ". Vælg slags og kolonner selv (--kind SLAGS og --map FELT=KOLONNE, eller i guiden)."


def samples(table: Table, col: int, n: int = 2) -> list[str]:
    """The first ``n`` non-blank values of a column as she reads them next to the mapping:
    dates ``31-10-2026``, a number cell with a decimal comma (``502,04``, not ``502.04``)."""
    out = []
    for v in table.column_values(col, n):
        if isinstance(v, float) and math.isfinite(v) and v != int(v):
            number = Decimal(repr(v))
            out.append(format_number(number, max(0, -number.as_tuple().exponent)))
        else:
            out.append(date_text(p.text(v)))
    return out


def header_signature(headers: list[str], normalize=normalize_header) -> str:
    """A stable key of a layout: the normalised non-empty headers in order."""
    norm = "|".join(n for n in map(normalize, headers) if n)
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def _normalize_header_keeping_underscores(value) -> str:
    """``normalize_header`` as it was before ``_`` counted as a space (``CPR_NR`` stayed one word)."""
    return " ".join(re.sub(r"[^\w§<]+", " ", p.text(value).casefold()).split())


def header_signatures(headers: list[str]) -> list[str]:
    """The layout's signature, and the one profiles saved before ``_`` counted as a space
    have, when it differs: such a profile is still found."""
    return list(dict.fromkeys((header_signature(headers),
                               header_signature(headers, _normalize_header_keeping_underscores))))
