"""Downloading what the fetchers import: resumable, proxy-aware, with a clear message offline.

A file is written to ``<name>.part`` and renamed only when complete (its length checked against
the server's), so a dropped connection leaves a part file that the next run resumes with an
HTTP Range request, and never a half file that looks whole. ``urllib`` honours the usual
``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` settings.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT_S = 30.0
CHUNK = 1 << 16
USER_AGENT = "conflict-events (https://github.com/; analyst dashboard)"
# Waits for a rate-limited request (HTTP 429): the server's Retry-After, capped.
MAX_RETRY_WAIT_S = 120.0
MAX_RETRIES = 5


class DownloadFailed(Exception):
    """Nothing usable was downloaded; the message says why and that nothing changed."""


class NotPublished(DownloadFailed):
    """The server has no such file (HTTP 404): a release that does not exist yet."""


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _open(request: urllib.request.Request, timeout: float) -> Any:
    """Open a request, waiting out rate limits; raise DownloadFailed in words."""
    for attempt in range(MAX_RETRIES + 1):
        try:
            return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - http(s) only, checked by callers
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotPublished(f"{request.full_url}: not found (HTTP 404)") from None
            if exc.code == 429 and attempt < MAX_RETRIES:
                wait = min(float(exc.headers.get("Retry-After") or 2**attempt), MAX_RETRY_WAIT_S)
                time.sleep(wait)
                continue
            detail = exc.read(300).decode("utf-8", "replace") if exc.fp else ""
            raise DownloadFailed(
                f"{_host(request.full_url)} answered HTTP {exc.code} {exc.reason} for "
                f"{request.full_url}{': ' + detail if detail else ''}; nothing changed"
            ) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DownloadFailed(
                f"could not reach {_host(request.full_url)} ({reason}); nothing changed. "
                "Check the connection or the proxy settings (HTTPS_PROXY), then run again."
            ) from None
    raise DownloadFailed(f"{request.full_url}: still rate-limited after {MAX_RETRIES} waits")


def check_url(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DownloadFailed(f"{url}: only http and https addresses are fetched")
    return url


def download(
    url: str,
    target: Path,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = TIMEOUT_S,
    headers: dict[str, str] | None = None,
) -> Path:
    """Download ``url`` to ``target``, resuming a ``.part`` left by an interrupted run."""
    check_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    if have:
        request.add_header("Range", f"bytes={have}-")
    response = _open(request, timeout)
    with response:
        resumed = response.status == 206
        if have and not resumed:
            have = 0  # the server ignored the range: start again
        length = response.headers.get("Content-Length")
        total = (int(length) + have) if length is not None else None
        with part.open("ab" if resumed else "wb") as fh:
            done = have
            try:
                while chunk := response.read(CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            except (TimeoutError, ConnectionError, OSError) as exc:
                raise DownloadFailed(
                    f"the connection to {_host(url)} broke after {done:,} bytes ({exc}); the "
                    f"part is kept in {part} and the next run resumes it; nothing was imported"
                ) from None
    if total is not None and done < total:
        raise DownloadFailed(
            f"the connection to {_host(url)} closed after {done:,} of {total:,} bytes; the part "
            f"is kept in {part} and the next run resumes it; nothing was imported"
        )
    part.replace(target)
    return target


def get_json(url: str, *, headers: dict[str, str] | None = None, timeout: float = TIMEOUT_S) -> Any:
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    with _open(request, timeout) as response:
        try:
            return json.loads(response.read().decode("utf-8"))
        except (ValueError, ConnectionError, OSError) as exc:
            raise DownloadFailed(
                f"{url}: the answer is not complete JSON ({exc}); nothing changed"
            ) from None


def post_form(url: str, form: dict[str, str], *, timeout: float = TIMEOUT_S) -> Any:
    check_url(url)
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(
        url, data=data, headers={"User-Agent": USER_AGENT,
                                 "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with _open(request, timeout) as response:
        return json.loads(response.read().decode("utf-8"))
