"""The audit log per citizen (across her grants, deleted ones included) and per grant."""

import datetime as dt

from core import audit, citizens, grants, providers


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
    assert "rates" in audit.describe_change(audit.for_grant(db, first)[0])


def test_describe_change_lists_only_what_changed():
    entry = {"old": {"name": "Anna", "note": "", "id": 3}, "new": {"name": "Anna Hansen", "note": "", "id": 3}}
    assert audit.describe_change(entry) == "name: Anna → Anna Hansen"
    assert audit.describe_change({"old": None, "new": {"cpr": "010180-1234"}}) == "cpr: 010180-1234"
