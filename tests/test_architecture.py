"""The house rules a newcomer relies on: Streamlit only in ``dash.web``, pages that only route."""

from __future__ import annotations

import ast
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
    # "About 400 lines": a module a newcomer reads in one sitting. The longest today are the
    # schema migrations (0001 is one long DDL script) and the curated loader.
    sizes = {str(p.relative_to(SRC)): len(p.read_text(encoding="utf-8").splitlines())
             for p in SRC.rglob("*.py")}  # fmt: skip
    assert len(sizes) > 30
    assert {name: n for name, n in sizes.items() if n > 450} == {}


def test_every_query_lives_in_the_queries_package():
    # One place owns the reads pages, exports and the CLI run: a SELECT written anywhere else in
    # that code is a second owner. Apart: the store's own upkeep (schema, checks, publishing)
    # and the loaders that fill the in-memory columns once per data change.
    readers = [p for p in SRC.rglob("*.py") if p.parent.name in ("dash", "web", "views", "cli")]
    upkeep = {"store.py", "migrations.py", "integrity.py", "publish.py", "regions.py"}
    loaders = {"columns.py", "figures.py", "tally.py"}
    writers = upkeep | loaders | {"store_commands.py"}
    offenders = []
    for path in readers:
        if path.name in writers:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and text.lstrip().startswith("SELECT "):
                offenders.append(str(path.relative_to(SRC)))
    assert sorted(set(offenders)) == []
