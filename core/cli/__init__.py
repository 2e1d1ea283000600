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
import sys
from decimal import Decimal
from pathlib import Path

from core import __version__
from core.errors import DispoError

COMMAND_MODULES = [
    "core.cli.register",
    "core.cli.importing",
    "core.cli.followup",
    "core.cli.vum",
    "core.cli.reports",
]


class DispoArgumentParser(argparse.ArgumentParser):
    """argparse with Danish-friendly defaults; usage errors exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = DispoArgumentParser(
        prog="dispo",
        description="Dispo: budgetopfølgning på det specialiserede voksenområde. "
                    "Uden kommando åbnes programmet.",
    )
    parser.add_argument("--version", action="version", version=f"Dispo {__version__}")
    parser.add_argument("--db", metavar="STI", help="databasefil (standard: i brugerens datamappe)")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def command_names() -> set[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


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


def open_database(args):
    from core.storage import default_db_path, open_db

    return open_db(Path(args.db) if args.db else default_db_path())


def run(argv: list[str]) -> int:
    """Run one command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        db = open_database(args)
        try:
            return args.handler(args, db) or 0
        finally:
            db.close()
    except DispoError as ex:
        print(f"Fejl: {ex}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
