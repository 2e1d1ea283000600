"""The logfail fixture (tests/logfail.py): an unexpected logging warning or error fails a test."""

import logging

import pytest

from tests.logfail import LogFailHandler, unexpected

EXAMPLE = '''
import logging
import threading

import pytest


def test_warns():
    logging.getLogger("dispo.x").warning("disk nearly full")


def test_errors_in_a_thread():
    t = threading.Thread(target=lambda: logging.getLogger("dispo.y").error("lost %s", "lock"))
    t.start()
    t.join()


def test_info_is_fine():
    logging.getLogger("dispo.x").info("opened")


@pytest.mark.allow_log
def test_marked():
    logging.getLogger("dispo.x").warning("expected")


@pytest.mark.allow_log("dispo.locking")
def test_marked_for_another_logger():
    logging.getLogger("dispo.backup").warning("not the one allowed")


def test_with_caplog(caplog):
    logging.getLogger("dispo.x").error("looked at")
    assert "looked at" in caplog.text
'''


@pytest.mark.allow_log  # the inner run logs through this process's root logger too
def test_an_unexpected_warning_or_error_fails_the_test(pytester):
    pytester.makeconftest('pytest_plugins = ["tests.logfail"]')
    pytester.makepyfile(test_example=EXAMPLE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    # 6 tests pass their bodies; the fixture's teardown turns 3 of them into errors
    assert outcomes["passed"] == 6 and outcomes["errors"] == 3
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_warns*", "*dispo.x WARNING: disk nearly full*",
        "*ERROR at teardown of test_errors_in_a_thread*", "*dispo.y ERROR: lost lock*",
        "*ERROR at teardown of test_marked_for_another_logger*", "*dispo.backup WARNING: not the one allowed*",
    ])


def test_the_handler_keeps_warnings_and_up_and_the_allowance_filters_by_logger():
    handler = LogFailHandler()
    logger = logging.getLogger("dispo.logfail-check")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.info("quiet")
        logger.warning("w")
        logger.getChild("sub").error("e")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert [r.getMessage() for r in handler.records] == ["w", "e"]
    assert unexpected(handler.records, None) == ["dispo.logfail-check WARNING: w",
                                                  "dispo.logfail-check.sub ERROR: e"]
    assert unexpected(handler.records, ("dispo.logfail-check",)) == []
    assert unexpected(handler.records, ()) == []
    assert unexpected(handler.records, ("dispo.logfail",)) == unexpected(handler.records, None)


@pytest.mark.allow_log("dispo.logfail-check")
def test_a_marked_test_may_log():
    logging.getLogger("dispo.logfail-check").warning("expected here")
