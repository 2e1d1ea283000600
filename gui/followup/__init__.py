"""The follow-up's screens: Månedens gang, reconciliation, validation, the follow-up, approval."""
