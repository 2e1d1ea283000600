"""VUM assessments: a citizen's theme scores and the support category decided from them.

An assessment is never changed once recorded: a new assessment is added, so the history
of scores and categories per citizen stays. An assessment may name the facility it is
for (a citizen can live in one own facility and get support from another); the current
category of a citizen at a facility is that of the newest assessment for the facility,
else of the newest one without a facility. An imported VUM list counts as an assessment
dated on the import day, with the category from the file and no scores.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from core.store import audit
from core import cpr as cprs
from core.register.citizens import find_by_cpr
from core.errors import NotFoundError, ValidationError
from core.money import InvalidNumber, parse_date, to_decimal
from core.register.providers import get_provider
from core.store.storage import current_user, query
from core.vum.rule import CATEGORIES, INDIVIDUAL, category_rule, themes

@dataclass(frozen=True)
class Assessment:
    id: int
    citizen_id: int
    cpr: str
    name: str
    provider_id: int | None
    facility: str | None
    date: dt.date
    assessor: str
    scores: dict[str, int]
    note: str
    suggested_category: str | None
    category: str
    hours: Decimal | None
    reason: str
    source: str
    decided_by: str
    decided_at: str
    batch_id: int | None


_SQL = """SELECT a.*, c.cpr, c.name, p.name AS facility FROM vum_assessments a
          JOIN citizens c ON c.id = a.citizen_id LEFT JOIN providers p ON p.id = a.provider_id"""


def _assessment(r: dict) -> Assessment:
    return Assessment(
        id=r["id"], citizen_id=r["citizen_id"], cpr=r["cpr"], name=r["name"], provider_id=r["provider_id"],
        facility=r["facility"], date=dt.date.fromisoformat(r["date"]), assessor=r["assessor"],
        scores=json.loads(r["scores"]), note=r["note"], suggested_category=r["suggested_category"],
        category=r["category"], hours=Decimal(r["hours"]) if r["hours"] is not None else None,
        reason=r["reason"], source=r["source"], decided_by=r["decided_by"], decided_at=r["decided_at"],
        batch_id=r["batch_id"])


def list_assessments(db, *, citizen_id: int | None = None, provider_id: int | None = None) -> list[Assessment]:
    """Assessments oldest first (by date, then by when they were recorded)."""
    where, params = [], []
    if citizen_id is not None:
        where.append("a.citizen_id = ?")
        params.append(citizen_id)
    if provider_id is not None:
        where.append("a.provider_id = ?")
        params.append(provider_id)
    sql = _SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.date, a.id"
    return [_assessment(r) for r in query(db, sql, params)]


def get_assessment(db, assessment_id: int) -> Assessment:
    rows = query(db, _SQL + " WHERE a.id = ?", [assessment_id])
    if not rows:
        raise NotFoundError(f"VUM-vurdering {assessment_id} findes ikke")
    return _assessment(rows[0])


def current_assessments(db) -> dict[tuple[int, int | None], Assessment]:
    """The newest assessment per (citizen, facility); facility ``None`` = not tied to one."""
    out: dict[tuple[int, int | None], Assessment] = {}
    for a in list_assessments(db):
        out[(a.citizen_id, a.provider_id)] = a
    return out


def pick_current(current: dict, citizen_id: int, provider_id: int) -> Assessment | None:
    """The assessment that decides a citizen's category at a facility (see the module text)."""
    return current.get((citizen_id, provider_id)) or current.get((citizen_id, None))


def assessment_json(a: Assessment) -> dict:
    """The CLI's JSON form of an assessment."""
    return {"cpr": a.cpr, "date": a.date.isoformat(), "assessor": a.assessor, "scores": a.scores,
            "suggested_category": a.suggested_category, "category": a.category, "reason": a.reason,
            "facility": a.facility, "hours": a.hours, "source": a.source, "note": a.note}


# ------------------------------------------------------------------ recording

def parse_scores(db, pairs: list[str]) -> dict[str, int]:
    """``["egenomsorg=3", "Socialt liv=2"]`` as ``{code: score}``; a theme by its code or text.

    Raises:
        ValidationError: an unknown theme or a score that is not 0-4.
    """
    by_name = {}
    for t in themes(db, include_inactive=True):
        by_name[t.code.casefold()] = t.code
        by_name[t.text.casefold()] = t.code
    scores: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = str(pair).rpartition("=")
        code = by_name.get(name.strip().casefold())
        if not sep or code is None:
            raise ValidationError({"scores": f"'{pair}': ukendt tema (skriv tema=score, fx egenomsorg=2)"})
        scores[code] = value.strip()
    return validate_scores(db, scores)


