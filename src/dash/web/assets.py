"""Streamlit's own scripts, styles and fonts, answered from memory.

A first visit fetches about 150 of Streamlit's files (its code is split into many small
chunks, each loaded when the page first draws an element that needs it). Streamlit serves them
with Starlette's ``StaticFiles``, which stats, opens and reads each file in a worker thread:
several hand-overs of the interpreter lock per file. While the page's script runs (a third of
a second at a million events) each hand-over waits for it, and the chunks the page needs queue
for up to 0.4 s behind the very run that asked for them.

``FrontendFiles`` answers those files itself: read once from Streamlit's package, kept in memory
(the files a viewer's browser fetched, about 7 MB for our pages), sent in two messages with the
headers Streamlit gives them (their names carry their content hash: cached for a year,
immutable). Anything else, and any request with a ``Range`` or a method other than GET or
HEAD, goes on to Streamlit unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit
from streamlit import config

from .media import Receive, Scope, Send

STATIC = Path(streamlit.__file__).parent / "static" / "static"
# Streamlit's hashed bundles: /static/js/index.DormvYxC.js, /static/media/KaTeX_Main-Bold.….woff2
ASSET = re.compile(r"/static/(js|css|media)/([A-Za-z0-9_.~-]+)")
CONTENT_TYPES = {
    ".js": b"application/javascript",
    ".css": b"text/css",
    ".woff2": b"font/woff2",
    ".png": b"image/png",
    ".gif": b"image/gif",
    ".svg": b"image/svg+xml",
    ".json": b"application/json",
}
CACHE_CONTROL = b"public, immutable, max-age=31536000"


class FrontendFiles:
    """ASGI middleware: Streamlit's hashed frontend files from memory, everything else on."""

    def __init__(self, app: object, folder: Path = STATIC) -> None:
        self.app = app
        self.folder = folder
        # Only files found: a miss is not kept, or any made-up name would take memory.
        self._files: dict[str, tuple[bytes, bytes]] = {}

    def _file(self, kind: str, name: str) -> tuple[bytes, bytes] | None:
        """(content type, content) of static/<kind>/<name>, or None when there is no such
        file; read from disk once. The name pattern admits no separator, so the path stays
        inside the folder. Called on the event loop only: no lock."""
        key = f"{kind}/{name}"
        found = self._files.get(key)
        if found is None:
            path = self.folder / kind / name
            content_type = CONTENT_TYPES.get(path.suffix)
            if content_type is None or not path.is_file():
                return None
            found = self._files[key] = (content_type, path.read_bytes())
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            match = ASSET.fullmatch(_under_base(scope["path"]) or "")
            ranged = any(k == b"range" for k, _ in scope.get("headers", ()))
            if match and not ranged:
                found = self._file(match[1], match[2])
        if found is None:
            await self.app(scope, receive, send)  # type: ignore[operator]
            return
        content_type, content = found
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(content)).encode()),
                    (b"cache-control", CACHE_CONTROL),
                ],
            }
        )
        body = content if scope["method"] == "GET" else b""
        await send({"type": "http.response.body", "body": body})


def _under_base(path: str) -> str | None:
    """``path`` below Streamlit's ``server.baseUrlPath``; None if it lies elsewhere."""
    base = "/" + str(config.get_option("server.baseUrlPath") or "").strip("/")
    if base == "/":
        return path
    return path[len(base) :] if path.startswith(base + "/") else None
