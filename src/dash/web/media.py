"""Download links bound to their viewer, for a short time.

Streamlit serves a download at ``/media/<id>.csv``, where the id is a hash of the file's
content: the same link for every session that makes the same file, valid as long as any session
holds it, and fetched without a cookie. On a shared (or password-protected) instance that lets a
link outlive its viewer and travel. Here every download link is replaced by a random token
that:

- works only in the browser that asked for the file (its ``dash_viewer`` cookie, HttpOnly, set by
  this server on the first page load and carried by the app's websocket);
- expires ``EVENTS_DOWNLOAD_LINK_SECONDS`` after it was made (default 300);
- says nothing about the content.

The content-hash paths themselves answer 404. Every download the app offers is deferred (made
when clicked, ``dash.web.downloads``), so each goes through ``execute_deferred``, which this
module wraps to issue the token. Without the server (AppTest), nothing here runs.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

COOKIE = "dash_viewer"
LIFETIME_ENV = "EVENTS_DOWNLOAD_LINK_SECONDS"
DEFAULT_LIFETIME_S = 300
NOT_FOUND = (
    b"This download link has expired or was made for another viewer. "
    b"Download the file again from the page."
)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def lifetime() -> float:
    try:
        return max(1.0, float(os.environ.get(LIFETIME_ENV, DEFAULT_LIFETIME_S)))
    except ValueError:
        return DEFAULT_LIFETIME_S


@dataclass(frozen=True)
class Link:
    name: str  # the file's real name under /media/
    viewer: str | None
    expires: float


class Links:
    """Tokens issued for downloads: token name -> the real file, its viewer, its expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._links: dict[str, Link] = {}

    def issue(self, real_name: str, viewer: str | None) -> str:
        extension = real_name[real_name.rfind(".") :] if "." in real_name else ""
        token = secrets.token_urlsafe(24) + extension
        now = self._clock()
        with self._lock:
            self._links = {k: v for k, v in self._links.items() if v.expires > now}
            self._links[token] = Link(real_name, viewer, now + lifetime())
        return token

    def resolve(self, token: str, viewer: str | None) -> str | None:
        """The real file name for ``token`` asked by ``viewer``; None if unknown, expired or
        asked from another browser."""
        with self._lock:
            link = self._links.get(token)
        if link is None or link.expires <= self._clock():
            return None
        if link.viewer is not None and link.viewer != viewer:
            return None
        return link.name


LINKS = Links()


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no viewer
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


class MediaGate:
    """ASGI middleware: media paths by token only; a viewer cookie for every browser."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        from streamlit import config

        self.app = app
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
        # Streamlit's media route only (its fonts live under /static/media/, left alone).
        self.prefix = f"/{base}/media/" if base else "/media/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        viewer = _cookie(scope)
        name = scope["path"].removeprefix(self.prefix)
        if name != scope["path"] and "/" not in name:
            real = LINKS.resolve(name, viewer)
            if real is None:
                await _not_found(send)
                return
            path = self.prefix + real
            scope = {**scope, "path": path, "raw_path": path.encode()}
            await self.app(scope, receive, send)
            return
        if viewer is not None:
            await self.app(scope, receive, send)
            return
        cookie = f"{COOKIE}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Lax"
        if scope.get("scheme") == "https":
            cookie += "; Secure"

        async def with_cookie(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie.encode())]}  # fmt: skip
            await send(message)

        await self.app(scope, receive, with_cookie)


async def _not_found(send: Send) -> None:
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"cache-control", b"no-store")]})  # fmt: skip
    await send({"type": "http.response.body", "body": NOT_FOUND})


def _viewer_of(session_id: str | None) -> str | None:
    from streamlit import runtime

    if session_id is None or not runtime.exists():
        return None
    client = runtime.get_instance().get_client(session_id)
    context = getattr(client, "client_context", None)
    return (context.cookies.get(COOKIE) if context is not None else None) or None


_installed = False


def install() -> None:
    """Make every deferred download return a token bound to its session's viewer."""
    global _installed
    if _installed:
        return
    from streamlit.runtime.media_file_manager import MediaFileManager

    original = MediaFileManager.execute_deferred

    def execute_deferred(self: MediaFileManager, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
        url = original(self, file_id)
        session = entry["session_id"] if entry else None
        prefix, _, real = url.rpartition("/")
        return f"{prefix}/{LINKS.issue(real, _viewer_of(session))}"

    MediaFileManager.execute_deferred = execute_deferred  # type: ignore[method-assign]
    _installed = True
