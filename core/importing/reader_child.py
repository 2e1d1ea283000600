"""The child process that reads a workbook for ``core.importing.sandbox`` (run as a script).

It imports nothing of Dispo, only the standard library and python-calamine, so that it starts
fast and a damaged file can take down nothing but this process. The request comes pickled on
standard input, the answer goes to standard output (marshalled, or pickled when cells hold dates):

    request:  {"path", "format", "by_content", "sheets", "memory", "misbehave", "path_entries"}
    answer:   ("ok", [(name, rows, hidden, merged, missing), ...])
              ("password", detail) | ("unreadable", detail)

Merged cells come from calamine for xlsx and xls; for ods, which calamine reads without them, from the
first rows of each sheet's XML (``ods_merged``), so a header merged over two rows or columns is read
alike in every format.

A memory limit (``RLIMIT_AS`` on POSIX, a job object's process memory limit on Windows, best
effort) makes a reader that allocates without bound fail inside this process; the parent's
time limit covers the rest.
"""

from __future__ import annotations

import io
import marshal
import pickle
import sys
import zipfile
from xml.etree.ElementTree import XMLPullParser


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        import resource
    except ImportError:
        _limit_memory_windows(limit)
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # a hard limit below ours already applies
        pass


_JOB = None  # the Windows job object this process put itself in (kept open while it lives)


def _limit_memory_windows(limit: int) -> None:
    """Windows: put this process in a job object with a process memory limit. Best effort: when
    it cannot be set, the parent's time limit is the guard."""
    global _JOB
    try:
        import ctypes
        from ctypes import wintypes

        class Basic(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
            _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                        ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                        ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", wintypes.DWORD),
                        ("Affinity", ctypes.c_size_t), ("PriorityClass", wintypes.DWORD),
                        ("SchedulingClass", wintypes.DWORD)]

        class Extended(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
            _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", ctypes.c_uint64 * 6),
                        ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                        ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return
        info = Extended()
        info.BasicLimitInformation.LimitFlags = 0x100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
        info.ProcessMemoryLimit = limit
        if kernel32.SetInformationJobObject(wintypes.HANDLE(job), 9,  # JobObjectExtendedLimitInformation
                                            ctypes.byref(info), ctypes.sizeof(info)) and \
                kernel32.AssignProcessToJobObject(wintypes.HANDLE(job), kernel32.GetCurrentProcess()):
            _JOB = job
    except (OSError, AttributeError, ValueError):
        pass


def _misbehave(how: str | None) -> None:
    """Test hooks: behave like a reader on a hostile file."""
    if how == "allocate":
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))
    elif how == "hang":
        import time

        while True:
            time.sleep(1)
    elif how == "crash":
        import os

        os.abort()


#: an ods sheet's merged cells are looked for in its first rows only (where a header is)
ODS_MERGE_ROWS = 60
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_SHEET, _ROW_END = b"<table:table ", b"</table:table-row>"


def ods_merged(path: str, sheets: int, rows: int = ODS_MERGE_ROWS) -> dict[str, list]:
    """The merged cells in the first ``rows`` rows of each sheet of an OpenDocument spreadsheet:
    ``{sheet: [((first_row, first_col), (last_row, last_col)), ...]}``, 0-based as calamine gives
    them for xlsx (it gives none for ods).

    Only the first rows of each sheet are parsed, where a header's merged cells are; the rest of a
    sheet is skipped unparsed, and reading stops after the ``sheets``-th sheet.
    """
    out: dict[str, list] = {}
    with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
        buf = b""

        def more() -> bool:
            nonlocal buf
            chunk = f.read(1 << 18)
            buf += chunk
            return bool(chunk)

        while (at := buf.find(b"<office:document-content")) == -1 or buf.find(b">", at) == -1:
            if not more():
                return out
        root_end = buf.find(b">", at) + 1
        root, buf = buf[at:root_end], buf[root_end:]
        for _ in range(sheets):
            while (at := buf.find(_SHEET)) == -1:
                buf = buf[-len(_SHEET):]  # a tag may be split across two chunks
                if not more():
                    return out
            buf = buf[at:]
            # the sheet's first rows: up to the end of its rows-th row, the next sheet, or the file's end
            end, n = 0, 0
            while n < rows:
                row_end = buf.find(_ROW_END, end)
                if row_end == -1:
                    if more():
                        continue
                    break
                following = buf.find(_SHEET, 1, row_end)
                if following != -1:
                    break
                end, n = row_end + len(_ROW_END), n + 1
            name, spans = _spans(root + buf[:end], rows)
            if name is not None and spans:
                out[name] = spans
            buf = buf[max(end, 1):]
    return out


