"""The library's layers: its modules import one another without a circle, and the design document stands on the
ground floor. Imports inside functions count: an import moved into a function still ties the two modules together
when it runs. For circles, an import under `if TYPE_CHECKING:` does not count, since it never runs: a feature's price
context names the price table and a stock stone's record in its annotations, and both of those modules read design
documents, which loop over the features' fit rules. For the ground floor every import counts, annotations too: the
document names nothing above it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "configurator"
# The document's schema reads the catalogue's ids and the ring sizes, and raises the library's errors: nothing else.
DESIGN_STANDS_ON = {"configurator.catalogue", "configurator.errors", "configurator.sizes"}


def _modules(package: Path) -> dict[str, Path]:
    """Every module of `package` by its dotted name (a package by its own name, not `__init__`)."""
    modules = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imported(name: str, path: Path, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """The package's modules `node` imports: `from .pkg import module` imports the module, `from .module import
    name` the module."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    found = set()
    for alias in node.names:
        if f"{base}.{alias.name}" in modules:
            found.add(f"{base}.{alias.name}")
        elif base in modules:
            found.add(base)
    return found


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _imports(tree: ast.AST, annotations: bool):
    """The import statements of `tree`, wherever they stand; those under `if TYPE_CHECKING:` only with
    `annotations`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif annotations or not _type_checking(node):
            yield from _imports(node, annotations)
        else:
            yield from (imported for branch in node.orelse for imported in _imports(branch, annotations))


def import_graph(package: Path = PACKAGE, annotations: bool = True) -> dict[str, set[str]]:
    """What each module of `package` imports of it, wherever in the module the import stands (under
    `if TYPE_CHECKING:` only with `annotations`)."""
    modules = _modules(package)
    graph = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8")), annotations):
            targets |= _imported(name, path, node, modules)
        graph[name] = targets - {name}
    return graph


def a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, its first module repeated at its end; None when there is none."""
    finished: set[str] = set()
    for start in sorted(graph):
        if start in finished:
            continue
        path, branches = [start], [iter(sorted(graph[start]))]
        while branches:
            following = next(branches[-1], None)
            if following is None:
                finished.add(path.pop())
                branches.pop()
            elif following in path:
                return path[path.index(following):] + [following]
            elif following not in finished:
                path.append(following)
                branches.append(iter(sorted(graph[following])))
    return None


def reached(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen, waiting = set(), [start]
    while waiting:
        for following in graph[waiting.pop()] - seen:
            seen.add(following)
            waiting.append(following)
    return seen


def test_the_graph_is_read_as_python_imports_it(tmp_path):
    package = tmp_path / "shop"
    (package / "styles").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "design.py": "import math\n",
        "geometry.py": "from .design import Ring\n\n\ndef build():\n    from . import engraving\n",
        "engraving.py": "import shop.design\nif TYPE_CHECKING:\n    from .geometry import Model\n",
        "styles/__init__.py": "from . import prong\n",
        "styles/prong.py": "from ..design import Setting\nfrom .. import geometry\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    assert import_graph(package) == {
        "shop": set(),
        "shop.design": set(),
        "shop.geometry": {"shop.design", "shop.engraving"},  # the second inside a function
        "shop.engraving": {"shop.design", "shop.geometry"},  # the second for annotations only
        "shop.styles": {"shop.styles.prong"},  # from . import prong: the module, not the package
        "shop.styles.prong": {"shop.design", "shop.geometry"},
    }
    assert import_graph(package, annotations=False)["shop.engraving"] == {"shop.design"}


def test_no_module_imports_itself_through_others():
    cycle = a_cycle(import_graph(annotations=False))
    assert cycle is None, "a circle of imports: " + " -> ".join(cycle)


def test_a_circle_is_found_and_named():
    assert a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert a_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_design_document_stands_on_the_ground_floor():
    beneath = reached(import_graph(), "configurator.design")
    assert beneath <= DESIGN_STANDS_ON, f"configurator.design reaches {sorted(beneath - DESIGN_STANDS_ON)}"
