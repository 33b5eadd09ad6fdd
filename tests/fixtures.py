"""Small synthetic datasets for tests. Every row says SYNTHETIC; none of it is real."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dash.imports.curated import Dataset
from dash.imports.rows import ClaimRow, DocumentRow, EventRow, EventSourceRow, LinkRow, StatisticRow

D = dt.date
# An event id that is hostile in a URL, in SQL and in HTML at once.
ODD_ID = "curated:evil \"<b>'; DROP TABLE events; --"


def synthetic_dataset() -> Dataset:
    doc = DocumentRow(
        id="doc-a",
        publisher="SYNTHETIC Gazette",
        title="SYNTHETIC report",
        url="https://example.org/synthetic-a",
        published=D(2024, 5, 2),
        kind="news_report",
    )
    doc_b = DocumentRow(
        id="doc-b",
        publisher="SYNTHETIC Wire",
        citation="SYNTHETIC printed bulletin, no URL",
        kind="news_report",
    )

    def event(n: int, **kw) -> EventRow:
        base = dict(
            id=f"curated:syn-{n}",
            origin="curated",
            origin_id=f"syn-{n}",
            title=f"SYNTHETIC event {n}",
            date_start=D(2024, 1, 1),
            date_end=D(2024, 1, 1),
            date_precision="day",
            country="Pakistan",
            admin1="Khyber Pakhtunkhwa",
            admin2="Kurram",
            latitude=33.8,
            longitude=70.0,
            geo_precision="district",
            event_type="Battles",
            sub_event_type="Armed clash",
        )
        base.update(kw)
        return EventRow(**base)

    events = [
        # Three parties disagree: 10 / 40 / 25 killed.
        event(
            1,
            date_start=D(2024, 3, 10),
            date_end=D(2024, 3, 11),
            date_precision="days",
            country="Afghanistan",
            admin1="Paktika",
            admin2="Barmal",
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            cross_border=True,
            fatalities_low=10,
            fatalities_best=25,
            fatalities_high=40,
            grading="contested",
            actor1="SYNTHETIC air force",
        ),
        # One claim only.
        event(2, date_start=D(2024, 5, 1), date_end=D(2024, 5, 1), fatalities_low=3,
              fatalities_best=3, fatalities_high=3, geo_precision="exact"),
        # Non-Latin text, no coordinates, a strategic development.
        event(3, title="SYNTHETIC بیان اور اعلان", date_start=D(2023, 6, 1),
              date_end=D(2023, 6, 30), date_precision="month", latitude=None, longitude=None,
              geo_precision=None, event_type="Strategic developments", sub_event_type="Other",
              fatalities_low=0, fatalities_best=0, fatalities_high=0),
    ]  # fmt: skip

    def claim(n: str, event_n: int, party: str, **kw) -> ClaimRow:
        base = dict(
            id=f"curated:syn-{event_n}/{n}",
            event_id=f"curated:syn-{event_n}",
            party_id=party,
            claimant=f"SYNTHETIC {party} spokesman",
            document_id="doc-a",
            account="SYNTHETIC account of what happened",
        )
        base.update(kw)
        return ClaimRow(**base)

    claims = [
        claim("state", 1, "pakistan_state", killed=10, militants_killed=10, victims="militants",
              responsibility="accepted", claimed_start=D(2024, 3, 11)),
        claim("taliban", 1, "afghan_taliban", killed=40, victims="civilians",
              responsibility="not_applicable", quote="SYNTHETIC they were all refugees",
              claimed_start=D(2024, 3, 12)),
        claim("media", 1, "media", killed=25, killed_qualifier="at_least", victims="mixed",
              responsibility="not_applicable", document_id="doc-b"),
        claim("only", 2, "local", killed=3, victims="civilians", responsibility="not_applicable"),
    ]  # fmt: skip
    stats = [
        StatisticRow(
            id="syn-tracker-2024",
            tracker="SYNTHETIC tracker",
            document_id="doc-a",
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
            region="Pakistan",
            metric="fatalities",
            value=100,
            definition="SYNTHETIC: everyone killed in attacks",
        )
    ]
    links = [
        LinkRow(
            event_id="curated:syn-1",
            other_event_id="curated:syn-2",
            kind="retaliation_for",
            basis="SYNTHETIC",
        )
    ]
    sources = sorted(
        {EventSourceRow(event_id=c.event_id, document_id=c.document_id) for c in claims},
        key=lambda r: (r.event_id, r.document_id),
    )
    return Dataset(
        meta={"as_of": "2024-06-01", "title": "SYNTHETIC"},
        documents=[doc, doc_b],
        events=events,
        claims=claims,
        statistics=stats,
        links=links,
        event_sources=sources,
    )


# Hostile text, one piece per kind of attack. Pieces stay whole (space-separated) so a test can
# look for each one literally in what the page shows.
HOSTILE = {
    "script": "<script>alert('xss')</script>",
    "image": "![x](http://evil.example/pixel.png)",
    "link": "[click me](javascript:alert(1))",
    "html_img": "<img src=http://evil.example/img.png onerror=alert(2)>",
    "html_link": '<a href="javascript:alert(3)">js link</a>',
    "iframe": '<iframe src="http://evil.example/frame"></iframe>',
    "svg": "<svg onload=alert(4)>",
    "autolink": "<http://evil.example/auto> www.evil.example",
    "ref_image": "![ref][r]\n\n[r]: http://evil.example/ref.png",
    "latex": r"$\href{javascript:alert(5)}{tex}$",
    "directives": ":red[red] :material/warning: :rainbow-background[bg]",
    "sql": "'; DROP TABLE events; --",
    "fts": '" NEAR( * OR AND NOT col:value (( ^',
    "rtl": "\u202eRLO-flipped\u202c after",
    "zero_width": "zero\u200bwidth \u2066isolate\u2069 \ufeffbom",
    "urdu": "پاکستانی فوج نے کہا",
    "pashto": "د پکتیکا ولایت",
    # Last: an override with no terminator, which would flip whatever is drawn after it.
    "rtl_open": "\u202eunterminated",
}
# 12,000 characters with nowhere to break a line.
LONG = "SYNTHETIC-" + "W" * 12_000
EVIL_URL = "https://evil.example/article"


def hostile(field: str) -> str:
    """Every hostile piece, labelled with the field it fills (SYNTHETIC)."""
    return f"SYNTHETIC {field} " + " ".join(HOSTILE.values())


def hostile_dataset() -> Dataset:
    """The synthetic dataset plus events, claims, documents, statistics and links whose every
    free-text field is hostile (SYNTHETIC). Vocabulary fields (party, type) cannot be."""
    ds = synthetic_dataset()
    ds.documents += [
        DocumentRow(
            id="doc-evil",
            publisher=f"SYNTHETIC {HOSTILE['script']} {HOSTILE['rtl_open']}",
            title=hostile("documents.title"),
            url=EVIL_URL,
            kind="news_report",
            language=hostile("documents.language"),
            original_agency=hostile("documents.original_agency"),
            citation=hostile("documents.citation"),
            note=hostile("documents.note"),
        ),
        DocumentRow(
            id="doc-long",
            publisher=LONG,
            title=LONG,
            # Closes the Markdown link early if parentheses are not escaped.
            url="https://evil.example/a)](javascript:alert(6)",
            kind="news_report",
            citation=LONG,
        ),
    ]

    def event(event_id: str, label: str, **kw: Any) -> EventRow:
        base: dict[str, Any] = dict(
            id=event_id,
            origin="curated",
            origin_id=hostile(f"{label}.origin_id"),
            title=f"SYNTHETIC hostile {HOSTILE['script']} {hostile(f'{label}.title')}",
            summary=hostile(f"{label}.summary"),
            date_start=D(2024, 7, 1),
            date_end=D(2024, 7, 1),
            date_precision="day",
            country=hostile(f"{label}.country"),
            admin1=hostile(f"{label}.admin1"),
            admin2=hostile(f"{label}.admin2"),
            admin3=hostile(f"{label}.admin3"),
            location=f"{HOSTILE['link']} {hostile(f'{label}.location')}",
            latitude=33.0,
            longitude=69.5,
            geo_precision="near",
            place_source_id="doc-evil",
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1=hostile(f"{label}.actor1"),
            assoc_actor1=hostile(f"{label}.assoc_actor1"),
            actor2=hostile(f"{label}.actor2"),
            assoc_actor2=hostile(f"{label}.assoc_actor2"),
            fatalities_low=5,
            fatalities_high=6,
            fatalities_basis=hostile(f"{label}.fatalities_basis"),
            grading="contested",
            grading_basis=hostile(f"{label}.grading_basis"),
            extra={"note": hostile(f"{label}.extra")},
        )
        base.update(kw)
        return EventRow(**base)

    # An id with quotes, markup and SQL in it travels through ?event= and widget keys.
    odd_id = "curated:evil \"<b>'; DROP TABLE events; --"
    ds.events += [
        event("curated:syn-evil", "events"),
        event(
            "curated:syn-long",
            "long",
            title=LONG,
            summary=LONG,
            admin1=LONG,
            actor1=LONG,
            date_start=D(2024, 7, 2),
            date_end=D(2024, 7, 2),
        ),
        event(odd_id, "odd", date_start=D(2024, 7, 3), date_end=D(2024, 7, 3)),
    ]
    for event_id in ("curated:syn-evil", "curated:syn-long", odd_id):
        for i, party in enumerate(("pakistan_state", "afghan_taliban")):
            ds.claims.append(
                ClaimRow(
                    id=f"{event_id}/{party}",
                    event_id=event_id,
                    party_id=party,
                    claimant=(
                        LONG if event_id == "curated:syn-long" else hostile("claims.claimant")
                    ),
                    via=hostile("claims.via"),
                    document_id="doc-long" if i else "doc-evil",
                    claimed_start=D(2024, 7, 1 + i),
                    account=hostile("claims.account"),
                    target=hostile("claims.target"),
                    victims=("civilians", "militants")[i],
                    killed=5 + i,
                    figures_text=hostile("claims.figures_text"),
                    quote=f"SYNTHETIC {HOSTILE['image']} {HOSTILE['script']} "
                    + hostile("claims.quote"),
                )
            )
            ds.event_sources.append(
                EventSourceRow(event_id=event_id, document_id="doc-long" if i else "doc-evil")
            )
    ds.event_sources = sorted(set(ds.event_sources), key=lambda r: (r.event_id, r.document_id))
    ds.statistics.append(
        StatisticRow(
            id=hostile("statistics.id"),
            tracker=hostile("statistics.tracker"),
            document_id="doc-evil",
            report=hostile("statistics.report"),
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
            period_note=hostile("statistics.period_note"),
            # The tracker comparison charts figures for region "Pakistan" over 2024: be one.
            region="Pakistan",
            metric="fatalities",
            value=7,
            definition=LONG + " " + hostile("statistics.definition"),
            note=hostile("statistics.note"),
        )
    )
    ds.statistics.append(
        StatisticRow(
            id="syn-evil-region",
            tracker=LONG,
            document_id="doc-long",
            period_start=D(2024, 1, 1),
            period_end=D(2024, 6, 30),
            region=hostile("statistics.region"),
            metric="incidents",
            value=3,
            definition=hostile("statistics.definition"),
        )
    )
    ds.links += [
        LinkRow(
            event_id="curated:syn-evil",
            other_event_id="curated:syn-long",
            kind="retaliation_for",
            basis=hostile("event_links.basis"),
            document_id="doc-evil",
        ),
        LinkRow(
            event_id=odd_id,
            other_event_id="curated:syn-evil",
            kind="retaliation_for",
            basis=LONG,
        ),
    ]
    ds.meta = {
        **ds.meta,
        "as_of": hostile("dataset_meta.as_of"),
        "title": hostile("dataset_meta.title"),
        "curated_sha256": hostile("dataset_meta.curated_sha256"),
    }
    return ds


def write_hostile_database(path: Path) -> Path:
    """The hostile dataset in a new database, plus what validation would refuse: a document whose
    url is ``javascript:`` (a file edited outside the tools) and a hostile import-log row."""
    from dash import store
    from dash.imports import write_dataset

    db = store.open_writable(path, create=True)
    try:
        write_dataset(db, hostile_dataset())
        with db.conn:
            db.execute("PRAGMA ignore_check_constraints = ON")
            db.execute(
                "INSERT INTO documents (id, publisher, title, url, kind, language) "
                "VALUES ('doc-js', :text, :text, 'javascript:alert(7)', 'news_report', 'en')",
                {"text": hostile("documents.publisher")},
            )
            db.execute("PRAGMA ignore_check_constraints = OFF")
            db.execute(
                "INSERT INTO event_sources (event_id, document_id) VALUES ('curated:syn-evil', 'doc-js')"
            )
            db["imports"].insert(
                {
                    "origin": "curated",
                    "file": hostile("imports.file"),
                    "sha256": hostile("imports.sha256"),
                    "started_at": hostile("imports.started_at"),
                    "finished_at": hostile("imports.finished_at"),
                    "rows_read": 1,
                    "rows_stored": 1,
                    "rows_rejected": 0,
                    "status": "ok",
                    "message": LONG + " " + hostile("imports.message"),
                }
            )
    finally:
        db.close()
    return path
