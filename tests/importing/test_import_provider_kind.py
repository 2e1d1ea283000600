"""New providers from an imported file get their ownership guessed from the name."""

import pytest

from core.importing.providers import guess_kind


@pytest.mark.parametrize("name, kind", [
    ("Fjordglimt (Nabo Kommune)", "kommune"),
    ("Bo & Naboskab (Region)", "region"),
    ("Engly Botilbud ApS", "privat"),
    ("Hjælperordning Nord A/S", "privat"),
    ("Den selvejende institution Solhøj", "privat"),
    ("Botilbuddet Skovbrynet", "egen"),
    ("Eksempel Kommune, diverse", "egen"),
])
def test_guess_kind(name, kind):
    assert guess_kind(name, "Eksempel Kommune")[0] == kind
