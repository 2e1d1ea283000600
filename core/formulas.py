"""The one formula guard: text a spreadsheet would run as a formula is never written as one.

Exports (workbooks, csv files, the audit log's export) hold names, texts and notes typed by
people or read from other people's files; a cell starting with ``=`` would run when the file
is opened. Every writer asks ``looks_like_formula`` and stores such text as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")
"""A text starting with one of these would run as a formula in Excel or LibreOffice."""


def looks_like_formula(value) -> bool:
    """Whether ``value`` is text a spreadsheet would run as a formula (the one formula guard)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """A csv cell that never runs as a formula: such text gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value
