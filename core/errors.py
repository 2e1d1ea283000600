"""Errors that are the user's or the environment's fault.

Each carries a one-line Danish message meant for the user. Anything else that is raised
is a bug and is reported as such by the CLI and the GUI.
"""


class DispoError(Exception):
    """A problem the user can act on; ``str(error)`` is a Danish message."""


class ValidationError(DispoError):
    """One or more fields of a record are invalid.

    Args:
        problems: field name -> Danish message, in the order the fields were checked.
    """

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))


class NotFoundError(DispoError):
    """A record asked for by id or key does not exist."""


class DatabaseError(DispoError):
    """The database file cannot be used (newer version, not a Dispo file, damaged, locked)."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer Dispo and is refused."""


class NotADispoDatabaseError(DatabaseError):
    """The file is not a Dispo database."""


class CorruptDatabaseError(DatabaseError):
    """The database file is damaged (SQLite's integrity check fails or it cannot be read)."""


class DatabaseLockedError(DatabaseError):
    """Another Dispo (or another program) is writing to the database."""


class ReadOnlyError(DispoError):
    """A file or folder cannot be written (read-only folder or share, no permission)."""


class DiskFullError(DispoError):
    """The disk is full."""


def from_environment(ex: BaseException) -> DispoError | None:
    """The Danish, actionable error for a failure of the environment, or None for a bug.

    This is the one place where low-level errors (SQLite's ``OperationalError``,
    ``OSError``) that the user can do something about are recognised: a locked
    database, a full disk, a read-only folder, a missing permission, a broken disk.
    """
    import errno
    import sqlite3

    if isinstance(ex, DispoError):
        return ex
    if isinstance(ex, sqlite3.OperationalError | sqlite3.DatabaseError):
        text = str(ex).lower()
        if "database is locked" in text or "database table is locked" in text:
            return DatabaseLockedError(
                "Databasen er optaget af et andet program eller en anden Dispo. Vent lidt og prøv igen, "
                "eller luk det andet program.")
        if "readonly" in text or "read-only" in text:
            return ReadOnlyError(
                "Databasen kan kun læses, ikke ændres (den er åbnet skrivebeskyttet, eller mappen er "
                "skrivebeskyttet). Luk den anden Dispo, der har den åben, eller flyt databasen til en "
                "mappe, du kan skrive i.")
        if "disk i/o error" in text:
            return DatabaseError(
                "Disken svarer ikke (I/O-fejl). Tjek at netværksdrevet eller USB-disken stadig er "
                "tilsluttet, og prøv igen.")
        if "database or disk is full" in text:
            return DiskFullError("Disken er fuld. Frigør plads, og prøv igen.")
        if "unable to open database" in text:
            return DatabaseError("Databasefilen kan ikke åbnes. Tjek at mappen findes, og at du har adgang til den.")
        if "file is not a database" in text or "malformed" in text or "corrupt" in text:
            return CorruptDatabaseError(
                "Databasen er beskadiget. Gendan den seneste sikkerhedskopi (Filer → Sikkerhedskopier, "
                "eller kommandoen 'restore').")
        return None
    if isinstance(ex, OSError):
        where = f" ({ex.filename})" if getattr(ex, "filename", None) else ""
        if ex.errno == errno.ENOSPC:
            return DiskFullError(f"Disken er fuld{where}. Frigør plads, og prøv igen.")
        if ex.errno == errno.EROFS:
            return ReadOnlyError(f"Drevet er skrivebeskyttet{where}. Vælg en mappe, du kan skrive i.")
        if ex.errno in (errno.EACCES, errno.EPERM):
            return ReadOnlyError(
                f"Du har ikke adgang til filen eller mappen{where}. Luk filen, hvis den er åben i et andet "
                "program (fx Excel), eller vælg en anden placering.")
        if ex.errno == errno.ENOENT:
            return DispoError(f"Filen eller mappen findes ikke{where}.")
        if ex.errno in (errno.EIO, errno.ENXIO, errno.ENODEV):
            return DispoError(f"Disken svarer ikke (I/O-fejl){where}. Tjek forbindelsen til drevet, og prøv igen.")
        return None
    return None
