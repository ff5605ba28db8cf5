"""Shared links: URL state round trips, hostile values, presentation mode, pinned versions, the board pack."""

import io
import zipfile

import altair as alt
import pandas as pd
import pytest
from conftest import REFERENCE, run_app, store_button
from hypothesis import given
from hypothesis import strategies as hs
from pypdf import PdfReader

import report
import viewstate

MONTHS = ("Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026")
ALLOWED = viewstate.Allowed(versions=(1, 2), months=MONTHS, segments=("SMB", "Enterprise"), regions=("EMEA",))


pytestmark = pytest.mark.usefixtures("app_workspace")


# ---- encoding and decoding ---------------------------------------------------------------------
def test_every_field_round_trips():
    state = {"v": 2, "period": ["Dec 2025", "Feb 2026"], "segment": "SMB", "region": "EMEA", "gm": 75,
             "by": "Channel", "cohort": "Revenue", "wi_share": 35, "wi_to": "Promoter", "wi_invest": 120000,
             "present": "1"}
    query = viewstate.encode(state)
    assert query.startswith("v=2&period=Dec+2025&period=Feb+2026&segment=SMB")
    from urllib.parse import parse_qs

    parsed = viewstate.parse(parse_qs(query), ALLOWED)
    assert parsed.problems == []
    assert parsed.values == {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in state.items()}


@pytest.mark.parametrize("query, words", [
    ({"v": ["9"]}, "data version '9' is not available"),
    ({"v": ["1; DROP TABLE uploads"]}, "is not available"),
    ({"v": ["²"]}, "data version '²' is not available"),             # str.isdigit("²") is True; int("²") fails
    ({"period": ["Feb 2026", "Nov 2025"]}, "period 'Feb 2026 to Nov 2025' runs backwards; showing Nov 2025 – Feb 2026"),
    ({"period": ["Nov 2025"]}, "is not a range of months in the data; showing Nov 2025 – Feb 2026"),
    ({"segment": ["' OR 1=1 --"]}, "segment '' OR 1=1 --' is not in the data; showing all segments"),
    ({"gm": ["0"]}, "gm '0' must be a whole number from 1 to 100; using the default 80"),
    ({"gm": ["1e9"]}, "from 1 to 100"),
    ({"gm": ["1e309"]}, "gm '1e309' must be a whole number"),
    ({"gm": ["²"]}, "gm '²' must be a whole number"),
    ({"gm": ["٣"]}, "must be a whole number"),                          # an Arabic-Indic digit
    ({"gm": [" 50"]}, "must be a whole number"),
    ({"gm": ["50", "60"]}, "gm was given 2 different values (50, 60); using the default 80"),
    ({"segment": ["SMB", "Enterprise"]}, "segment was given 2 different values (SMB, Enterprise); showing all "
                                         "segments"),
    ({"v": ["1", "2"]}, "v was given 2 different values (1, 2); showing the latest"),
    ({"wi_share": ["7"]}, "wi_share '7' must be a whole number from 0 to 100 in steps of 5; using the default 20"),
    ({"wi_invest": ["10000000001"]}, "from 0 to 10,000,000,000; using the default 250,000"),
    ({"wi_invest": ["-1"]}, "must be a whole number"),
    ({"wi_to": ["Everyone"]}, "'Everyone' is not a valid value for wi_to (one of Passive, Promoter); using the "
                              "default, Passive"),
    ({"cohort": ["revenue"]}, "not a valid value for cohort (one of Customers, Revenue)"),  # one spelling
    ({"by": ["channel"]}, "not a valid value for by (one of Segment, Region, Channel)"),
    ({"../../etc/passwd": ["x"]}, "unknown link parameter '../../etc/passwd'"),
    ({"segment": ["x" * 500]}, "…"),
])
def test_hostile_values_are_named_and_dropped(query, words):
    parsed = viewstate.parse(query, ALLOWED)
    assert parsed.values == {}
    assert len(parsed.problems) == 1 and words in parsed.problems[0]
    assert len(parsed.problems[0]) < 200  # a long value is clipped, not echoed whole


