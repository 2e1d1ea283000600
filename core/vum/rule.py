"""The VUM catalogue and settings: themes, the category rule, thresholds.

The category rule is a small declarative value stored as a setting, so the user can read
it (as Danish text) and change it without code: a *measure* of the theme scores (the
average or the maximum of the scored themes) and *steps* ``[(from, category), ...]``:
the suggested category is the last step whose ``from`` is at most the measure. A
measure exactly on a step's boundary therefore gets that step's category.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.store import audit, settings
from core.errors import ValidationError
from core.money import InvalidNumber, format_number, to_decimal
from core.store.shipped import load_shipped_vum as load_shipped, shipped_vum as shipped  # noqa: F401 (re-exported)
from core.store.storage import query

CATEGORIES = ("A", "B", "C", "D", "E", "F")
INDIVIDUAL = "F"
SCORE_LABELS = ("ingen problem", "let problem", "moderat problem", "svært problem", "fuldstændigt problem")
MEASURES = {"gennemsnit": "gennemsnittet", "maksimum": "den højeste score"}

# the first word of each category's label, in the spellings lists use
LABEL_WORDS = (("let", "A"), ("moderat", "B"), ("omfattende", "C"), ("svær", "D"), ("svaer", "D"),
               ("fuldstændig", "E"), ("fuldstaendig", "E"), ("individuel", "F"))

RULE_KEY = "vum.category_rule"
THRESHOLD_KEY = "vum.significant_change_pct"
REASSESS_KEY = "vum.reassessment_months"


def parse_category(value) -> str | None:
    """A category from how lists write it: ``C``, ``c``, ``Omfattende støtte``, ``Svær``,
    or a column heading like ``11-20 timer / Omfattende støtte/C pr. uge``; ``None`` if none.
    """
    text = " ".join(str(value or "").split())
    if text.upper() in CATEGORIES:
        return text.upper()
    letter = re.search(r"(?:^|[/(\s])([A-F])(?=$|[)/.\s])", text)
    if letter:
        return letter.group(1)
    words = text.casefold()
    for word, code in LABEL_WORDS:
        if re.search(rf"\b{word}", words):
            return code
    return None


# ------------------------------------------------------------------ settings

def _setting(db, key: str) -> str:
    """A VUM setting's stored text, or its shipped default (``resources/vum.json``)."""
    value = settings.stored(db, key)
    if value is not None:
        return value
    value = shipped()["settings"][key]
    return value if isinstance(value, str) else json.dumps(value)


def _set_setting(db, key: str, value: str) -> None:
    with db.atomic():
        old = settings.store(db, key, value)
        audit.record(db, "settings", None, "update", {"key": key, "value": old}, {"key": key, "value": value})


def _positive_decimal(value, label: str, key: str) -> Decimal:
    try:
        number = to_decimal(value)
    except (InvalidNumber, ArithmeticError):
        raise ValidationError({key: f"{label}: '{value}' er ikke et tal"}) from None
    if number < 0:
        raise ValidationError({key: f"{label} kan ikke være negativ"})
    return number


def significant_change_pct(db) -> Decimal:
    """The threshold (percent) above which a facility's change in need is significant."""
    return Decimal(_setting(db, THRESHOLD_KEY))


def set_significant_change_pct(db, value) -> None:
    _set_setting(db, THRESHOLD_KEY, str(_positive_decimal(value, "Tærskel for væsentlig ændring", "threshold")))


def reassessment_months(db) -> int:
    """After how many months an assessment is due for renewal."""
    return int(_setting(db, REASSESS_KEY))


def set_reassessment_months(db, value) -> None:
    try:
        months = int(str(value).strip())
    except ValueError:
        raise ValidationError({"months": f"Antal måneder: '{value}' er ikke et helt tal"}) from None
    if not 1 <= months <= 120:
        raise ValidationError({"months": "Antal måneder skal være mellem 1 og 120"})
    _set_setting(db, REASSESS_KEY, str(months))


# ------------------------------------------------------------------ themes

@dataclass(frozen=True)
class Theme:
    code: str
    text: str
    sort: int
    active: bool


def themes(db, *, include_inactive: bool = False) -> list[Theme]:
    rows = query(db, "SELECT * FROM vum_themes" + ("" if include_inactive else " WHERE active = 1")
                 + " ORDER BY sort, code")
    return [Theme(r["code"], r["text"], r["sort"], bool(r["active"])) for r in rows]


def theme_code(text: str) -> str:
    """A theme's code from its name: ``Socialt liv`` -> ``socialt_liv``."""
    return "_".join(str(text or "").strip().lower().split())


def save_theme(db, code: str, text: str, *, active: bool = True) -> None:
    """Add a theme or change one's text or active flag (themes are never deleted: old scores refer to them)."""
    code = theme_code(code)
    text = " ".join(str(text or "").split())
    problems = {}
    if not code:
        problems["code"] = "Temaet skal have en kode"
    if not text:
        problems["text"] = "Temaet skal have en tekst"
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        old = query(db, "SELECT * FROM vum_themes WHERE code = ?", [code])
        sort = old[0]["sort"] if old else (db.execute("SELECT COALESCE(MAX(sort), 0) + 1 FROM vum_themes")
                                           .fetchone()[0])
        new = {"code": code, "text": text, "sort": sort, "active": int(active)}
        db["vum_themes"].upsert(new, pk="code")
        audit.record(db, "vum_themes", None, "update" if old else "insert", old[0] if old else None, new)


