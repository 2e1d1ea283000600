"""The audit log: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt
import json
import re

from core import cpr as cprs, formatting
from core.errors import DispoError, from_environment
from core.formatting import datetime_text
from core.store.connection import current_user, query
from core.store.declared_settings import SETTINGS
from core.formulas import csv_safe, looks_like_formula
from core.money import InvalidNumber, to_decimal


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def record(db, table: str, row_id: int | None, action: str, old: dict | None, new: dict | None,
           batch_id: int | None = None) -> None:
    """Write one audit row; call inside the transaction that makes the change."""
    db.execute(
        "INSERT INTO audit (at, user, table_name, row_id, action, old, new, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [now(), current_user(), table, row_id, action, _json(old), _json(new), batch_id],
    )


ACTIONS = {"insert": "Oprettet", "update": "Ændret", "delete": "Slettet", "rate": "Ny takst",
           "restore": "Gendannet", "import": "Importeret", "undo": "Fortrudt", "approve": "Godkendt",
           "replace": "Erstattet"}
TABLES = {"grants": "Bevilling", "citizens": "Borger", "providers": "Leverandør", "provider_rates": "Leverandørtakst",
          "satser": "Sats", "budgets": "Budget", "postings": "Postering", "batches": "Import",
          "settings": "Indstilling", "database": "Database", "sections": "Paragraf", "accounts": "Konto",
          "approvals": "Godkendelse", "expected_citizens": "Kommende borger", "vum_allocations": "VUM-tildeling",
          "vum_assessments": "VUM-vurdering", "vum_fixed_budgets": "Fast budget (VUM)", "vum_themes": "VUM-tema",
          "vum_categories": "VUM-kategori", "units": "Enhed", "rate_kinds": "Satstype", "grant_rates": "Takst",
          "pa_hours_used": "Forbrugte timer"}
# The screens' names for the stored fields (an amount's ``_ore`` field is shown in kroner).
FIELDS = {
    "account": "Konto", "section": "Paragraf", "grouping": "Gruppering", "unit": "Enhed", "quantity": "Antal",
    "quantity_per": "Antal pr.", "start": "Start", "end": "Slut", "status": "Status",
    "paying_municipality": "Betalingskommune", "acting_municipality": "Handlekommune",
    "payment_only": "Kun betaling", "caseworker": "Sagsbehandler", "granted_on": "Bevilget den",
    "followup_date": "Opfølgningsdato", "vum_category": "VUM-kategori", "vum_hours": "Individuelle timer pr. uge",
    "rate_from_catalogue": "Takst fra kataloget", "note": "Note", "batch_id": "Import nr.", "rates": "Takster",
    "rate": "Takst", "valid_from": "Gælder fra", "citizen_id": "Borger nr.", "provider_id": "Leverandør nr.",
    "cpr": "CPR-nummer", "name": "Navn", "temporary": "Midlertidigt id", "kind": "Type",
    "municipality": "Kommune", "places": "Pladser", "occupancy_target": "Belægningsmål (%)",
    "invoice_lag_days": "Faktureringsforsinkelse (dage)", "fixed_budget_ore": "Fast budget", "text": "Tekst",
    "year": "År", "month": "Måned", "original_ore": "Oprindeligt budget", "corrected_ore": "Korrigeret budget",
    "full_year_equivalents": "Helårspersoner", "expected_ore": "Forventet regnskab", "amount_ore": "Beløb",
    "date": "Dato", "voucher": "Bilag", "art": "Art", "file": "Fil", "sheet": "Ark", "removed": "Fjernet",
    "restored": "Genskabt", "ident": "Id", "source": "Kilde", "created_at": "Oprettet", "created_by": "Oprettet af",
    "decision": "Beslutning", "hourly_price": "Timepris", "hours_per_week": "Timer pr. uge",
    "hours_per_year": "Timer pr. år", "kr_per_year_ore": "Kr. pr. år", "lines": "Borgere", "version": "Version",
    "assessed_on": "Vurderet den", "assessor": "Vurderet af", "scores": "Scorer", "suggested": "Foreslået kategori",
    "category": "Kategori", "reason": "Begrundelse", "value": "Værdi", "key": "Indstilling", "id": "Nr.",
    "code": "Kode", "label": "Betegnelse", "norm_hours": "Normtimer", "number": "Nummer", "band": "Niveau",
    "reconcile_threshold": "Afstemning: beløbsgrænse", "backup_retention": "Sikkerhedskopier",
    "keep_daily": "Daglige", "keep_weekly": "Ugentlige", "keep_monthly": "Månedlige", "amount": "Beløb",
    "undone_at": "Fortrudt den", "mapping": "Kolonner", "rows_read": "Rækker læst", "imported": "Nye",
    "updated": "Ændrede", "unchanged": "Uændrede", "rejected": "Afviste", "user": "Bruger",
    "checks": "Kontroller", "working_hours": "Arbejdstimer pr. uge", "cap_reason": "Begrundelse for timer over loftet",
    "period_start": "Periode fra", "period_end": "Periode til", "hours": "Timer",
}
# Fields holding another row's id: shown by what that row is called, not by its number
# (``Leverandør: Åhuset`` rather than ``Leverandør nr.: 2``); a row deleted since keeps its number.
REFERENCES = {
    "provider_id": ("Leverandør", "SELECT id, name FROM providers WHERE id IN ({})"),
    "citizen_id": ("Borger", "SELECT id, CASE WHEN trim(name) = '' THEN cpr ELSE name || ' (' || cpr || ')' END "
                             "FROM citizens WHERE id IN ({})"),
}
# Stored codes in the screens' words (core.followup.expected.SOURCES, core.vum.allocation.DECISIONS)
_CODES = {"source": {"planlagt": "planlagt sag", "ung18": "ung, fylder 18"},
          "decision": {"ændr": "ændre tildelingen", "behold": "beholde tildelingen"}}
_FLAGS = {"payment_only", "temporary", "rate_from_catalogue"}
_KRONER = {"rate", "hourly_price"}  # kroner stored as decimal text
_HOURS = {"hours_per_week", "hours_per_year", "vum_hours", "norm_hours", "working_hours", "hours"}
EXPORT_COLUMNS = [("id", "Nr."), ("at", "Tidspunkt"), ("user", "Bruger"), ("table_name", "Tabel"),
                  ("row_id", "Række"), ("action", "Handling"), ("change", "Ændring"), ("old", "Før (JSON)"),
                  ("new", "Efter (JSON)"), ("batch_id", "Import-nr.")]


def _decode(rows: list[dict]) -> list[dict]:
    for r in rows:
        for key in ("old", "new"):
            try:
                r[key] = json.loads(r[key]) if r[key] else None
            except ValueError:  # written by hand or by an older tool: keep the text
                pass
    return rows


def _citizen_of(alias: str) -> tuple[str, str]:
    """SQL for the citizen an audit row's old and new states name (NULL when none)."""
    return tuple(f"(CASE WHEN json_valid({alias}{state}) THEN json_extract({alias}{state}, '$.citizen_id') END)"
                 for state in ("old", "new"))


