"""The data validation report: the monthly checklist's findings (``core.followup.validation``).

Two sheets: "Oversigt" counts the findings per rule and severity; "Fund" lists each
finding with its message and the record to fix (table and number).
"""

from __future__ import annotations

import datetime as dt

from core.followup import validation
from core.followup.forecast import own_municipality
from core.money import format_date
from core.reports import SUBTOTAL, TOTAL, Column, Report, ReportTable

SEVERITY_TEXT = {"fejl": "Fejl", "advarsel": "Advarsel", "info": "Information"}
SEVERITY_ORDER = ("fejl", "advarsel", "info")


def build_validation(db, year: int, as_of: dt.date | None = None) -> Report:
    """The findings of the data validation on ``as_of`` (default today).

    """
    as_of = as_of or dt.date.today()
    findings = validation.validate(db, as_of)

    summary = ReportTable("Oversigt", (
        Column("severity", "Alvor", "text", 14), Column("rule", "Kontrol", "text", 44),
        Column("count", "Antal fund", "integer", total="sum"),
    ))
    details = ReportTable("Fund", (
        Column("severity", "Alvor", "text", 12), Column("rule", "Kontrol", "text", 34),
        Column("message", "Besked", "text", 70), Column("table", "Tabel", "text", 12),
        Column("record_id", "Nr.", "integer"),
    ))
    labels = validation.RULE_LABELS
    for severity in SEVERITY_ORDER:
        mine = [f for f in findings if f.severity == severity]
        if not mine:
            continue
        for rule in dict.fromkeys(f.rule for f in mine):
            summary.add([SEVERITY_TEXT[severity], labels.get(rule, rule), sum(1 for f in mine if f.rule == rule)])
        summary.add([f"{SEVERITY_TEXT[severity]} i alt", "", len(mine)], SUBTOTAL)
        for f in mine:
            details.add([SEVERITY_TEXT[severity], labels.get(f.rule, f.rule), f.message,
                         f.table_text, f.record_id or None])
    summary.add(["I alt", "", len(findings)], TOTAL)
    details.add(["I alt", "", f"{len(findings)} fund", "", None], TOTAL)
    if not findings:
        summary.notes.append(f"Ingen fund pr. {format_date(as_of)}: alle kontroller er bestået.")
    return Report("Datavalidering", year, as_of, own_municipality(db), [summary, details])
