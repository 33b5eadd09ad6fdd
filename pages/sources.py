import streamlit as st

from dash import csvout, ui, vocab

filters = ui.page_header(
    "Data and sources",
    "Every document behind the data, the import log, the licences, and what each column means.",
)

st.subheader("Documents")
documents = ui.q("documents_list")
if documents:
    ui.documents_table(documents, key="documents")
    ui.downloads("documents", "documents", lambda: documents, len(documents), filters,
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

st.subheader("Licences of each origin")
st.dataframe(ui.licence_frame(), hide_index=True, width="stretch")

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
