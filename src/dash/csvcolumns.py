"""The columns of every CSV the app and the CLI write: name, kind and meaning.

``csvout`` writes each CSV with one of these sets, and the Data and sources page shows them as
the data dictionary, so the documented column order and meanings cannot drift from what is
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "int", "float", "date", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "event_id",
        "text",
        "Stable id: origin and origin id, e.g. curated:2024-12-24-barmal-airstrikes",
    ),
    Column("title", "text", "Short description of the incident (our words)"),
    Column("date_start", "date", "First day the event may have happened (ISO 8601)"),
    Column("date_end", "date", "Last day the event may have happened (ISO 8601)"),
    Column(
        "date_precision", "text", "How precisely the date is known: day, days, week, month, year"
    ),
    Column("country", "text", "Country where it happened"),
    Column("admin1", "text", "Province (first-level administrative unit)"),
    Column("admin2", "text", "District (second-level administrative unit)"),
    Column(
        "admin1_as_published",
        "text",
        "The province as the source spelled it (admin1 is the gazetteer's one name for it)",
    ),
    Column("admin2_as_published", "text", "The district as the source spelled it"),
    Column(
        "further_places",
        "text",
        "Other provinces (district, province) the event spans, separated by ' | '; the event is "
        "counted once",
    ),
    Column("location", "text", "Named town, village or site"),
    Column("latitude", "float", "Latitude of the point drawn (WGS84); see geo_precision"),
    Column("longitude", "float", "Longitude of the point drawn (WGS84); see geo_precision"),
    Column(
        "geo_precision",
        "text",
        "What the point stands for: exact, near, district, province or country centroid",
    ),
    Column("event_type", "text", "ACLED event type"),
    Column("sub_event_type", "text", "ACLED sub-event type"),
    Column("actor1", "text", "Main actor (the side that acted)"),
    Column("actor2", "text", "Other actor (the side acted upon), where known"),
    Column("cross_border", "bool", "1 when the event crossed the Pakistan–Afghanistan border"),
    Column("fatalities_low", "int", "Lowest total death toll among the claims"),
    Column("fatalities_best", "int", "Curated best estimate of the death toll (empty if none)"),
    Column("fatalities_high", "int", "Highest total death toll among the claims"),
    Column("injured", "int", "People injured, curated estimate"),
    Column("deaths_civilians", "int", "Of the best estimate: civilians"),
    Column("deaths_security_forces", "int", "Of the best estimate: security forces"),
    Column("deaths_militants", "int", "Of the best estimate: militants"),
    Column("deaths_unknown", "int", "Of the best estimate: status unknown"),
    Column(
        "grading", "text", "Airwars-style grading: confirmed, fair, weak, contested, discounted"
    ),
    Column("n_claims", "int", "Number of claims (party accounts) recorded for the event"),
    Column("n_parties", "int", "Number of distinct parties with claims"),
    Column(
        "origin",
        "text",
        "Dataset the event comes from: curated, acled, ucdp or a registered origin",
    ),
    Column(
        "data_quality",
        "text",
        "What the import repaired or could not resolve in the source row (kind: detail), "
        "separated by ' | '",
    ),
    Column("summary", "text", "What happened, paraphrased (our words)"),
    Column("fatalities_basis", "text", "Which claims the low, best and high figures come from"),
    Column("source_urls", "text", "URLs of every document behind the event, separated by ' | '"),
)

CLAIM_COLUMNS: tuple[Column, ...] = (
    Column("claim_id", "text", "Stable id of the claim: event id / claim key"),
    Column("event_id", "text", "The event the claim is about"),
    Column("event_title", "text", "Title of that event"),
    Column("event_date_start", "date", "First day of that event's date window"),
    Column(
        "party", "text", "Party code: pakistan_state, afghan_taliban, militant, local, media, …"
    ),
    Column("party_label", "text", "Party in words"),
    Column("claimant", "text", "Person or office making the claim"),
    Column("via", "text", "Agency or outlet that relayed the claim, if any"),
    Column("claimed_start", "date", "Earliest date the claim was made"),
    Column("claimed_end", "date", "Latest date the claim was made"),
    Column("account", "text", "What the claimant says happened (paraphrased)"),
    Column("target", "text", "What the claimant says was hit"),
    Column("victims", "text", "Who the claimant says was hit: civilians, militants, …"),
    Column("responsibility", "text", "accepted, denied, not_addressed or not_applicable"),
    Column("killed", "int", "Killed, as claimed (low end of a range)"),
    Column("killed_high", "int", "High end of a claimed range"),
    Column("killed_qualifier", "text", "exact, at_least, more_than or about"),
    Column("injured", "int", "Injured, as claimed"),
    Column("civilians_killed", "int", "Civilians killed, as claimed"),
    Column("women_children_killed", "int", "Women and children killed, as claimed"),
    Column("militants_killed", "int", "Militants killed, as claimed"),
    Column("security_forces_killed", "int", "Security forces killed, as claimed"),
    Column("figures_text", "text", "The figures as worded when they are not plain numbers"),
    Column("quote", "text", "Short verbatim quote from the document"),
    Column(
        "credibility",
        "int",
        "Admiralty grade of the claimed toll, 1 (confirmed by other sources) to 6 (cannot be "
        "judged), set by the documented rule in docs/credibility.md",
    ),
    Column("credibility_basis", "text", "Why the rule gives that grade"),
    Column("document_id", "text", "Id of the document the claim is taken from"),
    Column("publisher", "text", "Publisher of that document"),
    Column("document_title", "text", "Title of that document"),
    Column("document_date", "date", "Publication date of that document"),
    Column("url", "text", "URL of that document"),
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("document_id", "text", "Stable id of the document"),
    Column("publisher", "text", "Site or organisation that published it"),
    Column("title", "text", "Title as the page shows it (empty if not shown)"),
    Column("published", "date", "Publication date (empty if the page shows none)"),
    Column("kind", "text", "news_report, official_statement, social_media_post, …"),
    Column("language", "text", "Language code"),
    Column("original_agency", "text", "Wire agency whose copy the page reproduces"),
    Column("url", "text", "Address of the page"),
    Column("citation", "text", "Full citation where there is no URL"),
    Column("n_claims", "int", "Number of claims taken from it"),
)

_LENS_FIGURES = (
    Column("events", "int", "Number of matching events"),
    Column("killed_low", "int", "Sum of the low ends (curated low, or the party's lowest toll)"),
    Column(
        "killed",
        "int",
        "Sum of the figures under the lens: the curated best estimate (the low end where an "
        "event has none), or the party's lowest stated toll per event",
    ),
    Column(
        "killed_high", "int", "Sum of the high ends (curated high, or the party's highest toll)"
    ),
    Column(
        "events_with_figure",
        "int",
        "Events that have a figure under the lens (the others add nothing)",
    ),
)

SERIES_COLUMNS: tuple[Column, ...] = (
    Column("period", "date", "First day of the week (Monday), month, quarter or year"),
    Column(
        "group",
        "text",
        "The split: event type, actor or province ('All events' with no split); empty on a "
        "period without events",
    ),
    Column(
        "dating",
        "text",
        "'within': the events' date windows lie inside this period; 'spans': they run past it "
        "and are counted at their first period (drawn apart as date uncertain)",
    ),
    *_LENS_FIGURES,
)

BREAKDOWN_COLUMNS: tuple[Column, ...] = (
    Column(
        "value",
        "text",
        "The category (province, district, type, sub-type, actor); '(unknown)' where not recorded",
    ),
    *_LENS_FIGURES,
)

VICTIM_COLUMNS: tuple[Column, ...] = (
    Column(
        "value",
        "text",
        "Who was killed: civilians, security forces, militants, unknown, not broken down",
    ),
    Column("killed", "int", "Killed in that category under the lens"),
)

CONTESTED_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "text", "The event"),
    Column("title", "text", "Its title"),
    Column("date_start", "date", "First day of its date window"),
    Column("grading", "text", "Its grading"),
    Column("n_parties", "int", "Parties with claims"),
    Column("n_claims", "int", "Claims recorded"),
    Column("lowest_claimed", "int", "Lowest death toll claimed"),
    Column("highest_claimed", "int", "Highest death toll claimed (top of a range)"),
    Column("framings", "int", "Distinct framings of who was hit (civilians, militants, …)"),
    Column(
        "divergence",
        "float",
        "highest_claimed / lowest_claimed (1 if either is missing) + (framings − 1)",
    ),
)

STATISTIC_COLUMNS: tuple[Column, ...] = (
    Column("tracker", "text", "Who published the figure"),
    Column("report", "text", "The report it comes from"),
    Column("period_start", "date", "First day of the period counted"),
    Column("period_end", "date", "Last day of the period counted"),
    Column("period_note", "text", "When the period is approximate or unusual"),
    Column("region", "text", "Region counted"),
    Column("metric", "text", "What is counted: attacks, incidents, fatalities, …"),
    Column("value", "int", "The figure"),
    Column("qualifier", "text", "exact, at_least, more_than or about"),
    Column("definition", "text", "The tracker's definition of what it counts"),
    Column("note", "text", "Anything else needed to read the figure"),
    Column("publisher", "text", "Publisher of the document that reports it"),
    Column("document_date", "date", "Date of that document"),
    Column("url", "text", "URL of that document"),
    Column(
        "store_events",
        "int",
        "Events in this store for the same period and region (empty: region not coded)",
    ),
    Column("store_killed_low", "int", "Their summed low death tolls"),
    Column("store_killed", "int", "Their summed best estimates (the low end where none)"),
    Column("store_killed_high", "int", "Their summed high death tolls"),
    Column(
        "explained",
        "text",
        "How much of the tracker's count the store's events account for (killed or events)",
    ),
    Column("why", "text", "Why the tracker's figure and the store's tally differ, in a sentence"),
)

IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("id", "int", "Import number"),
    Column("origin", "text", "curated, acled or ucdp"),
    Column("file", "text", "File or folder imported"),
    Column("sha256", "text", "Checksum of what was imported"),
    Column("started_at", "text", "Start time (UTC, ISO 8601)"),
    Column("finished_at", "text", "End time (UTC, ISO 8601)"),
    Column("rows_read", "int", "Rows read"),
    Column("rows_stored", "int", "Rows stored"),
    Column("rows_rejected", "int", "Rows rejected"),
    Column("status", "text", "ok, rejected or failed"),
    Column("message", "text", "Summary or reason"),
)

DUPLICATE_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "text", "One event of the pair"),
    Column("origin", "text", "Its origin dataset"),
    Column("title", "text", "Its title"),
    Column("date_start", "date", "Its first possible day"),
    Column("other_event_id", "text", "The other event, from another origin"),
    Column("other_origin", "text", "Its origin dataset"),
    Column("other_title", "text", "Its title"),
    Column("other_date_start", "date", "Its first possible day"),
    Column("event_type", "text", "The event type both share"),
    Column("km", "float", "Distance between their points, km"),
    Column("killed", "int", "Best estimate of the first"),
    Column("other_killed", "int", "Best estimate of the other"),
)

COLUMN_SETS: dict[str, tuple[Column, ...]] = {
    "events": EVENT_COLUMNS,
    "claims": CLAIM_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "series": SERIES_COLUMNS,
    "breakdown": BREAKDOWN_COLUMNS,
    "victims": VICTIM_COLUMNS,
    "most-contested": CONTESTED_COLUMNS,
    "tracker-figures": STATISTIC_COLUMNS,
    "imports": IMPORT_COLUMNS,
    "possible-duplicates": DUPLICATE_COLUMNS,
}
