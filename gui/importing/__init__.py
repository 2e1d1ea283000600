"""The import wizard and the list of imports."""
