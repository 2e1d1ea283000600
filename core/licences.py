"""The licences of the components Dispo ships with, for Hjælp → Om Dispo.

From source they are read from the installed packages' metadata (``importlib.metadata``):
Dispo's own requirements and theirs, without the optional extras. A PyInstaller build has
no package metadata, so the build writes the same list to ``resources/licences.json``
(``write_licences``) and the built app reads that file.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from core.resources import resource_path

LICENCES_FILE = "licences.json"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"\bextra\s*==")
# installers that a requirement names (sqlite-utils asks for pip) but Dispo never runs or ships
_NOT_SHIPPED = {"pip", "setuptools", "wheel"}


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


def _licence_of(meta) -> str:
    """The licence a distribution declares: its SPDX expression, else its classifiers, else its text."""
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    classifiers = [c for c in classifiers if c != "OSI Approved"]
    if classifiers:
        return ", ".join(dict.fromkeys(classifiers))
    text = (meta.get("License") or "").strip()
    first_line = text.splitlines()[0].strip() if text else ""
    return first_line if 0 < len(first_line) <= 80 else "se pakkens licensfil"


def installed_components(root: str = "dispo") -> list[Component]:
    """``root``'s installed requirements, recursively (extras left out), sorted by name."""
    seen: dict[str, Component] = {}
    todo = list(metadata.requires(root) or [])
    while todo:
        requirement = todo.pop()
        if _EXTRA.search(requirement):
            continue  # only for an optional extra (test, build): not shipped
        match = _NAME.match(requirement)
        if not match:
            continue
        key = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        if key in seen or key in _NOT_SHIPPED:
            continue
        try:
            meta = metadata.metadata(key)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen[key] = Component(meta["Name"], meta["Version"], _licence_of(meta))
        todo.extend(metadata.requires(key) or [])
    return sorted(seen.values(), key=lambda c: c.name.lower())


def python_component() -> Component:
    return Component("Python", platform.python_version(), "PSF-2.0")


def components() -> list[Component]:
    """Python and every package Dispo runs on, with version and licence.

    A built app reads the list its build wrote; from source it is read from the metadata.
    """
    bundled = resource_path(LICENCES_FILE)
    if bundled.exists():
        listed = [Component(**row) for row in json.loads(bundled.read_text(encoding="utf-8"))]
    else:
        listed = installed_components()
    return [python_component(), *listed]


def write_licences(path: Path) -> Path:
    """Write the installed components (for a build, which has no metadata at run time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(c) for c in installed_components()], ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path
