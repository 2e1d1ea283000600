"""Key figures per section and per provider, beside reference values the user enters per year.

For a year, per section (or provider):

- the expected outturn and the full-year equivalents are the forecast's (``core.followup.forecast``,
  rolled up the same way), so they are the same figures as on every other screen;
- ``grants``: expense grants active some day in the year (sold places and one-off grants
  are not counted, as for full-year equivalents);
- ``expense_per_grant`` = expected outturn / grants; ``expense_per_fye`` = the forecast's
  average price (expected outturn / full-year equivalents);
- hour bands for hour-based grants (unit ``time``; hours per month count as hours per
  month / 4,33 a week), by the hours a week: ``1–4`` (under 5), ``5–9`` (5 to under 10),
  ``10–12`` (10 to under 13), ``13+``;
- the share of grants by provider kind (egen, kommune, region, privat).

Reference values (e.g. national averages by municipality size) are kept per year, figure
and scope (a section, or ``''`` for the whole area) in ``key_figure_references``; each
figure is shown beside its reference with the difference (own − reference).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.store import audit
from core.errors import ValidationError
from core.followup.forecast import default_as_of, forecast, is_income, own_municipality
from core.money import kr, to_decimal
from core.store.storage import query

BANDS = ("1–4", "5–9", "10–12", "13+")
PROVIDER_KINDS = ("egen", "kommune", "region", "privat")
FIGURES = {
    "expense_per_grant": "Udgift pr. bevilling",
    "expense_per_fye": "Udgift pr. helårsperson",
    **{f"band_{b}": f"Andel bevillinger med {b} timer/uge" for b in BANDS},
    **{f"share_{k}": f"Andel bevillinger hos {k}" for k in PROVIDER_KINDS},
}
WEEKS_PER_MONTH = Decimal("4.33")


def band_of(hours_per_week: Decimal) -> str:
    if hours_per_week < 5:
        return BANDS[0]
    if hours_per_week < 10:
        return BANDS[1]
    if hours_per_week < 13:
        return BANDS[2]
    return BANDS[3]


@dataclass
class KeyFigureRow:
    """The figures of one section or provider; shares are fractions 0..1."""

    key: str
    expected_outturn: Decimal
    full_year_equivalents: Decimal | None
    grants: int
    expense_per_grant: Decimal | None
    expense_per_fye: Decimal | None
    bands: dict = field(default_factory=dict)       # band -> number of hour-based grants
    kinds: dict = field(default_factory=dict)       # provider kind -> number of grants
    references: dict = field(default_factory=dict)  # figure -> (reference, difference)

    def figure(self, name: str) -> Decimal | None:
        """A figure by its reference name (``expense_per_fye``, ``band_5–9``, ``share_privat``)."""
        if name in ("expense_per_grant", "expense_per_fye"):
            return getattr(self, name)
        if name.startswith("band_"):
            hours = sum(self.bands.values())
            return Decimal(self.bands.get(name[5:], 0)) / hours if hours else None
        if name.startswith("share_"):
            return Decimal(self.kinds.get(name[6:], 0)) / self.grants if self.grants else None
        raise KeyError(name)

    def as_json(self) -> dict:
        return {"key": self.key, "expected_outturn": self.expected_outturn,
                "full_year_equivalents": self.full_year_equivalents, "grants": self.grants,
                "expense_per_grant": self.expense_per_grant, "expense_per_fye": self.expense_per_fye,
                "bands": dict(self.bands), "kinds": dict(self.kinds),
                "references": {k: {"reference": r, "difference": d} for k, (r, d) in self.references.items()}}


def _grants_in_year(db, year: int) -> list[dict]:
    return query(db, """
        SELECT g.section, p.name AS provider, p.kind, g.unit, g.quantity, g.quantity_per, g.paying_municipality
        FROM grants g JOIN providers p ON p.id = g.provider_id
        WHERE g.start <= ? AND (g.end IS NULL OR g.end >= ?) AND g.unit != 'engang'""",
                 [f"{year:04d}-12-31", f"{year:04d}-01-01"])


def key_figures(db, year: int, by: str = "section") -> list[KeyFigureRow]:
    """The key figures per section or provider for ``year``, with the references for the year.

    Raises:
        DispoError: ``by`` is not section or provider, or the year has no data.
    """
    if by not in ("section", "provider"):
        raise ValidationError({"by": f"Nøgletal opdeles efter paragraf eller leverandør, ikke '{by}'"})
    # as of the one default date: the expected outturn the follow-up shows, to the øre
    fc = forecast(db, year, default_as_of(db, year), by=by, include_expected=False, include_refund=False)
    own = own_municipality(db)
    counts: dict[str, dict] = defaultdict(lambda: {"grants": 0, "bands": defaultdict(int), "kinds": defaultdict(int)})
    for g in _grants_in_year(db, year):
        if is_income(g["kind"], g["paying_municipality"], own):
            continue
        c = counts[g["section"] if by == "section" else g["provider"]]
        c["grants"] += 1
        c["kinds"][g["kind"]] += 1
        if g["unit"] == "time" and g["quantity"]:
            hours = to_decimal(g["quantity"])
            if g["quantity_per"] == "måned":
                hours /= WEEKS_PER_MONTH
            c["bands"][band_of(hours)] += 1
    refs = references(db, year)
    rows = []
    for r in fc.rows:
        key = r.section if by == "section" else r.provider
        if key is None:  # postings that match no grant: no grants to count figures per
            continue
        c = counts.get(key, {"grants": 0, "bands": {}, "kinds": {}})
        n = c["grants"]
        row = KeyFigureRow(key, r.expected_outturn, r.full_year_equivalents, n,
                           kr(r.expected_outturn / n) if n else None, r.average_price,
                           {b: c["bands"].get(b, 0) for b in BANDS if c["bands"].get(b)},
                           {k: c["kinds"].get(k, 0) for k in PROVIDER_KINDS if c["kinds"].get(k)})
        for (figure, scope), value in refs.items():
            if scope == (key if by == "section" else "") and figure in FIGURES:
                own_value = row.figure(figure)
                row.references[figure] = (value, None if own_value is None else own_value - value)
        rows.append(row)
    return rows


def references(db, year: int) -> dict[tuple[str, str], Decimal]:
    """The reference values of ``year``: (figure, scope) -> value."""
    return {(r["figure"], r["scope"]): Decimal(r["value"])
            for r in query(db, "SELECT figure, scope, value FROM key_figure_references WHERE year = ?", [year])}


def set_reference(db, year: int, figure: str, value, scope: str = "", source: str = "") -> None:
    """Enter (or replace) a reference value; ``None`` or ``''`` removes it. Shares are fractions (0,25).

    Raises:
        ValidationError: an unknown figure, a bad year or a negative value.
    """
    if figure not in FIGURES:
        raise ValidationError({"figure": f"Ukendt nøgletal '{figure}' (kendte: {', '.join(FIGURES)})"})
    if not 1900 <= int(year) <= 2200:
        raise ValidationError({"year": f"Året {year} er ikke gyldigt"})
    key = {"year": int(year), "figure": figure, "scope": scope or ""}
    with db.atomic():
        old = query(db, "SELECT * FROM key_figure_references WHERE year = ? AND figure = ? AND scope = ?",
                    list(key.values()))
        if value in (None, ""):
            db.execute("DELETE FROM key_figure_references WHERE year = ? AND figure = ? AND scope = ?",
                       list(key.values()))
            if old:
                audit.record(db, "key_figure_references", old[0]["id"], "delete", old[0], None)
            return
        number = to_decimal(value)
        if number < 0:
            raise ValidationError({"value": "En referenceværdi kan ikke være negativ"})
        row = {**key, "value": str(number), "source": source or ""}
        db["key_figure_references"].upsert(row, pk=("year", "figure", "scope"))
        audit.record(db, "key_figure_references", old[0]["id"] if old else None, "update" if old else "insert",
                     old[0] if old else None, row)