def _spans(fragment: bytes, rows: int) -> tuple[str | None, list]:
    """The sheet name and merged ranges in the XML of one sheet's first rows (a fragment, left open)."""
    parser = XMLPullParser(events=("start", "end"))
    parser.feed(fragment)
    name, spans, row, col, depth, repeat = None, [], 0, 0, 0, 1
    for event, elem in parser.read_events():
        tag = elem.tag
        if tag == _TABLE + "table":
            depth += 1 if event == "start" else -1
            if depth == 1 and name is None:
                name = elem.get(_TABLE + "name")
        elif depth != 1:
            continue  # a table inside a cell
        elif tag == _TABLE + "table-row":
            if event == "start":
                repeat, col = int(elem.get(_TABLE + "number-rows-repeated", "1")), 0
            else:
                row += repeat
                elem.clear()
        elif event == "start" and tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            across = int(elem.get(_TABLE + "number-columns-spanned", "1"))
            down = int(elem.get(_TABLE + "number-rows-spanned", "1"))
            if tag == _TABLE + "table-cell" and (across > 1 or down > 1) and row < rows:
                spans.append(((row, col), (row + down - 1, col + across - 1)))
            col += int(elem.get(_TABLE + "number-columns-repeated", "1"))
    return name, spans


def _ods_merged_or_none(path: str, sheets: int) -> dict[str, list]:
    """``ods_merged``, or nothing when the file is no OpenDocument package or its XML is broken (a
    header without merge information is still read)."""
    try:
        return ods_merged(path, sheets)
    except Exception:
        return {}


def read(request: dict):
    from python_calamine import (CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum,
                                 WorksheetNotFound)

    _misbehave(request.get("misbehave"))
    try:
        if request["by_content"]:
            with open(request["path"], "rb") as fh:
                workbook = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
        else:
            workbook = CalamineWorkbook.from_path(request["path"])
    except PasswordError as ex:
        return ("password", str(ex))
    except Exception as ex:  # calamine raises its own error types for every kind of damage
        return ("unreadable", f"{type(ex).__name__}: {ex}")
    wanted = request.get("sheets")
    out = []
    ods_spans = None
    try:
        for meta in workbook.sheets_metadata:
            if wanted is not None and meta.name not in wanted:
                continue
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except WorksheetNotFound:
                out.append((meta.name, [], meta.visible != SheetVisibleEnum.Visible, [], True))
                continue
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = sheet.merged_cell_ranges
            except Exception:  # not every format reports merged cells
                merged = []
            if merged is None:  # calamine reads no merged cells in ods: read the header's from the file
                if ods_spans is None:
                    ods_spans = _ods_merged_or_none(request["path"], len(workbook.sheet_names))
                merged = ods_spans.get(meta.name, [])
            out.append((meta.name, rows, meta.visible != SheetVisibleEnum.Visible, list(merged), False))
    except PasswordError as ex:
        return ("password", str(ex))
    except Exception as ex:
        return ("unreadable", f"{type(ex).__name__}: {ex}")
    finally:
        workbook.close()
    return ("ok", out)


def main() -> None:
    request = pickle.load(sys.stdin.buffer)
    sys.path[:0] = request.get("path_entries") or []  # started with -S: where python-calamine is
    _limit_memory(request.get("memory"))
    answer = read(request)
    out = sys.stdout.buffer
    out.write(encode(answer))
    out.flush()


def encode(answer) -> bytes:
    """The answer as bytes: marshal (twenty times faster to write, half the time to read) when every
    cell is a number or a text, else pickle (dates and times); the first byte says which."""
    try:
        return b"M" + marshal.dumps(answer)
    except ValueError:  # a date, time or duration cell
        return b"P" + pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes):
    """The answer ``encode`` wrote (only ever this child's own output)."""
    if data[:1] == b"M":
        return marshal.loads(data[1:])
    return pickle.loads(data[1:])


if __name__ == "__main__":
    main()
