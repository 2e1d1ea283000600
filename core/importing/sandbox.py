"""Reading a workbook in a child process with a memory and a time limit.

A damaged spreadsheet can make a reader library allocate gigabytes and abort the whole
process (``memory allocation of 8589934592 bytes failed``) or loop for ever; no ``except``
catches that. So workbooks (xlsx, xlsm, xlsb, xls, ods) are read by
``core/importing/reader_child.py`` in a child process of the same interpreter: with a memory
limit (``RLIMIT_AS`` on POSIX; on Windows a job object's, best effort: it is not tested there)
and everywhere with a time limit. When the child dies or
overruns, the file is refused with a Danish message and Dispo goes on. CSV files are read
in-process (Python's csv module cannot take the process down).

The cost is starting one interpreter (0.02 s: it starts without the site machinery, told where
python-calamine is) and passing the rows back (marshal, or pickle when cells hold dates): about
0.08 s for 50,000 rows (see ``bench/bench_import.py``).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

from core.errors import DispoError
from core.importing import reader_child
from core.importing.reader_child import decode

CHILD = Path(__file__).with_name("reader_child.py")
GIB = 1024 ** 3
MB = 1024 ** 2

#: a reader on the file's data needs far less than this; a runaway allocation hits it at once
MEMORY_BASE, MEMORY_PER_BYTE, MEMORY_CAP = 2 * GIB, 200, 8 * GIB
#: seconds: an ordinary 2 MB workbook reads in about one
TIME_BASE, TIME_PER_MB = 60, 15

SAVE_AGAIN = "Åbn den i Excel eller LibreOffice, og gem den igen som .xlsx; importér så den nye fil."


class ReaderFailed(DispoError):
    """The child reading a workbook died, overran its limits or said the file is unreadable."""


class PasswordProtected(DispoError):
    """The workbook is encrypted with a password."""


def memory_limit(size: int) -> int:
    """Bytes of address space the child may use for a file of ``size`` bytes."""
    return min(MEMORY_BASE + MEMORY_PER_BYTE * size, MEMORY_CAP)


def time_limit(size: int) -> float:
    """Seconds the child may take for a file of ``size`` bytes."""
    return TIME_BASE + TIME_PER_MB * size / MB


def password_message(name: str) -> str:
    return (f"Filen '{name}' er beskyttet med en adgangskode, så Dispo kan ikke læse den. Åbn den med "
            "adgangskoden, og gem en kopi uden: i Excel Filer → Gem som → Flere indstillinger → Værktøjer → "
            "Generelle indstillinger, slet adgangskoden til åbning; i LibreOffice Filer → Gem som, uden "
            "flueben ved 'Gem med adgangskode'. Importér så kopien.")


def read_workbook(path: Path, *, by_content: bool, sheets: list[str] | None = None,
                  memory: int | None = None, seconds: float | None = None,
                  misbehave: str | None = None) -> list[tuple]:
    """The sheets of a workbook as ``(name, rows, hidden, merged, missing)`` tuples, read in a child.

    Args:
        by_content: let the reader tell the format from the content (the extension is wrong).
        sheets: read only these sheets.
        memory, seconds: the child's limits; by default from the file's size.
        misbehave: a test hook making the child ``allocate`` without bound, ``hang`` or ``crash``.

    Raises:
        PasswordProtected: the workbook is encrypted.
        ReaderFailed: the reader died, overran a limit or could not read the file.
    """
    size = path.stat().st_size
    memory = memory_limit(size) if memory is None else memory
    seconds = time_limit(size) if seconds is None else seconds
    request = {"path": str(path), "by_content": by_content, "sheets": sheets, "memory": memory,
               "misbehave": misbehave}
    if _in_process():  # no interpreter to start: read here, unguarded
        answer = reader_child.read(request)
    else:
        ahead = _AHEAD.pop(_read_key(path, request), None) if _AHEAD else None
        if ahead is not None:
            proc, started = ahead
            # the limit runs from the child's start (with time left to take an answer it has ready)
            answer = _finish_child(path.name, proc, None,
                                   max(seconds - (time.monotonic() - started), min(seconds, 10.0)))
        else:
            answer = _finish_child(path.name, _start_child(path.name, request), pickle.dumps(_child_request(request)),
                                   seconds)
    status = answer[0]
    if status == "password":
        raise PasswordProtected(password_message(path.name))
    if status == "unreadable":
        raise ReaderFailed(f"Filen '{path.name}' kan ikke læses som regneark (xlsx, xls, ods). Er den "
                           f"beskadiget eller gemt i et andet format? {SAVE_AGAIN}")
    return answer[1]


def _reader_folder() -> str | None:
    """The folder python-calamine is installed in (found without importing it), or None."""
    global _READER_FOLDER
    if _READER_FOLDER is False:
        try:
            spec = importlib.util.find_spec("python_calamine")
            places = list(spec.submodule_search_locations or []) if spec else []
        except (ImportError, ValueError):
            places = []
        _READER_FOLDER = os.path.dirname(places[0]) if places and os.path.isdir(places[0]) else None
    return _READER_FOLDER


_READER_FOLDER: str | None | bool = False


def _in_process() -> bool:
    return getattr(sys, "frozen", False) or not sys.executable


def _child_request(request: dict) -> dict:
    return {**request, "path_entries": [_reader_folder()] if _reader_folder() else []}


def _start_child(name: str, request: dict) -> subprocess.Popen:
    """The child process, started (its request is written by ``_finish_child`` or ``read_ahead``)."""
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window flashing up on Windows
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    # the child needs the standard library and python-calamine only: told where the reader is, it
    # starts without the site machinery (-S: no .pth files, no sitecustomize), in half the time
    args = [sys.executable, "-P", str(CHILD)] if _reader_folder() is None else \
        [sys.executable, "-S", "-P", str(CHILD)]
    try:
        return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                creationflags=flags, env=env)
    except OSError as ex:
        raise ReaderFailed(f"Filen '{name}' kan ikke læses: regnearkslæseren kunne ikke startes "
                           f"({ex.strerror or ex})") from ex


def _finish_child(name: str, proc: subprocess.Popen, request: bytes | None, seconds: float):
    """The child's answer (``request`` is written to it first, unless it has it already); the child
    is stopped when it overruns ``seconds``."""
    with proc:
        try:
            stdout, _ = proc.communicate(request, timeout=max(seconds, 0.001))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise ReaderFailed(f"Filen '{name}' kan ikke læses: læsningen tog over {seconds:.0f} sekunder og er "
                               f"stoppet. Filen er nok beskadiget. {SAVE_AGAIN}") from None
        except BaseException:
            proc.kill()
            raise
    if proc.returncode != 0 or not stdout:
        raise ReaderFailed(f"Filen '{name}' kan ikke læses: regnearkslæseren brugte for meget hukommelse eller "
                           f"gik ned på den. Filen er nok beskadiget. {SAVE_AGAIN}")
    return decode(stdout)


#: reads started ahead (``read_ahead``): the request's key -> (child, when it started)
_AHEAD: dict[tuple, tuple[subprocess.Popen, float]] = {}


def _read_key(path: Path, request: dict) -> tuple:
    """What a read started ahead must match: the same file, unchanged, read the same way."""
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, request["by_content"],
            tuple(request["sheets"]) if request["sheets"] is not None else None, request["memory"],
            request["misbehave"])


def read_ahead(path: Path, *, by_content: bool) -> None:
    """Start reading all sheets of a workbook now, in its child with the usual limits: a later
    ``read_workbook`` of the same, unchanged file with the same arguments takes the child's answer
    instead of starting another. The command line calls it before it loads the rest of Dispo, so
    that the file is read while Dispo starts. A read never taken is stopped when Dispo ends.
    """
    if _in_process():
        return
    size = path.stat().st_size
    request = {"path": str(path), "by_content": by_content, "sheets": None, "memory": memory_limit(size),
               "misbehave": None}
    key = _read_key(path, request)
    if key in _AHEAD:
        return
    proc = _start_child(path.name, request)
    try:
        proc.stdin.write(pickle.dumps(_child_request(request)))
        proc.stdin.close()
        proc.stdin = None  # written: ``communicate`` has nothing to send
    except OSError:  # the child is already gone: the read proper will start its own
        proc.kill()
        proc.wait()
        return
    _AHEAD[key] = (proc, time.monotonic())
    if len(_AHEAD) == 1:
        atexit.register(_stop_reads_ahead)


def _stop_reads_ahead() -> None:
    while _AHEAD:
        proc, _ = _AHEAD.popitem()[1]
        with proc:
            proc.kill()
            proc.communicate()
