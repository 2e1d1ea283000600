"""Readers: any spreadsheet or CSV file becomes a list of ``RawSheet`` tables of raw cells.

The format is told by the content, not the extension. Spreadsheets (xlsx, xlsm, xlsb, xls,
ods) go through python-calamine in a child process with a memory and time limit
(``core.importing.sandbox``); CSV files are read in-process and get their encoding (UTF-8
with or without BOM, else cp1252) and their delimiter detected. Rows keep their 1-based row
number in the file, so every message can point at its place.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable

from core.errors import DispoError
from core.importing.sandbox import password_message, read_ahead as start_reading, read_workbook

DELIMITERS = [";", ",", "\t", "|"]
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
SUFFIX_OF = {"xls": ".xls", "xlsx": ".xlsx", "xlsb": ".xlsb", "ods": ".ods"}
PROGRESS_ROWS = 20_000  # a CSV file reports progress every so many rows


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
    missing: bool = False  # listed in the workbook, but its part is not in the file


def read_file(path: str | Path, sheets: list[str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[RawSheet]:
    """Every sheet of a spreadsheet (or the one table of a CSV file), read by its content.

    The content decides, not the extension: an xls or ods file named ``.xlsx`` and a CSV file
    named ``.xls`` are read as what they are. Workbooks are read in a child process with a
    memory and time limit (``core.importing.sandbox``), so a damaged file cannot take Dispo down.

    Args:
        sheets: read only these sheets (by name); hidden sheets are read but marked.
        progress: called with (rows read, rows in the file) while a CSV file is read.

    Raises:
        ReadError: the file is missing, empty, locked, password-protected or not a readable spreadsheet.
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
    fmt = sniff_format(data, path.name)
    if fmt == "csv":
        return [RawSheet(path.stem, read_csv_bytes(data, path.name, progress))]
    return read_spreadsheet(path, sheets, fmt)


def sniff_format(data: bytes, name: str = "") -> str:
    """The file's format by its first bytes: ``xls`` (an OLE2 compound file), ``xlsx``, ``xlsb`` or
    ``ods`` (zip packages told apart by their parts) or ``csv`` (text).

    Raises:
        ReadError: the file is password-protected, a zip or binary file that is no spreadsheet, or a
            web page or XML file saved with a spreadsheet's name.
    """
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in data:  # an encrypted xlsx: the zip package sits encrypted in a compound file
            raise ReadError(password_message(name))
        return "xls"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "content.xml" in names or "mimetype" in names:
                    manifest = z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                    if b"encryption-data" in manifest:
                        raise ReadError(password_message(name))
                    return "ods"
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as ex:
            raise ReadError(f"Filen '{name}' kan ikke læses som regneark (xlsx, xls, ods). "
                            "Er den beskadiget eller gemt i et andet format?") from ex
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
            return "xlsx"
        raise ReadError(f"Filen '{name}' er en zip-fil, men ikke et regneark (xlsx, ods)")
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        raise ReadError(f"Filen '{name}' er en PDF-fil, ikke et regneark. Hent udtrækket som Excel (xlsx) eller CSV.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"Filen '{name}' kan ikke læses som regneark (xlsx, xls, ods) eller som tekstfil (CSV). "
                        "Er den beskadiget eller gemt i et andet format?")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")) or \
            (start.startswith(b"<?xml") and b"<html" in head.lower()):
        raise ReadError(f"Filen '{name}' er en webside (HTML), ikke et regneark, selv om den hedder sådan. "
                        "Åbn den i Excel, og gem den som .xlsx; importér så den nye fil.")
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise ReadError(f"Filen '{name}' er et XML-regneark fra Excel 2003, som Dispo ikke læser. "
                        "Åbn den i Excel, og gem den som .xlsx; importér så den nye fil.")
    return "csv"


def read_spreadsheet(path: Path, sheets: list[str] | None = None, fmt: str | None = None) -> list[RawSheet]:
    """The sheets of a workbook, read in a child process (see ``core.importing.sandbox``).

    A sheet the workbook lists but does not contain becomes a ``RawSheet`` with ``missing`` set
    (its table is then refused with that reason); when no listed sheet is there, the file is refused.
    """
    fmt = fmt or sniff_format(path.read_bytes(), path.name)
    try:
        found = read_workbook(path, by_content=_by_content(fmt, path), sheets=sheets)
    except DispoError as ex:
        raise ReadError(str(ex)) from ex
    out = [RawSheet(name, rows, hidden=hidden, merged=merged, missing=missing)
           for name, rows, hidden, merged, missing in found]
    if sheets is not None:
        absent = [s for s in sheets if s not in {r.name for r in out}]
        if absent:
            raise ReadError(f"Arket '{absent[0]}' findes ikke i '{path.name}'")
        gone = [r.name for r in out if r.missing]
        if gone:
            raise ReadError(missing_sheet_message(path.name, gone))
    if out and all(r.missing for r in out):
        raise ReadError(missing_sheet_message(path.name, [r.name for r in out]))
    if not out:
        raise ReadError(f"Filen '{path.name}' har ingen ark med data")
    return out


def _by_content(fmt: str, path: Path) -> bool:
    """Whether the reader must tell the format from the content (the extension says another)."""
    return SUFFIX_OF.get(fmt) != path.suffix.casefold() and \
        not (fmt == "xlsx" and path.suffix.casefold() in (".xlsm", ".xltx", ".xltm"))


