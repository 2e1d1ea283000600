"""Dispo: start the GUI, or with a subcommand the headless CLI on the same core.

    python main.py                      open Dispo
    python main.py --demo               open Dispo on the demo municipality
    python main.py [--db PATH] COMMAND  run a command (see --help)
"""

from __future__ import annotations

import sys

GUI_FLAGS = {"--demo"}
GUI_OPTIONS = {"--db"}


def _wants_cli(argv: list[str]) -> bool:
    """Anything but the GUI's own options (``--db PATH``, ``--demo``) is a CLI call."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in GUI_FLAGS or arg.startswith("--db="):
            continue
        if arg in GUI_OPTIONS and rest:
            rest.pop(0)
            continue
        return True
    return False


# The edges are loaded inside the functions (LAZY_LOADS in tests/test_import_rules.py): a command never
# loads Qt, and a Python without the dependencies is told how to start before any of them is imported.

def write_pdf(report, path, *, mask_cpr: bool = False):
    """The CLI's PDF writer: Qt is loaded only when a PDF is actually written."""
    from gui.reports.pdf_report import write_pdf as qt_write_pdf

    return qt_write_pdf(report, path, mask_cpr=mask_cpr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_cli(argv):
        from core.cli import run

        return run(argv, pdf_writer=write_pdf)
    from gui.app import run_gui

    return run_gui(argv)


# what `pip install` brings into .venv; a Python without them gets told how to start instead
DEPENDENCIES = {"PySide6", "shiboken6", "sqlite_utils", "openpyxl", "python_calamine", "platformdirs", "rapidfuzz",
                "babel"}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ModuleNotFoundError as ex:
        if (ex.name or "").split(".")[0] not in DEPENDENCIES:
            raise
        sys.exit(f"Denne Python ({sys.executable}) har ikke Dispos afhængigheder ({ex.name} mangler).\n"
                 "Start Dispo med:  python3 packaging/bootstrap.py app\n"
                 "eller fra miljøet, den har lavet:  .venv/bin/python main.py  (Windows: .venv\\Scripts\\python main.py)")
