"""Glossary: every metric's registry entry, whole, grouped by the role that owns it, and the rules that apply
everywhere; all generated from metrics/definitions.py and metrics/rules.py (as docs/metrics.md is)."""

import streamlit as st

import ui
from metrics.definitions import general_rules
from metrics.docs import by_owner, entry_markdown

ui.ensure_router()
st.title("Glossary")
ui.url_notice()  # the sidebar's filters are drawn here too: a link's unusable values are named, not dropped unsaid
st.caption("Every number in the dashboard follows one of these rules. Hover a tile's ⓘ to see its rule in place. "
           "Each entry says how it is computed (the function, and the SQL over the stored facts where the "
           "arithmetic is SQL), its 95% interval and the smallest n it is shown for.")
# Each entry whole, as text (a table cell would cut long rules off mid-word).
for owner, metrics in by_owner().items():
    st.subheader(f"{owner} metrics")
    for m in metrics:
        st.markdown(entry_markdown(m, ui.md_escape))
st.subheader("Rules that apply everywhere")
st.markdown("\n".join(f"- {rule}" for rule in general_rules()))
