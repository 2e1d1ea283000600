"""The licences of the components Dispo ships with, for Hjælp → Om Dispo.

From source they are read from the installed packages' metadata (``importlib.metadata``):
Dispo's own requirements and theirs, without the optional extras, each with the licence
files the package carries (MIT and BSD ask for their notice to go along with every copy).
A PyInstaller build has no package metadata, so the build writes the same list to
``resources/licences.json`` (``write_licences``) and the built app reads that file.
"""

from __future__ import annotations

import json
import platform
import re
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from core.resources import resource_path

LICENCES_FILE = "licences.json"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"\bextra\s*==")
# installers that a requirement names (sqlite-utils asks for pip) but Dispo never runs or ships
_NOT_SHIPPED = {"pip", "setuptools", "wheel"}
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|notice)", re.IGNORECASE)


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    text: str = field(default="", repr=False)  # the licence files' text, "" when the package has none


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
        seen[key] = Component(meta["Name"], meta["Version"], _licence_of(meta), _licence_text(key))
        todo.extend(metadata.requires(key) or [])
    return sorted(seen.values(), key=lambda c: c.name.lower())


def _licence_text(name: str) -> str:
    """The licence, copying and notice files a distribution carries, one after the other."""
    texts = []
    for file in metadata.distribution(name).files or []:
        if _LICENCE_FILE.match(file.name):
            try:
                texts.append(f"{file.name}\n\n{file.read_text(encoding='utf-8').strip()}")
            except (OSError, UnicodeDecodeError):
                continue
    return "\n\n\n".join(texts)


def python_component() -> Component:
    """The Python that runs Dispo, with its licence (LICENSE.txt beside its standard library)."""
    text = ""
    for folder in (Path(sysconfig.get_paths()["stdlib"]), Path(sys.base_prefix)):
        try:
            text = (folder / "LICENSE.txt").read_text(encoding="utf-8").strip()
            break
        except OSError:
            continue
    return Component("Python", platform.python_version(), "PSF-2.0", text)


def installed() -> list[Component]:
    """Python and every package Dispo runs on, as installed here."""
    return [python_component(), *installed_components()]


def components() -> list[Component]:
    """Python and every package Dispo runs on, with version, licence and licence text.

    A built app reads the list its build wrote; from source it is read from the metadata.
    """
    bundled = resource_path(LICENCES_FILE)
    if bundled.exists():
        return [Component(**row) for row in json.loads(bundled.read_text(encoding="utf-8"))]
    return installed()


def write_licences(path: Path) -> Path:
    """Write the installed components (for a build, which has no metadata at run time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(c) for c in installed()], ensure_ascii=False, indent=1), encoding="utf-8")
    return path
