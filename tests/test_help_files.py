"""The user guide travels with Dispo: resources/ is package data (an installed Dispo finds it)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_resources_and_the_guide_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "resources*" in config["packages"]["find"]["include"]
    assert "help/*.html" in config["package-data"]["resources"]
    assert (ROOT / "resources" / "__init__.py").is_file()
    guide = (ROOT / "resources" / "help" / "vejledning.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in guide and 'id="maanedens-gang"' in guide
