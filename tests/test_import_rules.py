"""The house rules on imports, read from the source with ``ast`` (not from what an import
happens to load), so an import inside a function counts as much as one at the top:

- ``core`` (its command line included) imports neither ``gui`` nor Qt, at any depth;
- no import cycles among Dispo's modules;
- each layer imports only its own and those below it;
- a Dispo module is imported at the top of a module, not inside a function (where it would hide a
  dependency, or a cycle), but for the few loads put off for start-up speed in ``LAZY_LOADS``.

Importing ``a.b.c`` also runs the packages ``a`` and ``a.b``; that counts as importing them,
except for a module inside that package (Python has started the package already).
See ARCHITECTURE.md for the layers.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "gui")
QT = ("PySide6", "shiboken6")


@cache
def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of Dispo by dotted name (``core.cli`` for ``core/cli/__init__.py``)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    if (root / "main.py").exists():
        found["main"] = root / "main.py"
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement in the file, at any depth."""
    return _imports_among(ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))), name, path, known)


def _imports_among(nodes, name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:  # ``from core import audit`` imports the module core.store.audit
                sub = f"{module}.{alias.name}"
                found.append((sub if sub in known else module, node.lineno))
    return found


@cache
def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """module -> {Dispo module it imports: line of the (first) import}."""
    known = modules(root)
    graph = {}
    for name, path in known.items():
        edges = {}
        for target, line in imports_of(name, path, known):
            parts = target.split(".")
            for n in range(1, len(parts) + 1):
                imported = ".".join(parts[:n])
                if imported in known and imported != name and not name.startswith(imported + "."):
                    edges.setdefault(imported, line)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(component: list[str], graph: dict[str, dict[str, int]], root: Path = ROOT) -> str:
    known = modules(root)
    lines = [" <-> ".join(component)]
    for name in component:
        for target, line in sorted(graph[name].items()):
            if target in component:
                lines.append(f"  {known[name].relative_to(root)}:{line} imports {target}")
    return "\n".join(lines)


def forbidden_in_core(root: Path = ROOT) -> list[str]:
    known = modules(root)
    return [f"{path.relative_to(root)}:{line} imports {target}"
            for name, path in known.items() if name == "core" or name.startswith("core.")
            for target, line in imports_of(name, path, known)
            if target.split(".")[0] in ("gui", *QT)]


def write_tree(root: Path, files: dict[str, str]) -> None:
    """A small tree of modules for a test of the checks themselves: path -> text."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_core_imports_neither_gui_nor_qt():
    assert forbidden_in_core() == []


# What only core does with the database: run SQL, open a transaction, reach a table.
DATABASE_CALLS = ("execute", "executemany", "executescript", "query", "atomic")


def database_access_in_gui(root: Path = ROOT) -> list[str]:
    """Every place in ``gui/`` that runs SQL (``db.execute(...)``, ``query(db, ...)``), opens a
    transaction (``db.atomic()``) or reaches a table (``db["grants"]``)
    itself instead of calling a core function."""
    found = []
    for name, path in modules(root).items():
        if not name.startswith("gui."):
            continue
        where = path.relative_to(root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in DATABASE_CALLS:
                    found.append(f"{where}:{node.lineno} calls .{func.attr}(")
                elif isinstance(func, ast.Name) and func.id == "query":
                    found.append(f"{where}:{node.lineno} calls query(")
            elif isinstance(node, ast.Subscript):
                target = node.value
                named = target.id if isinstance(target, ast.Name) else \
                    target.attr if isinstance(target, ast.Attribute) else None
                if named in ("db", "database", "conn", "connection"):
                    found.append(f"{where}:{node.lineno} reaches {named}[...]")
    return sorted(found)


def test_the_gui_leaves_the_database_to_core():
    """The GUI calls core for every read and write: no SQL, transactions or tables in ``gui/``."""
    assert database_access_in_gui() == []


def test_the_database_rule_sees_sql_transactions_and_tables(tmp_path):
    files = {
        "core/__init__.py": "",
        "core/fine.py": "def f(db):\n    return db.execute('SELECT 1')\n",
        "gui/__init__.py": "",
        "gui/screen.py": ("def refresh(self):\n"
                          "    n = self.context.db.execute('SELECT count(*) FROM grants').fetchone()[0]\n"
                          "    with self.context.db.atomic():\n"
                          "        self.context.db['grants'].update(1, {})\n"
                          "    rows = query(self.context.db, 'SELECT 1')\n"
                          "    return core_function(self.context.db, rows)\n"),
    }
    write_tree(tmp_path, files)
    assert database_access_in_gui(tmp_path) == [
        "gui/screen.py:2 calls .execute(", "gui/screen.py:3 calls .atomic(", "gui/screen.py:4 reaches db[...]",
        "gui/screen.py:5 calls query("]


def test_no_import_cycles():
    graph = import_graph()
    assert "core.store.storage" in graph and "gui.app" in graph  # the walk found the modules
    found = cycles(graph)
    assert found == [], "import cycles:\n" + "\n".join(describe(c, graph) for c in found)


# The only imports of Dispo modules inside a function: (module, the module it loads on use). Each is
# put off for start-up speed and says so in a comment where it is; tests/cli/test_cli_startup.py
# checks that an import loads none of the reports, the forecast, VUM or openpyxl.
LAZY_LOADS = {
    # main.py loads one edge: a command never loads Qt, and a Python without the dependencies is told how
    # to start before any of them is imported; Qt's PDF writer only when a PDF is written
    ("main", "core.cli"),
    ("main", "gui.app"),
    ("main", "gui.reports.pdf_report"),
    # the command line knows its command before it loads the store (sqlite-utils, the migrations): an
    # import's workbook starts being read in its child first, --help and usage errors need no store
    ("core.cli", "core.importing.readers"),
    ("core.cli", "core.store.storage"),
    ("core.cli", "core.store.locking"),
    ("core.cli", "core.store.logs"),
    # the error workbook of ``import --errors`` needs the reports' xlsx writer and openpyxl
    ("core.cli.importing", "core.importing.errors_workbook"),
    # an import of another kind than a VUM list does not load VUM
    ("core.importing.importers", "core.vum"),
}


def imports_in_functions(root: Path = ROOT) -> list[tuple[str, str, int]]:
    """(module, Dispo module it imports, line) for every import of a Dispo module inside a function."""
    known = modules(root)
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        inner = {id(n): n for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
        found += [(name, target, line) for target, line in _imports_among(inner.values(), name, path, known)
                  if target.split(".")[0] in PACKAGES]
    return sorted(set(found))


def hidden_imports(root: Path = ROOT, allowed=LAZY_LOADS) -> list[str]:
    known = modules(root)
    return [f"{known[name].relative_to(root)}:{line} imports {target} inside a function"
            for name, target, line in imports_in_functions(root) if (name, target) not in allowed]


def test_dispo_modules_are_imported_at_the_top():
    """An import inside a function is kept for start-up speed only (``LAZY_LOADS``), never to dodge a cycle."""
    assert hidden_imports() == []


def test_each_lazy_load_is_still_there():
    """The allow-list stays short and true: a lazy load moved to the top leaves it."""
    assert LAZY_LOADS - {(name, target) for name, target, _ in imports_in_functions()} == set()


def test_the_rule_finds_a_dispo_import_inside_a_function(tmp_path):
    files = {
        "core/__init__.py": "",
        "core/low.py": "import json\n\ndef f():\n    import csv\n    return csv\n",
        "core/high.py": ("from core import low\n\n\nclass A:\n    def m(self):\n        from core.low import f\n"
                         "        from . import low as again\n        return f, again\n\n"
                         "def lazy():\n    import core.low\n    return core.low\n"),
        "gui/__init__.py": "",
        "gui/screen.py": "def show():\n    if True:\n        from gui import dialog\n",
        "gui/dialog.py": "",
    }
    write_tree(tmp_path, files)
    # the standard library inside a function and Dispo at the top are fine
    assert hidden_imports(tmp_path, allowed=set()) == [
        "core/high.py:6 imports core.low inside a function", "core/high.py:7 imports core.low inside a function",
        "core/high.py:11 imports core.low inside a function", "gui/screen.py:3 imports gui.dialog inside a function"]
    assert hidden_imports(tmp_path, allowed={("core.high", "core.low")}) == [
        "gui/screen.py:3 imports gui.dialog inside a function"]


# The layers of ARCHITECTURE.md, lowest first: a module imports only its own layer and those
# below it. A module in none of them (a new one) is not checked until it is added here.
LAYERS = [
    ("basics", ["core", "core.errors", "core.money", "core.cpr", "core.resources", "core.formulas", "core.formatting",
                "core.licences"]),
    ("store", ["core.store"]),
    # the hours cap of personal assistance is checked when a grant is entered
    ("register", ["core.register"]),
    # the forecast's extra breakdowns (caseworker, target group, age group, ...) are the follow-up's
    ("follow-up", ["core.followup", "core.vum", "core.budget_year.breakdowns"]),
    # the savings measures are a sheet of the monthly report
    ("reports", ["core.reports", "core.budget_year.savings"]),
    ("importing", ["core.importing"]),
    # the budget year (rates, proposal, trends) and the scenarios (business case, in-house vs
    # bought, key figures) build on the forecast, the reports and the importers
    ("budget year", ["core.budget_year", "core.scenarios"]),
    ("edges", ["core.cli", "gui", "main"]),
]


def layer_of(name: str) -> int | None:
    """The layer of a module: of the longest prefix naming it (``core`` itself names only
    the package's ``__init__``, not every module in it)."""
    best = None
    for level, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            named = name == prefix or (prefix != "core" and name.startswith(prefix + "."))
            if named and (best is None or len(prefix) > len(best[1])):
                best = (level, prefix)
    return best[0] if best else None


def test_each_module_is_in_the_layer_of_its_longest_prefix():
    names = [name for name, _ in LAYERS]
    assert names[layer_of("core")] == "basics" and names[layer_of("core.vum.rule")] == "follow-up"
    assert names[layer_of("core.store.migrations.base")] == "store" and names[layer_of("gui.common.models")] == "edges"
    assert names[layer_of("core.budget_year.proposal")] == "budget year"
    assert names[layer_of("core.budget_year.breakdowns")] == "follow-up"
    assert names[layer_of("core.scenarios.inhouse")] == "budget year"
    assert layer_of("core.brand_new_area") is None  # not checked until it is added to LAYERS


def test_each_layer_imports_only_the_layers_below_it():
    graph = import_graph()
    known = modules()
    upward = [f"{known[name].relative_to(ROOT)}:{line} imports {target} "
              f"({LAYERS[layer_of(name)][0]} -> {LAYERS[layer_of(target)][0]})"
              for name, targets in graph.items() for target, line in targets.items()
              if layer_of(name) is not None and layer_of(target) is not None and layer_of(target) > layer_of(name)
              and not empty_package(target, graph, known)]
    assert upward == []


def empty_package(name: str, graph: dict[str, dict[str, int]], known: dict[str, Path]) -> bool:
    """A package whose ``__init__.py`` imports nothing of Dispo: importing one of its modules
    runs it, but it brings no dependency along (``core.budget_year`` for its breakdowns)."""
    return known[name].name == "__init__.py" and not graph[name]


def test_the_rules_see_imports_inside_functions_and_through_packages(tmp_path):
    """The checks themselves: a small tree that breaks every rule is caught."""
    files = {
        "core/__init__.py": "",
        "core/low.py": "def pdf():\n    from gui import pdf\n",
        "core/qt.py": "def f():\n    if True:\n        import PySide6.QtGui\n",
        "core/a.py": "from core import b\n",
        "core/b.py": "def later():\n    from . import a\n",
        "core/sub/__init__.py": "from core.sub.inner import x\n",
        "core/sub/inner.py": "from core import c\nx = 1\n",
        "core/c.py": "from core.sub.other import y\n",
        "core/sub/other.py": "y = 2\n",
        "gui/__init__.py": "",
        "gui/pdf.py": "",
    }
    write_tree(tmp_path, files)
    assert forbidden_in_core(tmp_path) == ["core/low.py:2 imports gui.pdf", "core/qt.py:3 imports PySide6.QtGui"]
    graph = import_graph(tmp_path)
    # core.c imports core.sub.other, which runs core/sub/__init__.py, which imports core.c again
    assert cycles(graph) == [["core.a", "core.b"], ["core.c", "core.sub", "core.sub.inner"]]
    assert "core/b.py:2 imports core.a" in describe(["core.a", "core.b"], graph, tmp_path)
