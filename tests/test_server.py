"""What the server puts around the pages for speed (dash.web.server, dash.web.assets), without a
browser: the listening socket's Nagle setting, Streamlit's frontend files from memory, and the
collection the start-up leaves out. The browser tests run every page through both."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit import config

from dash.web import assets, server


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def _accepted(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    return client, accepted


def test_connections_accepted_after_start_up_send_small_writes_at_once():
    # Bound as Streamlit binds it: protocol 0, so asyncio leaves Nagle's algorithm on.
    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    with listener:
        before = _accepted(listener)
        assert _nodelay(before[1]) == 0  # what the start-up has to change
        assert server.send_small_writes_at_once() >= 1
        client, accepted = _accepted(listener)  # the server's descriptor still open
        assert _nodelay(accepted) == 1
        assert _nodelay(client) == 0  # a connection of our own, not a listener: untouched
        for s in (*before, client, accepted):
            s.close()


@pytest.fixture
def frontend(tmp_path):
    """FrontendFiles over a folder of two files, in front of an app that names the path it got
    (what Streamlit would have answered)."""
    (tmp_path / "js").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "js" / "index.Ab1_-x.js").write_bytes(b"console.log('ok')\n")
    (tmp_path / "media" / "Font.Bz2.woff2").write_bytes(bytes(range(256)) * 4)

    async def streamlit_answer(request):
        return PlainTextResponse(f"streamlit {request.method} {request.url.path}")

    inner = Starlette(
        routes=[Route("/{path:path}", streamlit_answer, methods=["GET", "HEAD", "POST"])]
    )
    return TestClient(assets.FrontendFiles(inner, folder=tmp_path)), tmp_path


def test_streamlit_files_come_from_memory_with_streamlits_headers(frontend):
    client, folder = frontend
    script = client.get("/static/js/index.Ab1_-x.js")
    assert script.status_code == 200 and script.content == b"console.log('ok')\n"
    assert script.headers["content-type"] == "application/javascript"
    assert script.headers["cache-control"] == "public, immutable, max-age=31536000"
    assert script.headers["content-length"] == str(len(script.content))
    font = client.get("/static/media/Font.Bz2.woff2")
    assert font.headers["content-type"] == "font/woff2" and font.content == bytes(range(256)) * 4
    # read once: what was served stays served
    (folder / "js" / "index.Ab1_-x.js").write_bytes(b"changed")
    assert client.get("/static/js/index.Ab1_-x.js").content == b"console.log('ok')\n"
    head = client.head("/static/js/index.Ab1_-x.js")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(b"console.log('ok')\n"))


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/static/js/missing.js", {}),  # Streamlit answers (its index.html)
        ("GET", "/static/js/index.Ab1_-x.js", {"range": "bytes=0-3"}),
        ("POST", "/static/js/index.Ab1_-x.js", {}),
        ("GET", "/static/js/sub/index.Ab1_-x.js", {}),
        ("GET", "/static/js/..%2Fmedia%2FFont.Bz2.woff2", {}),
        ("GET", "/static/other/index.Ab1_-x.js", {}),
        ("GET", "/map", {}),
        ("GET", "/app/static/world-atlas/countries-110m.json", {}),
    ],
)
def test_everything_else_goes_on_to_streamlit(frontend, method, path, headers):
    client, _ = frontend
    answer = client.request(method, path, headers=headers)
    assert answer.text.startswith(f"streamlit {method} ")


def test_under_a_base_url_path_only_its_files_are_answered(frontend, monkeypatch):
    client, _ = frontend
    base = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", "/desk/")
    try:
        assert client.get("/desk/static/js/index.Ab1_-x.js").content == b"console.log('ok')\n"
        assert client.get("/static/js/index.Ab1_-x.js").text.startswith("streamlit GET")
        assert client.get("/desktop/static/js/index.Ab1_-x.js").text.startswith("streamlit GET")
    finally:
        config.set_option("server.baseUrlPath", base)


def test_streamlits_own_frontend_files_are_found_where_the_package_keeps_them():
    client = TestClient(assets.FrontendFiles(Starlette()))
    scripts = sorted((assets.STATIC / "js").glob("index.*.js"))
    assert scripts, f"no index.*.js under {assets.STATIC}: Streamlit moved its files"
    answer = client.get(f"/static/js/{scripts[0].name}")
    assert answer.status_code == 200 and answer.content == scripts[0].read_bytes()


def test_the_start_up_leaves_what_it_warmed_out_of_later_collections(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    from dash.web import data

    events: list[str] = []
    monkeypatch.setattr(server, "_first_use_costs", lambda: None)
    monkeypatch.setattr(server.media, "install", lambda: None)
    monkeypatch.setattr(server, "send_small_writes_at_once", lambda: events.append("nodelay"))
    monkeypatch.setattr(data, "warm", lambda: events.append("warm"))
    monkeypatch.setattr(server.gc, "freeze", lambda: events.append("freeze"))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)

    async def start() -> None:
        async with server.lifespan(None):
            pass

    # its own thread: the suite's browser tests keep an event loop in this one
    thread = threading.Thread(target=lambda: asyncio.run(start()))
    thread.start()
    thread.join(60)
    assert events == ["nodelay", "warm", "freeze"]


def test_the_server_answers_frontend_files_behind_the_download_gate():
    # MediaGate outermost: the viewer's cookie is set whichever of them answers
    assert [m.cls for m in server.MIDDLEWARE] == [server.media.MediaGate, assets.FrontendFiles]


def test_names_asked_for_but_not_found_take_no_memory(tmp_path):
    files = assets.FrontendFiles(Starlette(), folder=tmp_path)
    client = TestClient(files)
    for n in range(50):
        client.get(f"/static/js/made-up-{n}.js")
    assert files._files == {}
