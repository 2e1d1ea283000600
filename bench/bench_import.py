"""Speed of importing a 50,000-row bookings file: Dispo against the floor and against pandas.

    python bench/bench_import.py [ROWS]          (BENCH_REPEAT=1 for a quick run)

For xlsx and csv it prints four lines, each Dispo's time beside a yardstick and the ratio:

- in-process, against the floor: a bare read (python-calamine in this process / the csv module)
  plus a bare ``executemany`` of the same rows, already converted, into a fresh Dispo postings
  table (indexes, one transaction) — what merely reading and storing the rows costs. Dispo's
  import is read -> commit (read in the sandboxed child, find the table, map, parse, find the
  persons, classify, check plausibility, commit with its batch, audit row and indexes; the
  database is opened before the timing, as the application has it open). Goal: at most 1.3x;
- in-process, against pandas: ``read_excel(engine="calamine")`` / ``read_csv`` +
  ``DataFrame.to_sql`` into a fresh SQLite file, the pipeline an analyst would write. Goal: below 1x;
- the same two as whole processes (interpreter start, imports, read, store), which is what a user
  waits for: ``main.py import FILE`` into a fresh Dispo database, as installed for use (without
  pandas and numpy); the floor's process reads the file and inserts its rows as read.

A last line imports the csv into a database that already holds ``YEAR_FILES`` months of such bookings
(other vouchers), as her monthly import does by autumn, against the floor into the same database.

pandas is a bench-only extra (``pip install -e .[bench]``), never a runtime dependency: without
it the pandas lines are skipped.

Where Dispo's time goes (csv, 50,000 rows, processor seconds on a two-core machine, December 2026,
third round): reading and finding the table 0.07 (the bare read 0.035, keeping no rows); the columns
parsed 0.095, each distinct value once (the CPR numbers searched for in the other columns 0.02 of it);
the postings kept as one block of row tuples (``records.RecordBlock``: no object per posting) 0.03;
subtotal labels 0.013 (per distinct value of each label column); plausibility 0.008; the insert 0.127
(``executemany`` 0.07 and rebuilding the three indexes 0.055, against the floor's 0.26 into the indexed
table); the batch, audit row and backup 0.013; freeing the file's 50,000 rows afterwards 0.02. In all
0.38-0.49 (processor time too stretches on a two-core machine that others load). pandas' whole csv import takes 0.08: it parses dates and CPR numbers
not at all, amounts as floats, looks for nobody, and stores into a table without indexes; its whole
process is mostly its own start (0.35 of importing pandas, against Dispo's 0.15: sqlite-utils,
rapidfuzz and Dispo's own modules). Dispo's insert alone, into the indexed table the forecast reads,
costs more than pandas' whole job.

Wall against processor time: ``strace -f -T`` of ``main.py import`` shows no wait in Dispo's own
thread longer than 5 ms: ten ``fdatasync`` calls (the backup before the import and the one
transaction) take 2 ms in all, the backup of a fresh database 10 ms, there is no child process for
csv and no WAL checkpoint. A wall time far above the processor time is the shared machine's load:
a bare ``python -c "import sqlite3"`` stretches by the same factor at the same moment.

Every timing is the best of ``REPEAT`` runs (the machine may be shared); each whole process is run
once more first, not counted, so that every side has its modules compiled, as installed. Each time
is printed as wall seconds and as processor seconds (``cpu``: this process and the children it
waited for, Dispo's reader child included): on a machine shared with other work the wall time
stretches with the others' load, the processor time hardly.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))  # BENCH_REPEAT=1 while developing
YEAR_FILES = 10  # months of bookings already in the database for the last line
HEADER = ["Bogf.dato", "Dranst", "Funktion", "Art", "Beløb", "CPR-nr", "Posteringstekst", "Bilagsnr"]


def rows(n: int):
    rng = random.Random(7)
    for i in range(n):
        day = rng.randint(1, 28)
        month = rng.randint(1, 12)
        amount = rng.randint(-50_000, 5_000_000) / 100
        cpr = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(40, 99):02d}{rng.randint(0, 3999):04d}"
        yield [f"{day:02d}-{month:02d}-2026", "1", rng.choice(["5.38.50", "5.32.33", "5.38.52"]), "4.0",
               f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."), cpr,
               f"Betaling {month:02d}-2026", str(100000 + i)]


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    xlsx = folder / "bogfoering.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bogføring")
    ws.append(HEADER)
    for r in rows(n):
        ws.append(r)
    wb.save(xlsx)
    csv_path = folder / "bogfoering.csv"
    with csv_path.open("w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        w.writerows(rows(n))
    return xlsx, csv_path


def bare_xlsx(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return len(wb.get_sheet_by_index(0).to_python())


def bare_csv(path: Path) -> int:
    with path.open(encoding="cp1252", newline="") as fh:
        return sum(1 for _ in csv.reader(fh, delimiter=";"))


def posting_rows(n: int) -> list[tuple]:
    """The file's rows as the postings table stores them (built outside the timing)."""
    out = []
    for date, _, account, art, amount, cpr, text, voucher in rows(n):
        d, m, y = date.split("-")
        out.append((f"{y}-{m}-{d}", account, "", art, int(amount.replace(".", "").replace(",", "")),
                    f"{cpr[:6]}-{cpr[6:]}", text, voucher, None, None))
    return out


