"""The monthly report for one facility (provider) or one section, for a centre head.

The same per-grant forecast figures as the monthly overview, only the grants of the one
provider (or section): an overview per section (or per provider) with full-year
equivalents and average price, and the citizens' sheet. The rows add up to the total to
the øre, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from core.register.costs import days_in_year
from core.errors import DispoError
from core.followup.forecast import _union_days, forecast, grant_figures, own_municipality
from core.register.grants import normalize_section
from core.money import format_number, ore_to_kr, to_ore
from core.register.providers import find_by_name
from core.reports import TOTAL, Column, Report, ReportTable
from core.reports.monthly import CITIZEN_FIGURES, build_citizens

FIGURES = (("computed_to_date", "Beregnet til dato"), ("committed_rest", "Disponeret resten af året"),
           ("expected_outturn", "Forventet regnskab"), ("booked_to_date", "Bogført til dato"),
           ("backlog", "Efterslæb"))


def build_unit_report(db, year: int, as_of: dt.date, *, provider: str | None = None,
                      section: str | None = None) -> Report:
    """The monthly report of one provider's grants or one section's.

    Raises:
        DispoError: neither or both given, an unknown provider or section, or a year without data.
    """
    if (provider is None) == (section is None):
        raise DispoError("Vælg enten et tilbud (leverandør) eller en paragraf")
    if provider is not None:
        prov = find_by_name(db, provider)
        if prov is None:
            raise DispoError(f"Leverandøren '{provider}' findes ikke")
        name, keep, split, split_label = prov.name, lambda f: f.provider_id == prov.id, "section", "Paragraf"
    else:
        code = normalize_section(section)
        if not code or not db.execute("SELECT 1 FROM sections WHERE code = ?", [code]).fetchone():
            raise DispoError(f"Paragraffen '{section}' findes ikke")
        name, keep, split, split_label = code, lambda f: f.section == code, "provider", "Leverandør"
    by_grant = forecast(db, year, as_of, by="grant", include_expected=False, include_refund=False)
    figures = [f for f in grant_figures(db, year, as_of)[0] if keep(f)]
    ids = {f.grant_id for f in figures}
    rows = [r for r in by_grant.rows if r.grant_id in ids]
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    intervals: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    row_of = {r.grant_id: r for r in rows}
    for f in figures:
        r, key = row_of[f.grant_id], getattr(f, split)
        for k in CITIZEN_FIGURES:
            sums[key][k] += to_ore(getattr(r, k))
        if f.first_active is not None and not f.income:
            intervals[key][f.cpr].append((f.first_active, f.last_active))
    days = days_in_year(year)
    overview = ReportTable("Oversigt", (
        Column("key", split_label, "text", 30),
        *(Column(k, heading, "amount", total="sum") for k, heading in FIGURES),
        # the unit's full-year equivalents count a citizen once a day (DOMAIN.md), and its average
        # price is expected / those exact full-year equivalents: the forecast's figures for the
        # section (or provider), not a ratio of rounded cells
        Column("full_year_equivalents", "Helårspersoner", "number", total="value"),
        Column("average_price", "Gns. pris pr. helårsperson", "amount", 18, total="value")))
    total = defaultdict(int)
    fye_lines = 0
    unit_intervals: dict[str, list] = defaultdict(list)
    for key in sorted(sums):
        fye = Fraction(sum(_union_days(iv) for iv in intervals[key].values()), days)
        fye_kr = ore_to_kr(to_ore(fye))
        expected = sums[key]["expected_outturn"]
        overview.add([key, *(ore_to_kr(sums[key][k]) for k, _ in FIGURES), fye_kr,
                      ore_to_kr(to_ore(Fraction(expected, 100) / fye)) if fye else None])
        for k, _ in FIGURES:
            total[k] += sums[key][k]
        fye_lines += fye_kr
        for cpr, iv in intervals[key].items():
            unit_intervals[cpr] += iv
    fye_unit = Fraction(sum(_union_days(iv) for iv in unit_intervals.values()), days)
    fye_total = ore_to_kr(to_ore(fye_unit))
    overview.add(["I alt", *(ore_to_kr(total[k]) for k, _ in FIGURES), fye_total,
                  ore_to_kr(to_ore(Fraction(total["expected_outturn"], 100) / fye_unit)) if fye_unit else None],
                 TOTAL)
    if fye_total != fye_lines:
        overview.notes.append(f"Helårspersoner i alt {format_number(fye_total)}: en borger med bevillinger på flere "
                              f"linjer samme dag tæller på hver linje (i alt {format_number(fye_lines)}), men kun én "
                              "gang i alt.")
    overview.subtitle = f"{name} · forventet regnskab {year} pr. {as_of:%d-%m-%Y}"
    overview.notes.append("Kun bevillinger hos tilbuddet" if provider is not None else "Kun bevillinger på paragraffen")
    total_row = type(by_grant.total)(None, None, None, None, None, None,
                                     *(ore_to_kr(total[k]) for k in CITIZEN_FIGURES))
    citizens = build_citizens(rows, total_row)
    return Report(f"Månedsoversigt {name}", year, as_of, own_municipality(db), [overview, citizens])
