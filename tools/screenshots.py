"""Screenshot pages of a running dashboard in headless Chromium (for review and the README).

python tools/screenshots.py http://127.0.0.1:8501 out/ "" statistics "narratives?event=…"

Each page is taken at a laptop's width (1440 px) and a phone's (390 px): out/<page>-1440.png
and out/<page>-390.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = (1440, 390)
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main(base: str, out: str, *paths: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 2200})
            for path in paths:
                page.goto(f"{base}/{path}")
                page.wait_for_selector(SETTLED, timeout=60_000)
                page.wait_for_timeout(1500)  # let charts finish drawing before the picture
                name = (path or "overview").split("?")[0].replace("/", "_") or "overview"
                target = folder / f"{name}-{width}.png"
                page.screenshot(path=target, full_page=True)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
