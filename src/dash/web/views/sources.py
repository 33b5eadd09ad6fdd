"""The sources page."""

from __future__ import annotations

import streamlit as st

from ... import csvcolumns, exports, store, vocab
from ...credibility import rules as credibility_rules
from ...filters import Filters
from ...text import plain, plain_lines
from .. import data, display, downloads, layout, tables


def unvetted(candidates: int, events: int) -> str:
    """' (12 of them unvetted candidates)' after an origin's count; nothing when none are."""
    if not candidates:
        return ""
    if candidates == events:
        return " (an unvetted candidate)" if events == 1 else " (all unvetted candidates)"
    return f" ({candidates:,} of them unvetted candidate{'' if candidates == 1 else 's'})"


def render() -> None:
    filters = layout.page_header(
        "Data and sources",
        "Every document behind the data, the import log, the licences, and what each column means.",
    )
    reader = data.read()

    st.subheader("What this store holds, and how to add more")
    origins = reader.origins_registry()
    held = [o for o in origins if o["events"]]
    st.markdown(
        "This store holds "
        + (
            ", ".join(
                f"**{o['events']:,}** event{'' if o['events'] == 1 else 's'} from {plain(o['name'])}"
                + unvetted(o["unvetted"], o["events"])
                for o in held
            )
            or "no events"
        )
        + f" — {plain(reader.data_as_of() or 'no dates yet')}."
    )
    st.markdown(
        "The curated record is not a census: it holds every reported cross-border strike and clash "
        "and militant attacks with ten or more killed, each with every party's account. For every "
        "event of a dataset, add it from the command line (see the README):\n\n"
        "- `conflict-events fetch ucdp` — every UCDP event of the region: the latest GED release "
        "(vetted, to the end of the year before it) and UCDP's unvetted candidate events since, "
        "downloaded and imported by one command\n"
        "- `conflict-events fetch acled` — ACLED's events of the region through its API (an ACLED "
        "account is needed)\n"
        "- `conflict-events import ucdp FILE` / `import acled FILE` — an export you downloaded, "
        "as CSV or as an Excel workbook (`.xlsx`; `--sheet NAME` picks one of several sheets)\n"
        "- `conflict-events import csv FILE --suggest`, then `--mapping MAP` — any event "
        "spreadsheet (a compilation, your own list; CSV or `.xlsx`) through a mapping file\n"
        "- `conflict-events region` — the countries imports keep (now: "
        + plain(", ".join(reader.region()))
        + "; the rest are counted and left out unless `--all-countries`)"
    )

    st.subheader("Data-quality notes")
    notes = reader.quality_notes_by_kind()
    if notes:
        st.caption(
            "What imports repaired or could not resolve in rows they kept, by kind. Every such "
            "event shows its note on the incident map, and in the data_quality column of downloads."
        )
        tables.grid(tables.quality_frame(notes))
    else:
        st.info("No data-quality notes: every stored row met the store's rules as published.")

    st.subheader("Documents")
    documents = reader.documents(data.DOCUMENTS_SHOWN)
    if documents:
        n_documents = reader.count_documents()
        tables.documents_table(documents, key="documents")
        if n_documents > len(documents):
            st.caption(
                f"Showing the first {len(documents):,} of {n_documents:,} documents (by publisher); "
                "the downloads hold all of them."
            )
        downloads.downloads("documents", "documents", exports.documents, filters, key="documents",
                     file_stem="documents_all", n_rows=reader.export_count("documents", Filters()))  # fmt: skip
    else:
        st.info("This database holds no documents yet.")

    st.subheader("Import log")
    imports = reader.import_log()
    if imports:
        tables.import_log_table(imports, key="imports")
        downloads.downloads("imports", "imports", exports.imports, filters, key="imports",
                     file_stem="imports_all", n_rows=reader.export_count("imports", Filters()))  # fmt: skip
    else:
        st.info("Nothing has been imported into this database yet.")

    st.subheader("Possible duplicates across origins")
    st.caption(
        "Events from different origins (curated, ACLED, UCDP) of the same type, starting at most a "
        "day apart, with points within 10 km: perhaps one incident recorded twice. They are listed, "
        "never merged."
    )
    duplicates = reader.possible_duplicates(filters)
    if duplicates:
        tables.duplicates_table(duplicates, key="duplicates")
        downloads.downloads("possible-duplicates", "possible-duplicates",
                     lambda db: exports.duplicates(db, filters), filters, key="duplicates",
                     n_rows=reader.export_count("possible-duplicates", filters))  # fmt: skip
    else:
        st.info("No possible duplicates among the matching events.")

    st.subheader("Licences of each origin")
    tables.grid(tables.licence_frame(origins))
    hidden = store.no_download_origins()
    if hidden:
        st.info(
            f"This instance leaves rows from {', '.join(sorted(hidden))} out of every download "
            f"(setting {store.NO_DOWNLOAD_ENV})."
        )

    st.subheader("This instance")
    st.markdown(data.instance_summary())

    st.subheader("Data dictionary")
    st.caption(
        "Every column of every CSV the dashboard or `conflict-events export` writes, in order. "
        "The dashboard's event downloads quote every text cell and write a whole-number "
        "coordinate as 70, not 70.0; `export` quotes only where a cell needs it. The cells are "
        "the same."
    )
    for name, columns in csvcolumns.COLUMN_SETS.items():
        if box := display.unfolded(f"{name}.csv — {len(columns)} columns", key=f"dict_{name}"):
            tables.grid(tables.dictionary_frame(columns), where=box)

    st.subheader("Credibility grades")
    st.markdown(
        "Each claim's death toll carries a grade on the Admiralty scale, set by one written rule "
        "from the event's other claims — never by hand. Tolls *agree* when they are within a fifth "
        "of each other and do not name different kinds of dead; they *contradict* when both cannot "
        "be true ('at least 20' does not contradict 46). The first rule that applies decides:"
    )
    st.markdown(plain_lines(credibility_rules()))
    st.caption("On the statistics page, 'Claims counted' restricts a party's figures to its claims "
               "graded 1–3, 1–2 or 1.")  # fmt: skip

    st.subheader("One name per place")
    st.markdown(
        "Imports and the curated files resolve every province and district spelling through a "
        "gazetteer of Pakistan and Afghanistan (current names, former ones such as NWFP and FATA, "
        "the spellings ACLED, UCDP and news use, and the names in Urdu, Pashto and Dari script), "
        "so filters, charts and downloads show one name per place; the source's own spelling "
        "stays on the event (admin1_as_published). An event in two provinces is found under "
        "either and counted once in every total."
    )
    if box := display.unfolded("Provinces and their other spellings", key="gazetteer"):
        tables.grid(tables.gazetteer_frame(), where=box)

    st.subheader("Vocabularies")
    for title, vocabulary in (
        ("Location precision", vocab.GEO_PRECISIONS),
        ("Date precision", vocab.DATE_PRECISIONS),
        ("Grading (after Airwars)", vocab.GRADINGS),
        ("Responsibility", vocab.RESPONSIBILITY),
        ("Parties", {pid: f"{label}: {desc}" for pid, label, desc in vocab.PARTIES}),
    ):
        if box := display.unfolded(title, key=f"vocabulary_{title}"):
            tables.grid(tables.vocabulary_frame(vocabulary), where=box)

    st.subheader("How to cite")
    st.markdown(
        "Cite the dashboard with the data's as-of date (in the sidebar) and the document behind each "
        "figure: every CSV row carries its publisher, date and URL. The **bundle** download in the "
        "sidebar packs the matching events, claims and documents with a manifest (filters, time, "
        "database checksum, app version) so a figure can be traced back exactly."
    )
