"""Shared UI pieces: the workspace factory, sidebar filters, cached metric calls, KPI tiles, headers.

Pages import this module and `charts`; they never hold SQL or metric logic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

import charts
import report
import safetext
import viewstate
from metrics import csat, health, ingest, memory, nps
from metrics import view as view_module
from metrics.definitions import CURRENCY_SIGN, METRICS, currency_sign, fmt, fmt_currency, fmt_delta, plural
from metrics.facts import MAX_HISTORY_MONTHS
from metrics.ingest import model as ingest_model
from metrics.rules import MIN_RESPONSES, RETENTION_MONTHS, Z_95
from metrics.stats import missing, significant, too_few
from metrics.store import KIND_LABELS, KINDS, Snapshot, Workspace
from metrics.store import SAMPLE as SAMPLE_SOURCE
from metrics.value import DEFAULT_GROSS_MARGIN
from metrics.view import View, add_months

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
# The pages: (section, script, title, icon, URL path). app.py routes with these; frame() draws the links.
NAV = [
    ("Executives", "pages/ceo.py", "CEO", ":material/explore:", ""),  # the default page, served at /
    ("Executives", "pages/cfo.py", "CFO", ":material/payments:", "cfo"),
    ("Executives", "pages/cmo.py", "CMO", ":material/campaign:", "cmo"),
    ("Executives", "pages/cio.py", "CIO", ":material/monitor_heart:", "cio"),
    ("Executives", "pages/service.py", "Service", ":material/support_agent:", "service"),
    ("Analysts", "pages/data.py", "Data", ":material/upload_file:", "data"),
    ("Analysts", "pages/glossary.py", "Glossary", ":material/menu_book:", "glossary"),
]
ALL = viewstate.ALL
REGISTRY = viewstate.REGISTRY
DEFAULT_MONTHS = viewstate.DEFAULT_MONTHS
DEFAULT_MARGIN_PCT = REGISTRY["gm"].default
assert DEFAULT_MARGIN_PCT == round(100 * DEFAULT_GROSS_MARGIN)


def _twin(upload: UploadedFile, memo: dict) -> UploadedFile:
    """A deep copy of an uploaded file that shares its bytes. Streamlit deep-copies every widget's value on every
    run (session_state.py), and a deep copy of a BytesIO owns a copy of the bytes: each run of the Data page held a
    second copy of every file in the uploader (127 MB for 5M revenue lines; streamlit/streamlit#9218). The app never
    writes to an upload, and BytesIO is copy-on-write, so sharing is safe."""
    return UploadedFile(UploadedFileRec(upload.file_id, upload.name, upload.type, upload.getvalue()),
                        upload._file_urls)


UploadedFile.__deepcopy__ = _twin


def forget_uploads(file_ids) -> None:
    """Drop these files of this session from Streamlit's upload store (once stored: the uploader starts empty
    again). Streamlit would keep their bytes until the session ends (127 MB for 5M revenue lines, beside the churn
    model's training)."""
    ctx = get_script_run_ctx()
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx is not None else None
    for file_id in file_ids if remove is not None else ():
        remove(ctx.session_id, file_id)


@st.cache_resource(show_spinner="Opening the workspace…")
def workspace() -> Workspace:
    """The process-wide workspace; on first start with an empty one, load the bundled sample data."""
    ws = Workspace()
    if ws.is_empty():
        ingest.load_sample(ws, SAMPLE_DIR)
    return ws


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(module: str, name: str, view: View | Snapshot, args: tuple):
    import importlib

    fn = getattr(importlib.import_module(module), name)
    return fn(workspace().cursor(), view, *args)


def cached(fn: Callable, view: View | Snapshot, *args):
    """Call a metric function `fn(cursor, view, *args)`, or a data-health one `fn(cursor, snapshot, *args)`
    (metrics.health: whole-snapshot scans, 0.4 and 0.7 s at 200,000 customers), cached by function, view or
    snapshot and arguments.

    A snapshot's data never changes, so the view (which names the snapshot), or the snapshot, is a complete cache key.
    """
    return _cached(fn.__module__, fn.__name__, view, tuple(args))



# ---- comment analysis and the churn model: computed once per data version, in the background ----------
# The background jobs are mostly pure Python. At Python's default 5 ms switch interval the page's thread, back from
# each DuckDB call, waits for the GIL held by the job (the convoy effect): the CEO page's first view while 140,000
# comments were analysed took 17.5 s instead of 4.0 s; at 0.5 ms it took 4.6 s (headless chromium, same machine).
sys.setswitchinterval(0.0005)
# Freed frames and arrays of uploads and trainings go back to the OS (glibc's allocator; metrics.memory.configure):
# once per process, as the module is imported once, not on every run of app.py.
memory.configure()


JOB_NICE = 10  # the background job's scheduling priority (warm): 0 is the pages', 19 the lowest


def below_pages() -> None:
    """Run the calling thread below the pages' threads: a new data version's first page views run beside its
    background job (warm), and the cores are theirs first. At 200,000 customers, with the churn model training,
    AppTest first views took CFO 1.6–2.0 → 0.9–1.0 s, CIO 1.6–2.2 → 0.7–0.8 s, Service alone 2.2–2.6 → 2.0 s.
    Linux only: there a thread has its own nice value, and the threads it starts (the training's) inherit it;
    elsewhere the call would name a process, not this thread."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), JOB_NICE)


@st.cache_resource(show_spinner=False)
def _jobs() -> dict:
    """Per data version: its background job (comment analysis, then the churn model). Process-wide. `one`: held by
    the job that runs; the others wait their turn (at 200,000 customers each holds hundreds of MB: an older
    version's training beside a new version's analysis took the server past 1.2 GB)."""
    return {"lock": threading.Lock(), "jobs": {}, "one": threading.Lock()}


def warm(snapshot: int) -> None:
    """Start analysing the data version's comments (with the latest theme map's themes) and training its churn
    model in a background thread, once per version and process (the first analysis of an NPS version takes ~17 s,
    training 10–30 s on the sample; both are stored in the workspace, so a later process reads them instead).
    Called after every commit and on every page but the Data page (frame), so a page view never trains."""
    reg = _jobs()
    with reg["lock"]:
        old = reg["jobs"].get(snapshot)
        if old is not None and not (old["done"].is_set() and old["error"]):  # a failed job is tried again
            return
        job = reg["jobs"][snapshot] = {"analysed": threading.Event(), "done": threading.Event(), "model": None,
                                       "error": None}
    ws = workspace()
    snap = ws.snapshot(snapshot)
    versions = dict(snap.versions) if snap else {}

    def run() -> None:
        from metrics import risk_store, service, theme_store, voice

        below_pages()
        with reg["one"]:  # one data version's background work at a time (_jobs)
            try:
                memory.release()  # what the upload and the pages freed, given back before the language models load
                cur = ws.cursor()
                if versions.get("tickets"):  # first: seconds at most, and the Service page reads them
                    service.store_for_pages(cur, snapshot, versions["tickets"])
                if snap is not None:  # the CIO's whole-snapshot checks (~0.2 s at 200,000 customers)
                    health.stored_checks(cur, snap)
                # the latest theme map's themes too, here before the training: assigned by a page's thread beside
                # the training, 1M comments took the server to 1.4 GB
                voice.ensure_snapshot(cur, snapshot, theme_store.latest(cur))
                memory.release()  # the analysis' chunks, given back before the training builds its rows
                job["analysed"].set()
                job["model"] = risk_store.trained(cur, snapshot, versions)  # stored: trained once per version
            except Exception as exc:  # shown where the model would be
                job["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                job["done"].set()
                memory.release()  # the training's feature rows, freed: given back, not kept beside the pages

    threading.Thread(target=run, name=f"warm-{snapshot}", daemon=True).start()


def risk_model(snapshot: int, wait: bool = False):
    """The data version's churn model (metrics.risk.RiskModel) once trained; None while it is being trained
    (wait=True waits for it). Raises RuntimeError when training failed."""
    warm(snapshot)
    job = _jobs()["jobs"][snapshot]
    if wait:
        job["done"].wait()
    if not job["done"].is_set():
        return None
    if job["error"]:
        raise RuntimeError(job["error"])
    return job["model"]


@st.fragment(run_every=2.0)
def awaiting(snapshot: int, step: str, message: str) -> None:
    """A place whose figures wait for the data version's background job (warm): `step` is "analysed" (the
    comments) or "done" (the churn model). It says `message` and looks again every 2 s; once the step is done, or
    the job ended, the page reruns whole and draws the figures. The rest of the page is drawn meanwhile."""
    box = st.empty()  # first a yield point: a click that arrived meanwhile (another page) is taken here, before
    #                   our rerun request is folded with it and, being the later one, would keep this page
    job = _jobs()["jobs"].get(snapshot)
    if job is None or job[step].is_set() or job["done"].is_set():
        st.rerun()
    box.info(message, icon=":material/hourglass_top:")


def training(snapshot: int) -> None:
    """While the data version's churn model trains (its first view does not wait a minute for it)."""
    awaiting(snapshot, "done", TRAINING + " It appears here when ready.")


