"""Reading an exported workbook back: cell values, and an independent evaluator of the
two formula shapes the writer uses, so tests can check totals without Excel."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl

SUBTOTAL_RE = re.compile(r"^=SUBTOTAL\((9|3),([A-Z]+)(\d+):([A-Z]+)(\d+)\)$")
RATIO_RE = re.compile(r"^=IF\(([A-Z]+\d+)=0,0,([A-Z]+\d+)(?:\*(\d+)/(\d+))?/([A-Z]+\d+)\)$")
# a CPR with or without the dash; digits after a decimal point (0.5863013699) are no CPR
FULL_CPR = re.compile(r"(?<![\d.])\d{6}-?\d{4}(?![\d.])")


DIFFERENCE_RE = re.compile(r"^=([A-Z]+\d+)-([A-Z]+\d+)$")


def evaluate(ws, ref: str) -> Decimal:
    """The value of a cell, evaluating SUBTOTAL(9|3, range) and IF(d=0,0,n*a/b/d) formulas."""
    value = ws[ref].value
    if isinstance(value, str) and value.startswith("=") and ws[ref].data_type == "f":
        m = SUBTOTAL_RE.match(value)
        if m:
            function, col, lo, _, hi = m.groups()
            total = Decimal(0)
            for row in range(int(lo), int(hi) + 1):
                cell = ws[f"{col}{row}"]
                if cell.data_type == "f" and str(cell.value).startswith("=SUBTOTAL"):
                    continue  # SUBTOTAL ignores nested subtotals
                if cell.value is not None:
                    total += 1 if function == "3" else Decimal(str(cell.value))
            return total
        m = DIFFERENCE_RE.match(value)
        if m:
            return evaluate(ws, m.group(1)) - evaluate(ws, m.group(2))
        m = RATIO_RE.match(value)
        if m:
            den_ref, num_ref, a, b, den_ref2 = m.groups()
            den = evaluate(ws, den_ref)
            if den == 0:
                return Decimal(0)
            num = evaluate(ws, num_ref)
            if a:
                num = num * Decimal(a) / Decimal(b)
            return num / den
        raise AssertionError(f"unexpected formula {value}")
    return Decimal(str(value)) if value is not None else Decimal(0)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}


def full_cprs_in(path: Path) -> list[str]:
    found = []
    for name, text in xml_parts(path).items():
        found += [f"{name}: {m.group(0)}" for m in FULL_CPR.finditer(text)]
    return found


def load(path: Path):
    return openpyxl.load_workbook(path)


def header_row(ws, heading: str = None) -> int:
    for row in range(1, 10):
        if ws.cell(row, 1).value and ws.cell(row, 2).value:
            return row
    raise AssertionError("no header row")


def col(ws, heading: str, header: int) -> str:
    for cell in ws[header]:
        if cell.value == heading:
            return cell.column_letter
    raise KeyError(heading)


