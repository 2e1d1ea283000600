"""The headless command line: ``python main.py [--db PATH] COMMAND``.

Each area of the product has a module here with ``register(subparsers)``; a command's
handler gets the parsed arguments and an open database and returns the exit status.
Exit status: 0 done, 1 the user's or the file's fault (a one-line Danish message on
stderr), 2 wrong usage (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

from core import __version__
from core.errors import DatabaseError, DispoError, ReadOnlyError, from_environment
from core.money import InvalidNumber, parse_date

DONE, FAULT, USAGE = 0, 1, 2  # exit status: done; the user's or the file's fault; wrong usage

COMMAND_MODULES = [
    "core.cli.register",
    "core.cli.importing",
    "core.cli.followup",
    "core.cli.vum",
    "core.cli.reports",
    "core.cli.safety",
    "core.cli.settings",
    "core.cli.satser",
    "core.cli.budget_year",
    "core.cli.scenarios",
    "core.cli.month",
]

# The store (sqlite-utils, the migrations), the locking and the logging are loaded inside the functions
# that need them, once the command is known (LAZY_LOADS in tests/test_import_rules.py): an import's workbook
# starts being read in its child (``_read_ahead``) before they load, and ``--help`` or a usage error needs
# none of them.

#: the module that registers each command: a call of one command imports only that module (an
#: import does not load the reports' openpyxl nor the forecast). A command not named here (a new
#: one) makes every module register, as does ``--help``; tests/cli/test_cli.py checks the names.
MODULE_OF_COMMAND = {
    **dict.fromkeys(["demo", "citizens", "grants", "catalogue"], "core.cli.register"),
    **dict.fromkeys(["import", "batches", "undo", "import-profiles", "postings"], "core.cli.importing"),
    **dict.fromkeys(["forecast", "budget", "expected", "refund", "reconcile", "occupancy", "validate", "approve",
                     "snapshots"], "core.cli.followup"),
    "vum": "core.cli.vum",
    "report": "core.cli.reports",
    **dict.fromkeys(["backup", "backups", "restore", "integrity", "audit"], "core.cli.safety"),
    "settings": "core.cli.settings",
    "satser": "core.cli.satser",
    **dict.fromkeys(["rates", "savings", "trend", "activity", "unit-report", "targetgroups"], "core.cli.budget_year"),
    **dict.fromkeys(["businesscase", "scenarios", "inhouse", "pa-followup", "keyfigures", "keyfigure-reference"],
                    "core.cli.scenarios"),
    "month": "core.cli.month",
}


# argparse's own English texts and their Danish wording (help sections, usage, errors).
# Messages with a placeholder are regular expressions; \\1, \\2 keep the placeholder's text.
_DANISH = [
    (r"^usage: ", "brug: "),
    (r"\nusage: ", "\nbrug: "),
    (r"positional arguments:", "argumenter:"),
    (r"\noptions:", "\ntilvalg:"),
    (r"optional arguments:", "tilvalg:"),
    (r"show this help message and exit", "vis denne hjælp og afslut"),
    (r"show program's version number and exit", "vis programmets version og afslut"),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"ugyldigt valg: \1 (vælg mellem \2)"),
    (r"the following arguments are required: (.*)", r"disse argumenter mangler: \1"),
    (r"unrecognized arguments: (.*)", r"ukendte argumenter: \1"),
    (r"invalid (\w+) value: (.*)", r"ugyldig værdi: \2"),
    (r"expected one argument", "skal have én værdi"),
    (r"expected at most one argument", "må højst have én værdi"),
    (r"expected at least one argument", "skal have mindst én værdi"),
    (r"expected (\d+) arguments?", r"skal have \1 værdier"),
    (r"ignored explicit argument (.*)", r"tager ingen værdi (fik \1)"),
    (r"not allowed with argument (.*)", r"kan ikke bruges sammen med \1"),
    (r"one of the arguments (.*) is required", r"et af argumenterne \1 skal angives"),
    (r"ambiguous option: (.*) could match (.*)", r"tvetydigt tilvalg: \1 kan betyde \2"),
    (r"^argument ", "argumentet "),
]


def danish(text: str) -> str:
    """argparse's English wording in ``text`` replaced by Danish (the rest is left as it is)."""
    for pattern, replacement in _DANISH:
        text = re.sub(pattern, replacement, text, flags=re.MULTILINE)
    return text


