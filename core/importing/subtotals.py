"""Subtotal rows among a finance extract's postings, told by their label and their amount.

``table.build_table`` skips a row whose first text sums up ('I alt', 'Sum'). A finance extract
sorted by citizen often writes its subtotal further right — 'Sum 010190-1234' in the text column,
'010190-1234 Total' in the CPR column — on a row that keeps the date and the account of the postings
above it. Imported, such a row doubles the citizen's booked amount. A row is a subtotal when a
text cell of it starts with a sum word and its amount is the sum of the postings above it (since
the previous subtotal or since the sheet's start: all of them, or those of its person, its account,
or both); it is skipped
with a warning like any sum row. A row labelled only as a sum ('Sum', 'I alt 010190-1234') whose
amount is no such sum is asked about, never booked by guess.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from core.importing.importers import POSTING_COLUMNS
from core.importing.matching import Mapping
from core.importing.records import Record
from core.importing.table import Table

#: the words a subtotal's label starts with ('Sum 010190-1234', 'I alt for konto 5.38.50', SAP BW's 'Resultat')
SUM_WORDS = ("sum", "subtotal", "sub-total", "total", "totalt", "i alt", "ialt", "resultat")
#: those a label may end with ('010190-1234 Total', '5.38.50 I alt')
SUM_WORDS_AFTER = ("sum", "subtotal", "total", "i alt", "ialt")
_START = "|".join(SUM_WORDS)
#: a cell that starts with a sum word
SUM_START = re.compile(rf"\s*(?:{_START})(?![a-zæøå])", re.IGNORECASE)
#: a cell that is nothing but a sum label, maybe with a CPR number, an account or a period after it
BARE_SUM = re.compile(rf"\s*(?:{_START})"
                      r"(?:\s+(?:i alt|for|af|konto|borger|cpr(?:-?nr\.?)?))*[\s:]*[\dx.\-/ ]*", re.IGNORECASE)
#: the same, with the label after the number
BARE_SUM_AFTER = re.compile(rf"\s*[\dx.\-/ ]+\s+(?:{'|'.join(SUM_WORDS_AFTER)})[\s:]*", re.IGNORECASE)
LABEL_FIELDS = ("text", "cpr", "voucher", "name")


def _sum_labels(column: list) -> set[str]:
    """The distinct texts of a label column that say they sum up (start or end with a sum word); each
    distinct value is looked at once, and a column without any sum word at all costs one scan."""
    texts = set(column)
    try:
        joined = "\n".join(texts)
    except TypeError:  # numbers or dates among the texts
        texts = {v for v in texts if v.__class__ is str}
        joined = "\n".join(texts)
    joined = joined.lower()
    if not any(word in joined for word in SUM_WORDS):  # a column without a sum word: no pattern tried
        return set()
    return {v for v in texts if v.__class__ is str and any(word in v.lower() for word in SUM_WORDS)
            and (SUM_START.match(v) or BARE_SUM_AFTER.fullmatch(v))}


def _labels(table: Table, columns: list[int]) -> dict[int, tuple[int, str]]:
    """``{row number: (column, label)}``: per row the first of its label cells that says it sums up."""
    labels: dict[int, tuple[int, str]] = {}
    for c in columns:
        column = table.column(c)
        hits = _sum_labels(column)
        if not hits:
            continue
        for (row_no, _), v in zip(table.rows, column):
            if v in hits and row_no not in labels:
                labels[row_no] = (c, v.strip())
    return labels


def _bare(label: str) -> bool:
    return bool(BARE_SUM.fullmatch(label) or BARE_SUM_AFTER.fullmatch(label))


def _ore(rec: Record) -> int | None:
    v = rec.values
    ore = v.get("amount_ore")
    if ore.__class__ is int:
        return ore
    amount = v.get("amount")
    if isinstance(amount, Decimal) and amount == amount.quantize(Decimal("0.01")):
        return int(amount * 100)
    return None


def labelled_subtotals(records: list[Record], table: Table, mapping: Mapping) -> dict[int, tuple[int, str]]:
    """The records of one sheet that are subtotal rows: ``{id(record): (row, label)}``; a row labelled
    only as a sum whose amount sums nothing above it is rejected (asked about) in place.

    Args:
        records: the sheet's postings as parsed, in row order (one per row: a layout with a column
            per month has no subtotal rows of this kind and is left alone).
    """
    if mapping.month_columns:
        return {}
    # the label fields' columns, and the columns no field reads (SAP BW writes 'Resultat' beside the account)
    used = set(mapping.columns.values())
    columns = [mapping.columns[f] for f in LABEL_FIELDS if f in mapping.columns] + \
        [c for c in range(len(table.headers)) if c not in used]
    if not columns:
        return {}
    labels = _labels(table, columns)
    if not labels and not any(_cpr_in(label) for _, label in table.totals):
        return {}
    boundaries = sorted(row for row, _ in table.totals)
    total_labels = dict(table.totals)
    found: dict[int, tuple[int, str]] = {}
    # running sums of the postings since the last subtotal (``run``) and since the sheet's start
    # (``sheet``): in all, per person, per account, per both
    run, sheet = Counter(), Counter()
    block: list[Record] = []  # the postings since the last subtotal
    b = 0
    for rec in records:
        while b < len(boundaries) and boundaries[b] < rec.row:
            _group_total(block, boundaries[b], total_labels[boundaries[b]])
            run, b, block = Counter(), b + 1, []
        ore = _ore(rec)
        v = rec.values
        cpr, account = v.get("cpr"), v.get("account")
        keys = ("all", ("cpr", cpr), ("account", account), ("both", cpr, account))
        col, label = labels.get(rec.row, (None, None))
        if label is not None and not _bare(label) and v.get("voucher"):
            label = None  # 'Total pleje marts' on a posting with its voucher: a posting's own text
        if ore is None:
            continue
        if label is None:
            for k in keys:
                run[k] += ore
                sheet[k] += ore
            block.append(rec)
            continue
        if any(k in run and run[k] == ore for k in keys) or any(k in sheet and sheet[k] == ore for k in keys):
            found[id(rec)] = (rec.row, label)
            if run.get("all") == ore:
                _person_of_group(block, cpr or _cpr_in(label), rec.row, label)
            run, block = Counter(), []
        elif _bare(label):
            if rec.ok:
                rec.reject(table.headers[col], label,
                           f"Rækken ligner en sum-række ('{label}'), men beløbet er ikke summen af posteringerne "
                           "over den; ret eller slet rækken i filen, hvis den er en sum")
        else:
            for k in keys:
                run[k] += ore
                sheet[k] += ore
            block.append(rec)
    if b < len(boundaries):
        _group_total(block, boundaries[b], total_labels[boundaries[b]])
    return found


_CPR_IN_LABEL = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


def _cpr_in(label: str) -> str | None:
    m = _CPR_IN_LABEL.search(label)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _group_total(block: list[Record], row: int, label: str) -> None:
    """A total row under a group ('010190-1234 I alt') whose first posting names the same person."""
    if block and block[0].values.get("cpr") and block[0].values["cpr"] == _cpr_in(label):
        _person_of_group(block, block[0].values["cpr"], row, label)


def _person_of_group(block: list[Record], cpr: str | None, row: int, label: str) -> None:
    """The postings of a group whose subtotal names a person ('010190-1234 I alt') and sums them all:
    a posting of it with a blank CPR cell is hers (an Excel pivot copied as values writes the CPR
    number on the group's first row only). A group that names another person too is left alone."""
    if not cpr or any(rec.values.get("cpr") not in (None, cpr) for rec in block):
        return
    for rec in block:
        if rec.values.get("cpr") is None and rec.ok:
            rec.values["cpr"] = cpr
            if rec.key and rec.key[0] == "række":  # a posting without a voucher is known by its values
                rec.key = ("række",) + tuple(rec.values[k] for k in POSTING_COLUMNS) + rec.key[-1:]
            rec.warnings.append(f"CPR-cellen er tom; rækken hører til gruppen med sum-rækken '{label}' (række "
                                f"{row}) og får dens CPR-nummer")
