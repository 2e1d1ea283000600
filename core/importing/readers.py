"""Readers: any spreadsheet or CSV file becomes a list of ``RawSheet`` tables of raw cells.

Spreadsheets (xlsx, xlsm, xls, ods) go through python-calamine; CSV files get their
encoding (UTF-8 with or without BOM, else cp1252) and their delimiter detected. Rows
keep their 1-based row number in the file, so every message can point at its place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DispoError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
DELIMITERS = [";", ",", "\t", "|"]


class ReadError(DispoError):
    """A file cannot be read as a spreadsheet or CSV file."""


@dataclass
class RawSheet:
    """One sheet's cells as read, before any interpretation.

    ``rows[i]`` is row number ``i + 1`` of the sheet; ``merged`` holds 0-based
    ``((first_row, first_col), (last_row, last_col))`` ranges.
    """

    name: str
    rows: list[list]
    hidden: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def read_file(path: str | Path, sheets: list[str] | None = None) -> list[RawSheet]:
    """Every sheet of a spreadsheet (or the one table of a CSV file).

    Args:
        sheets: read only these sheets (by name); hidden sheets are read but marked.

    Raises:
        ReadError: the file is missing, empty, locked or not a readable spreadsheet.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"Filen '{path.name}' findes ikke")
    try:
        data = path.read_bytes()
    except OSError as ex:
        raise ReadError(f"Filen '{path.name}' kan ikke læses: {ex.strerror}") from ex
    if not data.strip():
        raise ReadError(f"Filen '{path.name}' er tom")
    suffix = path.suffix.casefold()
    if suffix in CSV_SUFFIXES or (suffix not in SPREADSHEET_SUFFIXES and not _looks_binary(data)):
        return [RawSheet(path.stem, read_csv_bytes(data, path.name))]
    return read_spreadsheet(path, sheets)


def _looks_binary(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") or b"\x00" in data[:1024]


def read_spreadsheet(path: Path, sheets: list[str] | None = None) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as ex:  # calamine raises its own error types for every kind of damage
        raise ReadError(f"Filen '{path.name}' kan ikke læses som regneark (xlsx, xls, ods). "
                        "Er den beskadiget eller gemt i et andet format?") from ex
    out = []
    try:
        for meta in workbook.sheets_metadata:
            if sheets is not None and meta.name not in sheets:
                continue
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:  # not every format reports merged cells
                merged = []
            out.append(RawSheet(meta.name, rows, hidden=meta.visible != SheetVisibleEnum.Visible, merged=merged))
    except ReadError:
        raise
    except Exception as ex:
        raise ReadError(f"Filen '{path.name}' kan ikke læses som regneark: {ex}") from ex
    finally:
        workbook.close()
    if sheets is not None:
        missing = set(sheets) - {s.name for s in out}
        if missing:
            raise ReadError(f"Arket '{sorted(missing)[0]}' findes ikke i '{path.name}'")
    if not out:
        raise ReadError(f"Filen '{path.name}' har ingen ark med data")
    return out


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else cp1252 (Windows Excel's Danish)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields.

    Quoted fields are respected (``"1.234,50"`` does not count its comma).
    """
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", (-1, -1)
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv_bytes(data: bytes, name: str = "") -> list[list]:
    """Rows of a CSV file as lists of strings (blank cells are ``''``)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"Filen '{name}' er ikke en tekstfil (CSV) og ikke et regneark")
    text = decode(data)
    delim = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    if not any(any(c.strip() for c in r) for r in rows):
        raise ReadError(f"Filen '{name}' er tom")
    width = max(map(len, rows))
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return rows
