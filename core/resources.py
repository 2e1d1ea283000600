"""Where Dispo's shipped files (``resources/``) are: in the source tree or in a built app.

From source they are in ``resources/`` beside ``core/``. In a PyInstaller build the
bundled data lies under ``sys._MEIPASS`` (the ``_internal`` folder of a one-folder
build), where the spec puts ``resources/`` too. Every reader of a shipped file asks here,
so the two cases are decided in one place.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder holding catalogue.json, vum.json, help/ and the icons."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A shipped file, e.g. ``resource_path("help", "index.html")``."""
    return resources_dir().joinpath(*parts)
