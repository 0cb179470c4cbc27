"""The architecture, checked: imports point one way between layers, no import cycles, no long
modules. The rule itself is written in ``kg``'s docstring (src/kg/__init__.py).

Imports are read from the source (``ast``), every ``import`` statement wherever it stands
(function-level imports too: a lazy import is still a dependency), except under a module's
``if __name__ == "__main__":`` guard, which runs only when the module is the program.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "kg"

#: Layers from the bottom; a module may import its own layer and the ones below it, except that
#: the two shells (web, cli) never import each other. ``main`` (``kg.__main__``, the ``kg``
#: program) is the composition root: it may import everything and nothing imports it.
RANK = {"base": 0, "store": 1, "graph": 2, "curation": 3, "web": 4, "cli": 4, "main": 5}

#: Module -> layer. A sub-package (``kg.store``, ``kg.graph``, …) names the layer of everything
#: in it; a module at the top of ``kg`` is listed by name.
LAYER_OF_PACKAGE = {
    "kg.store": "store",
    "kg.graph": "graph",
    "kg.curation": "curation",
    "kg.web": "web",
    "kg.cli": "cli",
}
LAYER_OF_MODULE = {
    "kg": "base",
    "kg.__main__": "main",
    "kg.wsgi": "main",
    "kg.config": "base",
    "kg.formats": "base",
    "kg.prefixes": "base",
}

#: Longest module allowed (lines), and the justified exceptions (path under src/kg -> why).
MAX_LINES = 500
LONG_MODULES = {
    "store/remote_store.py": "one class (SparqlProtocolStore, ~410 lines) over one HTTP session",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module: str) -> str:
    if module in LAYER_OF_MODULE:
        return LAYER_OF_MODULE[module]
    for package, layer in LAYER_OF_PACKAGE.items():
        if module == package or module.startswith(package + "."):
            return layer
    raise AssertionError(
        f"{module} has no layer: add it to LAYER_OF_MODULE in tests/test_architecture.py "
        "(or put it in a layer's sub-package)"
    )


def _statements(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, but not under ``if __name__ == "__main__":``."""
    guarded: set[int] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name)
            and node.test.left.id == "__name__"
        ):
            guarded.update(id(n) for n in ast.walk(node))
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in guarded
    ]


def imports_of(module: str) -> set[str]:
    """The modules of ``kg`` that ``module`` imports (``from pkg import mod`` counts as
    ``pkg.mod``; a package imported for one of its names counts as the package)."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                if not is_package:
                    parts = parts[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets = []
            for alias in node.names:
                name = f"{base}.{alias.name}"
                targets.append(name if name in MODULES else base)
        found.update(t for t in targets if t in MODULES and t != module)
    return found


GRAPH = nx.DiGraph({m: sorted(imports_of(m)) for m in MODULES})


def _allowed(importer: str, imported: str) -> bool:
    if imported == "kg":  # the package itself: its docstring and version
        return True
    mine, theirs = layer_of(importer), layer_of(imported)
    if mine == theirs:
        return True
    if {mine, theirs} == {"web", "cli"}:
        return False
    return RANK[theirs] < RANK[mine]


def test_every_module_has_a_layer():
    for module in MODULES:
        assert layer_of(module) in RANK


def test_imports_point_down_the_layers():
    """store imports neither graph nor the shells, graph only store, web and cli only what is
    below them (never each other), and nothing imports the ``kg`` program."""
    wrong = sorted(
        f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)})"
        for a, b in GRAPH.edges
        if not _allowed(a, b)
    )
    assert not wrong, "imports against the layer rule:\n" + "\n".join(wrong)


def test_there_are_no_import_cycles():
    cycles = [sorted(c) for c in nx.strongly_connected_components(GRAPH) if len(c) > 1]
    assert not cycles, f"modules importing each other in a circle: {cycles}"


def test_the_rule_is_written_where_a_newcomer_looks():
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Import rule" in doc
    for layer in ("store", "graph", "web", "cli"):
        assert layer in doc


def _source_files() -> list[Path]:
    files = list(PACKAGE.rglob("*.py"))
    files += [p for p in (PACKAGE / "static").rglob("*.js") if "vendor" not in p.parts]
    return sorted(files)


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_short(path):
    """One module per idea: past ~500 lines a module holds several, and is split along them."""
    name = path.relative_to(PACKAGE).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if name in LONG_MODULES:
        return
    assert lines <= MAX_LINES, f"src/kg/{name} has {lines} lines (at most {MAX_LINES})"


def test_listed_long_modules_exist_and_are_long():
    """An exception that no longer applies is removed, so the list stays true."""
    for name in LONG_MODULES:
        path = PACKAGE / name
        assert path.exists(), f"LONG_MODULES lists {name}, which is gone"
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines > MAX_LINES, f"{name} is {lines} lines now: drop it from LONG_MODULES"


def test_the_public_entry_points_survive_the_layering(monkeypatch):
    """``kg`` (every command, serve included) and ``create_app`` for other WSGI servers."""
    import click

    from kg.__main__ import program
    from kg.wsgi import create_app

    context = click.Context(program)
    names = set(program.list_commands(context))  # the terminal commands are loaded on demand
    assert {"serve", "load", "query", "partners", "export", "build", "ingest"} <= names
    assert all(program.get_command(context, name) is not None for name in names)
    monkeypatch.setenv("KG_STORE", ":memory:")
    client = create_app().test_client()
    answer = client.get(
        "/sparql",
        query_string={"query": "ASK {}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200 and answer.get_json()["boolean"] is True
