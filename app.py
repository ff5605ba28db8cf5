"""CX value dashboard: the router. Decides who is here (gate.py), registers the pages their role may see,
draws the shared frame, runs the page. A board link (/?board=…) shows its one view and nothing else."""

import streamlit as st

import gate
import ui

if "board" in st.query_params:
    gate.board_view()
else:
    st.session_state.pop("_board", None)
    user = gate.current_user()  # draws the sign-in / not-on-the-list page and stops when there is no user
    page = st.navigation(gate.pages_for(user), position="hidden")
    ui.frame(gate.nav_for(user), warm_current=page.url_path != "data")
    gate.sidebar_footer(user)
    page.run()
