"""The budget year screen."""
