import streamlit as st

from dash import csvout, ui, vocab

ui.page_header(
    "Data and sources",
    "Every document behind the data, the import log, and what each column means.",
)

st.subheader("Documents")
ui.documents_table(ui.q("documents_list"), key="documents")

st.subheader("Import log")
ui.import_log_table(ui.q("import_log"), key="imports")

st.subheader("Data dictionary")
for name, columns in csvout.COLUMN_SETS.items():
    with st.expander(f"{name}.csv — {len(columns)} columns"):
        st.dataframe(ui.dictionary_frame(columns), hide_index=True, width="stretch")

st.subheader("Vocabularies")
for title, vocabulary in (
    ("Location precision", vocab.GEO_PRECISIONS),
    ("Date precision", vocab.DATE_PRECISIONS),
    ("Grading (after Airwars)", vocab.GRADINGS),
    ("Responsibility", vocab.RESPONSIBILITY),
    ("Origins", vocab.ORIGINS),
):
    with st.expander(title):
        st.dataframe(ui.vocabulary_frame(vocabulary), hide_index=True, width="stretch")

st.subheader("Licences and citation")
st.markdown(
    "The curated dataset is a compilation under CC BY 4.0; figures and short quotes belong to the "
    "publishers named on each row. Cite the dashboard with the data's as-of date and the "
    "document each figure comes from."
)
