"""Data validation: the monthly checklist (DOMAIN.md, "Data validation").

Every finding names its rule, a Danish message and the record to fix (table and id), so
the screen can open it. Rules:

- ``rate``: every grant has a rate above zero;
- ``dates``: every grant has a valid start (and an end not before it);
- ``provider``: no grant without a (known) provider;
- ``ended``: ended grants really are ended (status and end date agree);
- ``manual_rate``: no typed rate where the provider has a catalogue rate for the unit;
- ``duplicate``: no two active grants for the same citizen, section and provider;
- ``followup``: follow-up dates not overdue;
- ``payment_only``: cases acted on by another municipality but paid by us are marked
  payment-only;
- ``ownership``: provider ownership set consistently (a municipal provider names its
  municipality; an own provider has none), so VAT refund can be handled;
- ``sats_missing``: a yearly value (sats) used in earlier years has no value for the
  year checked; the newest earlier one is used until it is entered (DOMAIN.md): an error
  when a figure of the year is built on it (``sats_users``), else a warning; values that
  hold until they change (``STANDING_KINDS``) are never missing;
- ``budget_mismatch``: an account's budget and its section budgets do not add up;
- ``pa_cap`` (warning): an active grant of personal assistance in employment has more hours
  than the cap (20 · working hours / 37, ``core.register.pa_cap``) and no recorded reason;
- ``pa_working_hours`` (warning): such a grant has no working hours (the full-time cap is used);
- ``ending_soon`` (information): grants ending within the next 60 days;
- ``expected_overdue`` (information): expected citizens whose start has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from core.errors import NotFoundError
from core.followup.forecast import budget_mismatches, own_municipality
from core.money import format_date, format_kr, format_number
from core.register.catalogue import STANDING_KINDS, satser
from core.register.grants import get_grant
from core.register.pa_cap import cap_satser, grant_check, is_pa_employment
from core.register.providers import KIND_LABELS, catalogue_rate, get_provider
from core.store import settings
from core.store.audit import TABLES
from core.store.storage import query

ENDING_SOON_DAYS = 60  # the default of the setting 'validation.ending_soon_days'
RULE_LABELS = {
    "rate": "Takst mangler", "dates": "Datoer mangler eller er forkerte", "provider": "Leverandør mangler",
    "ended": "Afsluttet bevilling ikke afsluttet", "manual_rate": "Manuel takst hvor der er katalogtakst",
    "duplicate": "Dobbelt aktiv bevilling", "followup": "Opfølgning overskredet",
    "payment_only": "Kun betaling ikke markeret", "ownership": "Ejerform ikke sat korrekt",
    "ending_soon": "Bevilling udløber snart", "expected_overdue": "Kommende borger skulle være startet",
    "sats_missing": "Årlig sats mangler", "budget_mismatch": "Budget pr. paragraf passer ikke med kontoen",
    "pa_cap": "Personlig assistance over timeloftet", "pa_working_hours": "Arbejdstimer mangler",
}
SEVERITY = {"ending_soon": "info", "expected_overdue": "info", "followup": "advarsel", "manual_rate": "advarsel",
            "pa_cap": "advarsel", "pa_working_hours": "advarsel"}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    table: str
    record_id: int
    severity: str = "fejl"

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def table_text(self) -> str:
        """The kind of record as the screens name it: ``Bevilling``, ``Årlige satser``."""
        if self.table == "satser" and not self.record_id:  # the year's values, not one row
            return "Årlige satser"
        return TABLES.get(self.table, self.table)

    @property
    def record_text(self) -> str:
        """The record to fix as the screens name it: ``Bevilling 73``."""
        if self.table == "satser" and not self.record_id:
            return self.table_text
        return f"{self.table_text} {self.record_id}"

    def as_json(self) -> dict:
        return {"rule": self.rule, "label": self.label, "severity": self.severity, "message": self.message,
                "table": self.table, "record_id": self.record_id}


def _find(rule: str, message: str, table: str, record_id: int) -> Finding:
    return Finding(rule, message, table, record_id, SEVERITY.get(rule, "fejl"))


def validate(db, as_of: dt.date | None = None) -> list[Finding]:
    """Every finding of the checklist on ``as_of`` (default today), errors first."""
    as_of = as_of or dt.date.today()
    today = as_of.isoformat()
    ending_soon = settings.get(db, "validation.ending_soon_days")
    own = own_municipality(db).casefold()
    out: list[Finding] = []
    grants = query(db, """
        SELECT g.*, c.cpr, c.name AS citizen, p.id AS known_provider, p.name AS provider, p.kind AS provider_kind,
               (SELECT rate FROM grant_rates r WHERE r.grant_id = g.id AND r.valid_from <= MAX(g.start, ?)
                ORDER BY r.valid_from DESC LIMIT 1) AS current_rate,
               (SELECT COUNT(*) FROM grant_rates r WHERE r.grant_id = g.id) AS rate_count,
               (SELECT MIN(CAST(rate AS REAL)) FROM grant_rates r WHERE r.grant_id = g.id) AS lowest_rate
        FROM grants g JOIN citizens c ON c.id = g.citizen_id LEFT JOIN providers p ON p.id = g.provider_id
        ORDER BY g.id""", [today])
    active: dict[tuple, list[dict]] = defaultdict(list)
    for g in grants:
        who = f"Bevilling {g['id']} ({g['cpr']}, {g['section']})"
        start, end = g["start"], g["end"]
        if not g["rate_count"] or (g["lowest_rate"] is not None and g["lowest_rate"] <= 0):
            out.append(_find("rate", f"{who} har ingen takst over 0", "grants", g["id"]))
        if not start or (end and end < start):
            out.append(_find("dates", f"{who} mangler startdato eller slutter før den starter", "grants", g["id"]))
        if g["known_provider"] is None:
            out.append(_find("provider", f"{who} har ingen leverandør", "grants", g["id"]))
        if g["status"] == "afsluttet" and (end is None or end > today):
            out.append(_find("ended", f"{who} er markeret afsluttet, men har "
                             + ("ingen slutdato" if end is None else f"slutdato {_d(end)}"), "grants", g["id"]))
        elif g["status"] != "afsluttet" and end and end < today:
            out.append(_find("ended", f"{who} sluttede {_d(end)}, men står stadig som aktiv", "grants", g["id"]))
        is_active = start and start <= today and (end is None or end >= today)
        if is_active and g["known_provider"] is not None and not g["rate_from_catalogue"] and g["current_rate"]:
            cat = catalogue_rate(db, g["provider_id"], g["unit"], as_of, g["section"])
            rate = Decimal(g["current_rate"])
            if cat is not None and cat != rate:
                out.append(_find("manual_rate", f"{who}: takst {format_number(rate)} kr. er tastet manuelt; "
                                 f"{g['provider']} har katalogtakst {format_number(cat)} kr.", "grants", g["id"]))
        if is_active:
            active[(g["citizen_id"], g["section"], g["provider_id"])].append(g)
            if g["followup_date"] and g["followup_date"] < today:
                out.append(_find("followup", f"{who}: opfølgning var {_d(g['followup_date'])}", "grants", g["id"]))
            if end and end <= (as_of + dt.timedelta(days=ending_soon)).isoformat():
                out.append(_find("ending_soon", f"{who} udløber {_d(end)}", "grants", g["id"]))
            out += _assistance_findings(db, g, as_of)
        acting = (g["acting_municipality"] or "").casefold()
        paying = (g["paying_municipality"] or "").casefold()
        if own and acting and acting != own and paying in ("", own) and not g["payment_only"]:
            out.append(_find("payment_only", f"{who}: handlekommune er {g['acting_municipality']}, men vi betaler, "
                             "og sagen er ikke markeret 'kun betaling'", "grants", g["id"]))
    for group in active.values():
        if len(group) > 1:
            ids = ", ".join(str(g["id"]) for g in group)
            for g in group[1:]:
                out.append(_find("duplicate", f"{g['cpr']} har {len(group)} aktive bevillinger på {g['section']} "
                                 f"hos {g['provider']} (nr. {ids})", "grants", g["id"]))
    for p in query(db, "SELECT id, name, kind, municipality FROM providers ORDER BY name"):
        if p["kind"] == "kommune" and not p["municipality"].strip():
            out.append(_find("ownership", f"{p['name']} er en kommunal leverandør uden angivet kommune",
                             "providers", p["id"]))
        elif p["kind"] == "egen" and p["municipality"].strip() and p["municipality"].casefold() != own:
            out.append(_find("ownership", f"{p['name']} står som egen, men hører til {p['municipality']}",
                             "providers", p["id"]))
    for e in query(db, "SELECT id, ident, start FROM expected_citizens WHERE start < ? ORDER BY start", [today]):
        out.append(_find("expected_overdue", f"Kommende borger {e['ident']} skulle være startet {_d(e['start'])}: "
                         "opret bevillingen eller ret datoen", "expected_citizens", e["id"]))
    out += yearly_findings(db, as_of.year)
    order = {"fejl": 0, "advarsel": 1, "info": 2}
    return sorted(out, key=lambda f: (order[f.severity], f.rule, f.record_id))


def _assistance_findings(db, g: dict, as_of: dt.date) -> list[Finding]:
    """An active grant of personal assistance in employment: hours over the cap without a reason,
    and working hours missing (DOMAIN.md, "Employment-support business case")."""
    if not is_pa_employment(g["account"]):
        return []
    who = f"Bevilling {g['id']} ({g['cpr']} {g['citizen']}, {g['section']})".replace(" ,", ",")
    out = []
    check = grant_check(db, g, as_of)
    if check is not None and check.warning:
        out.append(_find("pa_cap", f"{who}: {check.warning}", "grants", g["id"]))
    if g["working_hours"] in (None, ""):
        cap_hours, full_time = cap_satser(db, as_of.year)
        out.append(_find("pa_working_hours", f"{who}: personlig assistance i job uden arbejdstimer; loftet for "
                         f"fuld tid ({format_number(cap_hours, 0)} timer ved {format_number(full_time, 0)} "
                         "timer om ugen) er brugt, til arbejdstimerne er udfyldt", "grants", g["id"]))
    return out


def yearly_findings(db, year: int) -> list[Finding]:
    """The year's missing yearly values and budget mismatches."""
    out = []
    users = sats_users(db, year)
    for kind, text, latest in db.execute(
            "SELECT s.kind, k.text, MAX(s.year) FROM satser s JOIN rate_kinds k ON k.code = s.kind "
            "WHERE s.year <= ? GROUP BY s.kind HAVING MAX(s.year) < ? ORDER BY k.rowid", [year, year]):
        if kind in STANDING_KINDS:  # holds until it changes: nothing is missing
            continue
        if kind in users:
            out.append(_find("sats_missing", f"{text} ({kind}) mangler for {year}: {users[kind]} regnes med "
                             f"værdien for {latest}, til den er indtastet", "satser", 0))
        else:  # unknown for the year, but no figure of the year is built on it yet
            out.append(Finding("sats_missing", f"{text} ({kind}) er ikke indtastet for {year}; intet af årets "
                               f"tal bygger på den endnu, ellers bruges værdien for {latest}", "satser", 0,
                               "advarsel"))
    for account, own, sections in budget_mismatches(db, year):
        row = db.execute("SELECT id FROM budgets WHERE year = ? AND account = ? AND section IS NULL "
                         "ORDER BY month IS NOT NULL, month LIMIT 1", [year, account]).fetchone()
        out.append(_find("budget_mismatch", f"Konto {account}: budget {format_kr(own)} kr., men paragrafferne "
                         f"har tilsammen {format_kr(sections)} kr. ({year})", "budgets", row[0]))
    return out


