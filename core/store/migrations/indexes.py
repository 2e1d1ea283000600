"""Index changes made for speed, after every area's own tables and indexes exist."""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("dispo.indexes")


@migrations()
def m001_drop_redundant_postings_citizen(db):
    # postings_citizen (cpr, account) is a prefix of postings_aggregate (cpr, account, date,
    # amount_ore): every query it could serve uses the longer index, and each imported posting
    # paid for keeping both up to date
    db.execute("DROP INDEX IF EXISTS postings_citizen")
