"""Sheets of the monthly overview built on the follow-up modules: "Afstemning" (the
reconciliation list) and "Belægning" (occupancy per own facility per month), and the
approval status shown in the printed header.

The figures come from ``core.followup.reconcile``, ``core.followup.occupancy`` and ``core.followup.approval``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from core.budget_year.breakdowns import LABELS as BREAKDOWN_LABELS
from core.followup import approval, occupancy, reconcile
from core.followup.forecast import municipality_warning
from core.formatting import MONTH_NAMES
from core.money import format_date, ore_to_kr, to_ore
from core.reports import SUBTOTAL, TOTAL, Column, ReportTable



def reconciliation_sheet(db, year: int, as_of: dt.date) -> ReportTable:
    """Sheet "Afstemning": per citizen and account booked against computed, with the flags."""
    return reconciliation_table(reconcile.reconcile(db, year, as_of))


FLAGGED_TITLE = "Afstemning: rækker med bemærkninger"


def reconciliation_table(rows, title: str = "Afstemning") -> ReportTable:
    """The reconciliation ``rows`` (``core.followup.reconcile``) as a table with its total."""
    table = ReportTable(title, (
        Column("cpr", "CPR-nr.", "cpr"), Column("name", "Navn", "text", 24), Column("account", "Konto", "text", 10),
        Column("providers", "Leverandør", "text", 26),
        Column("booked", "Bogført til dato", "amount", total="sum"),
        Column("computed", "Beregnet til dato", "amount", total="sum"),
        Column("due", "Forfaldent efter fakturaforsinkelse", "amount", 18, total="sum"),
        Column("difference", "Difference (bogført − beregnet)", "amount", 18, total="sum"),
        Column("last_posting", "Seneste postering", "date"),
        Column("flags", "Bemærkninger", "text", 48),
    ))
    sums = [0, 0, 0, 0]
    for r in rows:
        figures = [r.booked, r.computed, r.due, r.difference]
        sums = [a + b for a, b in zip(sums, figures)]
        remarks = "; ".join(r.messages) or ", ".join(reconcile.FLAG_LABELS.get(f, f) for f in r.flags)
        table.add([r.cpr or "", r.name, r.account, ", ".join(r.providers), *(ore_to_kr(v) for v in figures),
                   r.last_posting, remarks])
    table.add(["I alt", "", "", "", *(ore_to_kr(v) for v in sums), None, ""], TOTAL)
    table.notes.append("Difference = bogført − beregnet til dato; forfaldent tager højde for leverandørens "
                       "sædvanlige fakturaforsinkelse.")
    return table


def occupancy_sheet(db, year: int) -> ReportTable:
    """Sheet "Belægning": per own facility and month, occupied place-days against capacity."""
    table = ReportTable("Belægning", (
        Column("provider", "Tilbud", "text", 30), Column("month", "Måned", "text", 11),
        Column("places", "Pladser", "integer"),
        Column("capacity", "Kapacitet (pladsdøgn)", "integer", 12, total="sum"),
        Column("occupied", "Belagt (pladsdøgn)", "number", 12, total="sum"),
        Column("sold", "Heraf solgt", "number", total="sum"),
        Column("occupancy", "Belægning", "percent", total="ratio", ratio=("occupied", "capacity", None)),
        Column("target", "Mål", "percent"),
        Column("sold_income", "Indtægt solgte pladser", "amount", total="sum"),
    ))
    months = occupancy.occupancy(db, year)
    grand = [0, 0, 0, Decimal(0)]
    for provider in dict.fromkeys(m.provider for m in months):
        rows = [m for m in months if m.provider == provider]
        for m in rows:
            table.add([m.provider, MONTH_NAMES[m.month - 1], m.places, m.capacity, m.occupied, m.sold,
                       m.occupancy / 100, None if m.target is None else m.target / 100, m.sold_income])
        sums = [sum(m.capacity for m in rows), sum(m.occupied for m in rows), sum(m.sold for m in rows),
                sum((m.sold_income for m in rows), Decimal(0))]
        grand = [a + b for a, b in zip(grand, sums)]
        target = rows[0].target / 100 if rows and rows[0].target is not None else None
        table.add([f"{provider} i alt", "året", rows[0].places if rows else None, *sums[:3],
                   _share(sums[1], sums[0]), target, sums[3]], SUBTOTAL)
    table.add(["I alt", "", None, *grand[:3], _share(grand[1], grand[0]), None, grand[3]], TOTAL)
    table.notes.append("Belægning = belagte pladsdøgn / (pladser · dage); en borger tæller én gang pr. dag; "
                       "dagtilbud: mængde/5 plads på åbningsdage (man.–fre.); solgte pladser tæller som belagt.")
    note = occupancy.target_note(months)
    if note:
        table.notes.append(note)
    warning = municipality_warning(db)
    if warning:
        table.notes.append(warning)
    return table


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)) if whole else Decimal(0)


def approval_status(db, year: int, as_of: dt.date) -> str:
    """"<Month> godkendt <date> af <user>" when the as-of month is approved, else "Ikke godkendt"."""
    for snap in approval.snapshots(db, year):
        if snap.month == as_of.month:
            when = snap.approved_at[:10]
            try:
                when = format_date(dt.date.fromisoformat(when))
            except ValueError:
                pass
            return f"{MONTH_NAMES[snap.month - 1].capitalize()} godkendt {when} af {snap.user}"
    return "Ikke godkendt"


def breakdown_table(result):
    """A forecast by one of the breakdowns as a report sheet (the rows add up to the total)."""
    figures = (("computed_to_date", "Beregnet til dato"), ("committed_rest", "Disponeret resten af året"),
               ("expected_outturn", "Forventet regnskab"), ("booked_to_date", "Bogført til dato"),
               ("backlog", "Efterslæb"))
    table = ReportTable(f"Pr. {BREAKDOWN_LABELS[result.by]}"[:31], (
        Column("key", BREAKDOWN_LABELS[result.by].capitalize(), "text", 32),
        *(Column(k, heading, "amount", total="sum") for k, heading in figures),
        Column("full_year_equivalents", "Helårspersoner", "number", total="sum"),
        Column("average_price", "Gns. pris pr. helårsperson", "amount", 18, total="ratio",
               ratio=("expected_outturn", "full_year_equivalents", None))))
    for r in result.rows:
        table.add([r.key, *(getattr(r, k) for k, _ in figures), r.full_year_equivalents, r.average_price])
    fye = sum((r.full_year_equivalents or 0 for r in result.rows), 0)
    total = result.total
    table.add(["I alt", *(getattr(total, k) for k, _ in figures), fye,
               ore_to_kr(to_ore(Fraction(to_ore(total.expected_outturn), 100) / Fraction(fye))) if fye else None],
              TOTAL)
    table.subtitle = f"Forventet regnskab {result.year} pr. {result.as_of:%d-%m-%Y}"
    table.notes.append("Uden kommende borgere og forventet refusion.")
    return table