def sats_users(db, year: int) -> dict[str, str]:
    """The yearly values that a figure of ``year`` is built on, each with what uses it (Danish).

    A missing value is an error only when something of the year needs it (DOMAIN.md, "Yearly
    values"): the refund thresholds when the year has grants, the personal-assistance hourly
    rate when a business case is saved for the year, the VUM hourly price when residents of an
    own facility are assessed.
    """
    first, last = f"{year}-01-01", f"{year}-12-31"
    used = {}
    if db.execute("SELECT 1 FROM grants WHERE start <= ? AND (end IS NULL OR end >= ?) LIMIT 1",
                  [last, first]).fetchone():
        used.update({f"refund_t{i}": f"refusionen for {year}" for i in (1, 2, 3)})
    if db.execute("SELECT 1 FROM scenario_cases WHERE year = ? LIMIT 1", [year]).fetchone():
        used["pa_hourly_rate"] = f"business cases for {year}"
    if db.execute("SELECT 1 FROM vum_assessments LIMIT 1").fetchone():
        used["vum_hourly_price"] = "VUM-tildelingen"
    return used


def _d(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso))


def record_details(db, table: str, record_id: int) -> tuple[str, list[tuple[str, str]]]:
    """A finding's record as (title, [(Danish label, value)]) so it can be shown and fixed.

    Raises:
        NotFoundError: the record no longer exists.
    """
    if table == "grants":
        g = get_grant(db, record_id)
        rate = format_number(g.rate_on(max(g.start, dt.date.today()))) if g.rates else "mangler"
        return f"Bevilling {g.id}", [
            ("CPR-nr.", g.cpr), ("Navn", g.name), ("Paragraf", g.section), ("Leverandør", g.provider),
            ("Konto", g.account), ("Takst", rate), ("Enhed", g.unit), ("Start", format_date(g.start)),
            ("Slut", format_date(g.end) or "løbende"), ("Status", g.status),
            ("Betalingskommune", g.paying_municipality), ("Handlekommune", g.acting_municipality),
            ("Kun betaling", "ja" if g.payment_only else "nej"), ("Opfølgning", format_date(g.followup_date)),
            ("Takst fra katalog", "ja" if g.rate_from_catalogue else "nej")] + ([
            ("Mængde", f"{format_number(g.quantity)} pr. {g.quantity_per}" if g.quantity is not None else ""),
            ("Arbejdstimer pr. uge", format_number(g.working_hours) if g.working_hours is not None else "mangler"),
            ("Begrundelse for flere timer", g.cap_reason)] if is_pa_employment(g.account) else [])
    if table == "providers":
        p = get_provider(db, record_id)
        return f"Leverandør {p.name}", [("Navn", p.name), ("Ejerform", KIND_LABELS[p.kind]),
                                        ("Kommune", p.municipality), ("Pladser", str(p.places or "")),
                                        ("Fakturaforsinkelse", f"{p.invoice_lag_days} dage")]
    if table == "expected_citizens":
        rows = query(db, "SELECT * FROM expected_citizens WHERE id = ?", [record_id])
        if not rows:
            raise NotFoundError(f"Kommende borger {record_id} findes ikke")
        e = rows[0]
        return f"Kommende borger {e['ident']}", [("Id", e["ident"]), ("Navn", e["name"]), ("Paragraf", e["section"]),
                                                 ("Takst", format_number(Decimal(e["rate"]))),
                                                 ("Start", _d(e["start"]))]
    if table == "satser":
        return "Årlige satser", [(f"{r['text']} {r['year']}", format_number(r["value"])) for r in satser(db)]
    if table == "budgets":
        rows = query(db, "SELECT * FROM budgets WHERE id = ?", [record_id])
        if not rows:
            raise NotFoundError(f"Budgetlinje {record_id} findes ikke")
        b = rows[0]
        return f"Budget {b['account']} {b['year']}", [("Konto", b["account"]), ("Paragraf", b["section"] or ""),
                                                       ("Budget", format_kr(b["original_ore"])),
                                                       ("Korrigeret", format_kr(b["corrected_ore"]))]
    raise NotFoundError(f"Ukendt tabel '{table}'")
