"""Controlled vocabularies shared by the schema, the importers and the views.

Each vocabulary is seeded into a lookup table by the migrations, so the database enforces it with
foreign keys and the app can list choices without hard-coding them in pages.
"""

from __future__ import annotations

# ACLED's typology: 6 event types, 25 sub-event types.
EVENT_TYPOLOGY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Armed clash",
    ),
    "Protests": (
        "Excessive force against protesters",
        "Protest with intervention",
        "Peaceful protest",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}


def event_type_pair(kind: str | None, sub: str | None) -> tuple[str | None, str | None]:
    """ACLED's event type and sub-type in the typology's own spelling when they match it but
    for letter case ("Armed Clash" is "Armed clash"); otherwise as given, for the row check to
    name."""
    if kind in EVENT_TYPOLOGY and sub in EVENT_TYPOLOGY[kind]:
        return kind, sub  # as ACLED writes them: most rows, at no cost
    kind = _TYPES.get(kind.casefold(), kind) if kind else kind
    sub = _SUB_TYPES.get((kind, sub.casefold()), sub) if sub else sub
    return kind, sub


_TYPES = {t.casefold(): t for t in EVENT_TYPOLOGY}
_SUB_TYPES = {(t, s.casefold()): s for t, subs in EVENT_TYPOLOGY.items() for s in subs}


# How precisely the date is known; an event's date is always a window [date_start, date_end].
DATE_PRECISIONS: dict[str, str] = {
    "day": "known to the day",
    "days": "within a span of a few days",
    "week": "within a week",
    "month": "within a calendar month",
    "year": "within a year",
}

# How precisely the coordinates are known (ACLED geo_precision / UCDP where_prec, merged).
GEO_PRECISIONS: dict[str, str] = {
    "exact": "the named town or site itself",
    "near": "near the named place (a few km)",
    "district": "district centroid: only the district is known",
    "province": "province centroid: only the province is known",
    "country": "country centroid: only the country is known",
}

# Airwars-style grading of an incident.
GRADINGS: dict[str, str] = {
    "confirmed": "the belligerent responsible accepts it, or the facts are not in dispute",
    "fair": "reported by two or more credible sources, including independent ones",
    "weak": "a single source, or sources that cannot be checked",
    "contested": "parties give competing accounts of what happened or who was hit",
    "discounted": "later shown not to have happened as reported",
}

# Parties: the fixed vocabulary by which claims are grouped (stable display order).
PARTIES: tuple[tuple[str, str, str], ...] = (
    ("pakistan_state", "Pakistani state", "government, military, ISPR, police, 'security sources'"),
    (
        "afghan_taliban",
        "Afghan Taliban authorities",
        "the Islamic Emirate's ministries and spokesmen",
    ),
    ("militant", "Militant groups", "TTP, Hafiz Gul Bahadur group, Jaish-e-Fursan, BLA, IS-K, …"),
    ("local", "Local residents and officials", "residents, local elders and local officials"),
    ("media", "Media", "news outlets reporting on their own account or citing unnamed sources"),
    ("international", "International bodies", "UN, UNAMA, UNICEF, special rapporteurs"),
    ("analyst", "Analysts and think tanks", "independent experts and research institutes"),
)

PARTY_LABELS: dict[str, str] = {pid: label for pid, label, _ in PARTIES}

DOCUMENT_KINDS: dict[str, str] = {
    "news_report": "a news article or wire copy",
    "official_statement": "a statement published by a government or armed group",
    "social_media_post": "a post on X, Telegram, WhatsApp or similar",
    "think_tank_report": "a report or commentary by a research institute",
    "dataset": "a structured dataset export (ACLED, UCDP, …)",
    "reference": "an encyclopedia or gazetteer page (used for coordinates)",
}

RESPONSIBILITY: dict[str, str] = {
    "accepted": "the claimant's side says it carried out the act",
    "denied": "the claimant's side denies carrying it out or being involved",
    "not_addressed": "the claim does not say",
    "not_applicable": "the claimant is not a party that could be responsible",
}

# Who the claimant says was hit.
VICTIM_FRAMINGS: dict[str, str] = {
    "civilians": "civilians (including refugees, women and children)",
    "militants": "militants or 'terrorists'",
    "security_forces": "soldiers, police or other security personnel",
    "mixed": "both civilians and combatants",
    "unspecified": "the claim does not say who was hit",
}

# The same, in a table cell.
VICTIM_SHORT: dict[str, str] = {
    "civilians": "civilians",
    "militants": "militants",
    "security_forces": "security forces",
    "mixed": "civilians and combatants",
    "unspecified": "not said",
}
RESPONSIBILITY_SHORT: dict[str, str] = {
    "accepted": "claims it",
    "denied": "denies it",
    "not_addressed": "not said",
    "not_applicable": "–",
}

STATISTIC_METRICS: dict[str, str] = {
    "attacks": "attacks counted by the tracker's definition",
    "incidents": "incidents of violence counted by the tracker's definition",
    "operations": "security operations conducted",
    "fatalities": "people killed, all categories",
    "security_forces_killed": "security personnel killed",
    "civilians_killed": "civilians killed",
    "militants_killed": "militants killed",
    "injured": "people injured",
}

QUALIFIERS: dict[str, str] = {
    "exact": "the figure as given",
    "at_least": "at least this many",
    "more_than": "more than this many",
    "about": "approximately this many",
}

LINK_KINDS: dict[str, str] = {
    "retaliation_for": "presented by a party as retaliation for the other event",
    "preceded_by": "followed the other event closely and is reported in connection with it",
    "part_of_campaign": "part of the campaign or operation the other event announced",
}

# The origins the first schema knew (migration 0001 lists them; 0003 made origins a registry).
ORIGINS: dict[str, str] = {
    "curated": "the project's own curated dataset, built from data/curated/",
    "acled": "an ACLED export",
    "ucdp": "a UCDP GED export",
}

# The origins every store registers: id -> (name, licence, terms, url). A mapped import
# registers its own origin with the name and licence its mapping file gives.
KNOWN_ORIGINS: dict[str, tuple[str, str, str, str | None]] = {
    "curated": (
        "Curated dataset (this project)",
        "CC BY 4.0 for the compilation; figures and short quotes belong to the cited publishers",
        "free to share with attribution",
        None,
    ),
    "acled": (
        "ACLED (Armed Conflict Location & Event Data)",
        "ACLED terms of use: attribution required; raw data may not be redistributed",
        "hosted instances should not offer raw ACLED rows for download",
        "https://acleddata.com/terms-of-use/",
    ),
    "ucdp": (
        "UCDP Georeferenced Event Dataset (GED)",
        "CC BY 4.0 (UCDP GED)",
        "free to share with attribution",
        "https://ucdp.uu.se/downloads/",
    ),
}

# What an import repaired or could not resolve in a row it stored: one note per event and kind,
# shown on the event and counted on the Data and sources page.
QUALITY_NOTE_KINDS: dict[str, str] = {
    "fatalities_reordered": "the source's low, best and high were out of order; best is kept as "
    "published and low/high widened to hold it",
    "fatalities_unreadable": "a fatality or injury figure of the source (or a breakdown of "
    "the killed) is not a whole number; stored empty, the value as published in the note",
    "date_window_reversed": "the source's start date is after its end date; the window is "
    "stored from the earlier to the later",
    "coordinates_dropped": "the source's coordinates are unusable (out of range, one of the pair, "
    "or an unknown precision code); the event has no point",
    "place_not_in_gazetteer": "a province spelling the gazetteer does not know; kept as published",
    "precision_code_unknown": "a date or location precision code the format does not define",
}
