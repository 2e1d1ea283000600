"""A command loads only its own module: an import does not wait for the reports, the forecast or openpyxl."""

import argparse
import importlib
import json
import os
import subprocess
import sys

import pytest

from core.cli import COMMAND_MODULES, MODULE_OF_COMMAND, _command_word, command_names
from tests.conftest import ROOT


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_each_named_command_is_registered_by_the_module_named_for_it(module):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    importlib.import_module(module).register(sub)
    named = {command for command, m in MODULE_OF_COMMAND.items() if m == module}
    assert named <= set(sub.choices), f"{module} does not register {named - set(sub.choices)}"


def test_every_named_command_exists_and_its_module_is_a_command_module():
    assert set(MODULE_OF_COMMAND) <= command_names()
    assert set(MODULE_OF_COMMAND.values()) <= set(COMMAND_MODULES)


@pytest.mark.parametrize("argv, word", [
    (["import", "f.csv"], "import"),
    (["--db", "x.sqlite", "import", "f.csv"], "import"),
    (["--db=x.sqlite", "--take-over-lock", "grants", "--json"], "grants"),
    (["--db", "import", "grants"], "grants"),  # a database file named 'import'
    (["--help"], None), (["--version"], None), (["--db"], None), ([], None),
    (["--d", "x.sqlite", "import"], None),  # an abbreviated option: every module registers, as before
])
def test_the_command_word_is_found_after_the_top_level_options(argv, word):
    assert _command_word(argv) == word


def test_an_import_loads_neither_openpyxl_nor_the_reports_nor_the_forecast(tmp_path):
    csv_file = tmp_path / "bogfoering.csv"
    # two bookings a finance system might export (a CPR of the demo's form, kroner with øre)
    csv_file.write_text("Bogf.dato;Funktion;Art;Beløb;CPR-nr;Posteringstekst\n"
                        "05-01-2026;5.38.50;4.0;1.234,50;0101801234;Betaling januar\n"
                        "05-02-2026;5.38.50;4.0;-100,00;0101801234;Betaling februar\n", encoding="utf-8")
    db = tmp_path / "dispo.sqlite"
    script = ("import json, sys\nfrom core.cli import run\n"
              f"status = run(['--db', {str(db)!r}, 'import', {str(csv_file)!r}, '--json'])\n"
              "loaded = sorted(m for m in ('openpyxl', 'core.reports', 'core.followup', 'core.vum', 'core.budget_year',"
              " 'core.cli.reports', 'core.cli.followup') if m in sys.modules)\n"
              "print(json.dumps({'status': status, 'loaded': loaded}), file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                       env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    result = json.loads(r.stdout)
    assert result["imported"] == 2, r.stderr
    report = json.loads(r.stderr.strip().splitlines()[-1])
    assert report == {"status": 0, "loaded": []}


def test_opening_a_database_does_not_look_for_sqlite_utils_plugins(tmp_path):
    # looking for plugins reads the metadata of every installed package at each start; Dispo uses none
    script = ("import sys\nfrom core.store.storage import open_db\n"
              f"open_db({str(tmp_path / 'dispo.sqlite')!r}).close()\n"
              "import sqlite_utils.plugins\nprint(sqlite_utils.plugins._plugins_loaded)\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.stdout.strip() == "False", r.stderr
