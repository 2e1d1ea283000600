"""Settings: every user setting declared once (name, type, default, Danish text).

The values live in the ``settings`` table as text. ``get`` returns the typed value or the
declared default; ``set_value`` parses what the user typed (Danish numbers), checks it,
stores it and writes the audit log in the same transaction. The CLI's ``settings``
command, the settings dialog and the first-run guide all read this one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core import audit
from core.errors import ValidationError
from core.money import InvalidNumber, parse_number


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str                 # "text", "int", "amount", "percent"
    default: object
    label: str                # Danish, for the dialog
    description: str          # Danish, one or two sentences
    group: str = "Generelt"   # the dialog's tab
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None


SETTINGS: dict[str, Setting] = {s.name: s for s in [
    Setting("municipality", "text", None, "Egen kommune",
            "Navnet på kommunen, der bruger Dispo. Bevillinger, som en anden kommune betaler, "
            "er indtægt for egne tilbud og tæller ikke som udgift.", "Generelt"),
    Setting("reconcile_threshold", "amount", Decimal("1000"), "Afstemning: beløbsgrænse (kr.)",
            "Forskelle mellem bogført og beregnet under denne grænse markeres ikke i afstemningen.",
            "Kontroller", minimum=Decimal("0")),
    Setting("backup.keep_daily", "int", 7, "Sikkerhedskopier: daglige",
            "Så mange dage gemmes den nyeste kopi fra hver dag.", "Sikkerhedskopier", minimum=0),
    Setting("backup.keep_weekly", "int", 4, "Sikkerhedskopier: ugentlige",
            "Så mange uger gemmes den nyeste kopi fra hver uge.", "Sikkerhedskopier", minimum=0),
    Setting("backup.keep_monthly", "int", 12, "Sikkerhedskopier: månedlige",
            "Så mange måneder gemmes den nyeste kopi fra hver måned.", "Sikkerhedskopier", minimum=0),
    Setting("budget_year", "int", None, "Budgetår",
            "Det år, Dispo viser, før der er bogført noget (sættes i den første opsætning).", "Generelt",
            minimum=1900, maximum=2200),
    Setting("validation.ending_soon_days", "int", 60, "Validering: udløber snart (dage)",
            "Bevillinger, der slutter inden for så mange dage, vises som 'Bevilling udløber snart' "
            "i datavalideringen.", "Kontroller", minimum=1, maximum=366),
    Setting("provider.invoice_lag_days", "int", 45, "Fakturaforsinkelse for nye leverandører (dage)",
            "Hvor mange dage efter en måned en leverandør normalt fakturerer. Bruges for nye leverandører; "
            "hver leverandør kan have sin egen.", "Kontroller", minimum=0, maximum=365),
    Setting("ui.font_size", "int", 0, "Skriftstørrelse (punkt)",
            "Skriftstørrelsen i Dispos vinduer. 0 betyder systemets standard. Gælder fra næste start af "
            "vinduet eller straks, når indstillingen gemmes.", "Udseende", minimum=0, maximum=24),
]}


def _setting(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        known = ", ".join(sorted(SETTINGS))
        raise ValidationError({name: f"'{name}' er ikke en indstilling. Kendte indstillinger: {known}"}) from None


def parse(name: str, text: str):
    """The typed value of ``text`` for setting ``name``; a Danish ValidationError otherwise."""
    setting = _setting(name)
    text = "" if text is None else str(text).strip()
    if setting.kind == "text":
        if not text:
            raise ValidationError({name: f"{setting.label} må ikke være tom"})
        return text
    try:
        number = parse_number(text.rstrip("%").strip())
    except InvalidNumber:
        raise ValidationError({name: f"{setting.label}: '{text}' er ikke et tal"}) from None
    if setting.kind == "int":
        if number != number.to_integral_value():
            raise ValidationError({name: f"{setting.label} skal være et helt tal, ikke '{text}'"})
        number = int(number)
    if setting.minimum is not None and number < setting.minimum:
        raise ValidationError({name: f"{setting.label} skal være mindst {setting.minimum}"})
    if setting.maximum is not None and number > setting.maximum:
        raise ValidationError({name: f"{setting.label} må højst være {setting.maximum}"})
    return number


def _stored(db, name: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [name]).fetchone()
    return row[0] if row else None


def get(db, name: str):
    """The setting's value, typed; the declared default where none is stored (or unreadable)."""
    setting = _setting(name)
    text = _stored(db, name)
    if text is None or text == "":
        return setting.default
    try:
        return parse(name, text)
    except ValidationError:
        return setting.default


def is_set(db, name: str) -> bool:
    return _setting(name) is not None and _stored(db, name) not in (None, "")


def set_value(db, name: str, text) -> object:
    """Parse, check and store one setting (audited, one transaction); returns the typed value."""
    value = parse(name, text)
    with db.atomic():
        old = _stored(db, name)
        db["settings"].upsert({"key": name, "value": str(value)}, pk="key")
        audit.record(db, "settings", None, "update", {name: old}, {name: str(value)})
    return value


def all_values(db) -> list[dict]:
    """Every declared setting with its value and whether it is the default (for lists and JSON)."""
    out = []
    for s in SETTINGS.values():
        stored = _stored(db, s.name)
        out.append({"name": s.name, "label": s.label, "description": s.description, "group": s.group,
                    "kind": s.kind, "value": get(db, s.name), "default": s.default,
                    "is_default": stored in (None, "")})
    return out
