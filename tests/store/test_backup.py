"""Backups: made with the online backup API, automatic on open and before migrations,
rotated 7/4/12, restorable (and a restore is itself undoable and audited)."""

import datetime as dt
import shutil
import sqlite3

import pytest

from core.store import audit, backup, settings, storage
from core.store.backup import Retention
from core.errors import CorruptDatabaseError, DispoError, ValidationError
from core.store.migrations import MIGRATION_SETS
from core.store.storage import open_db
from tests.dbcontent import content, integrity


def _grant_count(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM grants").fetchone()[0]
    finally:
        conn.close()


def test_a_fresh_database_is_not_backed_up(db_path):
    open_db(db_path).close()
    assert backup.list_backups(db_path) == []


def test_opening_a_database_with_data_backs_it_up_once_a_day(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    first = backup.list_backups(path)
    assert [b.reason for b in first] == ["daily"]
    assert first[0].path.parent == tmp_path / "backups"
    open_db(path).close()
    assert backup.list_backups(path) == first
    tomorrow = dt.datetime.now() + dt.timedelta(days=1)
    assert backup.daily_backup(demo_db, now=tomorrow).reason == "daily"
    assert len(backup.list_backups(path)) == 2


def test_a_backup_holds_the_committed_state_only(demo_db, tmp_path):
    before = content(tmp_path / "demo.sqlite")
    demo_db.conn.execute("BEGIN")
    demo_db.execute("DELETE FROM grant_rates")
    made = backup.before(demo_db, "import")  # while the caller's transaction is open
    demo_db.conn.rollback()
    assert made.reason == "import" and made.label == "Før import"
    assert content(made.path) == before
    assert integrity(made.path) == "ok"


def test_pending_migrations_are_preceded_by_a_backup_of_the_old_schema(db_path):
    raw = storage.connect(db_path)
    raw.execute(f"PRAGMA application_id = {storage.APPLICATION_ID}")
    MIGRATION_SETS[0].apply(raw, stop_before="m002_catalogue")
    raw["accounts"].insert({"code": "5.38.50", "text": "Min egen tekst"})
    raw.conn.commit()
    raw.close()
    open_db(db_path).close()
    (made,) = backup.list_backups(db_path)
    assert made.reason == "migration"
    old = content(made.path)
    assert old["accounts"] == [("5.38.50", "Min egen tekst")] and old["sections"] == []
    assert ("dispo.base", "m002_catalogue") not in {(r[0], r[1]) for r in old["_sqlite_migrations"]}


def _fake_backups(db_path, days):
    folder = backup.backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    for day in days:
        (folder / f"{db_path.stem}_{day:%Y%m%d}-120000_daily.sqlite").write_bytes(b"x")


def test_rotation_keeps_7_daily_4_weekly_12_monthly(db_path):
    now = dt.datetime(2026, 11, 27, 18, 0)  # a Friday, ISO week 48
    _fake_backups(db_path, [now.date() - dt.timedelta(days=n) for n in range(400)])
    # another database's backups in the same folder are not touched
    other = db_path.with_name("other.sqlite")
    _fake_backups(other, [dt.date(2024, 1, 1)])
    backup.rotate(db_path, Retention(), now=now)
    kept = sorted(b.created.date() for b in backup.list_backups(db_path))
    D = dt.date
    expected = sorted(
        [D(2026, 11, d) for d in range(21, 28)]  # 7 daily
        + [D(2026, 11, 15), D(2026, 11, 8)]  # weeks 46 and 45 (week 47's newest, the 22nd, is daily)
        + [D(2026, 10, 31), D(2026, 9, 30), D(2026, 8, 31), D(2026, 7, 31), D(2026, 6, 30), D(2026, 5, 31),
           D(2026, 4, 30), D(2026, 3, 31), D(2026, 2, 28), D(2026, 1, 31), D(2025, 12, 31)])  # months
    assert kept == expected
    assert len(backup.list_backups(other)) == 1


def test_rotation_follows_the_setting_and_keeps_all_of_today(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    for made in backup.list_backups(path):
        made.path.unlink()
    now = dt.datetime.now()
    _fake_backups(path, [now.date() - dt.timedelta(days=n) for n in range(1, 30)])
    backup.set_retention(demo_db, Retention(daily=3, weekly=0, monthly=0))
    assert backup.retention(demo_db) == Retention(3, 0, 0)
    assert audit.entries(demo_db, "settings")[0]["new"] == {"backup.keep_daily": "3", "backup.keep_weekly": "0",
                                                           "backup.keep_monthly": "0"}
    backup.backup(demo_db, "manual")
    backup.backup(demo_db, "import")
    dates = [b.created.date() for b in backup.list_backups(path)]
    # today's two, then the two newest earlier days (today is the first of the three days)
    assert dates == [now.date(), now.date(), now.date() - dt.timedelta(days=1),
                     now.date() - dt.timedelta(days=2)]


def test_restore_replaces_the_database_and_can_itself_be_undone(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    saved = backup.backup(demo_db, "manual")
    at_backup = content(path)
    demo_db.execute("DELETE FROM grant_rates WHERE grant_id > 10")
    demo_db.execute("DELETE FROM grants WHERE id > 10")
    demo_db.close()
    changed = content(path)
    result = backup.restore(path, saved.path)
    restored = content(path)
    audit_rows = restored.pop("audit")
    assert restored == {k: v for k, v in at_backup.items() if k != "audit"}
    assert max(audit_rows, key=lambda r: r[0])[4:6] == (None, "restore")  # the newest entry
    assert _grant_count(path) > 10
    # the state before the restore was kept, and restoring it undoes the restore
    assert content(result["safety_backup"]) == changed
    backup.restore(path, result["safety_backup"])
    assert _grant_count(path) == 10
    assert integrity(path) == "ok"


def test_restore_works_on_a_damaged_database(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    saved = backup.latest_backup(path)
    demo_db.close()
    data = bytearray(path.read_bytes())
    data[8192:40960] = b"\x13" * (40960 - 8192)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as caught:
        open_db(path)
    assert str(saved.path) in str(caught.value) and "restore" in str(caught.value)
    result = backup.restore(path, saved.path)
    assert "damaged" in result["safety_backup"]
    # the byte copy of the damaged file is kept but never offered as the backup to restore
    assert backup.latest_backup(path).path == saved.path
    open_db(path).close()
    assert integrity(path) == "ok"


@pytest.mark.parametrize("make_bad", ["random", "other_sqlite", "newer", "missing"])
def test_restore_refuses_a_file_that_is_not_a_usable_backup(demo_db, tmp_path, make_bad):
    path = tmp_path / "demo.sqlite"
    bad = tmp_path / "bad.sqlite"
    if make_bad == "random":
        bad.write_bytes(bytes(range(256)) * 40)
    elif make_bad == "other_sqlite":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    elif make_bad == "newer":
        shutil.copy(path, bad)
        conn = sqlite3.connect(bad)
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('dispo.base', 'm999', 'x')")
        conn.commit()
        conn.close()
    demo_db.close()
    before = content(path)
    with pytest.raises(DispoError):
        backup.restore(path, bad)
    assert content(path) == before
    assert not path.with_name("demo.sqlite.restoring").exists()


@pytest.mark.allow_log("core.store.backup")  # the failed automatic backup is logged
def test_a_backup_that_cannot_be_written_is_a_clear_error(demo_db, tmp_path):
    shutil.rmtree(tmp_path / "backups")
    (tmp_path / "backups").write_text("a file where the folder should be")
    with pytest.raises(DispoError, match="Sikkerhedskopien kunne ikke laves"):
        backup.backup(demo_db, "manual")
    # the automatic one does not stop Dispo from opening
    assert backup.daily_backup(demo_db, now=dt.datetime.now() + dt.timedelta(days=1)) is None


def test_backups_made_at_the_same_moment_from_several_threads_all_succeed(_demo_template, tmp_path):
    """Two windows, or a window and its background computation, may back the same file up in the
    same second; each writes its own partial file, so neither breaks the other's copy."""
    import threading

    path = tmp_path / "kommune.sqlite"
    shutil.copy(_demo_template, path)
    now = dt.datetime(2026, 11, 27, 9, 45, 0)
    errors, made = [], []
    start = threading.Barrier(4)

    def make():
        start.wait()  # all four pick their file name at the same moment
        try:
            made.append(backup.backup(path, "manual", now=now))
        except DispoError as ex:
            errors.append(str(ex))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(made) == 4
    # usually all four chose the same name; on a busy machine a late one may see the first's file
    # and take ``-2``: either way every backup file is whole
    assert all(integrity(b.path) == "ok" for b in made)
    assert not list(made[0].path.parent.glob("*.partial"))


def test_retention_is_the_settings_the_dialog_and_the_settings_command_change(db):
    # nothing stored: the declared defaults, 7 days, 4 weeks, 12 months
    assert backup.retention(db) == Retention() == Retention(7, 4, 12)
    settings.set_value(db, "backup.keep_weekly", "2")   # as Filer → Indstillinger and `settings set` do
    assert backup.retention(db) == Retention(7, 2, 12)
    backup.set_retention(db, Retention(1, 2, 3))      # as the backup dialog and `backup --keep 1,2,3` do
    assert [settings.get(db, f"backup.keep_{p}") for p in ("daily", "weekly", "monthly")] == [1, 2, 3]


def test_a_negative_retention_is_refused_and_nothing_is_stored(db, db_path):
    backup.set_retention(db, Retention(5, 4, 3))
    before = content(db_path)
    with pytest.raises(ValidationError, match="Sikkerhedskopier: ugentlige skal være mindst 0"):
        backup.set_retention(db, Retention(6, -1, 3))
    assert backup.retention(db) == Retention(5, 4, 3)   # the valid daily 6 was not stored either
    assert content(db_path) == before


def test_a_file_without_settings_rotates_by_the_defaults(tmp_path):
    plain = tmp_path / "plain.sqlite"
    sqlite3.connect(plain).close()
    assert backup._retention_of(plain, plain) == Retention(7, 4, 12)
