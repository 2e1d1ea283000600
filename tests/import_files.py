"""Writers of small real test files (xlsx, ods, csv) for the import tests."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = (),
               merged: dict[str, list[str]] | None = None, hidden_columns: dict[str, list[str]] | None = None,
               bold_rows: dict[str, set[int]] | None = None, landscape: bool = False) -> Path:
    """An xlsx of ``sheets``; ``bold_rows`` (1-based, per sheet) in a bold, larger font (a hand-kept sheet's
    section titles), every sheet set up for ``landscape`` printing if asked."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for r in (bold_rows or {}).get(name, ()):
            for cell in ws[r]:
                cell.font = Font(bold=True, size=12)
        if landscape:
            ws.page_setup.orientation = "landscape"
        for rng in (merged or {}).get(name, []):
            ws.merge_cells(rng)
        for letter in (hidden_columns or {}).get(name, []):
            ws.column_dimensions[letter].hidden = True
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _ods_cell(value, span: str = "") -> str:
    if span and (value is None or value == ""):
        return f"<table:table-cell{span}/>"
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell{span} office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell{span} office:value-type="string"><text:p>{escape(str(value))}</text:p>'
            "</table:table-cell>")


def _ods_row(cells: list, r: int, spans: dict[tuple[int, int], tuple[int, int]], covered: set) -> str:
    out = []
    for c, v in enumerate(cells):
        if (r, c) in covered:
            out.append("<table:covered-table-cell/>")
        elif (r, c) in spans:
            down, across = spans[r, c]
            out.append(_ods_cell(v, f' table:number-columns-spanned="{across}" table:number-rows-spanned="{down}"'))
        else:
            out.append(_ods_cell(v))
    return "<table:table-row>" + "".join(out) + "</table:table-row>"


def _ranges(ranges: list[str]) -> tuple[dict[tuple[int, int], tuple[int, int]], set]:
    """Merged ranges like ``A1:B2`` as {top-left (row, col): (rows, cols)} and the covered cells."""
    from openpyxl.utils.cell import range_boundaries

    spans, covered = {}, set()
    for rng in ranges:
        c0, r0, c1, r1 = range_boundaries(rng)
        spans[r0 - 1, c0 - 1] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r - 1, c - 1) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0 - 1, c0 - 1)}
    return spans, covered


def write_ods(path: Path, sheets: dict[str, list[list]], *, merged: dict[str, list[str]] | None = None,
              hidden_columns: dict[str, set[int]] | None = None) -> Path:
    """A minimal but valid OpenDocument spreadsheet, written by hand (no ods library is installed);
    ``merged`` ranges (``A1:B1``) are written as LibreOffice does: spanned cells and covered cells;
    ``hidden_columns`` (0-based, per sheet) are hidden as LibreOffice hides them (``visibility="collapse"``)."""
    tables = ""
    for name, rows in sheets.items():
        spans, covered = _ranges((merged or {}).get(name, []))
        hidden = (hidden_columns or {}).get(name)
        columns = "".join('<table:table-column table:visibility="collapse"/>' if c in hidden else
                          "<table:table-column/>" for c in range(max(map(len, rows)))) if hidden else ""
        tables += (f'<table:table table:name="{escape(name)}">' + columns
                   + "".join(_ods_row(row, r, spans, covered) for r, row in enumerate(rows)) + "</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8",
              quote_all: bool = False) -> Path:
    """A csv as Excel writes it (``quote_all``: every field quoted, as "CSV UTF-8" exports do; a line
    break inside a cell stays inside its quotes)."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n",
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# a small grants list in the legacy style: title rows, a subtotal, a total, a duplicate row
GRANT_HEADER = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Enhed", "Timer pr. uge", "Startdato",
                "Slutdato"]
GRANT_ROWS = [
    ["010190-1234", "Hansen, Anna", "§ 85", "Bostøtten", "512,50", "pr. time/uge", 7, dt.date(2024, 1, 15), "løbende"],
    [201085123.0, "Bo Berg", "SEL § 108", "Botilbuddet Engen", 2450.75, "pr. døgn", None, "1.3.2026", ""],
    ["150372-4321", "Carl Dahl", "104", "Værkstedet (Nabo Kommune)", "kr. 1.100,00", "dag (4 dg/uge)", None,
     "01-02-25", dt.date(2026, 12, 31)],
]


def grants_sheet() -> list[list]:
    return ([["Dispositionsregnskab 2026 - Testkommune"], ["Opdateret 1. marts 2026"], []]
            + [GRANT_HEADER] + GRANT_ROWS[:2] + [["I alt § 85"] + [""] * 8] + [GRANT_ROWS[2]]
            + [["Total", "", "", "", 4063.25]] + [GRANT_ROWS[0]])