def read_ahead(path: str | Path) -> None:
    """Start reading a workbook's sheets now, in its child (``sandbox.read_ahead``), for a caller that
    knows the file before it has loaded the rest of Dispo: ``read_file`` of the same file then takes
    what the child read meanwhile. A CSV file, or a file that cannot be read, is left to ``read_file``."""
    path = Path(path)
    try:
        fmt = sniff_format(path.read_bytes(), path.name)
        if fmt != "csv":
            start_reading(path, by_content=_by_content(fmt, path))
    except (OSError, DispoError):
        return


def missing_sheet_message(name: str | None, sheets: list[str]) -> str:
    """Why a sheet the workbook lists cannot be read: its part is not in the file."""
    names = ", ".join(f"'{s}'" for s in sheets)
    one = len(sheets) == 1
    where = f"i '{name}'" if name else "i projektmappen"
    return (f"{'Arket' if one else 'Arkene'} {names} står i indholdsfortegnelsen {where}, men "
            f"{'selve arket' if one else 'selve arkene'} mangler i filen (den er ufuldstændig eller beskadiget). "
            "Åbn den i Excel eller LibreOffice, og gem den igen; importér så den nye fil.")


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
    lines = [ln for ln in _first_lines(text, 50) if ln.strip()]
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


#: two or more spaces between the columns of a list printed to text
_GAP = re.compile(r"\S(?: {2,})(?=\S)")
_PAGE_DIGITS = re.compile(r"\d+")
#: a ruled line under a printed header ('-----', '=====')
_RULE = re.compile(r"^[\s\-=_*]+$")


def fixed_width_columns(text: str) -> list[int] | None:
    """Where to cut the lines of a list printed to text (columns by position, no delimiter), or ``None``
    when the text is not such a list.

    It is one when the first lines hold no ``;``, tab or ``|`` and most of them have three or more
    fields apart by two or more spaces. The header is the first line with the most fields; between two
    of its fields (in the lines below it, the title printed again on each page left out) the cut is after the widest run of columns blank in every line (a right-aligned amount
    may start left of its header), else where fewest lines' text crosses.
    """
    lines = [ln for ln in _first_lines(text, 200) if ln.strip() and not _RULE.match(ln)]
    if len(lines) < 2 or any(d in ln for ln in lines[:50] for d in (";", "\t", "|")):
        return None
    fields = [len(_GAP.findall(ln.rstrip())) + 1 for ln in lines]
    if sum(n >= 3 for n in fields) < 0.6 * len(lines):
        return None
    at = fields.index(max(fields))
    header = lines[at]
    starts = [0] + [m.end() for m in _GAP.finditer(header.rstrip())]
    ends = [m.start() + 1 for m in _GAP.finditer(header.rstrip())]
    # the lines below the header, but the title above it printed again on each page ('SIDE 2')
    titles = {_PAGE_DIGITS.sub("#", ln.strip()) for ln in lines[:at + 1]}
    data = [ln for ln in lines[at + 1:] if _PAGE_DIGITS.sub("#", ln.strip()) not in titles]
    if not data:
        return None
    cuts = [0]
    for end, start in zip(ends, starts[1:]):
        blank = [all(len(ln) <= c or ln[c] == " " for ln in data) for c in range(end, start)]
        runs = [(len(m.group(0)), m.end()) for m in re.finditer(r"1+", "".join("01"[b] for b in blank))]
        if runs:  # after the widest run of columns blank in every line (a space inside a cell is one)
            cuts.append(end + max(runs)[1])
            continue
        crossing = {q: sum(1 for ln in data if len(ln) > q and ln[q - 1] != " " and ln[q] != " ")
                    for q in range(end, start + 1)}
        least = min(crossing.values())
        cuts.append(max(q for q, n in crossing.items() if n == least))
    return cuts


def _cut(line: str, cuts: list[int]) -> list[str]:
    if _RULE.match(line):
        return [""] * len(cuts)
    return [line[a:b].strip() for a, b in zip(cuts, cuts[1:] + [None])]


def _first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the whole of a big file: a head of the text that
    holds more than ``n`` lines has the first ``n`` whole."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n:
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


def read_csv_bytes(data: bytes, name: str = "", progress: Callable[[int, int], None] | None = None) -> list[list]:
    """Rows of a CSV file as lists of strings (blank cells are ``''``).

    Args:
        progress: called with (rows read, rows in the file) every ``PROGRESS_ROWS`` rows and at the end;
            the number of rows is counted from the line breaks (a quoted line break makes it an estimate
            that the last call corrects).
    """
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"Filen '{name}' er ikke en tekstfil (CSV) og ikke et regneark")
    text = decode(data)
    cuts = fixed_width_columns(text)
    if cuts:
        rows = [_cut(line, cuts) for line in text.splitlines()]
        if progress is not None:
            progress(len(rows), len(rows))
        return rows
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    if progress is None:
        rows = list(reader)
    else:
        total = text.count("\n") + (not text.endswith("\n"))
        rows = []
        while chunk := list(islice(reader, PROGRESS_ROWS)):
            rows += chunk
            progress(len(rows), max(total, len(rows)))
        if total != len(rows):  # a quoted line break counted as a row: the true total
            progress(len(rows), len(rows))
    if not any(any(c.strip() for c in r) for r in rows):
        raise ReadError(f"Filen '{name}' er tom")
    width = max(map(len, rows))
    if min(map(len, rows)) < width:
        for r in rows:
            if len(r) < width:
                r.extend([""] * (width - len(r)))
    return rows