class DispoArgumentParser(argparse.ArgumentParser):
    """argparse speaking Danish ("brug:", "fejl:"); usage errors exit 2 (``USAGE``)."""

    def format_usage(self) -> str:
        return danish(super().format_usage())

    def format_help(self) -> str:
        return danish(super().format_help())

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: fejl: {danish(message)}\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``argv``, only the module of the command it calls registers
    (every module when the command is not known by name, or none is given)."""
    parser = DispoArgumentParser(
        prog="dispo",
        description="Dispo: budgetopfølgning på det specialiserede voksenområde. "
                    "Uden kommando åbnes programmet.",
    )
    parser.add_argument("--version", action="version", version=f"Dispo {__version__}")
    parser.add_argument("--db", metavar="STI", help="databasefil (standard: i brugerens datamappe)")
    parser.add_argument("--take-over-lock", action="store_true",
                        help="overtag låsen fra en Dispo, der ikke blev lukket korrekt (fx efter et nedbrud)")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    command = _command_word(argv) if argv is not None else None
    for name in [MODULE_OF_COMMAND[command]] if command in MODULE_OF_COMMAND else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _command_word(argv: list[str]) -> str | None:
    """The command ``argv`` calls: its first word that is neither an option of the top level nor the
    value of ``--db`` (``None`` when it asks for help or the version first)."""
    at = _command_at(argv)
    return None if at is None else argv[at]


def _command_at(argv: list[str]) -> int | None:
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--db":
            i += 2
            continue
        if arg.startswith("--db=") or arg == "--take-over-lock":
            i += 1
            continue
        return None if arg.startswith("-") else i
    return None


def _read_ahead(argv: list[str]) -> None:
    """An import's workbook starts being read in its child while the rest of Dispo loads (the read
    proper takes the child's answer): when the words after ``import`` name exactly one existing file
    and choose no sheet. Otherwise, or when they were misread, the file is simply read as usual."""
    at = _command_at(argv)
    if at is None or argv[at] != "import":
        return
    words = argv[at + 1:]
    if any(w.startswith("--sh") for w in words):  # --sheet, also abbreviated
        return
    files = [w for w in words if not w.startswith("-") and os.path.isfile(w)]
    if len(files) == 1:
        from core.importing.readers import read_ahead

        read_ahead(files[0])


def command_names() -> set[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def date_arg(text: str):
    """An argparse type: a date typed the Danish way (``31-10-2026``) or ISO."""
    try:
        return parse_date(text)
    except InvalidNumber as ex:
        raise argparse.ArgumentTypeError(str(ex)) from None


def year_arg(text: str) -> int:
    """An argparse type: a year between 1900 and 2200."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et årstal") from None
    if not 1900 <= year <= 2200:
        raise argparse.ArgumentTypeError(f"Året {year} er ikke gyldigt")
    return year


def month_arg(text: str) -> int:
    """An argparse type: a month 1-12."""
    try:
        month = int(text)
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise argparse.ArgumentTypeError(f"Måned skal være 1–12, ikke '{text}'")
    return month


def json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def pdf_writer(args):
    """The PDF writer ``main.py`` handed in (Qt paints PDFs, and core never imports Qt)."""
    write_pdf = getattr(args, "pdf_writer", None)
    if write_pdf is None:
        raise DispoError("PDF kan ikke dannes her; brug .xlsx eller kør Dispo via main.py")
    return write_pdf


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=json_default)
    sys.stdout.write("\n")


def print_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """A plain text table: ``columns`` are (key, Danish heading)."""
    widths = [max([len(h)] + [len(str(r.get(k, "") or "")) for r in rows]) for k, h in columns]
    print("  ".join(h.ljust(w) for (_, h), w in zip(columns, widths)).rstrip())
    for r in rows:
        print("  ".join(str(r.get(k, "") if r.get(k) is not None else "").ljust(w)
                        for (k, _), w in zip(columns, widths)).rstrip())


# Commands that only read the database: given a ``--db`` file that does not exist they say
# so (exit 1) instead of creating an empty database. Every other command writes and
# creates the file when its folder exists. A command can say it itself with
# ``set_defaults(writes=True/False)``; a group's subcommand is written "group action".
READING_COMMANDS = {
    "citizens", "grants", "catalogue", "batches", "postings", "forecast", "budget list", "expected list",
    "refund", "reconcile", "occupancy", "validate", "snapshots", "report", "backup", "integrity", "audit",
    "settings", "vum allocation", "vum assessments", "vum due", "vum table",
    "budget", "expected", "vum",  # a group without its action only shows its help
}
_ACTION_DESTS = ("action", "budget_command", "expected_command", "vum_command")


def command_path(args) -> str:
    """The command as typed without its options, e.g. ``settings set`` or ``grants``."""
    words = [args.command or ""]
    words += [getattr(args, dest) for dest in _ACTION_DESTS if getattr(args, dest, None)]
    return " ".join(words)


