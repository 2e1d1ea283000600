"""The register: citizens, grants, providers and their rates, the catalogue, budgets, the cost
rule, personal assistance's hours cap and used hours, and the demo municipality's register. Built on the store."""
