import streamlit as st

from dash import csvout, store, ui, vocab

filters = ui.page_header(
    "Data and sources",
    "Every document behind the data, the import log, the licences, and what each column means.",
)

st.subheader("Documents")
documents = ui.q("documents_list", ui.DOCUMENTS_SHOWN)
if documents:
    n_documents = ui.q("count_documents")
    ui.documents_table(documents, key="documents")
    if n_documents > len(documents):
        st.caption(
            f"Showing the first {len(documents):,} of {n_documents:,} documents (by publisher); "
            "the downloads hold all of them."
        )
    ui.downloads("documents", "documents", "iter_documents", n_documents, filters,
                 key="documents", file_stem="documents_all")  # fmt: skip
else:
    st.info("This database holds no documents yet.")

st.subheader("Import log")
imports = ui.q("import_log")
if imports:
    ui.import_log_table(imports, key="imports")
    ui.downloads("imports", "imports", lambda: imports, len(imports), filters, key="imports",
                 file_stem="imports_all")  # fmt: skip
else:
    st.info("Nothing has been imported into this database yet.")

st.subheader("Possible duplicates across origins")
st.caption(
    "Events from different origins (curated, ACLED, UCDP) of the same type, starting at most a "
    "day apart, with points within 10 km: perhaps one incident recorded twice. They are listed, "
    "never merged."
)
duplicates = ui.q("possible_duplicates", filters)
if duplicates:
    ui.duplicates_table(duplicates, key="duplicates")
    ui.downloads("possible-duplicates", "possible-duplicates", lambda: duplicates, len(duplicates),
                 filters, key="duplicates")  # fmt: skip
else:
    st.info("No possible duplicates among the matching events.")

st.subheader("Licences of each origin")
st.dataframe(ui.licence_frame(), hide_index=True, width="stretch")
hidden = store.no_download_origins()
if hidden:
    st.info(
        f"This instance leaves rows from {', '.join(sorted(hidden))} out of every download "
        f"(setting {store.NO_DOWNLOAD_ENV})."
    )

st.subheader("This instance")
st.markdown(ui.instance_summary())

st.subheader("Data dictionary")
st.caption("Every column of every CSV the dashboard or `conflict-events export` writes, in order.")
for name, columns in csvout.COLUMN_SETS.items():
    with st.expander(f"{name}.csv — {len(columns)} columns"):
        st.dataframe(ui.dictionary_frame(columns), hide_index=True, width="stretch")

st.subheader("Vocabularies")
for title, vocabulary in (
    ("Location precision", vocab.GEO_PRECISIONS),
    ("Date precision", vocab.DATE_PRECISIONS),
    ("Grading (after Airwars)", vocab.GRADINGS),
    ("Responsibility", vocab.RESPONSIBILITY),
    ("Parties", {pid: f"{label}: {desc}" for pid, label, desc in vocab.PARTIES}),
):
    with st.expander(title):
        st.dataframe(ui.vocabulary_frame(vocabulary), hide_index=True, width="stretch")

st.subheader("How to cite")
st.markdown(
    "Cite the dashboard with the data's as-of date (in the sidebar) and the document behind each "
    "figure: every CSV row carries its publisher, date and URL. The **bundle** download in the "
    "sidebar packs the matching events, claims and documents with a manifest (filters, time, "
    "database checksum, app version) so a figure can be traced back exactly."
)