ANALYSING = ("Reading this data version's comments: language, sentiment and themes (once per data version; about 2 "
             "seconds per 10,000 comments)…")
TRAINING = ("Training the churn model on this data version and testing it on the hold-out months (up to a minute, "
            "once per data version)…")


def comments_analysed(snapshot: int) -> bool:
    """Whether the data version's comments are analysed (language, sentiment, themes); starts the analysis in
    the background when not. Raises RuntimeError when the background analysis failed."""
    from metrics import voice

    warm(snapshot)
    job = _jobs()["jobs"][snapshot]
    if job["analysed"].is_set():
        return True
    if voice.analysed(workspace().cursor(), snapshot):  # stored by an earlier run or process
        job["analysed"].set()
        return True
    if job["done"].is_set():
        raise RuntimeError(job["error"] or "the comment analysis ended without storing every comment")
    return False


def comments_ready(snapshot: int, waiting: str | None = None) -> bool:
    """True when the data version's comments are analysed. Otherwise this place says the analysis is under way
    (`waiting`, else ANALYSING) and the page reruns once it is done (awaiting), and the caller draws the rest of
    the page meanwhile: a first view does not wait for the analysis (about 2 s per 10,000 comments)."""
    try:
        if comments_analysed(snapshot):
            return True
    except RuntimeError as exc:
        st.error(f"The comments of this data version could not be analysed: {md_escape(str(exc))}",
                 icon=":material/error:")
        return False
    awaiting(snapshot, "analysed", waiting or ANALYSING + " The figures from comments appear here when ready.")
    return False


# ---- snapshot and filters ----------------------------------------------------------------------
def snapshots() -> list[Snapshot]:
    """Data versions, newest first; those emptied because a version they used was deleted are left out."""
    return [s for s in workspace().snapshots() if any(v is not None for v in s.versions.values())]


def month_options(snap: Snapshot) -> list[str]:
    if snap.first_month is None:
        return []
    months = pd.date_range(snap.first_month, snap.last_month, freq="MS")
    return [m.strftime("%Y-%m") for m in months]


@st.cache_data(show_spinner=False)
def dimension_values(snapshot: int, dimension: str) -> list[str]:
    return view_module.dimension_values(workspace().cursor(), snapshot, dimension)


def url_value(key: str):
    """This run's value of a URL parameter: the validated value from the address bar, else the registry's
    default. Integers come back as int, periods as a pair of 'YYYY-MM' months."""
    param, raw = REGISTRY[key], _url_values().get(key)
    if raw is None:
        return param.default
    if param.kind == "int":
        return int(raw)
    if param.kind == "period":
        return tuple(pd.Timestamp(m).strftime("%Y-%m") for m in raw)
    return raw


def _seed(key: str, value) -> None:
    """A URL-kept widget's starting value: set once (a session's first run, or after the widget was away on
    another page), from the validated URL value or the default. Widgets are kept in the URL by hand rather
    than with bind="query-params", so one parser (viewstate) decides what a URL value means."""
    # Written back on every run, not only the first: a value set through session state is sent with the widget,
    # so the browser shows what the view uses even when a page switch cut the previous run short (the browser
    # otherwise keeps its own copy of the widget, e.g. "All" beside a caption that says "Enterprise").
    st.session_state[key] = st.session_state.get(key, value)


def _to_url(key: str, value) -> None:
    """Write a control's value in the address bar, spelled as the parser reads it; defaults are left out."""
    param = REGISTRY[key]
    if value is None or value == param.default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value if isinstance(value, list) else str(value)


def choice_control(key: str, label: str, **kwargs) -> str:
    """A segmented control over a 'choice' parameter's values (registry), kept in the URL. In presentation mode
    no control is drawn: the link's value (or the default) is used and the page states it in words."""
    if presenting():
        return url_value(key)
    _seed(key, url_value(key))
    value = st.segmented_control(label, list(REGISTRY[key].choices), key=key, required=True, **kwargs)
    _to_url(key, value)
    return value


def select_control(key: str, label: str, **kwargs) -> str:
    """A select box over a 'choice' parameter's values, kept in the URL; not drawn in presentation mode."""
    if presenting():
        return url_value(key)
    _seed(key, url_value(key))
    value = st.selectbox(label, list(REGISTRY[key].choices), key=key, **kwargs)
    _to_url(key, value)
    return value


def number_control(key: str, label: str, *, slider: bool = False, nudge: int | None = None, **kwargs) -> int:
    """A whole-number input (or slider) with the registry's bounds and step, kept in the URL; not drawn in
    presentation mode. `nudge` is the +/− increment of a number box when the parameter accepts any step."""
    param = REGISTRY[key]
    if presenting():
        return url_value(key)
    _seed(key, url_value(key))
    if slider:
        value = st.slider(label, param.low, param.high, step=param.step, key=key, **kwargs)
    else:
        value = st.number_input(label, min_value=param.low, max_value=param.high, step=nudge or param.step,
                                key=key, **kwargs)
    _to_url(key, value)
    return int(value)


def show_version(snapshot: int) -> None:
    """Move the dashboard to this data version (after a store, roll back or delete). Taken by the sidebar's box
    at its next drawing: a store that ends in a page's own run comes after the box is drawn, when Streamlit
    refuses to change its value."""
    st.session_state["v_next"] = snapshot


