"""Small synthetic datasets for tests. Every row says SYNTHETIC; none of it is real."""

from __future__ import annotations

import datetime as dt

from dash.imports.curated import Dataset
from dash.imports.rows import ClaimRow, DocumentRow, EventRow, EventSourceRow, LinkRow, StatisticRow

D = dt.date


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


HOSTILE = {
    "script": "<script>alert('xss')</script>",
    "image": "![x](http://evil.example/pixel.png)",
    "link": "[click me](javascript:alert(1))",
    "html_img": "<img src=http://evil.example/img.png onerror=alert(2)>",
}


def hostile_dataset() -> Dataset:
    """The synthetic dataset plus one event whose every text field is hostile (SYNTHETIC)."""
    ds = synthetic_dataset()
    text = " ".join(HOSTILE.values())
    ds.documents.append(
        DocumentRow(
            id="doc-evil",
            publisher=f"SYNTHETIC {HOSTILE['script']}",
            title=HOSTILE["image"],
            url="https://evil.example/article",
            kind="news_report",
        )
    )
    ds.events.append(
        EventRow(
            id="curated:syn-evil",
            origin="curated",
            origin_id="syn-evil",
            title=f"SYNTHETIC hostile {HOSTILE['script']}",
            summary=text,
            date_start=D(2024, 7, 1),
            date_end=D(2024, 7, 1),
            date_precision="day",
            location=HOSTILE["link"],
            event_type="Battles",
            sub_event_type="Armed clash",
        )
    )
    for i, party in enumerate(("pakistan_state", "afghan_taliban")):
        ds.claims.append(
            ClaimRow(
                id=f"curated:syn-evil/{party}",
                event_id="curated:syn-evil",
                party_id=party,
                claimant=f"SYNTHETIC {HOSTILE['html_img']}",
                document_id="doc-evil",
                account=text,
                quote=f"SYNTHETIC {HOSTILE['image']} {HOSTILE['script']}",
                killed=5 + i,
                figures_text=HOSTILE["link"],
            )
        )
    ds.event_sources.append(EventSourceRow(event_id="curated:syn-evil", document_id="doc-evil"))
    return ds
