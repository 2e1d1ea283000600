"""The VUM-based allocation to own facilities (the Thisted model).

A facility's allocation for a year is Σ norm hours per week · 52 · the year's hourly
price over its residents. A resident is counted by the share of the year he or she is
expected to live there: a grant at the facility active all year counts 1, a grant that
starts or ends during the year counts its active days / the days of the year. A citizen
on the facility's VUM list (an assessment for the facility) without any grant there
counts the whole year: the list is then the only statement of who lives there. Expected
citizens (when that table exists) count from their expected start to their expected end.

The category of a resident is that of the current assessment (see ``assessments``),
else the category noted on the grant. Category F has no norm: its hours per week are set
per citizen.

The significant-change rule compares the need (hours per year) with the facility's
previous allocation: the newest version saved for the latest earlier year. The change
is significant when it is *more than* the threshold percent (DOMAIN: "changes by more
than a threshold"); a change exactly at the threshold is not significant. With no
previous allocation the change is significant: an allocation has to be set.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.store import audit
from core.register.catalogue import sats, vum_categories
from core.register.costs import days_in_year
from core.errors import NotFoundError, ValidationError
from core.register.grants import list_grants
from core.money import format_number, to_ore
from core.register.providers import Provider, find_by_name, list_providers
from core.store.storage import current_user, query
from core.vum.assessments import current_assessments, own_facility, pick_current
from core.vum.rule import CATEGORIES, INDIVIDUAL, reassessment_months, significant_change_pct

WEEKS_PER_YEAR = 52
DECISIONS = ("behold", "ændr")


@dataclass(frozen=True)
class Resident:
    """Somebody the facility is expected to support in the year, with the category counted."""

    key: str                      # 'c<citizen id>' or 'e<expected citizen id>'
    citizen_id: int | None
    cpr: str
    name: str
    first_day: dt.date
    last_day: dt.date
    weight: Fraction              # share of the year
    category: str | None
    hours: Decimal | None         # individual hours per week (category F)
    assessed_on: dt.date | None
    category_source: str          # 'vurdering', 'import', 'bevilling', 'forventet' or ''
    expected: bool = False

    def with_category(self, category: str | None, hours=None) -> "Resident":
        """The same resident with a category (and F hours) chosen in the wizard."""
        return dataclasses.replace(self, category=category,
                                   hours=Decimal(str(hours)) if category == INDIVIDUAL and hours not in (None, "")
                                   else None)


@dataclass(frozen=True)
class CategoryTotal:
    code: str
    label: str
    count: Fraction               # residents, weighted by their share of the year
    norm_hours: Decimal | None    # None for F (individual)
    hours_per_week: Fraction
    kr_per_week: Fraction


@dataclass(frozen=True)
class AllocationVersion:
    id: int
    provider_id: int
    year: int
    version: int
    hourly_price: Decimal
    hours_per_week: Decimal
    hours_per_year: Decimal
    kr_per_year_ore: int
    lines: list[dict]
    decision: str
    note: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Allocation:
    provider_id: int
    facility: str
    year: int
    hourly_price: Decimal
    residents: tuple[Resident, ...]
    categories: dict[str, CategoryTotal]
    hours_per_week: Fraction
    hours_per_year: Fraction
    kr_per_year: Fraction
    fixed_budget_ore: int | None
    previous: AllocationVersion | None
    threshold_pct: Decimal
    change_pct: Fraction | None
    significant: bool

    @property
    def uncategorised(self) -> list[Resident]:
        return [r for r in self.residents if r.category is None]

    @property
    def proposal(self) -> str:
        """'ændr' when the change is significant, else 'behold' (keep the allocation)."""
        return "ændr" if self.significant else "behold"

    @property
    def resident_count(self) -> Fraction:
        """The residents, each weighted by her share of the year (the categories' counts added)."""
        return sum((c.count for c in self.categories.values()), Fraction(0))

    @property
    def kr_per_week(self) -> Fraction:
        """The hours a week at the hourly price: the categories' kr. a week added."""
        return self.hours_per_week * Fraction(self.hourly_price)


# ------------------------------------------------------------------ residents

def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _merged_days(spans: list[tuple[dt.date, dt.date]]) -> tuple[int, dt.date, dt.date]:
    """Days covered by overlapping spans (counted once), first and last day."""
    spans = sorted(spans)
    total, cur_a, cur_b = 0, *spans[0]
    for a, b in spans[1:]:
        if a <= cur_b + dt.timedelta(days=1):
            cur_b = max(cur_b, b)
        else:
            total += (cur_b - cur_a).days + 1
            cur_a, cur_b = a, b
    total += (cur_b - cur_a).days + 1
    return total, spans[0][0], max(b for _, b in spans)


def _expected_residents(db, year: int, known: dict[int, set[str]], current: dict) -> dict[int, list[Resident]]:
    """Expected citizens (planned cases) at own facilities in ``year``, when that table exists.

    They count from their expected start, pro rata like grants. One whose CPR already has a
    grant at the facility is counted there and not again. One with a real CPR of a citizen
    in the register takes that citizen's current category; otherwise it has none until it
    is set in the wizard.
    """
    table = db["expected_citizens"]
    if not table.exists():
        return {}
    cols = {c.name for c in table.columns}
    if not {"provider_id", "start"} <= cols:
        return {}
    lo, hi = _year_bounds(year)
    citizen_ids = {r["cpr"]: r["id"] for r in query(db, "SELECT id, cpr FROM citizens")}
    out: dict[int, list[Resident]] = {}
    for r in query(db, "SELECT * FROM expected_citizens WHERE provider_id IS NOT NULL AND start <= ? "
                       "AND (end IS NULL OR end >= ?)", [hi.isoformat(), lo.isoformat()]):
        provider_id = r["provider_id"]
        ident = r.get("ident") or r.get("cpr") or ""
        if provider_id not in known or ident in known[provider_id]:
            continue
        try:
            first = max(dt.date.fromisoformat(r["start"]), lo)
            last = min(dt.date.fromisoformat(r["end"]), hi) if r.get("end") else hi
        except (TypeError, ValueError):
            continue  # a date the expected-citizens area would have refused; nothing to count
        citizen_id = citizen_ids.get(ident)
        a = pick_current(current, citizen_id, provider_id) if citizen_id else None
        out.setdefault(provider_id, []).append(Resident(
            key=f"e{r['id']}", citizen_id=citizen_id, cpr=ident, name=r.get("name") or "Forventet borger",
            first_day=first, last_day=last, weight=Fraction((last - first).days + 1, days_in_year(year)),
            category=a.category if a else None, hours=a.hours if a else None,
            assessed_on=a.date if a else None, category_source=a.source if a else "", expected=True))
    return out


def residents_by_facility(db, year: int) -> dict[int, list[Resident]]:
    """Every own facility's residents in ``year`` (see the module text), ordered by name."""
    lo, hi = _year_bounds(year)
    own = {p.id for p in list_providers(db) if p.is_own}
    spans: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = {}
    people: dict[int, tuple[str, str]] = {}
    grant_category: dict[tuple[int, int], tuple[str | None, Decimal | None]] = {}
    for g in list_grants(db, active_between=(lo, hi)):
        if g.provider_id not in own:
            continue
        key = (g.provider_id, g.citizen_id)
        spans.setdefault(key, []).append((max(g.start, lo), min(g.end, hi) if g.end else hi))
        people[g.citizen_id] = (g.cpr, g.name)
        if g.vum_category:
            grant_category[key] = (g.vum_category, g.vum_hours)
    ever_granted = {(r["provider_id"], r["citizen_id"])
                    for r in query(db, "SELECT DISTINCT provider_id, citizen_id FROM grants")}
    current = current_assessments(db)
    granted_cprs = {pid: set() for pid in own}
    for provider_id, citizen_id in spans:
        granted_cprs[provider_id].add(people[citizen_id][0])
    expected = _expected_residents(db, year, granted_cprs, current)
    for (citizen_id, provider_id), a in current.items():
        if (provider_id in own and (provider_id, citizen_id) not in ever_granted and a.date <= hi
                and a.cpr not in {r.cpr for r in expected.get(provider_id, [])}):
            spans.setdefault((provider_id, citizen_id), []).append((lo, hi))
            people[citizen_id] = (a.cpr, a.name)
    out: dict[int, list[Resident]] = {pid: [] for pid in own}
    for (provider_id, citizen_id), periods in spans.items():
        days, first, last = _merged_days(periods)
        a = pick_current(current, citizen_id, provider_id)
        if a is not None:
            category, hours, source, assessed_on = a.category, a.hours, a.source, a.date
        else:
            category, hours = grant_category.get((provider_id, citizen_id), (None, None))
            source, assessed_on = ("bevilling" if category else ""), None
        cpr, name = people[citizen_id]
        out[provider_id].append(Resident(
            key=f"c{citizen_id}", citizen_id=citizen_id, cpr=cpr, name=name, first_day=first, last_day=last,
            weight=Fraction(days, days_in_year(year)), category=category,
            hours=hours if category == INDIVIDUAL else None, assessed_on=assessed_on, category_source=source))
    for provider_id, items in out.items():
        items.extend(expected.get(provider_id, []))
        items.sort(key=lambda r: (r.name.casefold(), r.cpr, r.key))
    return out


def residents(db, provider_id: int, year: int) -> list[Resident]:
    return residents_by_facility(db, year).get(provider_id, [])


def facilities(db, year: int, by_facility: dict[int, list[Resident]] | None = None) -> list[Provider]:
    """Own facilities with at least one resident in ``year`` who has a VUM category.

    Args:
        by_facility: ``residents_by_facility(db, year)`` when the caller has it already.
    """
    by_facility = residents_by_facility(db, year) if by_facility is None else by_facility
    return [p for p in list_providers(db)
            if p.is_own and any(r.category for r in by_facility.get(p.id, []))]


def facility_by_name(db, name: str) -> Provider:
    """An own facility by name (case-insensitive).

    Raises:
        NotFoundError / ValidationError: no such provider, or it is not an own facility.
    """
    provider = find_by_name(db, name)
    if provider is None:  # SQLite's NOCASE folds ASCII only: 'LÆRKEVEJ' must find 'Lærkevej' too
        wanted = " ".join(str(name).split()).casefold()
        provider = next((p for p in list_providers(db) if p.name.casefold() == wanted), None)
    if provider is None:
        raise NotFoundError(f"Tilbuddet '{name}' findes ikke")
    return own_facility(db, provider.id)


# ------------------------------------------------------------------ the computation

def norms(db) -> dict[str, tuple[str, Decimal | None]]:
    """Category -> (label, norm hours per week; ``None`` for individual hours)."""
    return {r["code"]: (r["label"], Decimal(r["norm_hours"]) if r["norm_hours"] is not None else None)
            for r in vum_categories(db)}


def weekly_hours(resident: Resident, norm: dict[str, tuple[str, Decimal | None]]) -> Decimal:
    """Hours per week of one resident counted the whole year: the norm, or F's own hours."""
    if resident.category is None:
        return Decimal(0)
    hours = norm[resident.category][1]
    if hours is None:
        hours = resident.hours or Decimal(0)
    return hours


def compute_allocation(db, provider_id: int, year: int, chosen: list[Resident] | None = None) -> Allocation:
    """The allocation of a facility for a year, from its residents (or ``chosen``, as adjusted in the wizard).

    Raises:
        NotFoundError: no hourly price (sats ``vum_hourly_price``) for the year or earlier.
    """
    facility = own_facility(db, provider_id)
    price = sats(db, "vum_hourly_price", year)
    people = tuple(residents(db, provider_id, year) if chosen is None else chosen)
    norm = norms(db)
    categories = {}
    for code in CATEGORIES:
        members = [r for r in people if r.category == code]
        hours = sum((r.weight * Fraction(weekly_hours(r, norm)) for r in members), Fraction(0))
        categories[code] = CategoryTotal(code, norm[code][0], sum((r.weight for r in members), Fraction(0)),
                                         norm[code][1], hours, hours * Fraction(price))
    per_week = sum((c.hours_per_week for c in categories.values()), Fraction(0))
    per_year = per_week * WEEKS_PER_YEAR
    previous = previous_version(db, provider_id, year)
    threshold = significant_change_pct(db)
    change, significant = change_against(per_year, previous, threshold)
    return Allocation(provider_id, facility.name, year, price, people, categories, per_week, per_year,
                      per_year * Fraction(price), fixed_budget_ore(db, provider_id, year), previous,
                      threshold, change, significant)


def change_against(hours_per_year: Fraction, previous: "AllocationVersion | None",
                   threshold_pct: Decimal) -> tuple[Fraction | None, bool]:
    """(change in percent of the previous allocation's hours, whether it is significant).

    Significant means strictly more than ``threshold_pct`` either way; no previous
    allocation (or one of 0 hours, with need now) is significant.
    """
    if previous is None:
        return None, True
    before = Fraction(previous.hours_per_year)
    if before == 0:
        return None, hours_per_year != 0
    change = (hours_per_year - before) / before * 100
    return change, abs(change) > Fraction(threshold_pct)


def verdict_text(a: Allocation) -> str:
    """The significant-change verdict and the proposal, in Danish."""
    if a.previous is None:
        return "Tilbuddet har ingen tidligere tildeling: det foreslås at fastsætte tildelingen."
    if a.change_pct is None:
        return ("Den tidligere tildeling var 0 timer: det foreslås at "
                + ("ændre tildelingen." if a.significant else "beholde tildelingen."))
    head = (f"Behovet er ændret {format_number(a.change_pct)} % i timer i forhold til tildelingen "
            f"{a.previous.year} (tærskel: mere end {format_number(a.threshold_pct)} %). ")
    if a.significant:
        return head + "Ændringen er væsentlig: det foreslås at ændre tildelingen."
    return head + "Ændringen er ikke væsentlig: det foreslås at beholde tildelingen."


def _round(value: Fraction) -> Decimal:
    """A Fraction as a Decimal with two places, rounded half away from zero."""
    return Decimal(to_ore(value)) / 100


def all_allocations(db, year: int) -> list[Allocation]:
    """The allocation of every own facility with VUM residents in ``year`` (residents found once)."""
    by_facility = residents_by_facility(db, year)
    return [compute_allocation(db, f.id, year, by_facility[f.id]) for f in facilities(db, year, by_facility)]


@dataclass(frozen=True)
class FacilityOverview:
    """One own facility in a year: the allocation in force, its fixed budget and what the
    assessments imply now (the screen "VUM-tildeling"'s overview)."""

    provider_id: int
    facility: str
    residents: int
    allocated: AllocationVersion | None  # the newest version saved for the year or an earlier one
    fixed_budget_ore: int | None
    implied_ore: int                     # kr. a year the assessments give now, to the øre
    vs_allocation_pct: Fraction | None   # (implied − allocated) / allocated × 100; None without one
    vs_budget_ore: int | None            # implied − fixed budget; None without a fixed budget
    significant: bool
    uncategorised: int

    @property
    def allocated_ore(self) -> int | None:
        return self.allocated.kr_per_year_ore if self.allocated else None


def overview(db, year: int) -> list[FacilityOverview]:
    """Per own facility with VUM residents: the allocation in force for ``year``, its fixed budget
    and what the assessments imply now, with the differences."""
    rows = []
    for now in all_allocations(db, year):
        allocated = latest_version(db, now.provider_id, year)
        implied = to_ore(now.kr_per_year)
        rows.append(FacilityOverview(
            now.provider_id, now.facility, len(now.residents), allocated, now.fixed_budget_ore, implied,
            Fraction(implied - allocated.kr_per_year_ore, allocated.kr_per_year_ore) * 100
            if allocated and allocated.kr_per_year_ore else None,
            implied - now.fixed_budget_ore if now.fixed_budget_ore is not None else None,
            now.significant, len(now.uncategorised)))
    return rows


def allocation_json(a: Allocation) -> dict:
    """The CLI's JSON form of an allocation (amounts in kroner, hours and counts to 0.01)."""
    return {
        "facility": a.facility, "year": a.year, "hourly_price": a.hourly_price,
        "categories": {c.code: {"count": _round(c.count), "norm_hours": c.norm_hours,
                                "hours_per_week": _round(c.hours_per_week), "kr_per_week": _round(c.kr_per_week)}
                       for c in a.categories.values()},
        "hours_per_week": _round(a.hours_per_week),
        "hours_per_year": _round(a.hours_per_year), "kr_per_year": _round(a.kr_per_year),
        "fixed_budget": None if a.fixed_budget_ore is None else Decimal(a.fixed_budget_ore) / 100,
        "previous_allocation": None if a.previous is None else Decimal(a.previous.kr_per_year_ore) / 100,
        "previous_hours_per_year": None if a.previous is None else a.previous.hours_per_year,
        "previous_year": None if a.previous is None else a.previous.year,
        "change_pct": None if a.change_pct is None else _round(a.change_pct),
        "significant": a.significant,
        "residents": len(a.residents),
        "without_category": len(a.uncategorised),
    }


def thisted_table(a: Allocation) -> dict:
    """The Thisted table of an allocation: citizens × categories with an ``x``, totals per
    category per week (hours and kroner) and the totals per year; the numbers a report prints."""
    citizens = [{"cpr": r.cpr, "name": r.name, "share_of_year": _round(r.weight), "category": r.category,
                 "marks": {code: "x" if r.category == code else "" for code in CATEGORIES},
                 "individual_hours": r.hours}
                for r in a.residents]
    return {"facility": a.facility, "year": a.year, "hourly_price": a.hourly_price,
            "norm_hours": {c.code: c.norm_hours for c in a.categories.values()},
            "citizens": citizens,
            "hours_per_week": {c.code: _round(c.hours_per_week) for c in a.categories.values()},
            "kr_per_week": {c.code: _round(c.kr_per_week) for c in a.categories.values()},
            "hours_per_year": _round(a.hours_per_year), "kr_per_year": _round(a.kr_per_year)}


# ------------------------------------------------------------------ fixed budgets

def fixed_budget_ore(db, provider_id: int, year: int) -> int | None:
    """The facility's fixed budget for the year: the year's own value, else the provider's."""
    row = db.execute("SELECT amount_ore FROM vum_fixed_budgets WHERE provider_id = ? AND year = ?",
                     [provider_id, year]).fetchone()
    if row:
        return row[0]
    row = db.execute("SELECT fixed_budget_ore FROM providers WHERE id = ?", [provider_id]).fetchone()
    return row[0] if row else None


def set_fixed_budget(db, provider_id: int, year: int, amount_ore: int | None) -> None:
    """Set (or with ``None`` remove) a facility's fixed budget for one year (audited)."""
    own_facility(db, provider_id)
    if amount_ore is not None and amount_ore < 0:
        raise ValidationError({"fixed_budget": "Det faste budget kan ikke være negativt"})
    with db.atomic():
        old = query(db, "SELECT * FROM vum_fixed_budgets WHERE provider_id = ? AND year = ?", [provider_id, year])
        db.execute("DELETE FROM vum_fixed_budgets WHERE provider_id = ? AND year = ?", [provider_id, year])
        new = None
        if amount_ore is not None:
            new = {"provider_id": provider_id, "year": year, "amount_ore": int(amount_ore)}
            db["vum_fixed_budgets"].insert(new)
        audit.record(db, "vum_fixed_budgets", provider_id, "update", old[0] if old else None, new)


# ------------------------------------------------------------------ versions

def _version(r: dict) -> AllocationVersion:
    return AllocationVersion(r["id"], r["provider_id"], r["year"], r["version"], Decimal(r["hourly_price"]),
                             Decimal(r["hours_per_week"]), Decimal(r["hours_per_year"]), r["kr_per_year_ore"],
                             json.loads(r["lines"]), r["decision"], r["note"], r["created_at"], r["created_by"])


def versions(db, provider_id: int, year: int | None = None) -> list[AllocationVersion]:
    """Saved allocation versions of a facility, oldest first."""
    sql = "SELECT * FROM vum_allocations WHERE provider_id = ?" + (" AND year = ?" if year is not None else "")
    params = [provider_id] + ([year] if year is not None else [])
    return [_version(r) for r in query(db, sql + " ORDER BY year, version", params)]


def previous_version(db, provider_id: int, year: int) -> AllocationVersion | None:
    """The allocation in force before ``year``: the newest version of the latest earlier year."""
    rows = query(db, "SELECT * FROM vum_allocations WHERE provider_id = ? AND year < ? "
                     "ORDER BY year DESC, version DESC LIMIT 1", [provider_id, year])
    return _version(rows[0]) if rows else None


def latest_version(db, provider_id: int, year: int) -> AllocationVersion | None:
    """The newest version saved for ``year`` or, failing that, for an earlier year."""
    rows = query(db, "SELECT * FROM vum_allocations WHERE provider_id = ? AND year <= ? "
                     "ORDER BY year DESC, version DESC LIMIT 1", [provider_id, year])
    return _version(rows[0]) if rows else None


def _line(r: Resident) -> dict:
    return {"key": r.key, "citizen_id": r.citizen_id, "cpr": r.cpr, "name": r.name,
            "weight": f"{r.weight.numerator}/{r.weight.denominator}", "category": r.category,
            "hours": None if r.hours is None else str(r.hours)}


def save_allocation(db, allocation: Allocation, *, decision: str | None = None, note: str = "",
                    batch_id: int | None = None) -> int:
    """Save the allocation as a new version for its facility and year; earlier versions stay.

    Returns the id of the saved version.

    Raises:
        ValidationError: residents without a category, F without hours, an unknown decision.
    """
    decision = decision or allocation.proposal
    problems = {}
    if decision not in DECISIONS:
        problems["decision"] = "Beslutningen skal være 'behold' eller 'ændr'"
    missing = [r for r in allocation.residents if r.category is None]
    if missing:
        expected = sum(1 for r in missing if r.expected)
        problems["category"] = (f"{len(missing)} beboer(e) mangler en VUM-kategori"
                                + (f", heraf {expected} forventet borger(e)" if expected else "")
                                + "; vælg kategorien i guiden Budgettildeling")
    no_hours = [r for r in allocation.residents if r.category == INDIVIDUAL and not r.hours]
    if no_hours:
        problems["hours"] = f"{len(no_hours)} beboer(e) i kategori F mangler individuelle timer"
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        version = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM vum_allocations "
                             "WHERE provider_id = ? AND year = ?", [allocation.provider_id, allocation.year]
                             ).fetchone()[0]
        row = {"provider_id": allocation.provider_id, "year": allocation.year, "version": version,
               "hourly_price": str(allocation.hourly_price), "hours_per_week": str(_round(allocation.hours_per_week)),
               "hours_per_year": str(_round(allocation.hours_per_year)),
               "kr_per_year_ore": to_ore(allocation.kr_per_year),
               "lines": json.dumps([_line(r) for r in allocation.residents], ensure_ascii=False),
               "decision": decision, "note": str(note or ""), "created_at": audit.now(),
               "created_by": current_user(), "batch_id": batch_id}
        new_id = db["vum_allocations"].insert(row).last_pk
        audit.record(db, "vum_allocations", new_id, "insert", None, row, batch_id)
    return new_id