def render_sidebar() -> None:
    """The filters shared by every page, kept in the URL so a link reproduces the view.

    The data version (`v`) is always written, so a copied address pins the version it was made on."""
    snaps = snapshots()
    if not snaps:
        return
    if "v_next" in st.session_state:
        st.session_state["v"] = st.session_state.pop("v_next")
    ids = [s.snapshot for s in snaps]
    if st.session_state.get("v") not in ids:
        pinned = _url_values().get("v")
        st.session_state["v"] = int(pinned) if pinned else ids[0]
    with st.sidebar:
        st.subheader("Filters")
        labels = {s.snapshot: f"#{s.snapshot} · {s.created_at:%Y-%m-%d %H:%M}"
                  + (" · sample company" if is_sample(s.snapshot) else "")
                  + (" (latest)" if i == 0 else "") for i, s in enumerate(snaps)}
        st.selectbox("Data version", ids, format_func=labels.get, key="v",
                     help="Each upload creates a new version; links pin the version they were made on.")
        st.query_params["v"] = str(st.session_state["v"])
        snap = next(s for s in snaps if s.snapshot == st.session_state["v"])
        months = month_options(snap)
        if months:
            default = default_period(months)
            _seed("period", url_value("period") or default)
            if not all(m in months for m in st.session_state["period"]):  # a period from another data version
                st.session_state["period"] = default
            period = st.select_slider("Period", options=months, key="period", format_func=month_label,
                                      help="Months included. Trailing metrics (NRR, GRR) end at the last month.")
            shown = [month_label(m) for m in period]
            st.query_params["period"] = shown
        for key in ("segment", "region"):
            options = [ALL, *dimension_values(snap.snapshot, key)]
            _seed(key, url_value(key))
            if st.session_state[key] not in options:
                st.session_state[key] = ALL
            _to_url(key, st.selectbox(key.capitalize(), options, key=key))
        number_control("gm", "Gross margin (%)", help="Used by LTV and payback. A stated assumption, not measured.")


def default_period(months: list[str]) -> tuple[str, str]:
    """The default period ('YYYY-MM' months): the data's last DEFAULT_MONTHS months."""
    return tuple(pd.Timestamp(m).strftime("%Y-%m") for m in viewstate.default_period(
        tuple(month_label(m) for m in months)))


def months_span(first, last) -> str:
    """'Sep 2026 – Oct 2026', or 'Oct 2026' when both are the same month (not 'Oct 2026 – Oct 2026')."""
    return f"{first:%b %Y}" if (first.year, first.month) == (last.year, last.month) else f"{first:%b %Y} – {last:%b %Y}"


def month_label(month: str) -> str:
    """'2026-07' → 'Jul 2026', as the period slider shows and writes months in the URL."""
    return pd.Timestamp(month).strftime("%b %Y")


def _url_values() -> dict:
    """This run's validated URL parameters (checked once per run, in frame())."""
    return st.session_state.get("_url", viewstate.Parsed()).values


def check_url() -> None:
    """Validate every URL parameter against what the data allows; remember values and problems for the run."""
    snaps = snapshots()
    if not snaps:
        return
    chosen = st.session_state.get("v")
    snap = next((s for s in snaps if s.snapshot == chosen), None)
    if snap is None:
        given = st.query_params.get_all("v")  # 'v=1&v=3' shows the latest (viewstate.parse): check against it
        pinned = viewstate.whole_number(given[0]) if len(set(given)) == 1 else None
        snap = next((s for s in snaps if s.snapshot == pinned), snaps[0])
    allowed = viewstate.Allowed(
        versions=tuple(s.snapshot for s in snaps), months=tuple(month_label(m) for m in month_options(snap)),
        segments=tuple(dimension_values(snap.snapshot, "segment")),
        regions=tuple(dimension_values(snap.snapshot, "region")))
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    parsed = viewstate.parse(query, allowed)
    for key in query.keys() - parsed.values.keys():  # refused and unknown values leave the URL: the notice
        del st.query_params[key]                     # names them, the view shows what it says instead
    st.session_state["_url"] = parsed


def presenting() -> bool:
    return st.query_params.get("present") == "1" or "_board" in st.session_state  # a board link (gate.py)


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
    period = st.session_state.get("period") or url_value("period") or default_period(months)
    if period[0] not in months or period[1] not in months or period[0] > period[1]:  # from another version
        period = default_period(months)
    start, end = (pd.Timestamp(p).date() for p in period)
    segment = st.session_state.get("segment", ALL)
    region = st.session_state.get("region", ALL)
    return View(snap.snapshot, start, end, None if segment == ALL else segment, None if region == ALL else region)


def use_currency(snapshot: int) -> None:
    """Show this run's amounts with the data version's revenue currency (definitions.CURRENCY_SIGN)."""
    revenue_info = sources_of(snapshot).get("revenue") or {}
    CURRENCY_SIGN.set(currency_sign(revenue_info.get("currency")))


def gross_margin() -> float:
    return st.session_state.get("gm", url_value("gm")) / 100


def describe(view: View, escape: Callable[[str], str] = str) -> str:
    """The view in words: 'Q3 2026 · Enterprise · all regions · data version #3, as of 2026-09-30'.
    `escape` is applied to the names that come from the data (md_escape where the words are Markdown)."""
    period = viewstate.period_in_words(f"{view.start:%b %Y}", f"{view.end:%b %Y}", view.start.month,
                                       view.end.month, view.months)
    as_of = data_as_of(view.snapshot)
    return " · ".join([period, escape(view.segment) if view.segment else "all segments",
                       escape(view.region) if view.region else "all regions",
                       f"data version #{view.snapshot}" + (f", as of {as_of:%Y-%m-%d}" if as_of else "")])


def sources_of(snapshot: int) -> dict[str, dict | None]:
    """Each kind's upload record (file, source, dates …) in a data version; None where the kind is missing."""
    ws = workspace()
    versions = ws.snapshot(snapshot).versions
    found = ws.upload_infos(versions.values())
    return {kind: found.get(v) for kind, v in versions.items()}


def data_as_of(snapshot: int) -> dt.date | None:
    """The latest date in any of the snapshot's sources."""
    dates_ = [info["last_date"] for info in sources_of(snapshot).values() if info and info["last_date"]]
    return max(dates_) if dates_ else None


def company(snapshot: int) -> str:
    """The company's name for titles: CX_COMPANY for the company's own data, a plain label for the sample."""
    import os

    if is_sample(snapshot):
        return "Sample company (fictional)"
    return os.environ.get("CX_COMPANY") or "Your company"


def sample_kinds(snapshot: int) -> list[str]:
    """The kinds whose data in this version is the bundled sample company's."""
    return [kind for kind, info in sources_of(snapshot).items() if info and info["source"] == SAMPLE_SOURCE]


def is_sample(snapshot: int) -> bool:
    return bool(sample_kinds(snapshot))