_OLD, _NEW = _citizen_of("")
_A_OLD, _A_NEW = _citizen_of("a.")
# Every audit row about one citizen (each ? is her id): her own row; every row whose old or
# new state names her (her grants' edits and deletions, assessments, ...); the rows of a
# grant of hers that name nobody (a new rate period), whether the grant is still there or
# was deleted (then a row naming her tells it was hers); the imports that brought her bookings.
_CITIZEN_ROWS = (
    "((table_name = 'citizens' AND row_id = ?)"
    f" OR ? IN ({_OLD}, {_NEW})"
    f" OR (table_name = 'grants' AND {_OLD} IS NULL AND {_NEW} IS NULL AND row_id IN ("
    "     SELECT id FROM grants WHERE citizen_id = ?"
    f"    UNION SELECT a.row_id FROM audit a WHERE a.table_name = 'grants' AND ? IN ({_A_OLD}, {_A_NEW})))"
    " OR (table_name = 'batches' AND row_id IN (SELECT p.batch_id FROM postings p"
    "     WHERE p.citizen_id = ? OR p.cpr = (SELECT cpr FROM citizens WHERE id = ?))))")


def entries(db, table: str | None = None, row_id: int | None = None, limit: int | None = 1000, *,
            citizen_id: int | None = None, search: str = "") -> list[dict]:
    """Audit rows, newest first.

    Args:
        table, row_id: only one table, or one row of it (a grant: ``"grants", grant_id``).
        citizen_id: everything about one citizen: her own row and every row (grants,
            bookings, ...) whose old or new state names her, deleted grants included.
        search: only rows whose user, table, action or values contain the text.
        limit: at most this many (None: all).
    """
    where, params = [], []
    if table:
        where.append("table_name = ?")
        params.append(table)
    if row_id is not None:
        where.append("row_id = ?")
        params.append(row_id)
    if citizen_id is not None:
        where.append(_CITIZEN_ROWS)
        params += [citizen_id] * _CITIZEN_ROWS.count("?")
    if search:
        where.append("(user || ' ' || table_name || ' ' || action || ' ' || coalesce(old, '') || ' ' || "
                     "coalesce(new, '')) LIKE ?")
        params.append(f"%{search}%")
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return _add_names(db, _decode(query(db, sql, params)))