def validate_scores(db, scores: dict) -> dict[str, int]:
    known = {t.code for t in themes(db, include_inactive=True)}
    out: dict[str, int] = {}
    for code, value in scores.items():
        if value in (None, ""):
            continue
        if code not in known:
            raise ValidationError({"scores": f"Temaet '{code}' findes ikke"})
        try:
            score = int(str(value).strip())
        except ValueError:
            score = -1
        if not 0 <= score <= 4:
            raise ValidationError({"scores": f"Scoren for '{code}' skal være et helt tal fra 0 til 4, ikke '{value}'"})
        out[code] = score
    return out


def _hours(value, category: str | None, problems: dict) -> Decimal | None:
    if category != INDIVIDUAL:
        return None
    if value in (None, ""):
        problems["hours"] = "Kategori F (individuel støtte) kræver individuelle timer pr. uge"
        return None
    try:
        hours = to_decimal(value)
    except (InvalidNumber, ArithmeticError):
        problems["hours"] = f"Individuelle timer: '{value}' er ikke et tal"
        return None
    if not 0 < hours <= 168:
        problems["hours"] = "Individuelle timer pr. uge skal være over 0 og højst 168"
    return hours


def own_facility(db, provider_id: int):
    """The provider, if it is an own facility.

    Raises:
        ValidationError: the provider does not exist or is not own (VUM allocation is only for own facilities).
    """
    try:
        provider = get_provider(db, int(provider_id))
    except NotFoundError:
        raise ValidationError({"facility": f"Tilbud {provider_id} findes ikke"}) from None
    if not provider.is_own:
        raise ValidationError({"facility": f"'{provider.name}' er ikke et eget tilbud; "
                                           "VUM-tildeling gælder kun egne tilbud"})
    return provider


def record_assessment(db, *, cpr: str, date, assessor: str, scores: dict, provider_id: int | None = None,
                      note: str = "", category: str | None = None, hours=None, reason: str = "") -> int:
    """Record an assessment; ``category`` ``None`` accepts the rule's suggestion.

    Returns the new assessment's id.

    Raises:
        ValidationError: unknown citizen, no date or assessor, a score outside 0-4, a category
            that differs from the suggestion without a reason, category F without hours.
    """
    problems: dict[str, str] = {}
    citizen = None
    try:
        citizen = find_by_cpr(db, cprs.normalize(cpr))
        if citizen is None:
            problems["cpr"] = f"Borgeren med CPR-nummer {cprs.mask(cprs.normalize(cpr))} findes ikke i registret"
    except cprs.InvalidCPR as ex:
        problems["cpr"] = str(ex)
    if isinstance(date, dt.date):
        day = date
    else:
        try:
            day = parse_date(str(date or ""))
        except InvalidNumber as ex:
            problems["date"] = f"Dato: {ex}" if date else "Dato skal udfyldes"
            day = None
    assessor = " ".join(str(assessor or "").split())
    if not assessor:
        problems["assessor"] = "Skriv hvem der har foretaget vurderingen"
    if provider_id is not None:
        try:
            own_facility(db, provider_id)
        except ValidationError as ex:
            problems.update(ex.problems)
    try:
        scores = validate_scores(db, scores or {})
    except ValidationError as ex:
        problems.update(ex.problems)
        scores = {}
    suggestion = category_rule(db).suggest(scores)
    chosen = (str(category).strip().upper() or None) if category else suggestion
    reason = " ".join(str(reason or "").split())
    if chosen is None:
        problems["category"] = "Vælg en kategori: ingen temaer er scoret, så der er intet forslag"
    elif chosen not in CATEGORIES:
        problems["category"] = "VUM-kategori skal være A, B, C, D, E eller F"
    elif suggestion is not None and chosen != suggestion and not reason:
        problems["reason"] = (f"Kategorien {chosen} afviger fra forslaget {suggestion}: "
                              "skriv en begrundelse")
    hours_value = _hours(hours, chosen, problems)
    if problems:
        raise ValidationError(problems)
    row = {"citizen_id": citizen.id, "provider_id": provider_id, "date": day.isoformat(), "assessor": assessor,
           "scores": json.dumps(scores, sort_keys=True), "note": str(note or ""), "suggested_category": suggestion,
           "category": chosen, "hours": None if hours_value is None else str(hours_value),
           "reason": reason if chosen != suggestion else "", "source": "vurdering",
           "decided_by": current_user(), "decided_at": audit.now()}
    with db.atomic():
        new_id = db["vum_assessments"].insert(row).last_pk
        audit.record(db, "vum_assessments", new_id, "insert", None, row)
    return new_id
