"""The scenarios screen."""
