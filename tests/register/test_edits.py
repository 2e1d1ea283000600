"""Undo and redo of a grant's edits (core.register.edits), on a real database."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DispoError
from core.register import citizens, grants, providers
from core.register.edits import make_grant_edit, redo_grant_edit, undo_grant_edit
from tests.dbcontent import content

ANNA = {"cpr": "010180-1234", "name": "Anna Hansen", "section": "§ 85", "provider": "Bostøtteteamet",
        "rate": "500", "quantity": "7,5", "quantity_per": "uge", "start": "01-02-2026"}


@pytest.fixture
def provider(db):
    providers.create_provider(db, "Bostøtteteamet", "egen")


def test_a_new_grant_for_a_new_citizen_is_undone_with_her_and_redone_with_the_same_ids(db, provider):
    edit = make_grant_edit(db, lambda: grants.create_grant(db, ANNA))
    grant = grants.get_grant(db, edit.grant_id)
    assert edit.before is None and edit.citizen_id == grant.citizen_id
    undo_grant_edit(db, edit)
    assert grants.count_grants(db) == 0 and citizens.list_citizens(db) == []
    redo_grant_edit(db, edit)
    again = grants.get_grant(db, edit.grant_id)
    assert (again.id, again.citizen_id, again.rates[0].rate) == (grant.id, grant.citizen_id, Decimal("500"))
    assert citizens.get_citizen(db, grant.citizen_id).name == "Anna Hansen"


def test_a_second_grant_of_a_known_citizen_leaves_her_on_undo(db, provider):
    first = grants.create_grant(db, ANNA)
    edit = make_grant_edit(db, lambda: grants.create_grant(db, {**ANNA, "start": "01-03-2026"}))
    assert edit.citizen_id is None
    undo_grant_edit(db, edit)
    assert [g.id for g in grants.list_grants(db)] == [first]
    assert len(citizens.list_citizens(db)) == 1


def test_an_edit_is_undone_and_redone(db, provider):
    gid = grants.create_grant(db, ANNA)
    edit = make_grant_edit(db, lambda: grants.end_grant(db, gid, dt.date(2026, 6, 30)), gid)
    undo_grant_edit(db, edit)
    assert grants.get_grant(db, gid).end is None
    redo_grant_edit(db, edit)
    assert grants.get_grant(db, gid).end == dt.date(2026, 6, 30)


def test_undo_after_a_later_change_is_refused_and_writes_nothing(db, db_path, provider):
    gid = grants.create_grant(db, ANNA)
    edit = make_grant_edit(db, lambda: grants.change_rate(db, gid, dt.date(2026, 5, 1), "600"), gid)
    grants.update_grant(db, gid, {"caseworker": "Lise Holm"})  # a later change, e.g. in another window
    before = content(db_path)
    with pytest.raises(DispoError, match="ændret siden"):
        undo_grant_edit(db, edit)
    assert content(db_path) == before
    assert [r.rate for r in grants.get_grant(db, gid).rates] == [Decimal("500"), Decimal("600")]


def test_a_failing_change_raises_and_nothing_is_kept(db, provider):
    with pytest.raises(DispoError):
        make_grant_edit(db, lambda: grants.create_grant(db, {**ANNA, "provider": "Findes ikke"}))
    assert grants.count_grants(db) == 0 and citizens.list_citizens(db) == []
