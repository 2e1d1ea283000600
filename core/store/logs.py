"""Logging: a rotating log file in the data folder, with every CPR number masked.

The log is for finding bugs, and the database holds CPR numbers and health data that
must never leave it. So every record that reaches Dispo's log handler passes
``CprFilter``, which masks anything that looks like a CPR number (``DDMMYY-SSSS``,
``DDMMYYSSSS``, ``DDMMYY SSSS``, and nine digits that lost a leading zero) in the
message, its arguments, the traceback and the stack. Error reports shown to the user
(the GUI's bug dialog, the CLI's message) go through the same ``mask_cpr``.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import traceback
from pathlib import Path

from core import __version__
from core.store.storage import data_dir

LOG_NAME = "dispo.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MASK = "xxxxxx-xxxx"

# ten digits whose first six could be a date, optionally split after the sixth
_CPR_10 = re.compile(r"(?<![\d])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(\d{2})[-‐– ]?(\d{4})(?![\d])")
# nine digits: a CPR from a spreadsheet that dropped the leading zero of the day
_CPR_9 = re.compile(r"(?<![\d.,])([1-9])(0[1-9]|1[0-2])(\d{2})(\d{4})(?:\.0+)?(?![\d])")


def mask_cpr(text: str) -> str:
    """``text`` with everything CPR-like replaced by ``xxxxxx-xxxx``."""
    if not text:
        return text
    return _CPR_9.sub(MASK, _CPR_10.sub(MASK, text))


class CprFilter(logging.Filter):
    """Masks CPR numbers in a record's message, arguments, traceback and stack (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string must still be logged, masked
            message = f"{record.msg} {record.args}"
        record.msg = mask_cpr(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_cpr(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_cpr(record.stack_info)
        return True


def log_dir() -> Path:
    """The log folder: ``DISPO_LOG_DIR`` when set (the tests set it), else ``logs`` in the data folder."""
    import os

    override = os.environ.get("DISPO_LOG_DIR")
    return Path(override) if override else data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / LOG_NAME


_handler: logging.Handler | None = None


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send Dispo's log records (masked) to a rotating file in the data folder.

    Returns the log file, or None when the folder cannot be written (Dispo still runs).
    Calling it again moves the log to ``folder``.
    """
    global _handler
    path = (folder or log_dir()) / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.addFilter(CprFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _handler = handler
    return path


def bug_report(exc: BaseException) -> str:
    """The text of a bug report: version, platform and the traceback, CPR masked, no data."""
    import platform
    import sys

    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return mask_cpr(f"Dispo {__version__}, Python {sys.version.split()[0]}, {platform.platform()}\n\n{tb}")
