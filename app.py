"""CX value dashboard: the router. Builds the navigation, the shared sidebar filters, and runs the page."""

import streamlit as st

import ui

PAGES = {
    "Executives": [
        st.Page("pages/ceo.py", title="CEO", icon=":material/explore:", default=True),  # served at /
        st.Page("pages/cfo.py", title="CFO", icon=":material/payments:", url_path="cfo"),
        st.Page("pages/cmo.py", title="CMO", icon=":material/campaign:", url_path="cmo"),
        st.Page("pages/cio.py", title="CIO", icon=":material/monitor_heart:", url_path="cio"),
    ],
    "Analysts": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:", url_path="glossary"),
    ],
}

page = st.navigation(PAGES)
ui.frame()
page.run()
