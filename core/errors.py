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