# ------------------------------------------------------------------ the category rule

@dataclass(frozen=True)
class CategoryRule:
    """Suggest a category from theme scores: ``measure`` of the scores, then ``steps``."""

    measure: str
    steps: tuple[tuple[Decimal, str], ...]

    def value(self, scores: dict[str, int]) -> Fraction | None:
        """The measure of the scores (exact), or ``None`` when no theme is scored."""
        values = [int(v) for v in scores.values() if v is not None]
        if not values:
            return None
        if self.measure == "maksimum":
            return Fraction(max(values))
        return Fraction(sum(values), len(values))

    def suggest(self, scores: dict[str, int]) -> str | None:
        """The suggested category, or ``None`` when no theme is scored."""
        measure = self.value(scores)
        if measure is None:
            return None
        chosen = self.steps[0][1]
        for start, category in self.steps:
            if Fraction(start) <= measure:
                chosen = category
        return chosen

    def text(self) -> str:
        """The rule in Danish, as shown in the assessment dialog and the settings."""
        parts = []
        for i, (start, category) in enumerate(self.steps):
            if i + 1 < len(self.steps):
                upper = _bound(self.steps[i + 1][0])
                band = (f"under {upper}" if i == 0 else f"fra {_bound(start)} til under {upper}")
            else:
                band = f"{_bound(start)} og derover"
            parts.append(f"{band}: {category}")
        return (f"Kategorien foreslås ud fra {MEASURES[self.measure]} af de scorede temaer (0–4, "
                "temaer uden score tæller ikke med): " + "; ".join(parts) + ". "
                "En værdi præcis på en grænse giver den højeste af de to kategorier. "
                "Forslaget kan altid ændres, men så skal der skrives en begrundelse.")

    def to_json(self) -> str:
        return json.dumps({"measure": self.measure, "steps": [[str(s), c] for s, c in self.steps]},
                          ensure_ascii=False)


def _bound(value: Decimal) -> str:
    """A boundary the short way: ``0,75``, ``3``."""
    return format_number(value, 2).rstrip("0").rstrip(",")


def parse_rule(data: dict) -> CategoryRule:
    """Check a rule given as ``{"measure": ..., "steps": [[from, category], ...]}``.

    Raises:
        ValidationError: an unknown measure, a step that is not a number 0-4 with a
            category A-F, or steps not strictly rising from 0.
    """
    measure = str(data.get("measure") or "")
    if measure not in MEASURES:
        raise ValidationError({"measure": "Målet skal være 'gennemsnit' eller 'maksimum'"})
    steps = []
    for item in data.get("steps") or []:
        try:
            start, category = item
            start = to_decimal(start)
        except (TypeError, ValueError, InvalidNumber, ArithmeticError):
            raise ValidationError({"steps": f"Trinnet {item!r} skal være en grænse og en kategori"}) from None
        category = str(category).strip().upper()
        if category not in CATEGORIES:
            raise ValidationError({"steps": f"'{category}' er ikke en VUM-kategori (A-F)"})
        if not 0 <= start <= 4:
            raise ValidationError({"steps": "Grænserne skal ligge mellem 0 og 4"})
        steps.append((start, category))
    if not steps or steps[0][0] != 0:
        raise ValidationError({"steps": "Reglen skal have et første trin fra 0"})
    if any(b[0] <= a[0] for a, b in zip(steps, steps[1:])):
        raise ValidationError({"steps": "Grænserne skal være stigende"})
    return CategoryRule(measure, tuple(steps))


def category_rule(db) -> CategoryRule:
    return parse_rule(json.loads(_setting(db, RULE_KEY)))


def set_category_rule(db, data: dict) -> CategoryRule:
    """Validate and store a new rule (audited); returns it."""
    rule = parse_rule(data)
    _set_setting(db, RULE_KEY, rule.to_json())
    return rule


def save_settings(db, *, rule: dict, threshold, months, theme_changes: list[tuple[str, str, bool]] = ()) -> None:
    """Save the VUM settings together: all of them or, on any invalid value, none.

    Args:
        rule: as for ``set_category_rule``.
        threshold: the significant-change threshold in percent.
        months: months before an assessment is due for renewal.
        theme_changes: ``(code, text, active)`` of themes to add or change.
    """
    with db.atomic():
        set_category_rule(db, rule)
        set_significant_change_pct(db, threshold)
        set_reassessment_months(db, months)
        for code, text, active in theme_changes:
            save_theme(db, code, text, active=active)


def settings_keys(db, theme_changes: list[tuple[str, str, bool]] = ()) -> list[tuple[str, dict]]:
    """The rows ``save_settings`` may change, as (table, key) pairs (for undo)."""
    codes = {t.code for t in themes(db, include_inactive=True)} | {theme_code(c) for c, _, _ in theme_changes}
    return ([("settings", {"key": k}) for k in (RULE_KEY, THRESHOLD_KEY, REASSESS_KEY)]
            + [("vum_themes", {"code": code}) for code in sorted(codes)])