def bare_insert(db_path: Path, values: list[tuple]) -> int:
    """A bare executemany of the rows into a fresh Dispo database's postings table, committed."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.executemany("INSERT INTO postings (date, account, grouping, art, amount_ore, cpr, text, voucher, "
                             "citizen_id, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    finally:
        conn.close()
    return len(values)


def dispo(path: Path, db) -> int:
    """Dispo's import of the file into an open (fresh) database: prepare + commit."""
    from core.importing.batches import commit, prepare

    return commit(db, prepare(db, path))["imported"]


class Clock:
    """Wall and processor seconds of what runs between ``start`` and ``stop``: the processor time of
    this process and of the children it waited for meanwhile (Dispo's reader child, a whole process),
    which a machine shared with others leaves nearly alone while it stretches the wall time."""

    def start(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: this process only
        return time.process_time()

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(times: list[tuple[float, float]]) -> tuple[float, float]:
    """The shortest wall time and the shortest processor time of the runs."""
    return min(w for w, _ in times), min(c for _, c in times)


def timed_dispo(path: Path, folder: Path) -> tuple[tuple[float, float], int]:
    """Best of ``REPEAT`` imports, each into a fresh database opened outside the timing (the
    application has its database open before any import)."""
    from core.store.storage import open_db

    times, out, clock = [], 0, Clock()
    for i in range(REPEAT):
        db_path = folder / f"bench-{path.suffix[1:]}-{i}.sqlite"
        db = open_db(db_path)
        try:
            clock.start()
            out = dispo(path, db)
            times.append(clock.stop())
        finally:
            db.close()
    return best_of(times), out


def timed(fn, *args, setup=None) -> tuple[tuple[float, float], object]:
    """Best of ``REPEAT`` runs (``setup`` runs before each, outside the timing)."""
    times, out, clock = [], None, Clock()
    for _ in range(REPEAT):
        if setup:
            setup()
        clock.start()
        out = fn(*args)
        times.append(clock.stop())
    return best_of(times), out


def pandas_import(path: Path, db_path: Path) -> int:
    """What an analyst writes: read the file with pandas, store it with ``to_sql`` into SQLite."""
    import sqlite3

    import pandas as pd

    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, engine="calamine")
    else:
        frame = pd.read_csv(path, sep=";", encoding="cp1252", decimal=",", thousands=".")
    conn = sqlite3.connect(db_path)
    try:
        frame.to_sql("postings", conn, index=False, if_exists="replace")
        conn.commit()
    finally:
        conn.close()
    return len(frame)


def have_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


