"""Data files shipped with Dispo: the catalogue, the VUM rule, the user guide (help/)."""
