"""Settings: every user setting declared once (name, type, default, Danish text).

The values live in the ``settings`` table as text. ``get`` returns the typed value or the
declared default; ``set_value`` parses what the user typed (Danish numbers), checks it,
stores it and writes the audit log in the same transaction. The CLI's ``settings``
command, the settings dialog and the first-run guide all read this one declaration.
"""

from __future__ import annotations


from core.store import audit
from core.store.declared_settings import SETTINGS, Setting  # noqa: F401 (re-exported)
from core.errors import ValidationError
from core.money import InvalidNumber, parse_number


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


def stored(db, name: str) -> str | None:
    """The text stored for ``name``, or None. The one reader of the ``settings`` table: also for
    the keys VUM declares itself (its category rule, with defaults in ``resources/vum.json``)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [name]).fetchone()
    return row[0] if row else None


def store(db, name: str, text: str) -> str | None:
    """Store ``text`` for ``name`` as it is (checked and audited by the caller, in its transaction);
    returns the text stored before. The one writer of the ``settings`` table (but for the
    migrations, which seed VUM's shipped defaults: ``core.store.shipped``)."""
    old = stored(db, name)
    db["settings"].upsert({"key": name, "value": text}, pk="key")
    return old


def get(db, name: str):
    """The setting's value, typed; the declared default where none is stored (or unreadable)."""
    setting = _setting(name)
    text = stored(db, name)
    if text is None or text == "":
        return setting.default
    try:
        return parse(name, text)
    except ValidationError:
        return setting.default


def is_set(db, name: str) -> bool:
    return _setting(name) is not None and stored(db, name) not in (None, "")


def set_value(db, name: str, text) -> object:
    """Parse, check and store one setting (audited, one transaction); returns the typed value."""
    return set_values(db, {name: text})[name]


def set_values(db, texts: dict[str, object]) -> dict[str, object]:
    """Parse and check several settings, then store them all in one transaction with one audit
    entry (the backup dialog's three numbers are one change); nothing is stored when one is wrong.

    Returns:
        Each setting's typed value.
    """
    values = {name: parse(name, text) for name, text in texts.items()}
    with db.atomic():
        old = {name: store(db, name, str(value)) for name, value in values.items()}
        audit.record(db, "settings", None, "update", old, {name: str(value) for name, value in values.items()})
    return values


def all_values(db) -> list[dict]:
    """Every declared setting with its value and whether it is the default (for lists and JSON)."""
    out = []
    for s in SETTINGS.values():
        text = stored(db, s.name)
        out.append({"name": s.name, "label": s.label, "description": s.description, "group": s.group,
                    "kind": s.kind, "value": get(db, s.name), "default": s.default,
                    "is_default": text in (None, "")})
    return out
