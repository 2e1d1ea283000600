"""The register's screens: grants, citizens, providers and rates, the catalogue, target groups."""
