"""Månedens gang: the monthly cycle as a checklist for one month.

Import the month's bookings → reconcile booked against computed → validate the register →
follow up on the budget → approve the month → write the report. ``cycle(db, year, month)``
gives each step's state (done, open or problems, with a count) and a Danish sentence on what
it found and what to do next, so the start screen (and anyone standing in for the key
person) sees where the month is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.followup import reconcile, validation
from core.followup.approval import MONTHS
from core.formatting import count, date_text
from core.money import month_end
from core.store import settings

DONE, OPEN, PROBLEMS = "done", "open", "problems"
STATE_LABELS = {DONE: "Færdig", OPEN: "Mangler", PROBLEMS: "Problemer"}
STEPS = ("import", "reconcile", "validate", "followup", "approve", "report")


@dataclass(frozen=True)
class Step:
    key: str          # one of STEPS
    title: str        # Danish, numbered in the screen
    state: str        # DONE, OPEN or PROBLEMS
    count: int | None  # what the state counts (postings, flagged rows, errors, ...)
    summary: str      # Danish: what was found, and what to do
    action: str       # Danish text of the button that does the step

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "state": self.state, "count": self.count,
                "summary": self.summary, "action": self.action}


def latest_month(db, today: dt.date | None = None) -> tuple[int, int]:
    """The month to work on: the month of the newest booking; before anything is booked, the
    month before today, or January of the budget year she set up when that is another year."""
    row = db.execute("SELECT max(date) FROM postings").fetchone()
    if row and row[0]:
        day = dt.date.fromisoformat(row[0][:10])
        return day.year, day.month
    today = today or dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    budget_year = settings.get(db, "budget_year")
    if budget_year and budget_year != last.year:
        return budget_year, 1
    return last.year, last.month


def cycle(db, year: int, month: int) -> list[Step]:
    """The six steps of the month ``month`` of ``year``, in the order they are done."""
    name = MONTHS[month - 1]
    end = month_end(year, month)
    first = dt.date(year, month, 1)
    grants = db.execute("SELECT count(*) FROM grants").fetchone()[0]
    postings = db.execute("SELECT count(*) FROM postings WHERE date BETWEEN ? AND ?",
                          [first.isoformat(), end.isoformat()]).fetchone()[0]
    steps = []
    if not grants:
        steps.append(Step("import", "Importér posteringer", OPEN, 0,
                          "Der er ingen bevillinger endnu. Importér først bevillingerne (og budgettet), "
                          f"derefter posteringerne for {name}.", "Importér …"))
    elif postings:
        steps.append(Step("import", "Importér posteringer", DONE, postings,
                          f"{count(postings, 'postering')} bogført i {name} {year}.", "Importér flere …"))
    else:
        steps.append(Step("import", "Importér posteringer", OPEN, 0,
                          f"Ingen posteringer for {name} {year} endnu. Importér udtrækket fra økonomisystemet.",
                          "Importér …"))

    if not grants or not postings:
        steps.append(Step("reconcile", "Afstem", OPEN, None,
                          "Afstemningen venter på månedens posteringer.", "Åbn afstemningen"))
    else:
        flagged = sum(1 for r in reconcile.reconcile(db, year, end) if r.flags)
        if flagged:
            steps.append(Step("reconcile", "Afstem", PROBLEMS, flagged,
                              f"{count(flagged, 'række')} med afvigelser mellem bogført og beregnet pr. "
                              f"{date_text(end)}. Gennemgå dem.", "Åbn afstemningen"))
        else:
            steps.append(Step("reconcile", "Afstem", DONE, 0, "Bogført og beregnet stemmer.", "Åbn afstemningen"))

    findings = validation.validate(db, end) if grants else []
    errors = sum(1 for f in findings if f.severity == "fejl")
    warnings = sum(1 for f in findings if f.severity == "advarsel")
    if not grants:
        steps.append(Step("validate", "Validér", OPEN, None, "Der er intet at validere endnu.", "Åbn valideringen"))
    elif errors:
        # a missing yearly value is no fault of the grants: say what it is and where it is entered
        satser = sum(1 for f in findings if f.rule == "sats_missing" and f.severity == "fejl")
        where = (f". Heraf er {count(satser, 'årlig sats', 'årlige satser')} for {year} ikke indtastet "
                 "(Katalog og satser)" if satser else " i bevillingerne")
        steps.append(Step("validate", "Validér", PROBLEMS, errors,
                          f"{count(errors, 'fejl')} og {count(warnings, 'advarsel')}{where}. "
                          "Ret fejlene først.", "Åbn valideringen"))
    else:
        steps.append(Step("validate", "Validér", DONE, 0,
                          "Ingen fejl" + (f", {count(warnings, 'advarsel')}." if warnings else "."),
                          "Åbn valideringen"))

    budgets = db.execute("SELECT count(*) FROM budgets WHERE year = ?", [year]).fetchone()[0]
    if not budgets:
        steps.append(Step("followup", "Følg op på budgettet", OPEN, 0,
                          f"Der er intet budget for {year}. Importér budgettet, så afvigelserne kan beregnes.",
                          "Importér budget …"))
    else:
        steps.append(Step("followup", "Følg op på budgettet", DONE if postings else OPEN, budgets,
                          f"{count(budgets, 'budgetlinje')} for {year}. Se forventet regnskab og afvigelser "
                          f"pr. {date_text(end)}.", "Åbn opfølgningen"))

    approved = db.execute("SELECT approved_at, user FROM approvals WHERE year = ? AND month = ?",
                          [year, month]).fetchone()
    if approved:
        steps.append(Step("approve", "Godkend måneden", DONE, 1,
                          f"Godkendt {date_text(approved[0][:10])} af {approved[1]}.", "Åbn godkendelsen"))
    else:
        steps.append(Step("approve", "Godkend måneden", OPEN, 0,
                          f"{name.capitalize()} er ikke godkendt. Godkend, når tallene er gennemgået.",
                          "Godkend …"))

    if approved:
        steps.append(Step("report", "Skriv rapporten", OPEN, None,
                          f"Måneden er godkendt: skriv månedsrapporten for {name} til økonomifunktionen.",
                          "Skriv rapport …"))
    else:
        steps.append(Step("report", "Skriv rapporten", OPEN, None,
                          "Rapporten skrives, når måneden er godkendt.", "Skriv rapport …"))
    return steps
