"""The VUM screens: the allocation overview, assessments, the wizard, VUM settings."""
