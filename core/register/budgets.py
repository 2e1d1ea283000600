"""Budgets per account (and optionally section), year and month, original and corrected.

A row with month NULL is the whole year's budget; monthly rows spread a budget over the
year. ``full_year_equivalents`` is the budgeted volume, which the forecast needs to split
a deviation into volume and price effects.
"""

from __future__ import annotations

from decimal import Decimal

from core.store import audit
from core.errors import NotFoundError, ValidationError
from core.register.grants import ACCOUNT_PATTERN, normalize_section
from core.money import InvalidNumber, to_decimal, to_ore
from core.store.storage import query


def list_budgets(db, year: int | None = None) -> list[dict]:
    """Budget rows (amounts in øre) ordered by year, account, section and month."""
    sql = "SELECT * FROM budgets" + (" WHERE year = ?" if year is not None else "")
    return query(db, sql + " ORDER BY year, account, section, month", [year] if year is not None else [])


def set_budget(db, year, account: str, amount, *, section: str | None = None, month=None, corrected=None,
               full_year_equivalents=None) -> int:
    """Set (insert or replace) the budget of an account (and section, month) for a year.

    ``amount`` is the original budget in kroner; ``corrected`` the corrected budget.
    Audited. Returns the row's id.

    Raises:
        ValidationError: a bad year, account, section, month or amount.
    """
    problems: dict[str, str] = {}
    try:
        year = int(year)
        if not 1900 <= year <= 2200:
            raise ValueError
    except (TypeError, ValueError):
        problems["year"] = f"Året '{year}' er ikke gyldigt"
    account = str(account or "").strip()
    if not ACCOUNT_PATTERN.match(account):
        problems["account"] = f"Konto skal skrives som 5.38.50, ikke '{account}'"
    code = None
    if section not in (None, ""):
        code = normalize_section(section)
        if not code or not db.execute("SELECT 1 FROM sections WHERE code = ?", [code]).fetchone():
            problems["section"] = f"Paragraffen '{section}' findes ikke"
    if month not in (None, ""):
        try:
            month = int(month)
            if not 1 <= month <= 12:
                raise ValueError
        except (TypeError, ValueError):
            problems["month"] = f"Måned skal være 1–12, ikke '{month}'"
    else:
        month = None
    values = {}
    for key, raw, label in (("original", amount, "Budget"), ("corrected", corrected, "Korrigeret budget"),
                            ("fye", full_year_equivalents, "Helårspersoner")):
        try:
            values[key] = None if raw in (None, "") else to_decimal(raw)
        except (InvalidNumber, ArithmeticError):
            problems[key] = f"{label}: '{raw}' er ikke et tal"
    if values.get("original") is None and "original" not in problems:
        problems["original"] = "Budget skal udfyldes"
    if values.get("fye") is not None and values["fye"] < 0:
        problems["fye"] = "Helårspersoner kan ikke være negative"
    if problems:
        raise ValidationError(problems)
    row = {"year": year, "account": account, "section": code, "month": month,
           "original_ore": to_ore(values["original"]),
           "corrected_ore": to_ore(values["corrected"]) if values["corrected"] is not None else None,
           "full_year_equivalents": str(values["fye"]) if values["fye"] is not None else None}
    with db.atomic():
        old = query(db, "SELECT * FROM budgets WHERE year = ? AND account = ? AND section IS ? AND month IS ?",
                    [year, account, code, month])
        if old:
            db["budgets"].update(old[0]["id"], row)
            row_id = old[0]["id"]
        else:
            row_id = db["budgets"].insert(row).last_pk
        audit.record(db, "budgets", row_id, "update" if old else "insert", old[0] if old else None, row)
    return row_id


def delete_budget(db, budget_id: int) -> None:
    rows = query(db, "SELECT * FROM budgets WHERE id = ?", [budget_id])
    if not rows:
        raise NotFoundError(f"Budgetlinje {budget_id} findes ikke")
    with db.atomic():
        db.execute("DELETE FROM budgets WHERE id = ?", [budget_id])
        audit.record(db, "budgets", budget_id, "delete", rows[0], None)


def budget_json(row: dict) -> dict:
    return {"id": row["id"], "year": row["year"], "account": row["account"], "section": row["section"],
            "month": row["month"], "original": float(Decimal(row["original_ore"]) / 100),
            "corrected": float(Decimal(row["corrected_ore"]) / 100) if row["corrected_ore"] is not None else None,
            "full_year_equivalents": float(Decimal(row["full_year_equivalents"]))
            if row["full_year_equivalents"] is not None else None}
