"""An unexpected ``logging`` warning or error fails the test (after qutebrowser's
``tests/helpers/logfail.py``).

A handler on the root logger, installed around every test by an autouse fixture, collects
the records of level WARNING and above; when the test is over, any it collected fail the
test, naming the logger, the level and the message. Collecting rather than raising in
``emit`` catches a record logged in a worker thread too, and never lets the failure be
swallowed by the code under test.

A test that expects a warning says so, either way:

- ``@pytest.mark.allow_log`` (optionally ``allow_log("dispo.locking")``: only those loggers), or
- it uses the ``caplog`` fixture, and so looks at the log itself.

Loaded as a plugin by ``tests/conftest.py``.
"""

from __future__ import annotations

import logging

import pytest


class LogFailHandler(logging.Handler):
    """Keeps every record at or above ``level`` for the fixture to fail on."""

    def __init__(self, level: int = logging.WARNING):
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def unexpected(records: list[logging.LogRecord], allowed_loggers: tuple[str, ...] | None) -> list[str]:
    """The records a test did not allow, as ``logger LEVEL: message`` lines."""
    lines = []
    for record in records:
        if allowed_loggers is not None and (not allowed_loggers or any(
                record.name == name or record.name.startswith(name + ".") for name in allowed_loggers)):
            continue
        lines.append(f"{record.name} {record.levelname}: {record.getMessage()}")
    return lines


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "allow_log(*loggers): the test expects logging warnings/errors (from these loggers; "
                   "all when none are named)")


@pytest.fixture(autouse=True)
def fail_on_logged_warnings(request):
    handler = LogFailHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    marker = request.node.get_closest_marker("allow_log")
    if marker is not None:
        allowed = tuple(marker.args)
    elif "caplog" in request.fixturenames:
        allowed = ()
    else:
        allowed = None
    lines = unexpected(handler.records, allowed)
    if lines:
        pytest.fail("unexpected log messages (mark the test allow_log if they are expected):\n  "
                    + "\n  ".join(lines), pytrace=False)
