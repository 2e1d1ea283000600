"""The store: the database file (connection, storage, migrations, backups, the lock), the log,
the audit log and the settings. Below the register; imports only the basics."""
