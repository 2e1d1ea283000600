"""The migration that gives grants their working hours and cap reason moves them out of the notes."""

from __future__ import annotations

from decimal import Decimal as D

from core.register.grants import get_grant
from core.store import audit, storage
from core.store.migrations import MIGRATION_SETS
from core.store.migrations.pa_grants import fields_from_note
from core.store.storage import open_db


def _database_before_the_fields(path):
    """A file at the schema just before ``dispo.pa_grants`` with a provider and a citizen."""
    raw = storage.connect(path)
    raw.execute(f"PRAGMA application_id = {storage.APPLICATION_ID}")
    index = next(i for i, s in enumerate(MIGRATION_SETS) if s.name == "dispo.pa_grants")
    for migrations in MIGRATION_SETS[:index]:
        migrations.apply(raw)
    raw["providers"].insert({"id": 1, "name": "Jobassistance ApS", "kind": "privat"})
    raw["citizens"].insert({"id": 1, "cpr": "010190-1234", "name": "Anna"})
    return raw


def test_notes_move_into_the_fields(tmp_path):
    path = tmp_path / "gammel.sqlite"
    raw = _database_before_the_fields(path)
    notes = {
        1: "Fleksjob hos Netto.\nArbejdstimer: 22,5\nBegrundelse:  blind, al læsning ",
        2: "arbejdstimer: 30",
        3: "Begrundelse: døvblind\nOpfølgning aftalt med jobcentret",
        4: "Arbejdstimer: tredive\nIngen begrundelse endnu",   # not a number: stays in the note
        5: "Almindelig note",
    }
    for gid, note in notes.items():
        raw["grants"].insert({"id": gid, "citizen_id": 1, "section": "§ 85", "provider_id": 1, "account": "5.68.91",
                              "unit": "time", "quantity": "15", "quantity_per": "uge", "start": "2026-01-01",
                              "note": note})
    raw.conn.commit()
    raw.close()
    db = open_db(path)
    try:
        found = {gid: (get_grant(db, gid).working_hours, get_grant(db, gid).cap_reason, get_grant(db, gid).note)
                 for gid in notes}
        assert found == {
            1: (D("22.5"), "blind, al læsning", "Fleksjob hos Netto."),
            2: (D(30), "", ""),
            3: (None, "døvblind", "Opfølgning aftalt med jobcentret"),
            4: (None, "", "Arbejdstimer: tredive\nIngen begrundelse endnu"),
            5: (None, "", "Almindelig note"),
        }
        # each moved note is in the audit log, in Danish
        moved = [e for e in audit.entries(db, "grants") if e["action"] == "update"]
        assert sorted(e["row_id"] for e in moved) == [1, 2, 3]
        [first] = [e for e in moved if e["row_id"] == 2]
        assert audit.describe_change(first) == "Note: arbejdstimer: 30 → –; Arbejdstimer pr. uge: 30,00"
    finally:
        db.close()


def test_fields_from_note_takes_the_first_line_of_each():
    assert fields_from_note("Arbejdstimer: 20\nArbejdstimer: 25\nBegrundelse: a\nBegrundelse: b") == (
        "20", "a", "Arbejdstimer: 25\nBegrundelse: b")
    assert fields_from_note("") == (None, "", "")
    # the hours with their unit move; a line that says more stays for her to read
    assert fields_from_note("Arbejdstimer: 30 timer pr. uge") == ("30", "", "")
    assert fields_from_note("Arbejdstimer: 30 t/uge") == ("30", "", "")
    assert fields_from_note("Arbejdstimer: 30 (37 fra marts)") == (None, "", "Arbejdstimer: 30 (37 fra marts)")
