"""The demo's VUM data: last year's allocations, fixed budgets and assessments.

Order matters: the 2026 allocation of each own facility is saved first, from the
categories noted on the grants; then the residents are assessed, a few of them into
another category and a few long ago or not at all, so the wizard, the overview and the
list of citizens due for re-assessment all have something to show at once.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

from core.money import to_ore
from core.vum.allocation import compute_allocation, facilities, residents_by_facility, save_allocation
from core.vum.rule import CATEGORIES, category_rule, load_shipped, themes

DEMO_YEAR = 2026
ASSESSORS = ["Lise Holm", "Mads Krog", "Pia Winther", "Jonas Dahl"]
# a sum of scores over nine themes whose average lies well inside each category's band
TARGET_SUM = {"A": 3, "B": 10, "C": 17, "D": 23, "E": 30, "F": 34}
DECIDED_AT = "2026-10-31T12:00:00"


def _scores(rng, codes: list[str], category: str) -> dict[str, int]:
    total = TARGET_SUM[category] * len(codes) // 9
    base, extra = divmod(total, len(codes))
    values = [min(4, base + (1 if i < extra else 0)) for i in range(len(codes))]
    rng.shuffle(values)
    return dict(zip(codes, values))


def _step(category: str, by: int) -> str:
    i = CATEGORIES.index(category) + by
    return CATEGORIES[max(0, min(4, i))]


def extend_demo(db, rng) -> dict:
    """Allocations 2026, fixed budgets 2026/2027 and assessments for the own facilities' residents."""
    load_shipped(db)
    own = facilities(db, DEMO_YEAR)
    versions = 0
    for facility in own:
        allocation = compute_allocation(db, facility.id, DEMO_YEAR)
        if allocation.uncategorised:
            # residents the demo's register left without a category (e.g. expected citizens)
            # were placed by the caseworker when the budget was set
            chosen = [r if r.category else r.with_category(rng.choice("BCD")) for r in allocation.residents]
            allocation = compute_allocation(db, facility.id, DEMO_YEAR, chosen)
        save_allocation(db, allocation, decision="ændr", note="Tildeling vedtaget med budgettet 2026")
        versions += 1
        # the fixed budgets are near, not at, the allocation: kroner rounded to 10.000
        fixed = round(allocation.kr_per_year * Fraction(rng.randrange(96, 106), 100) / 10_000) * 10_000
        db["providers"].update(facility.id, {"fixed_budget_ore": to_ore(fixed)})
        db["vum_fixed_budgets"].insert({"provider_id": facility.id, "year": DEMO_YEAR + 1,
                                        "amount_ore": to_ore(round(fixed * Fraction("1.025") / 10_000) * 10_000)})
    db.execute("UPDATE vum_allocations SET created_at = ?, created_by = 'Demo'", ["2025-11-20T10:00:00"])

    codes = [t.code for t in themes(db)]
    rule = category_rule(db)
    count = 0
    people = residents_by_facility(db, DEMO_YEAR)
    for facility in own:
        for r in people[facility.id]:
            roll = rng.random()
            if r.category is None or r.citizen_id is None or roll < 0.1:
                continue  # not assessed yet
            category = r.category
            if roll < 0.2:
                category = _step(category, rng.choice([-1, 1]))   # the need changed since the allocation
            elif category == "E" and roll > 0.85:
                category = "F"                                    # needs more than the norms give
            day = dt.date(2026, 10, 31) - dt.timedelta(days=rng.randrange(20, 400 if roll < 0.9 else 800))
            scores = _scores(rng, codes, category)
            suggested = rule.suggest(scores)
            chosen, reason, hours = suggested, "", None
            if rng.random() < 0.08:
                chosen = _step(suggested, -1 if suggested == "E" else 1)
                reason = "Borgerens netværk dækker en del af behovet" if chosen < suggested else \
                    "Udadreagerende adfærd kræver mere støtte end scorerne viser"
            if chosen == "F":
                hours = str(rng.choice([42, 45, 50]))
            db["vum_assessments"].insert({
                "citizen_id": r.citizen_id, "provider_id": facility.id, "date": day.isoformat(),
                "assessor": rng.choice(ASSESSORS), "scores": json.dumps(scores, sort_keys=True),
                "note": "", "suggested_category": suggested, "category": chosen, "hours": hours, "reason": reason,
                "source": "vurdering", "decided_by": "Demo", "decided_at": DECIDED_AT})
            count += 1
    return {"vum_assessments": count, "vum_allocations": versions}
