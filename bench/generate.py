"""SYNTHETIC events in ACLED's export format, generated at run time for benchmarks.

Every row says SYNTHETIC (event id, actors, notes, sources), so none can pass for data. The
spread is meant to load the store the way a regional ACLED extract does: 2017–2025 with yearly
swings, both countries' real first-level units (names only; coordinates are random points in a
box around each country), all 25 event sub-types with ACLED-like weights, hundreds of actors and
districts with a long tail, fatalities mostly zero with a heavy tail, a share of week/month-
precise dates and of region-level places, and one to three sources per event.

``add_claims`` then gives a share of the imported events two to four SYNTHETIC party claims
(ACLED rows carry no claims), so the narrative and party-lens queries have work to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from sqlite_utils import Database

from dash import vocab
from dash.imports.acled import COLUMNS as ACLED_COLUMNS

PROVINCES = {
    "Pakistan": (
        "Khyber Pakhtunkhwa", "Balochistan", "Punjab", "Sindh", "Islamabad Capital Territory",
        "Gilgit-Baltistan", "Azad Kashmir",
    ),
    "Afghanistan": (
        "Badakhshan", "Badghis", "Baghlan", "Balkh", "Bamyan", "Daykundi", "Farah", "Faryab",
        "Ghazni", "Ghor", "Helmand", "Herat", "Jowzjan", "Kabul", "Kandahar", "Kapisa", "Khost",
        "Kunar", "Kunduz", "Laghman", "Logar", "Nangarhar", "Nimroz", "Nuristan", "Paktia",
        "Paktika", "Panjshir", "Parwan", "Samangan", "Sar-e Pol", "Takhar", "Uruzgan", "Wardak",
        "Zabul",
    ),
}  # fmt: skip
# Rough boxes (lon_min, lon_max, lat_min, lat_max) that random points are drawn from.
BOXES = {"Pakistan": (61.0, 77.0, 24.0, 37.0), "Afghanistan": (60.5, 75.0, 29.5, 38.5)}
# ACLED-like shares of the six types in this region.
TYPE_WEIGHTS = {
    "Battles": 30,
    "Explosions/Remote violence": 22,
    "Violence against civilians": 14,
    "Protests": 18,
    "Riots": 4,
    "Strategic developments": 12,
}
YEAR_WEIGHTS = {
    2017: 10,
    2018: 11,
    2019: 12,
    2020: 11,
    2021: 14,
    2022: 8,
    2023: 10,
    2024: 12,
    2025: 12,
}
# Other spellings real exports use for a few provinces (about 1 row in 30 takes one), and a
# share of rows naming two provinces at once ("Paktika and Khost"): the gazetteer's work.
SPELLINGS = {
    "Khyber Pakhtunkhwa": ("Khyber Pakhtunkwa province", "KPK", "NWFP"),
    "Paktia": ("Paktiya",),
    "Herat": ("Hirat",),
    "Nangarhar": ("Ningarhar",),
    "Balochistan": ("Baluchistan",),
}
# A word that appears in about 1 in 50 events' notes: the free-text benchmark filter.
RARE_WORD = "checkpoint"
WORDS = ("clash", "attack", "raid", "ambush", "strike", "patrol", "market", "road", "village")


def _zipf_choice(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    # Inverse-CDF draw from a power law over the list: a few names dominate, a long tail follows.
    index = int(len(items) ** rng.random() ** s) - 1
    return items[min(index, len(items) - 1)]


def generate(path: Path, n: int, seed: int = 7) -> Path:
    """Write n SYNTHETIC ACLED rows to ``path`` (CSV, ACLED's header and column order)."""
    rng = random.Random(seed)
    pairs = [(t, s) for t, subs in vocab.EVENT_TYPOLOGY.items() for s in subs]
    pair_weights = [TYPE_WEIGHTS[t] / len(vocab.EVENT_TYPOLOGY[t]) for t, _ in pairs]
    years, year_weights = list(YEAR_WEIGHTS), list(YEAR_WEIGHTS.values())
    actors = [f"SYNTHETIC armed group {i}" for i in range(300)]
    districts = {
        p: [f"SYNTHETIC district {i} of {p}" for i in range(12)]
        for provinces in PROVINCES.values()
        for p in provinces
    }
    outlets = [f"SYNTHETIC outlet {i}" for i in range(60)]
    columns = list(ACLED_COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(columns)
        for i in range(n):
            country = "Afghanistan" if rng.random() < 0.6 else "Pakistan"
            province = _zipf_choice(rng, list(PROVINCES[country]), 0.8)
            district = _zipf_choice(rng, districts[province])
            published = province
            if province in SPELLINGS and rng.random() < 0.1:
                published = rng.choice(SPELLINGS[province])
            elif rng.random() < 0.01:
                published = f"{province} and {rng.choice(PROVINCES[country])}"
            etype, sub = rng.choices(pairs, pair_weights)[0]
            year = rng.choices(years, year_weights)[0]
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            # Mostly none; a heavy tail, capped at 500 (single ACLED events rarely exceed it).
            killed = 0 if rng.random() < 0.55 else min(int(rng.paretovariate(1.3)), 500)
            lon_min, lon_max, lat_min, lat_max = BOXES[country]
            words = rng.sample(WORDS, 3) + ([RARE_WORD] if rng.random() < 0.02 else [])
            row = {
                "event_id_cnty": f"SYN{i}",
                "event_date": day.isoformat(),
                "year": str(year),
                "time_precision": rng.choices("123", (85, 10, 5))[0],
                "event_type": etype,
                "sub_event_type": sub,
                "actor1": _zipf_choice(rng, actors),
                "actor2": _zipf_choice(rng, actors) if rng.random() < 0.6 else "",
                "country": country,
                "admin1": published,
                "admin2": district,
                "location": f"SYNTHETIC place {rng.randrange(2000)}",
                "latitude": f"{rng.uniform(lat_min, lat_max):.4f}",
                "longitude": f"{rng.uniform(lon_min, lon_max):.4f}",
                "geo_precision": rng.choices("123", (70, 20, 10))[0],
                "source": "; ".join(rng.sample(outlets, rng.choice((1, 1, 2, 3)))),
                "notes": f"SYNTHETIC: {' '.join(words)} in {district}; {killed} reported killed.",
                "fatalities": str(killed),
            }
            writer.writerow([row.get(c, "") for c in columns])
    return path


def add_claims(db: Database, share: float = 0.02, seed: int = 11) -> int:
    """Give ``share`` of the events 2–4 SYNTHETIC party claims; returns the number of claims."""
    rng = random.Random(seed)
    parties = [p for p, _, _ in vocab.PARTIES]
    framings = [v for v in vocab.VICTIM_FRAMINGS if v != "unspecified"]
    ids = [r[0] for r in db.execute("SELECT id FROM events ORDER BY rowid")]
    chosen = rng.sample(ids, int(len(ids) * share))
    document = {
        "id": "synthetic-claims",
        "publisher": "SYNTHETIC publisher",
        "kind": "news_report",
        "citation": "SYNTHETIC claims generated for a benchmark",
    }
    claims = []
    for event_id in chosen:
        for n, party in enumerate(rng.sample(parties, rng.randint(2, 4))):
            killed = min(int(rng.paretovariate(1.2)), 500)
            claims.append(
                {
                    "id": f"{event_id}:synthetic-claim-{n}",
                    "event_id": event_id,
                    "party_id": party,
                    "claimant": f"SYNTHETIC spokesperson {n}",
                    "document_id": document["id"],
                    "account": "SYNTHETIC account of the event",
                    "victims": rng.choice(framings),
                    "killed": killed,
                    "killed_high": killed + rng.choice((0, 0, 5)),
                }
            )
    with db.atomic():
        db["documents"].insert(document, replace=True)
        db["claims"].insert_all(claims, batch_size=5000)
    return len(claims)