PANDAS_SCRIPT = (
    "import sqlite3, sys\nimport pandas as pd\np, db = sys.argv[1], sys.argv[2]\n"
    "f = pd.read_excel(p, engine='calamine') if p.endswith('.xlsx') else "
    "pd.read_csv(p, sep=';', encoding='cp1252', decimal=',', thousands='.')\n"
    "c = sqlite3.connect(db); f.to_sql('postings', c, index=False, if_exists='replace'); c.commit()\n")

#: the floor as a whole process: start, the bare read, and a bare ``executemany`` of the rows as read
#: (no parsing) into a fresh Dispo database's postings table (indexes, one transaction)
FLOOR_SCRIPT = (
    "import sqlite3, sys\np, db = sys.argv[1], sys.argv[2]\n"
    "if p.endswith('.xlsx'):\n"
    "    from python_calamine import CalamineWorkbook\n"
    "    rows = CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()[1:]\n"
    "else:\n"
    "    import csv\n"
    "    with open(p, encoding='cp1252', newline='') as fh:\n"
    "        rows = list(csv.reader(fh, delimiter=';'))[1:]\n"
    "c = sqlite3.connect(db)\n"
    "with c:\n"
    "    c.executemany('INSERT INTO postings (date, account, grouping, art, amount_ore, cpr, text, voucher, "
    "citizen_id, batch_id) VALUES (?, ?, \\'\\', ?, ?, ?, ?, ?, NULL, NULL)', "
    "[(r[0], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows])\n"
    "c.close()\n")

#: Dispo as installed for use, where pandas (and numpy, which only pandas brings) is absent:
#: sqlite-utils imports them whenever it can (0.2-0.3 s of start-up), which only this bench's
#: environment would otherwise charge to Dispo
DISPO_WITHOUT_PANDAS = ("import runpy, sys\nsys.modules['pandas'] = sys.modules['numpy'] = None\n"
                        "sys.argv[0] = 'main.py'\nsys.exit(runpy.run_path('main.py', run_name='__main__'))\n")


