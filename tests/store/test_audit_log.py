"""The audit log per citizen (across her grants, deleted ones included) and per grant."""

import datetime as dt

from core.store import audit
from core.register import citizens, grants, providers


def _grant(db, cpr, section="§ 108", start="01-02-2026"):
    return grants.create_grant(db, {"cpr": cpr, "name": "Anna Hansen", "section": section,
                                    "provider": "Skovbrynet", "rate": "3.000,00", "start": start})


def test_a_citizens_history_spans_all_her_grants_and_nobody_elses(db):
    providers.create_provider(db, "Skovbrynet", "egen")
    first = _grant(db, "010180-1234")
    second = _grant(db, "010180-1234", section="§ 107", start="01-03-2026")
    other = _grant(db, "020290-2345")
    anna = citizens.find_by_cpr(db, "010180-1234").id
    grants.change_rate(db, first, dt.date(2026, 6, 1), "3.100,00")
    grants.delete_grant(db, second)
    citizens.update_citizen(db, anna, note="Flyttet til Nabo Kommune")
    grants.end_grant(db, other, dt.date(2026, 9, 30))

    history = audit.for_citizen(db, anna)
    seen = [(e["table_name"], e["row_id"], e["action"]) for e in history]
    assert seen == [("citizens", anna, "update"), ("grants", second, "delete"), ("grants", first, "rate"),
                    ("grants", second, "insert"), ("grants", first, "insert"), ("citizens", anna, "insert")]
    assert [e["action"] for e in audit.for_grant(db, first)] == ["rate", "insert"]
    assert "Takster: " in audit.describe_change(audit.for_grant(db, first)[0])


def test_a_citizens_whole_history_in_one_query_deleted_grants_rate_periods_and_imports(db, tmp_path):
    from core.importing.batches import import_file
    from tests.import_files import write_xlsx

    providers.create_provider(db, "Skovbrynet", "egen")
    kept = _grant(db, "010190-1234")
    gone = _grant(db, "010190-1234", section="§ 107", start="01-03-2026")
    anna = citizens.find_by_cpr(db, "010190-1234").id
    grants.update_grant(db, gone, {"caseworker": "Lise Holm"})
    # a rate period as the price and wage projection records it: the grant's id, no citizen named
    audit.record(db, "grants", gone, "rate", None, {"valid_from": "2026-07-01", "rate": "3100.00"})
    grants.delete_grant(db, gone)
    other = _grant(db, "020185-1234")
    rows = [["Forbrug 2026 pr. borger"], ["CPR-nr.", "Konto", "Art", "Januar", "Februar", "Marts"],
            ["0101901234", "5.38.50", "4.0", "10.000,00", "10.000,00", ""],
            ["0201851234", "5.38.50", "4.0", "", "2.000,50", "2.000,50"]]
    batch = import_file(db, write_xlsx(tmp_path / "forbrug.xlsx", {"Ark": rows}))["batch_id"]
    only_bo = import_file(db, write_xlsx(tmp_path / "bo.xlsx", {"Ark": [*rows[:2], rows[3]]}))["batch_id"]

    statements = []
    db.conn.set_trace_callback(statements.append)
    history = audit.for_citizen(db, anna)
    db.conn.set_trace_callback(None)
    # the history and her grants' sections, plus one query per kind of record the entries name
    # (providers, citizens), whatever the number of entries: no query per entry
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2 + len(audit.REFERENCES)

    seen = [(e["table_name"], e["row_id"], e["action"], e["section"]) for e in history]
    assert seen == [("batches", batch, "import", None),
                    ("grants", gone, "delete", "§ 107"), ("grants", gone, "rate", "§ 107"),
                    ("grants", gone, "update", "§ 107"), ("grants", gone, "insert", "§ 107"),
                    ("grants", kept, "insert", "§ 108"), ("citizens", anna, "insert", None)]
    # Bo's grant got the deleted grant's id back (SQLite reuses the highest rowid): his rows
    # name him, so they are not hers; nor is the import of his bookings only
    bo = citizens.find_by_cpr(db, "020185-1234").id
    assert other == gone and only_bo != batch
    assert not [e for e in history for state in (e["old"], e["new"])
                if isinstance(state, dict) and state.get("citizen_id") == bo]
    # the log screen and the CLI filtered by citizen show the same rows
    assert [e["id"] for e in audit.entries(db, citizen_id=anna)] == [e["id"] for e in history]


def test_describe_change_lists_only_what_changed():
    entry = {"old": {"name": "Anna", "note": "", "id": 3}, "new": {"name": "Anna Hansen", "note": "", "id": 3}}
    assert audit.describe_change(entry) == "Navn: Anna → Anna Hansen"
    assert audit.describe_change({"old": None, "new": {"cpr": "010180-1234"}}) == "CPR-nummer: 010180-1234"


