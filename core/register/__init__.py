"""The register: citizens, grants, providers and their rates, the catalogue, budgets, the cost
rule, and the demo municipality's register. Built on the store."""
