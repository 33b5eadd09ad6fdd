"""The house rules a newcomer relies on: Streamlit only in ``dash.web``, pages that only route."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

SRC = ROOT / "src" / "dash"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_web_package_imports_streamlit():
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 30
    outside = [p.relative_to(SRC) for p in modules if "web" not in p.relative_to(SRC).parts]
    offenders = [str(p) for p in outside if "streamlit" in _imported_modules(SRC / p)]
    assert offenders == []
    # and the web package really is where the Streamlit code lives
    assert "streamlit" in _imported_modules(SRC / "web" / "layout.py")


def test_pages_are_thin_and_render_one_view_each():
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert {p.stem for p in pages} == {"overview", "statistics", "map", "narratives", "sources"}
    for page in pages:
        tree = ast.parse(page.read_text(encoding="utf-8"))
        imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
        assert [n.module for n in imports] == [f"dash.web.views.{page.stem}"], page.name
        assert len(tree.body) == 2, f"{page.name} does more than import and render its view"


def test_no_module_is_a_room_that_does_everything():
    # "About 400 lines": a module a newcomer reads in one sitting. The migrations, history that
    # only grows, are one module each.
    sizes = {str(p.relative_to(SRC)): len(p.read_text(encoding="utf-8").splitlines())
             for p in SRC.rglob("*.py")}  # fmt: skip
    assert len(sizes) > 30
    assert {name: n for name, n in sizes.items() if n > 400} == {}


# Where SQL may be written apart from dash/queries/: the store's upkeep (schema, checks,
# publishing, recovery), and the in-memory engine (the loaders that fill its arrays once per
# data change, and its matching of free text and parties, in figures.py). The import path
# (dash/imports/) writes, and is the one other package that holds SQL.
SQL_ALLOWED = {"store.py", "migrations/base.py", "integrity.py", "regions.py", "cli/store_commands.py",
               "columns.py", "figures.py"}  # fmt: skip
# A statement as SQL is written here, in upper or lower case (not "Select a row from …").
STATEMENT = re.compile(
    r"^\s*(?:(?:WITH|with)\b.*?)?(?:SELECT|select)\b.*?\b(?:FROM|from)\b", re.DOTALL
)


def _statements(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    texts += ["".join(v.value for v in n.values if isinstance(v, ast.Constant))
              for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]  # fmt: skip
    return [t for t in texts if isinstance(t, str) and STATEMENT.match(t)]


def test_every_query_lives_in_the_queries_package():
    # One place owns the reads that pages, exports and the CLI run: a statement written anywhere
    # else is a second owner.
    modules = {str(p.relative_to(SRC)): p for p in SRC.rglob("*.py")}
    readers = {name: p for name, p in modules.items()
               if not name.startswith(("queries/", "imports/")) and name not in SQL_ALLOWED}  # fmt: skip
    assert {name for name, p in readers.items() if _statements(p)} == set()
    # the list above stays true: each module allowed SQL still has some, the package has it all
    assert {name for name in SQL_ALLOWED if not _statements(modules[name])} == set()
    assert _statements(modules["queries/__init__.py"]) and _statements(
        modules["queries/catalogue.py"]
    )
