"""Shared UI pieces: the workspace factory, sidebar filters, cached metric calls, KPI tiles, headers.

Pages import this module and `charts`; they never hold SQL or metric logic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from metrics import ingest
from metrics import view as view_module
from metrics.definitions import METRICS, fmt, fmt_delta
from metrics.store import Snapshot, Workspace
from metrics.value import DEFAULT_GROSS_MARGIN
from metrics.view import View, add_months

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
# The pages: (section, script, title, icon, URL path). app.py routes with these; frame() draws the links.
NAV = [
    ("Executives", "pages/ceo.py", "CEO", ":material/explore:", ""),  # the default page, served at /
    ("Executives", "pages/cfo.py", "CFO", ":material/payments:", "cfo"),
    ("Executives", "pages/cmo.py", "CMO", ":material/campaign:", "cmo"),
    ("Executives", "pages/cio.py", "CIO", ":material/monitor_heart:", "cio"),
    ("Analysts", "pages/data.py", "Data", ":material/upload_file:", "data"),
    ("Analysts", "pages/glossary.py", "Glossary", ":material/menu_book:", "glossary"),
]
ALL = "All"
DEFAULT_MONTHS = 12
DEFAULT_MARGIN_PCT = round(100 * DEFAULT_GROSS_MARGIN)


@st.cache_resource(show_spinner="Opening the workspace…")
def workspace() -> Workspace:
    """The process-wide workspace; on first start with an empty one, load the bundled sample data."""
    ws = Workspace()
    if ws.is_empty():
        ingest.load_sample(ws, SAMPLE_DIR)
    return ws


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(module: str, name: str, view: View, args: tuple):
    import importlib

    fn = getattr(importlib.import_module(module), name)
    return fn(workspace().cursor(), view, *args)


def cached(fn: Callable, view: View, *args):
    """Call a metric function `fn(cursor, view, *args)`, cached by function, view and arguments.

    A snapshot's data never changes, so the view (which names the snapshot) is a complete cache key.
    """
    return _cached(fn.__module__, fn.__name__, view, tuple(args))


# ---- snapshot and filters ----------------------------------------------------------------------
def snapshots() -> list[Snapshot]:
    ws = workspace()
    latest = ws.snapshot()
    return [] if latest is None else [ws.snapshot(n) for n in range(latest.snapshot, 0, -1)]


def month_options(snap: Snapshot) -> list[str]:
    if snap.first_month is None:
        return []
    months = pd.date_range(snap.first_month, snap.last_month, freq="MS")
    return [m.strftime("%Y-%m") for m in months]


@st.cache_data(show_spinner=False)
def dimension_values(snapshot: int, dimension: str) -> list[str]:
    return view_module.dimension_values(workspace().cursor(), snapshot, dimension)


def render_sidebar() -> None:
    """The filters shared by every page, bound to the URL so a link reproduces the view."""
    snaps = snapshots()
    if not snaps:
        return
    with st.sidebar:
        st.subheader("Filters")
        labels = {s.snapshot: f"#{s.snapshot} · {s.created_at:%Y-%m-%d %H:%M}"
                  + (" (latest)" if i == 0 else "") for i, s in enumerate(snaps)}
        version = st.selectbox("Data version", list(labels), format_func=labels.get, key="v",
                               bind="query-params", help="Each upload creates a new version; links can pin one.")
        snap = next(s for s in snaps if s.snapshot == version)
        months = month_options(snap)
        if months:
            default = (months[max(0, len(months) - DEFAULT_MONTHS)], months[-1])
            st.select_slider("Period", options=months, value=default, key="period", bind="query-params",
                             format_func=lambda m: pd.Timestamp(m).strftime("%b %Y"),
                             help="Months included. Trailing metrics (NRR, GRR) end at the last month.")
        st.selectbox("Segment", [ALL, *dimension_values(snap.snapshot, "segment")], key="segment",
                     bind="query-params")
        st.selectbox("Region", [ALL, *dimension_values(snap.snapshot, "region")], key="region",
                     bind="query-params")
        st.number_input("Gross margin (%)", min_value=1, max_value=100, value=DEFAULT_MARGIN_PCT, step=1, key="gm",
                        bind="query-params", help="Used by LTV and payback. A stated assumption, not measured.")


def current_snapshot() -> Snapshot | None:
    ws = workspace()
    chosen = st.session_state.get("v")
    return (ws.snapshot(int(chosen)) if chosen is not None else None) or ws.snapshot()


def current_view() -> View | None:
    """The view the sidebar describes; defaults (latest data, last 12 months, everything) when unset."""
    snap = current_snapshot()
    if snap is None or snap.first_month is None:
        return None
    months = month_options(snap)
    period = st.session_state.get("period") or (months[max(0, len(months) - DEFAULT_MONTHS)], months[-1])
    start, end = (pd.Timestamp(p).date() for p in period)
    segment = st.session_state.get("segment", ALL)
    region = st.session_state.get("region", ALL)
    return View(snap.snapshot, start, end, None if segment == ALL else segment, None if region == ALL else region)


def gross_margin() -> float:
    return st.session_state.get("gm", DEFAULT_MARGIN_PCT) / 100


def describe(view: View) -> str:
    """The view in words: 'Nov 2025 – Oct 2026 · Enterprise · all regions · data version #3'."""
    period = f"{view.start:%b %Y} – {view.end:%b %Y}"
    return " · ".join([period, view.segment or "all segments", view.region or "all regions",
                       f"data version #{view.snapshot}"])


# ---- page furniture ----------------------------------------------------------------------------
def frame() -> None:
    """What every page shares: wide layout, opened workspace (sample data on a first start), navigation
    links and filters in the sidebar. Streamlit's own page list is hidden (config.toml) so the sidebar is
    the same however the run started."""
    st.set_page_config(page_title="CX value dashboard", page_icon=":material/insights:", layout="wide")
    workspace()
    with st.sidebar:
        st.markdown("### :material/insights: CX value dashboard")
        section = None
        for sec, script, title, icon, _url in NAV:
            if sec != section:
                st.caption(sec)
                section = sec
            st.page_link(script, label=title, icon=icon)
        st.divider()
    render_sidebar()


def ensure_router() -> None:
    """Give a page its frame even when the run did not come through app.py. Call it first on every page.

    Streamlit treats a `pages/` folder beside the entrypoint as legacy multipage mode until some session
    calls st.navigation: the first visitor of a fresh server who opens a shared link such as /cfo runs the
    page alone (and AppTest resets that mode on every run). Then the frame is drawn here, and the flag is
    cleared so the session's next run goes through app.py's navigation. A rerun instead would drop the
    run's widget events, such as a button click.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        frame()