# ---- page furniture ----------------------------------------------------------------------------
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"],
[data-testid="stHeader"] {display: none !important;}
[data-testid="stMetricValue"] {font-size: 3rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.15rem !important;}
.block-container {padding-top: 1.5rem !important; max-width: 1500px;}
h1 {font-size: 2.6rem !important;}
</style>"""


def frame(nav: list | None = None, warm_current: bool = True) -> None:
    """What every page shares: wide layout, opened workspace (sample data on a first start), URL checks,
    navigation links and filters in the sidebar. Streamlit's own page list is hidden (config.toml) so the
    sidebar is the same however the run started. Presentation mode (?present=1) hides the sidebar.
    `warm_current`: start the shown data version's background work (not on the Data page, which shows no model:
    an analyst there is about to store a new version, and its upload would run beside a training nobody needs)."""
    st.set_page_config(page_title="CX value dashboard", page_icon=":material/insights:", layout="wide",
                       initial_sidebar_state="collapsed" if presenting() else "auto")
    workspace()
    check_url()
    if warm_current and (snap := current_snapshot()) is not None:
        warm(snap.snapshot)  # comment analysis and churn model in the background, once per data version
    if presenting():
        st.html(PRESENTATION_CSS)  # constant markup, never user text
    with st.sidebar:
        st.markdown("### :material/insights: CX value dashboard")
        section = None
        for sec, script, title, icon, _url in NAV if nav is None else nav:  # nav: the user's pages (gate.py)
            if sec != section:
                st.caption(sec)
                section = sec
            st.page_link(script, label=title, icon=icon)
        st.divider()
    render_sidebar()


def ensure_router() -> None:
    """Make a page run inside app.py's frame, even when a session starts on a page URL. Call it first.

    Streamlit treats a `pages/` folder beside the entrypoint as legacy multipage mode until some session
    calls st.navigation: the first visitor of a fresh server who opens a shared link such as /cfo runs the
    page alone. On a session's first run (no widget events to lose) the flag is cleared and the run restarts
    through app.py, so widgets get the same identity as on every later run. AppTest resets the flag before
    every run; on its later runs a restart would drop the run's widget events (a click), so the frame is
    drawn in place instead.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        if "_user" not in st.session_state and "_board" not in st.session_state:
            st.rerun()  # a page that started on its own before gate.py ran for this session (start-up race)
        return
    PagesManager.uses_pages_directory = False
    if "_routed" not in st.session_state:
        st.session_state["_routed"] = True
        st.rerun()
    frame()


def page_header(title: str, question: str, view: View | None, scope: str | None = None) -> None:
    """Title, the view in words, notices; starts the page's board pack. In presentation mode the title
    names the company, the role, the period and filters. `scope` replaces the view's description on a page
    whose figures do not follow the filters (it must say what they cover)."""
    if view is not None:  # once a run, before the page formats any amount (empty states call current_view again)
        use_currency(view.snapshot)
    role, _, headline = title.partition(" · ")
    pack_title = f"{company(view.snapshot)} · {role}" if view else title
    subtitle = (scope or describe(view)) if view else ""
    st.session_state["_pack"] = report.Pack(pack_title, subtitle)
    # Segment and region names come from uploaded files: escaped where the words are Markdown.
    shown = (scope or describe(view, md_escape)) if view else ""
    if presenting() and view is not None:
        st.title(pack_title)
        st.subheader(f"{headline} — {shown}")
    else:
        st.title(title)
        st.caption(question + ("" if view is None else f"  \n{shown}"))
        st.page_link("pages/glossary.py", label="How every number here is defined", icon=":material/menu_book:")
    notices(view)


def notice(text: str, kind: str = "info", icon: str | None = None, where=None, page: bool = False) -> None:
    """An st.info / st.warning / st.error on the page that the board pack prints too, in the current section (or
    under the pack's title with `page`): a "—" or a missing chart keeps its reason in the PDF."""
    getattr(where or st, kind)(text, icon=icon)
    _pack_note(text, page)


def caption(text: str) -> None:
    """An st.caption that states a figure (the Service page's ARR touched by slow tickets, and at which instant):
    the board pack prints it too, in the current section (a plain st.caption is not in the PDF)."""
    st.caption(text)
    _pack_note(text)


def _pack_note(text: str, page: bool = False) -> None:
    words, notes = plain_note(text), pack().notes if page else pack().current.notes
    # said once in the PDF: three columns' "No NPS responses uploaded yet" repeat the notice under the title
    if not any(words in said for said in pack().notes + notes):
        notes.append(words)


def url_notice() -> None:
    """The link's values that cannot be used and what is shown instead (every page that draws the sidebar: its
    filters would otherwise drop them unsaid)."""
    problems = st.session_state.get("_url", viewstate.Parsed()).problems
    if problems:
        notice("This link had values that cannot be used: " + "; ".join(md_escape(p) for p in problems) + ".",
               "warning", ":material/link_off:", page=True)


def notices(view: View | None) -> None:
    """URL problems, the sample-data banner and the 'newer data exists' notice, on every page."""
    url_notice()
    ws = workspace()
    snap = ws.snapshot(view.snapshot) if view else ws.snapshot()
    if snap is None:
        return
    if is_sample(snap.snapshot) and not presenting():
        sample_banner(snap)
    if view is not None:
        gaps = coverage_gaps(view)
        if gaps:
            notice(" ".join(gaps), "warning", ":material/data_alert:", page=True)
            revenue_period_button(view, snap)
    latest = ws.snapshot()
    if latest and snap.snapshot != latest.snapshot:
        notice(f"This view is pinned to data version #{snap.snapshot}; newer data exists (#{latest.snapshot}).",
               "warning", ":material/push_pin:", page=True)
        if "_board" not in st.session_state:  # a board link shows its pinned version only (gate.py)
            st.button("Switch to the latest data", key="to_latest", on_click=st.session_state.update,
                      kwargs={"v": latest.snapshot})


def revenue_period_button(view: View, snap: Snapshot) -> None:
    """When the period ends after the revenue data (a survey export newer than the billing export: the everyday
    case), one click moves it to end at the revenue data's last month, same length, so the revenue figures show.
    The default period stays the latest months of any data: the newest answers are not hidden unasked."""
    last = snap.revenue_last
    if last is None or view.end <= last or last < snap.first_month or "_board" in st.session_state:
        return
    start = max(add_months(last, 1 - view.months), snap.first_month)
    st.button(f"Show {month_label(f'{start:%Y-%m}')} – {month_label(f'{last:%Y-%m}')}, the months with revenue",
              key="to_revenue_period", icon=":material/date_range:", on_click=st.session_state.update,
              kwargs={"period": (f"{start:%Y-%m}", f"{last:%Y-%m}")})


