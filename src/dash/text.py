"""Text as the pages and downloads show it: Markdown made literal, names cut to a length,
fatality ranges, links only to http(s). No Streamlit here: tests and the CLI use it too."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'])")
# Embeddings, overrides and isolates (LRE … RLO, LRI … PDI): invisible, and one left open
# reverses everything drawn after it in the same paragraph.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """Escape text from the store so Markdown renders it literally (no links, images, HTML).

    Direction controls are dropped and right-to-left text (Urdu, Pashto) is isolated, so a value
    never reorders the label or figures beside it.
    """
    text = _BIDI_CONTROLS.sub("", str(text))
    escaped = _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"\u2068{escaped}\u2069"  # first-strong isolate … pop directional isolate
    return escaped


NAME_CHARS = 300


def short(text: object, limit: int = NAME_CHARS) -> str:
    """A title or name cut to ``limit`` characters, "…" marking the cut.

    A value longer than a paragraph is not a name; shown whole as a heading, or in a narrow
    party column, it pushes everything else out of sight. Tables and CSVs keep the full text.
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def place_name(*parts: object, limit: int | None = None) -> str:
    """An event's place as one line, most precise first (location, district, province,
    country), each name once: a location written "Urumqi, Xinjiang, China" is not followed by
    "China" again. With ``limit``, each name is cut to it (``short``), as headings show them;
    tables keep them whole."""
    named: list[str] = []
    seen: set[str] = set()
    for part in parts:
        if not isinstance(part, str) or not part.strip():
            continue
        pieces = {p.strip().casefold() for p in part.split(",")}
        if pieces <= seen:
            continue
        named.append(short(part.strip(), limit) if limit else part.strip())
        seen |= pieces
    return ", ".join(named)


def fatality_range(
    low: int | None, best: int | None, high: int | None, *, compact: bool = False
) -> str:
    """'8 – 20 – 71' style range; unknown parts shown as '?'.

    ``compact`` is for headline metrics, which cut long values off: three equal figures become
    one, and figures of a million or more are written like '1.88M'.
    """
    if low is None and best is None and high is None:
        return "unknown"
    if compact and low == best == high:
        return _compact(best)
    text = " – ".join("?" if v is None else f"{v:,}" for v in (low, best, high))
    if compact and len(text) > COMPACT_WIDTH:
        text = " – ".join("?" if v is None else _compact(v) for v in (low, best, high))
    return text


# Characters a headline metric shows before Streamlit cuts it off with '…'.


COMPACT_WIDTH = 18


def _compact(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1e6:.2f}M"
    if value >= 10_000:
        return f"{value / 1e3:.1f}k"
    return f"{value:,}"


def safe_url(url: object) -> str | None:
    """Only http(s) URLs are ever rendered as links; parentheses and spaces are escaped."""
    if not isinstance(url, str) or not re.match(r"^https?://[^\s<>\"]+$", url):
        return None
    return url.replace("(", "%28").replace(")", "%29")


def link(label: object, url: object) -> str:
    target = safe_url(url)
    return f"[{plain(label)}]({target})" if target else plain(label)


def plain_lines(lines: Iterable[str]) -> str:
    """A numbered Markdown list of plain-text lines."""
    return "\n".join(f"{i}. {plain(line)}" for i, line in enumerate(lines, 1))


def month(day: str) -> str:
    """'2024-02-05' → 'Feb 2024'."""
    return dt.date.fromisoformat(day).strftime("%b %Y")


LABEL_WIDTH = 28  # characters per line of a category label; longer ones wrap
LABEL_LINES = 3  # past this an axis label is cut ("…"); its tooltip and the table keep it whole


def wrapped(label: object, width: int = LABEL_WIDTH, most: int | None = None) -> str:
    """A category label broken into lines at spaces or slashes (an axis shows each line), cut
    to its first ``most`` lines with "…" when it has more."""
    words = str(label).replace("/", "/\u200b").split()
    lines: list[str] = []
    for word in (w for part in words for w in part.split("\u200b") if w):
        if lines and len(lines[-1]) + len(word) + (0 if lines[-1].endswith("/") else 1) <= width:
            lines[-1] += word if lines[-1].endswith("/") else " " + word
        else:
            lines.append(word)
    if most is not None and len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "\n".join(lines) or str(label)


def axis_labels(values: Sequence[object]) -> list[str]:
    """Each value's axis label, cut to ``LABEL_LINES``; a cut that two values would share is
    not made (the axis draws one band per label)."""
    cut = [wrapped(v, most=LABEL_LINES) for v in values]
    shared = {label for label in cut if cut.count(label) > 1}
    return [wrapped(v) if label in shared else label for v, label in zip(values, cut, strict=True)]
