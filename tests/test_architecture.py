"""ARCHITECTURE.md is kept current: every file and name its table of DOMAIN.md's rules points to
exists, every rule of DOMAIN.md has a row, and its picture of the layers is the order of
``LAYERS`` in tests/test_import_rules.py (which the import rules enforce)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.test_import_rules import LAYERS, ROOT, layer_of

TABLE_HEADING = "## Where each rule of DOMAIN.md lives"
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"  # the project's shared folder, beside the worktree
IDENTIFIER = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)?")


def rule_rows(text: str) -> list[tuple[str, str]]:
    """(rule, where) for each row of the table of rules."""
    table = text.split(TABLE_HEADING, 1)[1]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and not set(cells[1]) <= set("-") and cells != ["DOMAIN.md rule", "file: function"]:
            rows.append((cells[0], cells[1]))
    return rows


def defined_names(path: Path) -> set[str]:
    """The module's top-level functions, classes and assigned names, and its classes' methods as ``Class.method``."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                names |= {f"{node.name}.{n.name}" for n in node.body
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def broken_references(text: str, root: Path = ROOT) -> list[str]:
    """Each `path` in the table that is no file, and each `name` that the `path` before it in its
    row does not define (a backticked word with a space or a slash is not a name: `vum due`)."""
    found = []
    for rule, where in rule_rows(text):
        current = None
        for token in re.findall(r"`([^`]+)`", where):
            if "/" in token or re.fullmatch(r"[\w.-]+\.(py|json|html)", token):
                current = token
                if not (root / token).is_file():
                    found.append(f"{rule}: no file {token}")
            elif IDENTIFIER.fullmatch(token):
                if current is None or not current.endswith(".py"):
                    found.append(f"{rule}: {token} names no module")
                elif (root / current).is_file() and token not in defined_names(root / current):
                    found.append(f"{rule}: {current} defines no {token}")
    return found


def test_every_file_and_name_in_the_table_of_rules_exists():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert len(rule_rows(text)) >= 30  # the table was found
    assert broken_references(text) == []


def test_a_wrong_path_or_name_is_caught(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "cost.py").write_text("class Calc:\n    def day(self): ...\n\ndef daily(): ...\nLIMIT = 3\n")
    text = (f"{TABLE_HEADING}\n\n| DOMAIN.md rule | file: function |\n|---|---|\n"
            "| Cost | `core/cost.py`: `daily`, `Calc.day`, `LIMIT` (and `vum due`); `core/gone.py`: `x` |\n"
            "| Money | `core/cost.py`: `weekly`, `Calc.night` |\n"
            "| Orphan | `daily` |\n")
    assert broken_references(text, tmp_path) == [
        "Cost: no file core/gone.py", "Money: core/cost.py defines no weekly", "Money: core/cost.py defines no Calc.night",
        "Orphan: daily names no module"]


def domain_rules(text: str) -> list[str]:
    """DOMAIN.md's sections after the glossary and its rules in bold at the start of a paragraph,
    each without what follows in parentheses (``**Forecast (dispositionsregnskab)**`` is "Forecast")."""
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    rules = re.findall(r"^\*\*([^*]+)\*\*", text, flags=re.MULTILINE)
    names = [s for s in sections if s not in ("Who uses it, and when", "Glossary (Danish → name in code)",
                                              "Calculation rules")] + rules
    return [re.sub(r"\s*\(.*", "", n).strip() for n in names]


@pytest.mark.skipif(not DOMAIN.is_file(), reason="the shared DOMAIN.md is not beside this checkout")
def test_every_rule_of_domain_md_has_a_row():
    rows = " ".join(rule.casefold() for rule, _ in rule_rows((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")))
    rules = domain_rules(DOMAIN.read_text(encoding="utf-8"))
    assert "Cost per calendar day" in rules and "Importing legacy spreadsheets" in rules  # DOMAIN.md was read
    assert [r for r in rules if r.casefold() not in rows] == []


def layer_picture(text: str) -> list[str]:
    """The folders of ARCHITECTURE.md's picture of the layers as dotted names, top to bottom."""
    block = text.split("```", 2)[1]
    folders = []
    for line in block.splitlines():
        word = line.split()[0] if line.strip() else ""
        if word.startswith(("core/", "gui/")) or word == "main.py":
            if word == "core/*.py":
                folders.append("core")
            else:
                folders.append(word.removesuffix(".py").strip("/").replace("/", "."))
    return folders


def test_the_picture_of_the_layers_is_the_order_the_import_rules_enforce():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    folders = layer_picture(text)
    assert folders[0] == "main" and folders[-1] == "core"
    # top to bottom: each folder is in a layer no higher than the one above it
    levels = [layer_of(f) for f in folders]
    assert None not in levels, [f for f in folders if layer_of(f) is None]
    assert levels == sorted(levels, reverse=True), list(zip(folders, levels))
    # and every layer, and every package the import rules name, is in the text
    assert set(levels) == set(range(len(LAYERS)))
    basics = text.split("```", 2)[1].split("core/*.py", 1)[1]  # the picture's last entry, to its end
    missing = [p for level, (_, prefixes) in enumerate(LAYERS) for p in prefixes if p not in ("core", "main")
               and (p.rsplit(".", 1)[1] not in basics if level == 0 else p.replace(".", "/") not in text)]
    assert missing == []