def page_header(title: str, question: str, view: View | None) -> None:
    st.title(title)
    st.caption(question + ("" if view is None else f"  \n{describe(view)}"))
    notices(view)


def notices(view: View | None) -> None:
    """Sample-data banner and the 'newer data exists' notice, on every page."""
    ws = workspace()
    snap = ws.snapshot(view.snapshot) if view else ws.snapshot()
    if snap is None:
        return
    sources = {(ws.upload_info(v) or {}).get("source") for v in snap.versions.values() if v is not None}
    if "sample" in sources:
        st.info("**Sample data.** You are looking at a fictional company's data bundled with the app. "
                "Upload your own exports on the **Data** page.", icon=":material/info:")
    latest = ws.snapshot()
    if latest and snap.snapshot != latest.snapshot:
        st.warning(f"This view is pinned to data version #{snap.snapshot}; newer data exists "
                   f"(#{latest.snapshot}).", icon=":material/push_pin:")
        st.button("Switch to the latest data", key="to_latest", on_click=st.session_state.update,
                  kwargs={"v": latest.snapshot})


def md_escape(text: str) -> str:
    """User text (file names, cell values in error messages) shown inside markdown, rendered literally."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~$])", r"\\\1", str(text))


def empty_state() -> None:
    st.warning("No data yet. Upload NPS responses, customers and revenue on the Data page.")
    st.stop()


def kpi(column, metric: str, value, delta=None, *, fmt_name: str | None = None, suffix: str = "",
        inverse: bool = False, label: str | None = None) -> None:
    """A KPI tile: formatted value, change vs the previous period, the metric's definition on hover."""
    m = METRICS[metric]
    kind = fmt_name or m.fmt
    column.metric(label or m.label, fmt(value, kind) + suffix, fmt_delta(delta, kind),
                  delta_color="inverse" if inverse else "normal", help=m.definition, border=True)


def dates(series: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    """Dates or timestamps as text for tables ("—" when missing)."""
    return pd.to_datetime(series).dt.strftime(fmt).fillna("—")


def upload_history() -> None:
    """Every upload (newest first), as the Data and CIO pages show it."""
    from metrics.store import KIND_LABELS

    h = workspace().uploads()
    st.dataframe(pd.DataFrame({
        "Version": h.version, "Kind": h.kind.map(KIND_LABELS), "File": h.file_name, "Source": h.source,
        "Rows": h.row_count.map("{:,}".format), "First date": dates(h.first_date), "Last date": dates(h.last_date),
        "Uploaded (UTC)": dates(h.uploaded_at, "%Y-%m-%d %H:%M"), "SHA-256": h.sha256.str[:12],
    }), hide_index=True, width="stretch")


def chart(c: alt.Chart) -> None:
    st.altair_chart(c, width="stretch")


def previous_month(view: View) -> dt.date:
    return add_months(view.start, -1)
