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

from core.importing.matching import Mapping
from core.importing.records import Record
from core.importing.table import Table

#: a cell that starts with a sum word ('Sum 010190-1234', 'Subtotal', 'I alt for konto 5.38.50')
SUM_START = re.compile(r"\s*(?:sum|subtotal|sub-total|total|totalt|i alt|ialt)(?![a-zæøå])", re.IGNORECASE)
#: a cell that is nothing but a sum label, maybe with a CPR number, an account or a period after it
BARE_SUM = re.compile(r"\s*(?:sum|subtotal|sub-total|total|totalt|i alt|ialt)"
                      r"(?:\s+(?:i alt|for|af|konto|borger|cpr(?:-?nr\.?)?))*[\s:]*[\dx.\-/ ]*", re.IGNORECASE)
#: the same, with the label after the number ('010190-1234 Total', '5.38.50 I alt')
BARE_SUM_AFTER = re.compile(r"\s*[\dx.\-/ ]+\s+(?:sum|subtotal|total|i alt|ialt)[\s:]*", re.IGNORECASE)
LABEL_FIELDS = ("text", "cpr", "voucher", "name")


#: every sum word of ``SUM_START`` and ``BARE_SUM_AFTER`` holds one of these (lower case): a column none of
#: whose values holds one has no label, told without a pattern tried on any value
SUM_WORD_PARTS = ("sum", "total", "alt")


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
    if not any(part in joined for part in SUM_WORD_PARTS):
        return set()
    return {v for v in texts if v.__class__ is str and any(part in v.lower() for part in SUM_WORD_PARTS)
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
    columns = [mapping.columns[f] for f in LABEL_FIELDS if f in mapping.columns]
    if not columns:
        return {}
    labels = _labels(table, columns)
    if not labels:
        return {}
    boundaries = sorted(row for row, _ in table.totals)
    found: dict[int, tuple[int, str]] = {}
    # running sums of the postings since the last subtotal (``run``) and since the sheet's start
    # (``sheet``): in all, per person, per account, per both
    run, sheet = Counter(), Counter()
    b = 0
    for rec in records:
        while b < len(boundaries) and boundaries[b] < rec.row:
            run, b = Counter(), b + 1
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
            continue
        if any(k in run and run[k] == ore for k in keys) or any(k in sheet and sheet[k] == ore for k in keys):
            found[id(rec)] = (rec.row, label)
            run = Counter()
        elif _bare(label):
            if rec.ok:
                rec.reject(table.headers[col], label,
                           f"Rækken ligner en sum-række ('{label}'), men beløbet er ikke summen af posteringerne "
                           "over den; ret eller slet rækken i filen, hvis den er en sum")
        else:
            for k in keys:
                run[k] += ore
                sheet[k] += ore
    return found
