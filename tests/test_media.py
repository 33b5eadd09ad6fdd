"""Download links bound to their viewer (dash.web.media), without a browser: the token table
and the ASGI gate in front of Streamlit's media route."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dash.web import media


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_link_resolves_for_its_viewer_until_it_expires(monkeypatch):
    monkeypatch.setenv(media.LIFETIME_ENV, "300")
    clock = Clock()
    links = media.Links(clock)
    token = links.issue("5f1e0c.csv", "viewer-a")
    assert token.endswith(".csv") and "5f1e0c" not in token
    assert links.resolve(token, "viewer-a") == "5f1e0c.csv"
    assert links.resolve(token, "viewer-b") is None
    assert links.resolve(token, None) is None
    assert links.resolve("5f1e0c.csv", "viewer-a") is None  # the real name is no link
    clock.now += 299
    assert links.resolve(token, "viewer-a") == "5f1e0c.csv"
    clock.now += 2
    assert links.resolve(token, "viewer-a") is None


def test_each_download_gets_its_own_link(monkeypatch):
    links = media.Links(Clock())
    assert links.issue("same.csv", "v") != links.issue("same.csv", "v")


@pytest.fixture
def gated(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(media, "LINKS", media.Links(clock))

    async def echo(request):
        return PlainTextResponse(request.url.path)

    inner = Starlette(routes=[Route("/{path:path}", echo)])
    client = TestClient(media.MediaGate(inner))
    return client, clock


def get(client, path, viewer=None):
    """A request from a browser holding ``viewer`` as its cookie (or none)."""
    client.cookies.clear()
    if viewer is not None:
        client.cookies.set(media.COOKIE, viewer)
    return client.get(path)


def test_the_gate_serves_a_token_only_to_its_viewer(gated):
    client, clock = gated
    token = media.LINKS.issue("abc123.csv", "me")
    assert get(client, f"/media/{token}", "me").text == "/media/abc123.csv"
    stranger = get(client, f"/media/{token}", "you")
    assert stranger.status_code == 404 and "another viewer" in stranger.text
    assert get(client, "/media/abc123.csv", "me").status_code == 404
    clock.now += media.DEFAULT_LIFETIME_S + 1
    assert get(client, f"/media/{token}", "me").status_code == 404


def test_the_gate_gives_each_browser_a_viewer_cookie_and_leaves_other_paths_alone(gated):
    client, _ = gated
    first = get(client, "/sources")
    assert first.text == "/sources"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{media.COOKIE}=") and "HttpOnly" in cookie
    again = get(client, "/sources", "known")
    assert "set-cookie" not in again.headers
    # Streamlit's own fonts live under /static/media/: not downloads
    font = get(client, "/static/media/SourceSans.woff2", "known")
    assert font.text == "/static/media/SourceSans.woff2"