def writes(args) -> bool:
    """Whether the command changes the database (and so may create a new file)."""
    declared = getattr(args, "writes", None)
    if declared is not None:
        return bool(declared)
    if args.command == "import-profiles":
        return bool(args.rename or args.delete is not None)
    if command_path(args) == "vum rule":  # shows the rule; changes it only with an option
        return any(getattr(args, name, None) for name in ("measure", "steps", "threshold", "months"))
    return command_path(args) not in READING_COMMANDS


def database_path(args) -> Path:
    from core.store.storage import default_db_path

    return Path(args.db) if args.db else default_db_path()


def check_database_exists(args, path: Path) -> None:
    """A missing ``--db`` file: a reading command says it does not exist; a writing command
    may create it, but only in a folder that exists (no command creates folders).

    Raises:
        DatabaseError: naming the missing file or folder.
    """
    if path.exists():
        return
    if not path.parent.is_dir():
        raise DatabaseError(f"Databasen '{path}' findes ikke, og det gør mappen '{path.parent}' heller ikke. "
                            "Tjek stien; Dispo opretter ikke mapper.")
    if not writes(args):
        raise DatabaseError(f"Databasen '{path}' findes ikke. Tjek stien, eller opret databasen med "
                            "'dispo --db STI demo' eller ved at importere en fil.")


def open_database(args):
    """Open the database as its one writer, or read-only when another Dispo has it."""
    from core.store.locking import open_session

    return open_session(database_path(args), take_over=args.take_over_lock)


def _stale(session) -> bool:
    from core.store.locking import is_stale

    return session.holder is not None and is_stale(session.holder)


def _readonly_message(session) -> str:
    text = session.readonly_reason or "Databasen er åbnet skrivebeskyttet."
    if _stale(session):
        text += " Kør kommandoen igen med --take-over-lock for at overtage låsen."
    return text


def _innermost_parser(parser: argparse.ArgumentParser, args) -> argparse.ArgumentParser:
    """The parser of the (sub)command ``args`` was parsed for, e.g. ``vum due``'s."""
    while True:
        action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(args, action.dest, None) if action is not None else None
        if chosen not in (action.choices if action is not None else {}):
            return parser
        parser = action.choices[chosen]


def run(argv: list[str], *, pdf_writer=None) -> int:
    """Run one command; returns the exit status.

    A command whose parser sets ``opens_database=False`` gets ``None`` for the database
    and handles the file itself (``restore`` must work on a damaged file).

    Args:
        pdf_writer: ``write_pdf(report, path, *, mask_cpr)`` for ``report --out FILE.pdf``.
            PDF needs Qt, which core never imports, so the edge that knows Qt (main.py)
            hands it in; the handlers find it as ``args.pdf_writer``.
    """
    import logging
    import sqlite3

    from core.store.logs import setup_logging

    _read_ahead(argv)
    parser = build_parser(argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # told by the command's own parser: its usage line and its options, not the top level's
        _innermost_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    args.pdf_writer = pdf_writer
    if not getattr(args, "handler", None):
        parser.print_help()
        return USAGE
    log_path = setup_logging()
    session = None
    try:
        if not getattr(args, "opens_database", True):
            return args.handler(args, None) or 0
        check_database_exists(args, database_path(args))
        session = open_database(args)
        if session.readonly and _stale(session):
            print(f"Bemærk: {_readonly_message(session)}", file=sys.stderr)
        return args.handler(args, session.db) or 0
    except DispoError as ex:
        print(f"Fejl: {ex}", file=sys.stderr)
        return FAULT
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except (sqlite3.Error, OSError) as ex:
        known = from_environment(ex)
        if known is None:
            return _bug(ex, log_path)
        if isinstance(known, ReadOnlyError) and session is not None and session.readonly:
            known = ReadOnlyError(_readonly_message(session))
        print(f"Fejl: {known}", file=sys.stderr)
        logging.getLogger("dispo.cli").info("command %s failed: %s", args.command, known)
        return 1
    except Exception as ex:
        return _bug(ex, log_path)
    finally:
        if session is not None:
            session.close()


def _bug(ex: Exception, log_path) -> int:
    """A bug: the traceback (CPR masked) goes to the log, the user gets one line and where it is."""
    import logging

    logging.getLogger("dispo.cli").error("unexpected error", exc_info=ex)
    where = f" Detaljer er skrevet i logfilen {log_path}." if log_path else ""
    print(f"Fejl: Der opstod en uventet fejl i Dispo ({type(ex).__name__}).{where} "
          "Send logfilen til den, der vedligeholder Dispo.", file=sys.stderr)
    return 1
