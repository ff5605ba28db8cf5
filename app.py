"""CX value dashboard: the router. Builds the navigation from ui.NAV, draws the shared frame, runs the page."""

import streamlit as st

import ui

pages = [st.Page(script, title=title, icon=icon, url_path=url or None, default=not url)
         for _section, script, title, icon, url in ui.NAV]
page = st.navigation(pages, position="hidden")
ui.frame()
page.run()
