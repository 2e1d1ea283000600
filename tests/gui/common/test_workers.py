"""The one job runner (gui/common/workers.py): results, progress, the newest request wins, and
errors: the user's as a Danish message, a bug as the bug dialog with a masked report."""

import errno
import threading

import pytest

from core.errors import ValidationError
from gui.common import errors
from gui.common.workers import Runner, Task, bug_message


def test_a_task_reports_progress_and_delivers_its_result(qtbot):
    def work(task):
        for done in (1, 2, 3):
            task.report(done, 3)
        return "færdig"

    task = Task(work)
    seen = []
    task.signals.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(task.signals.done, timeout=10000) as blocker:
        task.start()
    assert blocker.args == ["færdig"]
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("raised, words", [
    (ValidationError({"rate": "Taksten skal være større end 0"}), "Taksten skal være større end 0"),
    (OSError(errno.ENOSPC, "No space left on device"), "Disken er fuld"),
])
def test_the_users_or_the_environments_error_is_its_danish_message(qtbot, raised, words):
    shown_before = len(errors._open_dialogs)

    def work(task):
        raise raised

    task = Task(work)
    with qtbot.waitSignal(task.signals.failed, timeout=10000) as blocker:
        task.start()
    assert words in blocker.args[0]
    assert len(errors._open_dialogs) == shown_before  # no bug dialog


@pytest.mark.allow_log("dispo.gui")  # the bug is logged (masked)
def test_a_bug_opens_the_bug_dialog_with_a_masked_report_and_says_so(qtbot):
    shown_before = len(errors._open_dialogs)

    def work(task):
        raise KeyError("no grant for 010180-1234")

    task = Task(work)
    with qtbot.waitSignal(task.signals.failed, timeout=10000) as blocker:
        task.start()
    assert blocker.args == [bug_message(KeyError())]
    assert "010180-1234" not in blocker.args[0]
    qtbot.waitUntil(lambda: len(errors._open_dialogs) > shown_before)
    dialog = errors._open_dialogs[-1]
    report = dialog.report.toPlainText()
    assert "KeyError" in report and "xxxxxx-xxxx" in report and "010180-1234" not in report
    dialog.reject()


def test_the_newest_request_wins(qtbot):
    runner = Runner()
    gate = threading.Event()
    first = runner.start_task(lambda task: gate.wait(10) and "first")
    with qtbot.waitSignal(runner.finished, timeout=10000) as blocker:
        runner.start_task(lambda task: "second")
    assert blocker.args == ["second"]
    assert first.cancelled()
    results = []
    runner.finished.connect(results.append)
    with qtbot.waitSignal(first.signals.done, timeout=10000):
        gate.set()
    qtbot.wait(50)
    assert results == [] and not runner.running  # the older result was dropped


def test_the_follow_up_job_runs_on_its_own_connection(qtbot, demo_db, tmp_path):
    job = Runner()
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start(tmp_path / "demo.sqlite", lambda db: db.execute("SELECT count(*) FROM grants").fetchone()[0])
    assert blocker.args == [demo_db.execute("SELECT count(*) FROM grants").fetchone()[0]]


def test_a_cancelled_runner_delivers_nothing(qtbot):
    runner = Runner()
    gate = threading.Event()
    delivered = []
    runner.finished.connect(delivered.append)
    runner.failed.connect(delivered.append)
    task = runner.start_task(lambda task: gate.wait(10) and "late")
    runner.cancel()
    assert not runner.running and task.cancelled()
    with qtbot.waitSignal(task.signals.done, timeout=10000):
        gate.set()
    qtbot.wait(50)
    assert delivered == []
