"""Shared pieces of the fuzz suites: bounded hypothesis settings, the CLI run in-process,
and what every answer to bad input must look like.

``DISPO_FUZZ_EXAMPLES`` sets how many examples each property gets (small by default so
CI stays within a few minutes); ``DISPO_FUZZ_LONG=1`` is the long run by hand (many more
examples and the 1,000,000-row file).
"""

from __future__ import annotations

import contextlib
import io
import os
import random

from hypothesis import HealthCheck, Phase, settings

LONG = os.environ.get("DISPO_FUZZ_LONG") == "1"
EXAMPLES = int(os.environ.get("DISPO_FUZZ_EXAMPLES", "500" if LONG else "15"))
BIG_ROWS = 1_000_000 if LONG else int(os.environ.get("DISPO_FUZZ_ROWS", "100000"))

# The bounded run does not shrink a failing example (that can take minutes); the long run does.
PHASES = list(Phase) if LONG else [Phase.explicit, Phase.reuse, Phase.generate]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, phases=PHASES,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def run_cli(*args) -> tuple[int, str, str]:
    """``main.py ARGS`` in this process (fast enough for thousands of inputs)."""
    from core.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run([str(a) for a in args])
        except SystemExit as ex:  # argparse: wrong usage
            code = ex.code
    return code, out.getvalue(), err.getvalue()


def assert_no_bug(code: int, err: str) -> None:
    """No traceback and no 'unexpected error' (a bug turned into exit 1 by the CLI)."""
    assert "Traceback" not in err, err
    assert "uventet fejl" not in err, err
    assert code in (0, 1, 2), (code, err)


def assert_clear_refusal(code: int, err: str) -> None:
    """Exit 1 with one Danish 'Fejl: ...' message, and no bug."""
    assert_no_bug(code, err)
    assert code == 1, err
    assert err.startswith("Fejl: ") and len(err.strip()) > 12, err


POSTINGS_HEADER = ["Bogf.dato", "Dranst", "Funktion", "Art", "Beløb", "CPR-nr", "Posteringstekst", "Bilagsnr"]


def postings_rows(n: int, rng: random.Random):
    """``n`` valid lines of a finance-system extract (bookings), laid out as POSTINGS_HEADER
    (a generator: the long run writes a million of them)."""
    for i in range(n):
        day = i % 28 + 1
        yield [f"{day:02d}-{i % 10 + 1:02d}-2026", 1, "5.38.50", "4.0", f"{rng.randrange(100, 99999)},{i % 100:02d}",
               f"{day:02d}{i % 12 + 1:02d}80{i % 4000:04d}", f"Botilbud {i}", 500000 + i]
