"""Data (analysts): upload NPS, customers or revenue exports; see what will be stored; keep the history."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from metrics import ingest
from metrics.errors import IngestError
from metrics.store import KIND_LABELS

ui.ensure_router()
st.title("Data · Upload exports")
st.caption("Upload a CSV export of NPS responses, customers / churn, or revenue. Each upload replaces the current "
           "data of its kind as a new version; earlier versions stay available in the sidebar's Data version. "
           f"Files up to {ingest.MAX_UPLOAD_BYTES // 2**20} MB.")
ui.notices(None)



def store(prepared: ingest.Prepared) -> None:
    """Commit the validated upload and show the new data version (a callback: runs before the widgets)."""
    snap = ui.workspace().commit([prepared.to_upload()])
    st.session_state["v"] = snap.snapshot
    st.session_state["uploads_done"] = st.session_state.get("uploads_done", 0) + 1  # a fresh, empty uploader
    version = snap.versions[prepared.kind]
    st.session_state["stored"] = (f"Stored {ui.md_escape(prepared.file_name)} as version {version}; "
                                  f"the dashboard now shows data version #{snap.snapshot}.")


if "stored" in st.session_state:
    st.success(st.session_state.pop("stored"), icon=":material/save:")

KIND_CHOICES = {"Detect from the columns": None, **{label: kind for kind, label in KIND_LABELS.items()}}
left, right = st.columns([2, 1])
with left:
    kind_label = st.selectbox("What is in the file?", list(KIND_CHOICES), key="upload_kind")
    upload = st.file_uploader("CSV export", type=["csv", "txt", "tsv"],
                              key=f"upload_file_{st.session_state.get('uploads_done', 0)}")
with right:
    as_of = st.date_input("As-of date (snapshot files)", value=dt.date.today(), key="upload_as_of",
                          help="For churn snapshots with tenure and a churned flag but no dates (e.g. the "
                               "telecom churn sample): start = as-of month − tenure; churners churned on this date.")
    cents = st.checkbox("Amounts are in cents", key="upload_cents", help="Divides every amount by 100.")

if upload is not None:
    data = upload.getvalue()
    options = ingest.Options(kind=KIND_CHOICES[kind_label], as_of=as_of, amount_in_cents=cents)
    try:
        prepared = ingest.prepare(data, upload.name, options)
    except IngestError as exc:
        st.error(f"**{ui.md_escape(upload.name)} was rejected; nothing was stored.**  \n{ui.md_escape(exc)}",
                 icon=":material/block:")
    else:
        ws = ui.workspace()
        current = ws.upload_info(ws.snapshot().versions.get(prepared.kind)) if ws.snapshot() else None
        st.success(f"**{ui.md_escape(upload.name)}** reads as **{KIND_LABELS[prepared.kind]}**: "
                   f"{ui.md_escape(prepared.summary)}.", icon=":material/check_circle:")
        if current and current["sha256"] == prepared.sha256:
            st.warning("This exact file is already the current version of its kind.")
        for warning in prepared.warnings:
            st.warning(ui.md_escape(warning))
        st.markdown("**Columns used** (canonical field ← column in your file)")
        st.dataframe(pd.DataFrame({"Field": list(prepared.mapping), "Column": list(prepared.mapping.values())}),
                     hide_index=True)
        st.markdown("**First rows as they will be stored**")
        st.dataframe(prepared.rows.head(20), hide_index=True, width="stretch")
        st.button(f"Store as the new {KIND_LABELS[prepared.kind]} version", type="primary", key="store",
                  on_click=store, args=(prepared,))


st.subheader("Upload history")
ui.upload_history()