# ------------------------------------------------------------------ who is due

def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def assessment_problem(resident: Resident, today: dt.date, months: int) -> str:
    """Why a resident's assessment is due on ``today``: missing, or older than ``months`` (the
    setting ``vum.reassessment_months``); "" when it is not."""
    if resident.assessed_on is None:
        return "mangler VUM-vurdering"
    if resident.assessed_on < months_before(today, months):
        return f"vurderingen er ældre end {months} måneder"
    return ""


def due(db, today: dt.date | None = None) -> list[dict]:
    """Residents of own facilities today whose assessment is missing or older than the limit,
    or whose category differs from the one in the facility's newest allocation."""
    today = today or dt.date.today()
    months = reassessment_months(db)
    out = []
    names = {p.id: p.name for p in list_providers(db)}
    for provider_id, people in residents_by_facility(db, today.year).items():
        latest = latest_version(db, provider_id, today.year)
        if latest is None and not any(r.category for r in people):
            continue  # not a facility allocated by VUM
        allocated = {line["key"]: line for line in (latest.lines if latest else [])}
        for r in people:
            if r.expected or not r.first_day <= today <= r.last_day:
                continue
            reasons = [problem] if (problem := assessment_problem(r, today, months)) else []
            line = allocated.get(r.key)
            if line is not None and line["category"] != r.category:
                reasons.append(f"kategori ændret siden tildelingen {latest.year} "
                               f"({line['category'] or '–'} → {r.category or '–'})")
            if reasons:
                out.append({"cpr": r.cpr, "name": r.name, "facility": names[provider_id],
                            "provider_id": provider_id, "category": r.category,
                            "assessed_on": r.assessed_on, "reasons": reasons})
    out.sort(key=lambda d: (d["facility"].casefold(), d["name"].casefold(), d["cpr"]))
    return out
