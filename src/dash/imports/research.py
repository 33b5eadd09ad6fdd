"""Research notes: how each curated event was researched, and the check that keeps quotes honest.

Every curated event has ``research/<event id>.yaml`` beside it: what was searched, which pages
were read, what each page says (in our words) and a short verbatim excerpt of each page that
the event quotes. ``build`` refuses an event whose claims cite a page the notes do not list, or
whose quote is not found word for word in that page's excerpt; so a quote can be checked by
anyone against the recorded excerpt, and the excerpt against the page at its URL.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


# An excerpt holds the sentences a claim quotes or takes its figures from, not the article:
# short enough to be a citation, long enough to check a quote against.
EXCERPT_MAX_WORDS = 120


def _short(text: str | None) -> str | None:
    if text is not None and len(text.split()) > EXCERPT_MAX_WORDS:
        raise ValueError(
            f"the excerpt has {len(text.split())} words; keep it to the sentences the claims "
            f"quote or count from (at most {EXCERPT_MAX_WORDS} words)"
        )
    return text


class PageRead(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: Text
    read: dt.date | None = None
    says: Text
    excerpt: Annotated[Text | None, AfterValidator(_short)] = None


class LeftOut(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lead: Text
    why: Text


class ResearchNotes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event: Text
    searched: Annotated[list[Text], Field(min_length=1)]
    pages: Annotated[list[PageRead], Field(min_length=1)]
    left_out: list[LeftOut] = []


_SPACE = re.compile(r"\s+")
# Typographic and straight forms of the same character: a page's curly quote and a YAML file's
# straight one are the same words. Nothing else is folded.
_SAME = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalised(text: str) -> str:
    """Text with runs of whitespace as one space and curly quotes as straight ones."""
    return _SPACE.sub(" ", text.translate(_SAME)).strip()


def quote_problems(notes: ResearchNotes, claims: list[dict[str, Any]]) -> list[str]:
    """What is wrong between an event's claims and its research notes, in words.

    ``claims`` are the event's claims as written in its YAML (id, document, quote).
    """
    problems: list[str] = []
    excerpts: dict[str, list[str]] = {}
    for page in notes.pages:
        excerpts.setdefault(page.document, [])
        if page.excerpt:
            excerpts[page.document].append(normalised(page.excerpt))
    for claim in claims:
        document, quote = claim.get("document"), claim.get("quote")
        where = f"claim {claim.get('id')!r}"
        if document not in excerpts:
            problems.append(f"{where}: its document {document!r} is not among the pages read")
            continue
        if quote and not any(normalised(str(quote)) in e for e in excerpts[document]):
            problems.append(
                f"{where}: quote {str(quote)[:60]!r} is not found verbatim in the recorded "
                f"excerpt of {document!r}"
            )
    return problems


def notes_path(root: Path, event_id: str) -> Path:
    return root / "research" / f"{event_id}.yaml"