def sample_banner(snap: Snapshot) -> None:
    """Which kinds of this data version are the fictional sample, and where the company's own data is."""
    kinds = sample_kinds(snap.snapshot)
    names = [KIND_LABELS[k] for k in KINDS if k in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    own = next((s.snapshot for s in snapshots() if not is_sample(s.snapshot)), None)
    where = (f"Your own data is data version #{own} (choose it in the sidebar)." if own is not None
             else "Upload your own exports on the **Data** page.")
    notice(f"**Sample data** ({listed}). You are looking at a fictional company's data bundled with the app; "
           f"{'it is kept as a demo. ' if own is not None else ''}{where}", "info", ":material/info:", page=True)


def churn_gap_lacks(view: View) -> str | None:
    """Why the estimates from the detractor churn gap (revenue at risk, the what-if) cannot be made when the view
    lacks the customers or revenue they rest on ("needs a customer list for the period"), or its customers file
    records no churn (churn_unrecorded); None when they can.
    Without them the estimate's own reason ("have 0 and 0" detractors and promoters) misleads: name the data."""
    lacking = [need for kind, need in (("customers", "a customer list"), ("revenue", "revenue data"))
               if not has_data(view, kind)]
    # a customers file that records no churn gives every group 0% churn: a gap of 0, "no measurable difference",
    # where the data cannot tell
    return "needs " + " and ".join(lacking) + " for the period" if lacking else churn_unrecorded(view)


def paying_after_churn_warning(view: View) -> None:
    """Under the NRR / GRR tiles: the customers the customers file says churned before the view's last month who
    still pay in it, whose revenue GRR and NRR count as kept while logo churn counts them as gone (nothing shown
    when there are none, or without both files)."""
    if not (has_data(view, "customers") and has_data(view, "revenue")):
        return
    n, mrr = cached(health.paying_after_churn, view)
    if n:
        notice(f"**{plural(n, 'customer')}** the customers file says churned before {view.end:%b %Y} still "
               f"{'pays' if n == 1 else 'pay'} in {view.end:%b %Y} ({fmt_currency(mrr)} MRR in the revenue file): "
               "GRR and NRR count that revenue as kept while logo churn counts them as churned, so the two "
               "disagree. Check the revenue export's end dates; the CIO page lists these customers.",
               "warning", ":material/sync_problem:")


def paying_after_churn_caption(view: View) -> None:
    """Under the cohorts: they count who pays (metrics/facts/fact_cohort.sql, both logo and revenue retention),
    whatever the customers file says, so a customer the file says churned who still pays stays in its cohort
    (health.revenue_after_churn, the whole data version, as the CIO page lists them); nothing when there is none,
    or without both files."""
    if not (has_data(view, "customers") and has_data(view, "revenue")):
        return
    snap = workspace().snapshot(view.snapshot)
    if n := len(cached(health.revenue_after_churn, snap)):
        st.caption(f"Cohorts count who pays: {plural(n, 'customer')} the customers file says churned still "
                   f"{'pays' if n == 1 else 'pay'} in a later month of this data version and "
                   f"{'stays' if n == 1 else 'stay'} in {'its' if n == 1 else 'their'} cohort, while logo churn "
                   f"counts {'it' if n == 1 else 'them'} as gone. The CIO page lists them.")


def churn_unrecorded(view: View) -> str | None:
    """Why logo churn cannot be read from the view's customers file: it was stored without a churn date, churned flag
    or status column, so no customer is ever seen to leave and a rate would read 0.0% (a plausible wrong number);
    None when the file records churn (or the upload names no mapping)."""
    info = sources_of(view.snapshot).get("customers") or {}
    fields = ingest_model.mapped_fields(info.get("mapping"))
    if not fields or fields & {"churn_date", "churned", "status"}:
        return None
    return ("the customers file has no churn date, churned flag or status column, so no customer "
            "is seen to leave")


def has_data(view: View, kind: str) -> bool:
    """Whether the view's data version holds data of this kind (nps, customers, revenue, csat) for the view's
    period: revenue must cover the period's last month (ARR, NRR and movements are read there), responses and
    answers must have a date within the period; a customer list counts whenever it is there."""
    return absence(view, kind) is None


def absence(view: View, kind: str) -> str | None:
    """Why the view has no data of this kind (a sentence), or None when it has."""
    snap = workspace().snapshot(view.snapshot)
    info = sources_of(view.snapshot).get(kind)
    if info is None:
        return f"No {NOUNS[kind]} uploaded yet — upload on the Data page."
    if kind == "revenue" and snap.revenue_last is not None:
        first, last = snap.revenue_first, snap.revenue_last
    else:
        first, last = info["first_date"], info["last_date"]
    if first is None or last is None or kind == "customers":  # a customer list holds customers until they churn,
        return None                                           # whatever its dates: it covers every period
    inside = (first < add_months(view.end, 1) and last >= view.start) if kind != "revenue" else \
        (first <= view.end <= last)
    if inside:
        return None
    span = f"{first:%b %Y} – {last:%b %Y}"
    if snap.first_month is not None and last < snap.first_month:  # no period can reach it: say so, not "choose"
        return before_history(NOUNS[kind], span, snap)
    if kind == "revenue":
        return (f"No revenue figures for a period ending {view.end:%b %Y}: the revenue data covers {span}. "
                "Choose a period that ends within it.")
    return f"No {NOUNS[kind]} in this period: they cover {span}."


def before_history(noun: str, span: str, snap: Snapshot) -> str:
    """Why data of a data version lies outside every period it offers: the facts reach MAX_HISTORY_MONTHS back
    from the version's latest month of any kind, so older data (a 2014–2017 export beside this year's survey) is
    stored but cannot be shown with the rest."""
    return (f"The {noun} data covers {span}, before the {MAX_HISTORY_MONTHS} months this data version shows "
            f"({snap.first_month:%b %Y} – {snap.last_month:%b %Y}, counted back from its latest month of any data). "
            "No period can show it beside the newer data: to see it, roll the newer files back on the Data page "
            "(History), or choose a data version without them in the sidebar.")


NOUNS = {"nps": "NPS responses", "customers": "customer list", "revenue": "revenue", "csat": "CSAT answers",
         "tickets": "support tickets"}
OPTIONAL_KINDS = ("csat", "tickets")  # kinds a page only mentions where it would show them (their own empty state)


def coverage_gaps(view: View) -> list[str]:
    """Sentences for each kind of data that is missing from the version or has nothing in the period."""
    out = []
    for kind, info in sources_of(view.snapshot).items():
        if info is None:
            if kind not in OPTIONAL_KINDS:
                out.append(f"No {NOUNS[kind]} uploaded yet — upload on the Data page. This data version has no "
                           f"{NOUNS[kind]} data: the figures that need it are blank.")
        elif (reason := absence(view, kind)) is not None:
            out.append(reason + " The figures that need it are blank.")
    return out


def md_escape(text: str) -> str:
    """User text (file names, cell values in error messages) shown inside markdown, rendered literally:
    no links, images, autolinks, shortcodes, LaTeX or HTML (see safetext)."""
    return safetext.md_escape(text)


def empty_state(kind: str | None = None, where=None, also: str = "") -> None:
    """No data version at all: say so and stop the page. With `kind`: the empty state that stands in for the
    figures needing that kind, in `where` (a column): "No revenue uploaded yet — upload on the Data page", or
    why the kind has nothing in the chosen period; `also` is said after it."""
    if kind is None:
        st.warning("No data yet. Upload NPS responses, customers and revenue on the Data page.")
        st.stop()
    view = current_view()
    reason = (absence(view, kind) if view else None) or f"No {NOUNS[kind]} uploaded yet — upload on the Data page."
    if reason.startswith(f"The {NOUNS[kind]} data covers"):  # before_history's paragraph is at the page's top already
        reason = f"No {NOUNS[kind]} in the months this data version shows (see the note at the top of the page)."
    icon = ":material/upload_file:" if "uploaded yet" in reason else ":material/event_busy:"
    notice(reason + (f" {also}" if also else ""), "info", icon, where=where)


def csat_kpi(column, view: View) -> None:
    """The CSAT tile: CSAT % with n and its Wilson 95% interval (and the mean on its own scale); "—" with the
    reason when fewer than MIN_RESPONSES answers; the empty state when the data version has no CSAT answers."""
    if not has_data(view, "csat"):
        if not presenting():  # a projected page leaves out what is not there
            # the tickets' own satisfaction answers are another measure: say so, so no one reads this tile as
            # "no satisfaction data" beside a ticket CSAT
            empty_state("csat", column, also=(
                "Ticket CSAT, the support tickets' own ratings, is a separate measure: see Service."
                if has_data(view, "tickets") else ""))
        return
    now = cached(csat.summary, view)
    m = METRICS["csat"]
    if now.too_small:
        tile(column, m.label, "—", help=m.definition)
        tile_note(column, f"n = {now.n:,}: too few answers in the period for a CSAT (needs {MIN_RESPONSES}).")
        return
    i = now.interval
    tile(column, m.label, f"{i.estimate:.1f}%", help=m.definition)
    mean = "" if now.mean is None else f" · mean {now.mean:.1f} on {csat.SCALE_LABELS[now.scale]}"
    tile_note(column, f"n = {now.n:,} · 95%: {i.low:.1f}%–{i.high:.1f}%{mean}")


NO_TEST = object()  # kpi(): the metric has no significance test for its change (ARR, MRR, ratios …)
NOT_SIGNIFICANT_HELP = ("  \n\nA grey change is not statistically significant (95%, |z| < " + str(Z_95)
                        + "{test}): it may be noise.")


def change_style(delta, kind: str, *, inverse: bool = False, z=NO_TEST) -> tuple[str | None, str, str]:
    """How a tile shows a change: (text, delta_color, delta_arrow) for st.metric.

    No change to show (no previous period): no text. A change that rounds to zero in the shown unit: its
    text ("0.0 pp") in grey, no arrow. A change with a test (`z`) that is not significant, or that could not be
    tested: its text in grey and no arrow either (an arrow reads as "it went up" when the data cannot say so).
    Otherwise green for good, red for bad (`inverse`: a rise is bad)."""
    if missing(delta):
        return None, "off", "off"
    text = fmt_delta(delta, kind)
    if not any(ch in "123456789" for ch in text):
        return text, "off", "off"
    if z is not NO_TEST and not significant(z):
        return text, "off", "off"
    return text, "inverse" if inverse else "normal", "auto"


def kpi(column, metric: str, value, previous=None, *, fmt_name: str | None = None, suffix: str = "",
        inverse: bool = False, label: str | None = None, z=NO_TEST, test: str = "", neutral: bool = False) -> None:
    """A KPI tile: formatted value, its change from `previous` (the previous period's value; None when there
    is no previous period), the metric's definition on hover. `inverse` marks metrics where a rise is bad
    (churn); `neutral` one where a rise is neither good nor bad (survey volume): its change is grey. `z` is the
    change's test statistic (`test` names the test) when the metric has one: a change that is not significant
    is grey and the help says so."""
    m = METRICS[metric]
    kind = fmt_name or m.fmt
    delta = None if missing(value) or missing(previous) else value - previous
    shown = fmt(value, kind) + ("" if missing(value) else suffix)
    change, color, arrow = change_style(delta, kind, inverse=inverse, z=z)
    # a neutral change is untested: grey and without an arrow, which would signal a change the data does not show
    color, arrow = ("off", "off") if neutral else (color, arrow)
    help_ = m.definition + (NOT_SIGNIFICANT_HELP.format(test=f", {test}" if test else "")
                            if z is not NO_TEST and change else "")
    column.metric(label or m.label, shown, change, delta_color=color, delta_arrow=arrow, help=help_, border=True)
    _packed(column, report.Tile(label or m.label, shown, change))


def nps_kpi(column, now, previous, label: str | None = None) -> None:
    """An NPS tile: NPS ± margin, its change (grey unless significant by the z-test), and beneath it n. Below
    MIN_RESPONSES responses the tile shows "—" and the reason; a previous period below it is not compared."""
    reason = too_few(now.n, MIN_RESPONSES, "responses")
    if reason:
        kpi(column, "nps", None, label=label)
        tile_note(column, reason)
        return
    comparable = previous is not None and previous.n >= MIN_RESPONSES
    z = now.z_against(previous) if comparable else None
    margin = now.interval.margin
    kpi(column, "nps", now.value, previous.value if comparable else None, label=label,
        suffix="" if margin is None else f" ±{margin:.0f}", z=z if comparable else NO_TEST, test="z-test")
    note = (not_compared() if previous is None else "" if previous.n == 0 else
            f" · previous period n = {previous.n:,}, too few to compare" if not comparable else
            significance_note(z))
    tile_note(column, f"n = {plural(now.n, 'response')}{note}")


def retention_note(ret, view: View, grr: bool = False) -> str:
    """The NRR tile's note, worded once for the CEO and CFO pages: the months it compares and its base, or why
    it is blank (the revenue does not reach back to the base month). `grr`: GRR too (no GRR tile beside it)."""
    if ret is None:
        base = add_months(view.end, -RETENTION_MONTHS)
        return (f"not measurable: needs revenue from {base:%b %Y}, {RETENTION_MONTHS} months before "
                f"{view.end:%b %Y}")
    return (f"{add_months(ret.month, -RETENTION_MONTHS):%b %Y} → {ret.month:%b %Y} · "
            + (f"GRR {fmt(ret.grr, 'pct')} · " if grr else "")
            + f"base {plural(ret.base_customers, 'customer')}")


def significance_note(z) -> str:
    """" · change is not significant (z = +0.8)" beside a tested change (grey tiles say why they are grey);
    "" when the change has no test or could not be tested."""
    if z is NO_TEST or missing(z):
        return ""
    return f" · change {'is' if significant(z) else 'is not'} significant (z = {z:+.1f})"


def not_compared() -> str:
    """Why a figure has no change beside it when the period before is not covered by the data (previous_view is
    None): " · no comparison: the data starts Feb 2017, after the start of the period before (Sep 2016)"."""
    view = current_view()
    if view is None or previous_view(view) is not None:
        return ""  # the period before is covered: previous is None for another reason (no answer then)
    snap = workspace().snapshot(view.snapshot)
    return (f" · no comparison: the data starts {snap.first_month:%b %Y}, after the start of the period before "
            f"({view.previous().start:%b %Y})")


def rate_z(now: tuple[int, int], before: tuple[int, int] | None):
    """z of a rate's change (k, n) vs (k, n) by the two-proportion test, or NO_TEST with no previous period."""
    from metrics.stats import two_proportion_z

    return NO_TEST if before is None or not before[1] else two_proportion_z(*now, *before)


def estimate_tile(column, metric: str, value, reason: str = "", *, label: str | None = None,
                  inverse: bool = False) -> None:
    """A tile for an estimate that may not be measurable: the value, or "—" with the reason beneath, or
    "No measurable difference" when its interval includes 0 (the reason says so)."""
    from metrics.value import NO_DIFFERENCE

    if reason == NO_DIFFERENCE:  # no number: "—" and, in the grey change line, why
        name = label or METRICS[metric].label
        column.metric(name, "—", "no measurable difference", delta_color="off", delta_arrow="off",
                      help=METRICS[metric].definition, border=True)
        _packed(column, report.Tile(name, "—", "no measurable difference"))
        # Said in full: a narrow column cuts the grey change line short ("no measurable di…").
        tile_note(column, "No measurable difference: the 95% interval of the churn gap it rests on includes 0.")
        return
    kpi(column, metric, None if reason else value, label=label, inverse=inverse)
    if reason:
        tile_note(column, f"not measurable: {reason}")


def tile(column, label: str, text: str, help: str | None = None) -> None:
    """A tile whose value is already text (e.g. '37.1 months'); recorded in the board pack too."""
    column.metric(label, text, help=help, border=True)
    _packed(column, report.Tile(label, text))


def _packed(column, t: report.Tile) -> None:
    section = pack().current
    section.tiles.append(t)
    section.by_column[id(column)] = t


def tile_note(column, text: str) -> None:
    """The line under a tile (its n, interval, base or why it is "—"), on the page and beside the tile in the board
    pack: without it a figure reads as another period's or base's ("ARR at risk $108.8K" is the next 3 months)."""
    column.caption(text)
    t = pack().current.by_column.get(id(column))
    if t is not None:
        t.note = " · ".join(x for x in (t.note, plain_note(text)) if x)


# Each kind in the id-spelling warning: where ("2 in revenue"), its row ("3 customer-months"), what of the customer's
# it holds ("revenue") and where that is counted when not linked.
_ID_ROWS = {"revenue": ("revenue", "customer-month", "revenue", "their revenue under segment 'Unknown'"),
            "nps": ("NPS responses", "answer", "answers", "their answers under no known customer"),
            "csat": ("CSAT answers", "answer", "answers", "their answers under no known customer"),
            "tickets": ("tickets", "ticket", "tickets", "their tickets under no known customer")}


def id_spellings_warning(found: dict) -> None:
    """health.id_spellings' finding in plain words: which ids, what it does to the figures, what to do. Ids are the
    files' own text: escaped, never read as Markdown or HTML."""
    ids = found["ids"]
    kinds = [kind for kind in _ID_ROWS if kind in ids]
    per_kind = ", ".join(f"{ids[k]:,} in {_ID_ROWS[k][0]} ({plural(found['rows'][k], _ID_ROWS[k][1])})" for k in kinds)
    held = " and ".join(dict.fromkeys(_ID_ROWS[k][2] for k in kinds))
    counted = "; ".join(dict.fromkeys(_ID_ROWS[k][3] for k in kinds))
    examples = "; ".join(md_escape(e) for e in found["examples"])
    st.warning(f"**{plural(sum(ids.values()), 'customer id')}** in other files match a customers-file id only when "
               f"capitals, spaces and punctuation are ignored: {per_kind}. For example {examples}. Ids are matched "
               f"exactly as written, so these customers' {held} are not linked to their segment and churn "
               f"(counted: {counted}). Nothing was merged. To fix it, write the ids the same way in both exports "
               "and upload them again.", icon=":material/link_off:")


def plain_note(text: str) -> str:
    """A caption's Markdown as plain words for the PDF (bold marks and escapes dropped)."""
    return re.sub(r"\\(.)", r"\1", text.replace("**", "").replace(safetext.WORD_JOINER, ""))


def dates(series: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    """Dates or timestamps as text for tables ("—" when missing)."""
    return pd.to_datetime(series).dt.strftime(fmt).fillna("—")


def upload_history() -> None:
    """Every upload (newest first) with its status (in use, earlier, deleted), as the Data and CIO pages
    show it."""
    from metrics.store import KIND_LABELS

    h = workspace().history()
    st.dataframe(pd.DataFrame({
        "Version": h.version, "Kind": h.kind.map(KIND_LABELS), "File": h.file_name, "Status": h.status,
        "Source": h.source, "Rows": h.row_count.map("{:,}".format), "Notes": upload_notes(h.notes),
        "First date": dates(h.first_date),
        "Last date": dates(h.last_date), "Uploaded (UTC)": dates(h.uploaded_at, "%Y-%m-%d %H:%M"),
        "By": h.uploaded_by.fillna("—"), "SHA-256": h.sha256.str[:12],
    }), hide_index=True, width="stretch")
    st.caption("Notes: what each upload left out or read in a stated way (rejected rows skipped, the check's "
               "warnings), as said when it was stored.")


def upload_notes(notes: pd.Series) -> pd.Series:
    """uploads.notes for a table cell: its lines joined by " · ", "—" when the upload said nothing (or was stored
    before notes were kept: NULL)."""
    return notes.map(lambda n: " · ".join(n.splitlines()) if isinstance(n, str) and n else "—")


def chart(c: alt.Chart) -> None:
    sign = CURRENCY_SIGN.get()
    if sign != "$":  # the charts' currency formats ("$,.3~s") take the sign from the locale
        c = c.configure(locale={"number": {"decimal": ".", "thousands": ",", "grouping": [3],
                                           "currency": [sign, ""]}})
    st.altair_chart(c, width="stretch")
    pack().current.charts.append(c)


def today() -> dt.date:
    """The pages' today (the Oldest source's age, the latest as-of date, dates "in the future"): CX_TODAY
    (YYYY-MM-DD) when set, as the tests set it so no figure depends on the day they run; else the machine's date."""
    pinned = os.environ.get("CX_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def nps_by_month(view: View) -> None:
    """NPS by month with its 95% band, for the months with at least MIN_RESPONSES responses, as sentiment and ticket
    CSAT are drawn: a month of 8 answers read "+37.5" on the line. The months left out are said with their n."""
    frame = cached(nps.by_month, view)
    shown, few = frame[frame.n >= MIN_RESPONSES], frame[(frame.n > 0) & (frame.n < MIN_RESPONSES)]
    if shown.empty:
        st.caption(f"No month of the period has {MIN_RESPONSES} responses, so NPS is not drawn by month; the NPS "
                   "above pools the whole period.")
        return
    chart(charts.trend(shown, "nps", "NPS by month (band: 95% interval)", "NPS", "nps", band=("low", "high")))
    if len(few):
        st.caption(f"Months with fewer than {MIN_RESPONSES} responses are left out of the line: "
                   + ", ".join(f"{m:%b %Y} ({int(n):,})" for m, n in zip(few.month, few.n, strict=True)) + ".")


def section(heading: str) -> None:
    """A page section: its heading, and a new section of the board pack."""
    st.subheader(heading)
    pack().section(heading)


def table(frame: pd.DataFrame, caption: str, download: bool = True, **kwargs) -> None:
    """A table on the page and in the board pack, with its formula-safe CSV download (`download=False` where the
    page offers a fuller one of its own). The dataframe's own CSV download and copy are off
    (client.disableDataExport in .streamlit/config.toml): they wrote customer text such as '=HYPERLINK(…)' into a
    spreadsheet as a formula."""
    st.dataframe(frame, hide_index=True, width="stretch", **kwargs)
    shown = frame.rename(columns=column_labels(kwargs.get("column_config")))
    tables = sum(len(s.tables) for s in pack().sections)  # a key unique in the run: captions repeat across sections
    if download and not presenting():
        st.download_button("Download CSV", data=lambda: ingest.safe_csv(shown), file_name=f"{_file_stem(caption)}.csv",
                           mime="text/csv", icon=":material/download:", type="tertiary", on_click="ignore",
                           key=f"csv-{tables}", help="This table's rows. Cells that a spreadsheet would read as a "
                                                     "formula start with an apostrophe.")
    pack().current.tables.append((caption, shown))


def _file_stem(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "table"


def column_labels(config: dict | None) -> dict[str, str]:
    """The headers a table shows from its column_config ("date" shown as "Date"): the board pack printed the raw
    column names."""
    labels = {}
    for name, c in (config or {}).items():
        label = c if isinstance(c, str) else (c or {}).get("label")
        if label:
            labels[name] = label
    return labels


def pack() -> report.Pack:
    return st.session_state.setdefault("_pack", report.Pack("CX value dashboard", ""))


def share_state(view: View) -> dict:
    """Everything that defines the view, explicitly (defaults included), for a link that stays the same."""
    state = {k: st.session_state.get(k, url_value(k)) for k in viewstate.ORDER if k not in ("period", "present")}
    state["v"] = view.snapshot
    state["period"] = [f"{view.start:%b %Y}", f"{view.end:%b %Y}"]
    state["segment"] = view.segment or ALL
    state["region"] = view.region or ALL
    state["gm"] = round(gross_margin() * 100)
    return state


NO_CHARTS = "This page draws no chart for this view, so there is no chart to download."


def page_footer(view: View | None, script: str) -> None:
    """Share this view, presentation mode and the board pack downloads (not shown while presenting).
    `script` is the page's own path, e.g. "pages/cfo.py"."""
    if view is None or presenting():
        return
    st.divider()
    state = share_state(view)
    query = viewstate.encode(state)
    base = st.context.url or ""
    left, mid, right = st.columns([3, 1, 1])
    with left:
        st.markdown("**Share this view** — the link reopens these exact numbers, even after new uploads:")
        st.code(f"{base}?{query}", language=None)
        st.page_link(script, label="Open in presentation mode", icon=":material/slideshow:",
                     query_params=viewstate.params({**state, "present": "1"}))
    current = pack()
    name = _file_stem(current.title)
    with mid:
        st.download_button("Board pack (PDF)", data=lambda: report.board_pack(current), file_name=f"{name}.pdf",
                           mime="application/pdf", icon=":material/picture_as_pdf:", key="pdf", on_click="ignore")
    with right:
        # a page that draws no chart for this view (no NPS data on the CMO page) gave an empty zip file
        none = not current.charts()
        st.download_button("Charts (PNG, zip)", data=lambda: report.charts_zip(current), file_name=f"{name}-charts.zip",
                           mime="application/zip", icon=":material/image:", key="png", on_click="ignore",
                           disabled=none, help=NO_CHARTS if none else None)
    import gate  # here, not at the top: gate imports ui

    gate.board_link_control(view, script, state)


def previous_month(view: View) -> dt.date:
    return add_months(view.start, -1)


def with_interval(values, lows, highs, kind: str) -> list[str]:
    """'9.3% (7.9%–11.0%)': a figure and its 95% interval, or the figure alone when there is none."""
    return [fmt(v, kind) + ("" if lo is None or lo != lo else f" ({fmt(lo, kind)}–{fmt(hi, kind)})")
            for v, lo, hi in zip(values, lows, highs, strict=True)]


def later_period(earliest_end: dt.date, last: dt.date | None, what: str = "data") -> str:
    """The hint after "not measurable for this period": the first month a period may end in for the figure,
    or, when that lies after the data's last month, that no period can show it (never "choose a later period"
    when there is none)."""
    if last is not None and earliest_end <= last:
        return f"Choose a period that ends in {earliest_end:%b %Y} or later."
    return (f"No period can show it yet: it needs a period ending in {earliest_end:%b %Y} or later, and the {what} "
            f"ends in {last:%b %Y}." if last is not None else "No period can show it.")


def previous_view(view: View) -> View | None:
    """The window of the same length just before the view, or None when the data does not cover all of it
    (a first period has nothing before it to compare with)."""
    prev = view.previous()
    snap = workspace().snapshot(view.snapshot)
    return prev if snap and snap.first_month and prev.start >= snap.first_month else None


def risk_row(view: View, revenue_at_risk) -> None:
    """The executives' compact row: ARR at risk (churn model, next three months) beside revenue at risk (NPS gap,
    12 months), and the top three themes by ARR at stake. `revenue_at_risk`: value.value_summary's estimate.
    Never trains: while the data version's model is being trained in the background the tile says so."""
    from metrics import risk, voice
    from metrics.definitions import fmt_currency

    section("Who may leave, and what customers say")
    # the page's grid of four: five tiles in a row cut their labels ("Revenue at risk (N…"); the themes get a row
    cols = st.columns(4)
    label = METRICS["arr_at_risk_model"].label
    try:
        model = risk_model(view.snapshot)
        failed = None
    except RuntimeError as exc:
        model, failed = None, str(exc)
    figure = risk.arr_at_risk_for(model, view.segment, view.region) if model is not None else None
    if figure is None:
        tile(cols[0], label, "—", help=METRICS["arr_at_risk_model"].definition)
        if failed or model is not None:
            tile_note(cols[0], "not measurable: " + md_escape(failed or (model.reason if not model.measurable
                                                                      else "no scored account")))
        else:
            with cols[0]:
                awaiting(view.snapshot, "done", "The churn model is being trained (once per data version); the "
                                                "figure appears here when ready.")
    else:
        tile(cols[0], label, fmt_currency(figure["arr_at_risk"]), help=METRICS["arr_at_risk_model"].definition)
        tile_note(cols[0], f"next 3 months from {model.as_of:%b %Y} · 95%: {fmt_currency(figure['low'])}–"
                        f"{fmt_currency(figure['high'])} of {fmt_currency(figure['arr'])} ARR"
                        + ("" if model.beats_baselines else " · the model does not beat both baselines (CIO page)"))
    lacking = churn_gap_lacks(view)
    estimate_tile(cols[1], "revenue_at_risk", None if lacking else revenue_at_risk.value,
                  lacking or revenue_at_risk.reason, label="Revenue at risk (NPS gap)", inverse=True)
    tile_note(cols[1], "12 months, from the detractor churn gap: another method, not to be added to the model's "
                       "figure")
    versions = workspace().snapshot(view.snapshot).versions
    themes = st.columns(4)
    if versions.get("nps") is None:
        themes[0].caption("No NPS responses: no comments to read.")
        return
    with themes[0]:
        if not comments_ready(view.snapshot, "Reading the comments (once per data version); the top themes appear "
                                             "here when ready."):
            return
    import theme_editor  # here, not at the top: theme_editor imports ui

    top = cached(voice.themes, view, versions, theme_editor.current_version()).head(3)
    if top.empty:
        themes[0].caption("No comment in this period raises a known theme.")
    unknown = top.attrs.get("stake_unknown")  # then the themes are the most mentioned, with no ARR
    for column, row in zip(themes, top.itertuples(), strict=False):
        tile(column, f"Theme: {md_escape(row.theme)}", fmt_currency(row.arr_at_stake),
             help=METRICS["arr_at_stake"].definition)
        mentions = plural(row.mentions, "mention")
        tile_note(column, f"ARR at stake not measurable · {mentions}" if unknown else
                       f"ARR at stake · {mentions} · "
                       f"{fmt_currency(row.arr_at_stake_negative)} in negative comments")
    if unknown:
        tile_note(themes[0], f"Top themes by mentions: ARR at stake is not measurable, as {unknown}.")
    elif len(top) > 1:  # "Onboarding was slow" is onboarding and performance: the same ARR under two tiles
        themes[3].caption("A comment can raise several themes, and a customer several comments: the themes' ARR at "
                          "stake overlaps and is not to be added up.")
