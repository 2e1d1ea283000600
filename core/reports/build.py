"""Which reports exist, and building one by its name (for the CLI and the "Rapporter" screen)."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

from core.errors import DispoError
from core.reports import Report


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    module: str
    function: str
    uses_expected: bool = False


REPORT_KINDS: tuple[ReportKind, ...] = (
    ReportKind("monthly", "Månedsoversigt", "core.reports.monthly", "build_monthly", uses_expected=True),
    ReportKind("quarterly", "Kvartalsoversigt", "core.reports.quarterly", "build_quarterly"),
    ReportKind("vum", "VUM-fordeling", "core.reports.vum_report", "build_vum"),
    ReportKind("validation", "Datavalidering", "core.reports.validation_report", "build_validation"),
)


def report_kind(key: str) -> ReportKind:
    for kind in REPORT_KINDS:
        if kind.key == key:
            return kind
    raise DispoError(f"Ukendt rapport '{key}' (vælg {', '.join(k.key for k in REPORT_KINDS)})")


def build_report(db, key: str, year: int, as_of: dt.date, *, include_expected: bool = True) -> Report:
    """Build the report ``key`` for ``year`` as of ``as_of``.

    Raises:
        DispoError: unknown report, or an as-of date outside the year.
    """
    kind = report_kind(key)
    if as_of.year != year:
        raise DispoError(f"Opgørelsesdatoen {as_of:%d-%m-%Y} ligger ikke i {year}")
    builder = getattr(importlib.import_module(kind.module), kind.function)
    if kind.uses_expected:
        return builder(db, year, as_of, include_expected=include_expected)
    return builder(db, year, as_of)