def test_whole_number_is_ascii_only():
    assert viewstate.whole_number("250000") == 250000 and viewstate.whole_number("0") == 0
    for text in ("²", "1e309", "1.0", "-1", "+1", " 1", "1_000", "٣", "", "inf", "nan"):
        assert viewstate.whole_number(text) is None, text


def test_registry_declares_every_parameter_once():
    reg = viewstate.REGISTRY
    assert viewstate.ORDER == list(reg)
    assert (reg["wi_invest"].low, reg["wi_invest"].high, reg["wi_invest"].default) == (0, 10**10, 250_000)
    assert (reg["wi_share"].low, reg["wi_share"].high, reg["wi_share"].step) == (0, 100, 5)
    for p in reg.values():  # every default is itself a valid value
        if p.kind == "int":
            assert viewstate.check_int(p, str(p.default)) == (p.default, None)
        if p.kind == "choice" and p.default is not None:
            assert p.default in p.choices


@given(hs.dictionaries(hs.text(max_size=12), hs.lists(hs.text(max_size=30), min_size=1, max_size=3), max_size=5))
def test_parse_never_raises_and_keeps_only_allowed(query):
    parsed = viewstate.parse(query, ALLOWED)
    assert set(parsed.values) <= set(viewstate.ORDER)
    assert len(parsed.values) + len(parsed.problems) == len(query)


@pytest.mark.parametrize("start, end, sm, em, months, words", [
    ("Jul 2026", "Sep 2026", 7, 9, 3, "Q3 2026"), ("Jan 2026", "Dec 2026", 1, 12, 12, "2026"),
    ("Nov 2025", "Oct 2026", 11, 10, 12, "Nov 2025 – Oct 2026"), ("Aug 2026", "Oct 2026", 8, 10, 3,
                                                                  "Aug 2026 – Oct 2026"),
    ("Mar 2026", "Mar 2026", 3, 3, 1, "Mar 2026")])
def test_period_in_words(start, end, sm, em, months, words):
    assert viewstate.period_in_words(start, end, sm, em, months) == words


# ---- board pack --------------------------------------------------------------------------------
def test_board_pack_pdf_has_a_page_per_section_with_filters_and_charts():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(
        x=alt.X("x:Q", title="Month"), y=alt.Y("y:Q", title="ARR")).properties(title="ARR by month")
    pack = report.Pack("Acme · CFO", "Q3 2026 · Enterprise · all regions · data version #3, as of 2026-09-30")
    pack.current.tiles.append(report.Tile("ARR", "$1.2M", "+$0.1M"))
    pack.current.charts.append(chart)
    pack.section("Cohorts").tables.append(("Cohort table", pd.DataFrame({"cohort": ["2026-01"], "size": [3]})))
    pdf = PdfReader(io.BytesIO(report.board_pack(pack)))
    assert len(pdf.pages) == 2
    first, second = (p.extract_text() for p in pdf.pages)
    assert "Acme · CFO" in first and "Q3 2026 · Enterprise" in first and "data version #3" in first
    assert "$1.2M" in first and "+$0.1M" in first
    assert "Cohorts" in second and "2026-01" in second
    images = list(pdf.pages[0].images)
    assert len(images) == 1 and images[0].image.width >= 1000  # the chart, drawn at 2× for print


def test_charts_zip_has_one_png_per_chart():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").properties(title="NPS by month")
    pack = report.Pack("t", "s")
    pack.current.charts += [chart, chart.properties(title="Churn / category")]
    names = zipfile.ZipFile(io.BytesIO(report.charts_zip(pack))).namelist()
    assert names == ["01-nps-by-month.png", "02-churn-category.png"]
    assert zipfile.ZipFile(io.BytesIO(report.charts_zip(pack))).read(names[0])[:8] == b"\x89PNG\r\n\x1a\n"


def test_plain_text_for_the_pdf_font():
    # the font draws the minus sign, the dashes, ≥ and …: they print as the page shows them; it has no →
    assert report.plain("−$1.5K – ≥ 30 → …") == "−$1.5K – ≥ 30 -> …"


