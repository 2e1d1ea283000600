"""Golden files: each importer's rows and each report's cells, in text, in ``tests/golden/``.

Every golden file starts with where its input is (a sample sheet in ``../shared/regneark``,
a file beside it in ``tests/golden/``, or the demo municipality), then lists what Dispo
makes of it: an importer's records (status, parsed values, problems), a report's tables
cell by cell as the Danish text the preview and the PDF show. A change in any of them
fails with a unified diff. When the change is intended, rewrite them all with

    .venv/bin/python -m pytest tests/test_golden.py --update-golden

and review the result with ``git diff tests/golden``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.importing.batches import import_file, prepare
from core.reports import display
from core.reports.build import build_report
from tests.conftest import GOLDEN, ROOT

AS_OF = dt.date(2026, 10, 31)  # the demo's own "today": its bookings run to October 2026


def value_text(value) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def chart_text(value) -> str:
    return display(value, "amount") if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool) \
        else value_text(value)


def plan_text(plan, source: str) -> str:
    """An import preview as text: the file, its sheets and column mapping, then one line per
    record (``sheet:row status field=value ...``) with its problems and warnings below it."""
    lines = [f"input: {source}", f"kind: {plan.kind}"]
    lines += [f"note: {note}" for note in plan.notes]
    for sheet in plan.sheets:
        mapping = ", ".join(f"{field} <- {header!r}" for field, header in sheet.mapping.headers(sheet.table).items())
        lines.append(f"mapping: {mapping}")
    lines.append("")
    for record in plan.records:
        values = " ".join(f"{k}={value_text(v)}" for k, v in record.values.items()
                          if v not in (None, "") and k not in ("sheet", "row") and not k.endswith("_id"))
        lines.append(f"{record.sheet}:{record.row} {record.status} {values}")
        for field, (old, new) in sorted(record.changes.items()):
            lines.append(f"    changed {field}: {value_text(old)} -> {value_text(new)}")
        for p in record.problems:
            lines.append(f"    rejected: column {p['column']!r}, value {p['value']!r}: {p['reason']}")
        lines += [f"    warning: {w}" for w in record.warnings]
    return "\n".join(lines)


def report_text(report, source: str) -> str:
    """A report as text: each table's heading row, then every row's cells as the Danish text
    the preview and the printed report show (``1.234,56``, ``31-10-2026``), kind first."""
    lines = [f"input: {source}", f"{report.title} pr. {report.as_of:%d-%m-%Y}, {report.municipality}",
             f"status: {report.status}"]
    tables = list(report.tables) + ([report.highlights] if report.highlights is not None else [])
    for table in tables:
        lines += ["", f"== {table.title}" + (f" ({table.subtitle})" if table.subtitle else "")]
        lines.append(" | ".join(["række", *(c.heading for c in table.columns)]))
        for row in table.rows:
            cells = [display(v, c.kind) for v, c in zip(row.values, table.columns)]
            lines.append(" | ".join([row.kind, *cells]))
        lines += [f"note: {note}" for note in table.notes]
    if report.chart is not None:
        lines += ["", "== chart (month by month)"]
        for key, value in sorted(report.chart.items()):
            shown = "; ".join(chart_text(v) for v in value) if isinstance(value, (list, tuple)) else chart_text(value)
            lines.append(f"{key}: {shown}")
    return "\n".join(lines)


# ---------------------------------------------------------------- importers

SAMPLE_IMPORTS = [
    # golden name, sample sheet, imported first (the register the file is matched against)
    ("import_grants", "dispositionsregnskab_2026.xlsx", None),
    ("import_postings", "bogfoering_jan-okt_2026.csv", None),
    ("import_occupancy", "belaegningsliste_2026.xlsx", "dispositionsregnskab_2026.xlsx"),
    ("import_vum", "vum_tildeling_2027.xlsx", "dispositionsregnskab_2026.xlsx"),
]


@pytest.mark.parametrize("name, sample, first", SAMPLE_IMPORTS, ids=[n for n, *_ in SAMPLE_IMPORTS])
def test_sample_imports_match_their_golden_files(db, samples, golden, name, sample, first):
    if first:
        import_file(db, samples / first)
    plan = prepare(db, samples / sample)
    source = f"../shared/regneark/{sample}" + (f", after importing {first}" if first else "")
    golden(name, plan_text(plan, source))


def test_budget_import_matches_its_golden_file(db, golden):
    path = GOLDEN / "import_budget.csv"
    golden("import_budget", plan_text(prepare(db, path), str(path.relative_to(ROOT))))


# ---------------------------------------------------------------- reports

REPORTS = [("report_monthly", "monthly"), ("report_quarterly", "quarterly"), ("report_vum", "vum"),
           ("report_validation", "validation")]


@pytest.mark.parametrize("name, kind", REPORTS, ids=[n for n, _ in REPORTS])
def test_reports_on_the_demo_match_their_golden_files(demo_db, golden, name, kind):
    report = build_report(demo_db, kind, AS_OF.year, AS_OF)
    golden(name, report_text(report, f"the demo municipality (core.register.demo.build_demo), "
                                     f"report {kind} --year {AS_OF.year} --as-of {AS_OF:%d-%m-%Y}"))


def test_a_difference_is_shown_as_a_unified_diff(pytester, tmp_path, monkeypatch):
    """The golden fixture itself: a changed line fails with a diff naming the file;
    ``--update-golden`` rewrites the file."""
    monkeypatch.setattr("tests.conftest.GOLDEN", tmp_path)  # the inner run is in this process
    pytester.makeconftest("from tests.conftest import golden, pytest_addoption  # noqa: F401\n")
    pytester.makepyfile(test_x="def test_it(golden):\n    golden('probe', 'a\\nb changed\\nc')\n")
    probe = tmp_path / "probe.txt"
    probe.write_text("a\nb\nc\n", encoding="utf-8")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*probe differs from its golden file*", f"*--- {probe} (expected)",
                                 "*+++ what the code gives now", "*-b", "*+b changed"])
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--update-golden").assert_outcomes(passed=1)
    assert probe.read_text(encoding="utf-8") == "a\nb changed\nc\n"
