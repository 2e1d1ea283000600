"""The child process that reads a workbook for ``core.importing.sandbox`` (run as a script).

It imports nothing of Dispo, only the standard library and python-calamine, so that it starts
fast and a damaged file can take down nothing but this process. The request comes pickled on
standard input, the answer goes to standard output (marshalled, or pickled when cells hold dates):

    request:  {"path", "format", "by_content", "sheets", "memory", "misbehave", "path_entries"}
    answer:   ("ok", [(name, rows, hidden, merged, missing), ...])
              ("password", detail) | ("unreadable", detail)

A memory limit (``RLIMIT_AS`` on POSIX, a job object's process memory limit on Windows, best
effort) makes a reader that allocates without bound fail inside this process; the parent's
time limit covers the rest.
"""

from __future__ import annotations

import io
import marshal
import pickle
import sys


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
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:  # not every format reports merged cells
                merged = []
            out.append((meta.name, rows, meta.visible != SheetVisibleEnum.Visible, merged, False))
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
