"""The four sample sheets import with no manual mapping and match facit.json exactly."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from core.register.grants import grant_json, list_grants
from core.importing.batches import commit, import_file, prepare, undo
from core.store.storage import query

FIELDS = {"cpr": "cpr", "navn": "name", "paragraf": "section", "leverandor": "provider", "takst": "rate",
          "enhed": "unit", "maengde": "quantity", "maengde_pr": "quantity_per", "start": "start", "slut": "end",
          "konto": "account", "vum": "vum_category"}


def content(db) -> dict:
    """Every table's rows, except the import's own bookkeeping (audit log, batch list)."""
    out = {}
    for t in db.table_names():
        if t in ("audit", "batches", "_sqlite_migrations"):
            continue
        out[t] = sorted(json.dumps(r, sort_keys=True, default=str) for r in query(db, f"SELECT * FROM [{t}]"))
    return out


def _key(cpr, provider, start):
    return cpr, re.sub(r"\s+", " ", provider.strip()).casefold(), start


def test_dispositionsregnskab_matches_facit(db, samples):
    res = import_file(db, samples / "dispositionsregnskab_2026.xlsx")  # kind recognised, no mapping given
    assert res["kind"] == "grants" and res["sheet"] == "Dispo 2026"
    assert res["rejected"] == []
    assert res["duplicates"] == 1  # row 201 repeats row 5
    assert any("'Opslag'" in n for n in res["notes"])  # the hidden lookup sheet is named, not read
    assert_matches_facit(db, json.loads((samples / "facit.json").read_text())["dispositionsregnskab_2026.xlsx"])


def assert_matches_facit(db, want: list[dict]) -> None:
    """The register's grants are exactly the facit's grants (matched by CPR, provider and start)."""
    got = [grant_json(g) for g in list_grants(db)]
    assert len(got) == len(want)
    pool: dict[tuple, list] = {}
    for g in got:
        pool.setdefault(_key(g["cpr"], g["provider"], g["start"]), []).append(g)
    for e in want:
        g = pool[_key(e["cpr"], e["leverandor"], e["start"])].pop(0)
        for fk, gk in FIELDS.items():
            a, b = e[fk], g[gk]
            if isinstance(a, float):
                assert b == pytest.approx(a, abs=0.005), (e["cpr"], fk)
            else:
                assert (a or None) == (b or None), (e["cpr"], fk, a, b)


def test_bookings_match_facit_and_reimport_changes_nothing(db, samples):
    facit = json.loads((samples / "facit.json").read_text())["bogfoering_jan-okt_2026.csv"]
    res = import_file(db, samples / "bogfoering_jan-okt_2026.csv")
    assert res["kind"] == "postings" and res["imported"] == facit["rows"]
    n, total = db.execute("SELECT COUNT(*), SUM(amount_ore) FROM postings").fetchone()
    assert n == facit["rows"] and total == round(facit["sum"] * 100)
    before = content(db)
    again = import_file(db, samples / "bogfoering_jan-okt_2026.csv")
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, facit["rows"])
    assert content(db) == before


def test_vum_list_gives_records_per_facility(db, samples):
    import_file(db, samples / "dispositionsregnskab_2026.xlsx")
    plan = prepare(db, samples / "vum_tildeling_2027.xlsx")
    assert plan.kind == "vum" and plan.rejected == []
    want = json.loads((samples / "facit.json").read_text())["vum_tildeling_2027.xlsx"]
    got = Counter(r.values["facility"] for r in plan.records)
    assert got == Counter(e["tilbud"] for e in want)
    cats = {(r.values["facility"], r.values["cpr"]): r.values["category"] for r in plan.records}
    assert cats == {(e["tilbud"], e["cpr"]): e["vum"] for e in want}
    # sheet names cut at 31 characters are matched to the provider from the grants file
    ids = {r.values["facility"]: r.values["provider_id"] for r in plan.records}
    names = dict(db.execute("SELECT id, name FROM providers").fetchall())
    assert {f: names[i] for f, i in ids.items()} == {f: f for f in ids}


def test_occupancy_list(db, samples):
    import_file(db, samples / "dispositionsregnskab_2026.xlsx")
    want = json.loads((samples / "facit.json").read_text())["belaegningsliste_2026.xlsx"]
    plan = prepare(db, samples / "belaegningsliste_2026.xlsx")
    assert plan.kind == "occupancy" and plan.rejected == []
    own = [r for r in plan.records if r.values["own"]]
    sold = [r for r in plan.records if not r.values["own"]]
    # every own resident in facit has a grant at the facility: matched, nothing to create
    assert sorted(r.values["cpr"] for r in own) == sorted(e["cpr"] for e in want)
    assert all(r.existing_id for r in own)
    res = commit(db, plan)
    assert res["imported"] == len(sold) > 0
    places = dict(db.execute("SELECT name, places FROM providers WHERE places IS NOT NULL").fetchall())
    assert places == {"Botilbuddet Skovbrynet": 18, "Åhuset, midlertidigt botilbud": 10, "Bofællesskabet Lærkevej": 12}
    for r in sold:
        g = query(db, "SELECT g.*, p.name AS provider FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                      "JOIN providers p ON p.id = g.provider_id WHERE c.cpr = ? AND g.batch_id = ?",
                  [r.values["cpr"], res["batch_id"]])
        assert len(g) == 1 and g[0]["paying_municipality"] == r.values["paying_municipality"]
        assert g[0]["unit"] == "døgn" and g[0]["provider"] == r.values["facility"]


@pytest.mark.parametrize("name", ["dispositionsregnskab_2026.xlsx", "bogfoering_jan-okt_2026.csv",
                                  "belaegningsliste_2026.xlsx"])
def test_undo_restores_the_content_exactly(demo_db, samples, name):
    before = content(demo_db)
    res = import_file(demo_db, samples / name)
    assert content(demo_db) != before
    undo(demo_db, res["batch_id"])
    assert content(demo_db) == before
