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
