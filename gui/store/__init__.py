"""The store's screens: the audit log, backups, settings."""