def _add_names(db, rows: list[dict]) -> list[dict]:
    """Give each row ``names``: {field: {id: name}} for the ids in it that name another row
    (``REFERENCES``), so ``describe_change`` shows the provider's or the citizen's name."""
    wanted: dict[str, set] = {field: set() for field in REFERENCES}
    for r in rows:
        for state in (r["old"], r["new"]):
            if isinstance(state, dict):
                for field in REFERENCES:
                    if isinstance(state.get(field), int):
                        wanted[field].add(state[field])
    found = {}
    for field, ids in wanted.items():
        ids = sorted(ids)
        for start in range(0, len(ids), 500):  # SQLite's limit on parameters
            chunk = ids[start:start + 500]
            sql = REFERENCES[field][1].format(", ".join("?" * len(chunk)))
            found.update({(field, i): name for i, name in db.execute(sql, chunk)})
    for r in rows:
        names = {}
        for state in (r["old"], r["new"]):
            if isinstance(state, dict):
                for field in REFERENCES:
                    name = found.get((field, state.get(field)))
                    if name is not None:
                        names.setdefault(field, {})[state[field]] = name
        r["names"] = names
    return rows


def for_grant(db, grant_id: int) -> list[dict]:
    """The history of one grant, newest first."""
    return entries(db, "grants", grant_id, limit=None)


def for_citizen(db, citizen_id: int) -> list[dict]:
    """The whole history of one citizen, newest first, in one query: her own row, every row
    of her grants (deleted ones and their rate periods included), of anything else whose
    state names her, and the imports that brought her bookings.

    Each entry also has ``grant_id`` (the grant it is about, else None) and ``section`` (that
    grant's section, from the entry, another entry of the grant or the grant as it is now).
    """
    rows = entries(db, citizen_id=citizen_id, limit=None)
    sections = dict(db.execute("SELECT id, section FROM grants WHERE citizen_id = ?", [citizen_id]).fetchall())
    for r in rows:  # newest first: a deleted grant's last section
        if r["table_name"] == "grants":
            for state in (r["old"], r["new"]):
                if isinstance(state, dict) and state.get("section") and r["row_id"] not in sections:
                    sections[r["row_id"]] = state["section"]
    for r in rows:
        grant = r["table_name"] == "grants"
        r["grant_id"] = r["row_id"] if grant else None
        r["section"] = sections.get(r["row_id"]) if grant else None
    return rows


def field_label(key: str, table: str | None = None) -> str:
    """The screens' name of a stored field (in the settings table: the setting's label)."""
    if key in SETTINGS and (table == "settings" or key not in FIELDS):
        return SETTINGS[key].label
    return FIELDS.get(key, key)


def describe_change(entry: dict) -> str:
    """Danish one-line summary of what changed, in the screens' words:
    ``Slut: 31-12-2026 → 30-06-2026; Takst: 1.200,00 kr.``. Amounts in kroner, dates dd-mm-yyyy."""
    old, new = entry.get("old"), entry.get("new")
    table = entry.get("table_name")
    names = entry.get("names") or {}

    def label(k):
        return REFERENCES[k][0] if k in REFERENCES else field_label(k, table)

    def shown(k, v):
        if k in REFERENCES and isinstance(v, int):  # a row deleted since has no name: its number
            return names.get(k, {}).get(v) or f"nr. {v}"
        return show_value(k, v)

    if not isinstance(old, dict) or not isinstance(new, dict):
        value = new if new is not None else old
        if isinstance(value, dict):
            return "; ".join(f"{label(k)}: {shown(k, v)}" for k, v in value.items() if v not in (None, ""))
        return show_value("", value)
    if set(old) == {"key", "value"} and set(new) <= {"key", "value"}:  # a setting stored as key/value
        key = old.get("key") or new.get("key") or ""
        return f"{field_label(key, table)}: {show_value(key, old.get('value'))} → {show_value(key, new.get('value'))}"
    parts = []
    for k in dict.fromkeys([*old, *new]):
        if k in old and k in new:
            if old[k] != new[k]:
                parts.append(f"{label(k)}: {shown(k, old[k])} → {shown(k, new[k])}")
        elif k in new:
            parts.append(f"{label(k)}: {shown(k, new[k])}")
        else:
            parts.append(f"{label(k)} (før): {shown(k, old[k])}")
    return "; ".join(parts)


