"""The test suite's own layout: a test file imports no other test file. What several files share lives in
tests/conftest.py (fixtures) and tests/helpers/ (functions and constants), so each file can be read, run and
changed alone."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(tree: ast.Module) -> list[str]:
    """Every test module (`test_*`) an import in `tree` names, however it is spelt: `from .test_x import y`,
    `from tests.test_x import y`, `from tests import test_x`, `import tests.test_x`, also inside a function."""
    named = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named += [alias.name for alias in node.names if _names_a_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if _names_a_test_module(base):
                named.append(base)
            else:  # `from tests import test_x`: the names imported may be modules
                named += [base + alias.name if base.endswith(".") else f"{base}.{alias.name}"
                          for alias in node.names if alias.name.startswith("test_")]
    return named


def _names_a_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") for part in dotted.split("."))


def test_the_check_sees_every_spelling_of_an_import():
    source = ("from .test_a import x\nfrom tests.test_b import y\nfrom tests import test_c\nimport tests.test_d\n"
              "def f():\n    from .. import test_e\n"
              "from tests.helpers.browser import go_to\nfrom configurator import design\n")
    assert imported_test_modules(ast.parse(source)) == [".test_a", "tests.test_b", "tests.test_c", "tests.test_d",
                                                        "..test_e"]


def test_no_test_file_imports_another():
    files = sorted(TESTS.glob("test_*.py")) + sorted((TESTS / "helpers").glob("*.py")) + [TESTS / "conftest.py"]
    assert len(files) > 40
    importing = {path.name: names for path in files
                 if (names := imported_test_modules(ast.parse(path.read_text(encoding="utf-8"))))}
    assert importing == {}, "move what they share to tests/conftest.py (fixtures) or tests/helpers/"