def test_describe_change_speaks_the_screens_words_kroner_and_danish_dates():
    # an approval as the demo writes it: 9832829489 øre = 98.328.294,89 kr.
    approval = {"old": None, "new": {"expected_ore": 9832829489, "month": 1, "year": 2026}}
    assert audit.describe_change(approval) == "Forventet regnskab: 98.328.294,89 kr.; Måned: januar; År: 2026"
    grant = {"old": {"end": None, "rate": "1200.5", "payment_only": 0, "rates": [["2026-01-01", "1200.5"]]},
             "new": {"end": "2026-06-30", "rate": "1250", "payment_only": 1,
                     "rates": [["2026-01-01", "1200.5"], ["2026-07-01", "1250"]]}}
    assert audit.describe_change(grant) == (
        "Slut: – → 30-06-2026; Takst: 1.200,50 kr. → 1.250,00 kr.; Kun betaling: nej → ja; "
        "Takster: fra 01-01-2026: 1.200,50 kr. → fra 01-01-2026: 1.200,50 kr., fra 01-07-2026: 1.250,00 kr.")
    setting = {"table_name": "settings", "old": {"municipality": None}, "new": {"municipality": "Testrup Kommune"}}
    assert audit.describe_change(setting) == "Egen kommune: – → Testrup Kommune"
    # an insert leaves out the fields it did not fill
    budget = {"old": None, "new": {"account": "5.38.50", "original_ore": 250000000, "corrected_ore": None,
                                   "full_year_equivalents": "16.8", "batch_id": None}}
    assert audit.describe_change(budget) == "Konto: 5.38.50; Oprindeligt budget: 2.500.000,00 kr.; Helårspersoner: 16,8"


def test_the_audit_screen_shows_table_names_in_danish(db):
    assert {audit.TABLES[t] for t in ("approvals", "vum_allocations", "expected_citizens")} == \
        {"Godkendelse", "VUM-tildeling", "Kommende borger"}
    assert audit.field_label("expected_ore") == "Forventet regnskab"


def test_hours_have_two_decimals_whole_or_not():
    entry = {"old": None, "new": {"hours_per_week": "377", "hours_per_year": "12690.78"}}
    assert audit.describe_change(entry) == "Timer pr. uge: 377,00; Timer pr. år: 12.690,78"


def test_every_field_in_the_demos_audit_log_has_a_danish_name(demo_db):
    """The demo's log holds what every kind of change writes (grants, budgets, VUM, approvals
    with their checks, ...): no stored field name may reach Revisionsspor in English."""
    import json

    keys = set()
    for old, new in demo_db.execute("SELECT old, new FROM audit").fetchall():
        for text in (old, new):
            value = json.loads(text) if text else None
            if isinstance(value, dict):
                keys |= set(value)
    assert "checks" in keys  # the approvals' checks are there to be named
    assert sorted(k for k in keys if k not in audit.FIELDS) == []
    old, new = demo_db.execute("SELECT old, new FROM audit WHERE table_name = 'approvals' LIMIT 1").fetchone()
    entry = {"old": json.loads(old) if old else None, "new": json.loads(new)}
    assert audit.describe_change(entry).startswith("Kontroller: Datavalideringen har")


def test_the_log_names_providers_and_citizens_not_their_numbers(db, demo_db):
    from core.followup import expected

    # the demo's expected citizen T-0001 is planned at Botilbuddet Skovbrynet (provider 1)
    entry = next(e for e in audit.entries(demo_db, "expected_citizens") if e["new"]["ident"] == "T-0001")
    change = audit.describe_change(entry)
    assert "Leverandør: Botilbuddet Skovbrynet" in change and "nr." not in change
    assert "Kilde: planlagt sag" in change  # the stored code 'planlagt' in words
    allocation = audit.entries(demo_db, "vum_allocations")[0]
    assert "Beslutning: ændre tildelingen" in audit.describe_change(allocation)
    from core.followup.expected import SOURCES
    from core.vum.allocation import DECISIONS
    assert set(audit._CODES["source"]) == set(SOURCES) and set(audit._CODES["decision"]) == set(DECISIONS)
    # a grant names its citizen (name and CPR) and its provider
    providers.create_provider(db, "Skovbrynet", "egen")
    first = _grant(db, "010180-1234")
    change = audit.describe_change(audit.for_grant(db, first)[0])
    assert "Borger: Anna Hansen (010180-1234)" in change and "Leverandør: Skovbrynet" in change
    # a provider changed on a grant: old → new by name
    providers.create_provider(db, "Lærkevej", "egen")
    grants.update_grant(db, first, {"provider": "Lærkevej"})
    assert "Leverandør: Skovbrynet → Lærkevej" in audit.describe_change(audit.for_grant(db, first)[0])
    # a row deleted since keeps its number
    providers.create_provider(db, "Lukket Bosted", "privat")
    new = expected.add_expected(db, {"section": "§ 108", "rate": "1000", "start": "2026-07-01",
                                     "provider": "Lukket Bosted"})
    gone = db.execute("SELECT provider_id FROM expected_citizens WHERE id = ?", [new]).fetchone()[0]
    expected.delete_expected(db, new)
    providers.delete_provider(db, gone)
    entry = next(e for e in audit.entries(db, "expected_citizens") if e["row_id"] == new)
    assert f"Leverandør: nr. {gone}" in audit.describe_change(entry)
