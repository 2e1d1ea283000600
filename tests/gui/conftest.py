"""Fixtures of the GUI tests: an application context on a copy of the demo municipality."""

from __future__ import annotations

import pytest

from tests.gui.helpers import app_context


@pytest.fixture
def context(demo_db, tmp_path):
    """An ``AppContext`` on the test's own copy of the demo (``demo_db`` is a second connection)."""
    with app_context(tmp_path / "demo.sqlite") as ctx:
        yield ctx


@pytest.fixture
def shown(qtbot, context):
    """A function making a screen (or other widget taking the context) shown and loaded."""
    def make(widget_class):
        widget = widget_class(context)
        qtbot.addWidget(widget)
        widget.show()
        widget.refresh()
        return widget

    return make