def show_value(key: str, value) -> str:
    """One stored value as the screens show it: øre as kroner, ISO dates as dd-mm-yyyy,
    decimals with a comma, flags as ja/nej, a grant's rate periods and lists in words."""
    if value is None or value == "":
        return "–"
    if key.endswith("_ore") and isinstance(value, int):
        return formatting.kr_text(value)
    if key in _HOURS or key == "full_year_equivalents":
        try:
            number = to_decimal(value)
        except InvalidNumber:
            return str(value)
        # hours always with two decimals (so 377 and 244,05 look alike); persons without zeros
        return formatting.format_number(number) if key in _HOURS else formatting.persons(number)
    if key in _KRONER:
        try:
            return f"{formatting.format_number(to_decimal(value))} kr."
        except InvalidNumber:
            return str(value)
    if key in _CODES and value in _CODES[key]:
        return _CODES[key][value]
    if key == "month" and isinstance(value, int) and 1 <= value <= 12:
        return formatting.MONTH_NAMES[value - 1]
    if key in _FLAGS and value in (0, 1, True, False):
        return "ja" if value else "nej"
    if key == "rates" and isinstance(value, list):
        return ", ".join(f"fra {formatting.date_text(vf)}: {show_value('rate', r)}" for vf, r in value)
    if key == "lines":
        try:
            items = json.loads(value) if isinstance(value, str) else value
            return formatting.count(len(items), "borger")
        except (TypeError, ValueError):
            pass
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {show_value(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show_value(key, v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return formatting.format_number(value).rstrip("0").rstrip(",")
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+\.\d+", value):
            return formatting.format_number(value, len(value.split(".")[1]))
        return formatting.datetime_text(value)
    return str(value)


def export(rows: list[dict], path, *, mask_cpr: bool = False) -> int:
    """Write audit rows to ``path`` as .xlsx or .csv (semicolon, UTF-8 with BOM, for Excel).

    Args:
        mask_cpr: show CPR numbers as ``DDMMYY-xxxx``.

    Returns the number of rows written.

    Raises:
        DispoError: an unknown file type, or the file cannot be written.
    """
    import csv
    from pathlib import Path

    path = Path(path)
    table = [[_cell(r, key, mask_cpr) for key, _ in EXPORT_COLUMNS] for r in rows]
    headings = [h for _, h in EXPORT_COLUMNS]
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DispoError(f"Revisionssporet kan gemmes som .xlsx eller .csv, ikke '{path.suffix}'")
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, delimiter=";")
                writer.writerow(headings)
                writer.writerows([[csv_safe(value) for value in values] for values in table])
        else:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Revisionsspor")
            ws.append(headings)
            for values in table:
                cells = []
                for value in values:
                    cell = WriteOnlyCell(ws, value)
                    if looks_like_formula(value):
                        cell.data_type = "s"  # text, never a formula
                        cell.quotePrefix = True
                    cells.append(cell)
                ws.append(cells)
            wb.save(path)
    except OSError as ex:
        raise (from_environment(ex) or DispoError(f"'{path}' kan ikke skrives: {ex}")) from ex
    return len(table)


def _cell(row: dict, key: str, mask_cpr: bool):
    if key == "change":
        value = describe_change(row)
    elif key in ("old", "new"):
        value = _json(row[key]) or ""
    elif key == "at":
        value = datetime_text(row[key])
    elif key == "table_name":
        value = TABLES.get(row[key], row[key])
    elif key == "action":
        value = ACTIONS.get(row[key], row[key])
    else:
        value = row.get(key)
    if mask_cpr and isinstance(value, str):
        value = cprs.mask_all(value)
    return value
