"""A change to one grant as it was made, so that it can be undone and redone.

The GUI puts every edit of a grant on its undo stack; what is stored and how it is written
back lives here. A new grant for a CPR number not seen before also creates its citizen:
undoing the grant removes her too, and redoing brings both back with the same ids. Undo
and redo refuse (``DispoError``, nothing written) when the grant has changed since, so a
later change is never silently reverted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.register.citizens import citizen_state, restore_citizen_state
from core.register.grants import grant_state, restore_grant_state


@dataclass(frozen=True)
class GrantEdit:
    """One change to one grant: its stored state before (``None``: the change created it) and
    after, and the citizen the change created with it (``citizen_id`` ``None``: none)."""

    grant_id: int
    before: dict | None
    after: dict | None
    citizen_id: int | None = None
    citizen: dict | None = None


def last_citizen_id(db) -> int:
    """The highest citizen id so far (0 in a database without citizens)."""
    return db.execute("SELECT coalesce(max(id), 0) FROM citizens").fetchone()[0]


def make_grant_edit(db, change: Callable[[], int | None], grant_id: int | None = None) -> GrantEdit:
    """Make a change to one grant through ``change`` (a call into core) and keep what it did.

    Args:
        change: makes the change; returns the new grant's id when it creates one.
        grant_id: the grant changed (``None`` when ``change`` creates it).

    Raises:
        DispoError: from ``change``; then nothing was changed and nothing is kept.
    """
    before = grant_state(db, grant_id) if grant_id is not None else None
    last_citizen = last_citizen_id(db)
    created = change()
    gid = grant_id if grant_id is not None else created
    after = grant_state(db, gid)
    new_citizen = None
    if before is None and after is not None and after["citizen_id"] > last_citizen:
        new_citizen = after["citizen_id"]
    return GrantEdit(gid, before, after, new_citizen,
                     citizen_state(db, new_citizen) if new_citizen is not None else None)


def undo_grant_edit(db, edit: GrantEdit) -> None:
    """Put the grant back as it was before the edit (and remove the citizen it created), in one
    transaction.

    Raises:
        DispoError: the grant is no longer as the edit left it, or the citizen it created has
            got other grants or bookings since; nothing is written.
    """
    with db.atomic():
        restore_grant_state(db, edit.grant_id, edit.before, expected=edit.after)
        if edit.citizen_id is not None:
            restore_citizen_state(db, edit.citizen_id, None)


def redo_grant_edit(db, edit: GrantEdit) -> None:
    """Make the edit again after ``undo_grant_edit`` (the citizen it created first), in one
    transaction.

    Raises:
        DispoError: the grant is no longer as it was before the edit; nothing is written.
    """
    with db.atomic():
        if edit.citizen_id is not None:
            restore_citizen_state(db, edit.citizen_id, edit.citizen)
        restore_grant_state(db, edit.grant_id, edit.after, expected=edit.before)