def process_env(folder: Path) -> dict:
    """The environment of the timed processes: Python's compiled modules kept between runs (in the
    bench's own folder), as an installed Python has them. Where PYTHONDONTWRITEBYTECODE is set,
    Dispo's 40,000 lines would be compiled anew in every run while pandas' installed ones are not."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP")}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def timed_process(args: list[str], setup, env: dict) -> tuple[float, float]:
    """Best of ``REPEAT`` runs of a whole process after one run not counted (it compiles the modules
    once); ``setup`` runs before each, outside the timing."""
    import subprocess

    times, clock = [], Clock()
    for i in range(REPEAT + 1):
        setup()
        clock.start()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=env)
        if i:
            times.append(clock.stop())
    return best_of(times)


def ratio_line(label: str, what: str, dispo: tuple[float, float], other_name: str, other: tuple[float, float],
               goal: str) -> str:
    """``label what: Dispo W s (cpu C s)   other W s (cpu C s)   Dispo / other Rx, cpu Rx (goal G)``."""
    return (f"{label} {what}: Dispo {dispo[0]:.2f} s (cpu {dispo[1]:.2f} s)   {other_name} {other[0]:.2f} s "
            f"(cpu {other[1]:.2f} s)   Dispo / {other_name.split(' ')[0]} {dispo[0] / other[0]:.2f}x, "
            f"cpu {dispo[1] / other[1]:.2f}x (goal {goal})")


def plus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] + b[0], a[1] + b[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    pandas = have_pandas()
    if not pandas:
        print("pandas is not installed (a bench-only extra: pip install -e .[bench]); its lines are skipped")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx, csv_path = write_files(folder, n)
        import core.importing.batches  # noqa: F401
        from core.store.storage import open_db

        open_db(folder / "warm.sqlite").close()  # imports and migrations outside the timing
        values = posting_rows(n)
        floor_db = folder / "floor.sqlite"
        template = folder / "template.sqlite"
        open_db(template, backup=False).close()

        def fresh_floor_db():
            for old in folder.glob("floor.sqlite*"):
                old.unlink()
            shutil.copy(template, floor_db)

        env = process_env(folder)
        t_insert, _ = timed(bare_insert, floor_db, values, setup=fresh_floor_db)
        print(f"{n} bookings; every time is the best of {REPEAT} runs, wall and processor (cpu: this process and "
              "the children it waited for); the floor is a bare read plus a bare executemany into a fresh "
              "Dispo postings table (indexes, one transaction)")
        for label, path, bare in (("xlsx", xlsx, bare_xlsx), ("csv", csv_path, bare_csv)):
            t_bare, n_bare = timed(bare, path)
            t_dispo, n_dispo = timed_dispo(path, folder)
            assert n_dispo == n and n_bare == n + 1, (n_dispo, n_bare)
            floor = plus(t_bare, t_insert)
            print(ratio_line(label, "in-process", t_dispo, f"floor (read {t_bare[0]:.2f} s + executemany "
                                                           f"{t_insert[0]:.2f} s)", floor, "<= 1.3x"))
            pandas_db = folder / "pandas.sqlite"
            if pandas:
                t_pandas, n_pandas = timed(pandas_import, path, pandas_db,
                                           setup=lambda: pandas_db.unlink(missing_ok=True))
                print(ratio_line(label, "in-process", t_dispo, "pandas (read + to_sql)", t_pandas, "< 1x"))
            dispo_db = folder / "process.sqlite"

            def fresh_dispo_db():
                for old in folder.glob("process.sqlite*"):
                    old.unlink()
                shutil.copy(template, dispo_db)

            t_dispo_p = timed_process([sys.executable, "-c", DISPO_WITHOUT_PANDAS, "--db", str(dispo_db), "import",
                                       str(path)], fresh_dispo_db, env)
            t_floor_p = timed_process([sys.executable, "-c", FLOOR_SCRIPT, str(path), str(floor_db)], fresh_floor_db,
                                      env)
            print(ratio_line(label, "whole process", t_dispo_p, "floor", t_floor_p, "<= 1.3x"))
            if pandas:
                t_pandas_p = timed_process([sys.executable, "-c", PANDAS_SCRIPT, str(path), str(pandas_db)],
                                           lambda: pandas_db.unlink(missing_ok=True), env)
                print(ratio_line(label, "whole process", t_dispo_p, "pandas", t_pandas_p, "< 1x"))
        into_a_year(folder, template, csv_path, values, n)


def year_db(template: Path, path: Path, values: list[tuple]) -> None:
    """A copy of ``template`` holding ``YEAR_FILES`` times ``values`` with other voucher numbers."""
    shutil.copy(template, path)
    for k in range(1, YEAR_FILES + 1):
        bare_insert(path, [v[:7] + (str(int(v[7]) + k * 10_000_000),) + v[8:] for v in values])


def into_a_year(folder: Path, template: Path, csv_path: Path, values: list[tuple], n: int) -> None:
    """The csv imported into a database holding ``YEAR_FILES`` months already, against the floor there."""
    from core.store.storage import open_db

    year = folder / "year.sqlite"
    year_db(template, year, values)
    work = folder / "year-work.sqlite"

    def fresh():
        for old in folder.glob("year-work.sqlite*"):
            old.unlink()
        shutil.copy(year, work)

    t_insert, _ = timed(bare_insert, work, values, setup=fresh)
    t_bare, _ = timed(bare_csv, csv_path)
    times, clock = [], Clock()
    for _ in range(REPEAT):
        fresh()
        db = open_db(work)
        try:
            clock.start()
            assert dispo(csv_path, db) == n
            times.append(clock.stop())
        finally:
            db.close()
    print(ratio_line("csv", f"into {YEAR_FILES * n} postings", best_of(times), "floor", plus(t_bare, t_insert),
                     "<= 1.3x"))


if __name__ == "__main__":
    main()