# ---- the app -----------------------------------------------------------------------------------
def test_hostile_link_shows_a_notice_and_defaults():
    at = run_app("pages/cmo.py", segment="Nope", v="99", gm="500", **{"<b>evil</b>": "1"})
    notice = at.warning[0].value
    assert "segment 'Nope' is not in the data" in notice and "data version '99' is not available" in notice
    assert "unknown link parameter '\\<b\\>evil\\</b\\>' was ignored" in notice  # escaped, never markup
    assert "all segments" in at.caption[0].value
    assert at.query_params["v"] in ("1", ["1"]) and "<b>evil</b>" not in at.query_params


def test_presentation_mode_titles_the_view_and_hides_controls():
    at = run_app("pages/cfo.py", present="1", segment="Enterprise", period=["Jul 2026", "Sep 2026"])
    assert at.title[0].value == "Sample company (fictional) · CFO"
    assert "Q3 2026 · Enterprise · all regions · data version #1, as of 2026-10-31" in at.subheader[0].value
    assert not any("Sample data" in i.value for i in at.info)  # no sample banner on a projector
    assert not [b for b in at.get("download_button")] and not at.code  # no share box or downloads


def test_share_link_and_downloads_on_every_role_page():
    for page in ("pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py"):
        if page == "pages/cio.py":  # its risk-list CSV comes with the churn model, trained in the background
            import ui

            ui.risk_model(ui.workspace().snapshot().snapshot, wait=True)
        at = run_app(page, segment="SMB")
        link = at.code[0].value
        assert "v=1&period=Nov+2025&period=Oct+2026&segment=SMB&region=All&gm=80" in link
        labels = [b.label for b in at.get("download_button")]  # CMO and CIO add their CSV downloads
        assert labels[-2:] == ["Board pack (PDF)", "Charts (PNG, zip)"]
        own = [label for label in labels if label != "Download CSV"]  # the tables' CSVs: test_s25_table_csv.py
        assert len(own) == 2 + (page in ("pages/cmo.py", "pages/cio.py"))


def test_pinned_version_stays_after_a_newer_upload():
    at = run_app("pages/cfo.py")
    arr_v1 = {m.label: m.value for m in at.metric}["ARR"]
    # A newer revenue upload (the small reference file) becomes data version #2 ...
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader[0].upload("revenue_small.csv", (REFERENCE / "revenue.csv").read_bytes(), "text/csv")
    at.run()
    at.selectbox(key="sample_choice").set_value("own")  # the company's own workspace starts (no sample mixed in)
    at.run()
    store_button(at).click()
    at.run()
    latest = run_app("pages/cfo.py")
    assert {m.label: m.value for m in latest.metric}["ARR"] == "$4.2K"
    # ... but a link pinned to #1 still shows #1's numbers, with the notice and the switch.
    pinned = run_app("pages/cfo.py", v="1")
    assert {m.label: m.value for m in pinned.metric}["ARR"] == arr_v1
    assert any("pinned to data version #1; newer data exists (#2)" in w.value for w in pinned.warning)
    pinned.button(key="to_latest").click()
    pinned.run()
    assert {m.label: m.value for m in pinned.metric}["ARR"] == "$4.2K"


def test_a_parameter_given_twice_with_one_value_is_read_once():
    """A link pasted twice over ('v=1&v=1', 'segment=SMB&segment=SMB'): the value, not 'version 1 is not
    available' or 'SMB is not in the data' (the page then showed the latest version, another company's data)."""
    parsed = viewstate.parse({"v": ["1", "1"], "segment": ["SMB", "SMB"], "by": ["Region", "Region"],
                              "gm": ["55", "55"]}, ALLOWED)
    assert parsed.problems == []
    assert parsed.values == {"v": "1", "segment": "SMB", "by": "Region", "gm": "55"}


def test_the_board_pack_carries_the_line_under_each_tile():
    """The PDF printed 'ARR at risk (model) $108.8K' under the page's period with nothing saying it is the next
    3 months from another month, on another base; a '—' lost its reason. Each tile's line goes with it."""
    at = run_app("pages/cfo.py")
    pack = at.session_state["_pack"]
    tiles = {t.label: t for s in pack.sections for t in s.tiles}
    assert tiles["ARR"].note == at.caption[[c.value for c in at.caption].index(tiles["ARR"].note)].value
    assert "paying customers" in tiles["ARR"].note
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.board_pack(pack))).pages)
    assert " ".join(tiles["ARR"].note.split()) in " ".join(text.split())
