"""The sample company is never blended with the company's own data (issue "Real exports, true numbers", point 1).

The workspace holds the bundled sample (data version #1) and then the company's first upload, NPS responses
only (the reference file), stored as "start your company's own workspace" (data version #2). On #2 no sample
figure (ARR, churn, LTV …) may appear: the missing kinds show their empty state. #1 still shows the sample.
"""

from __future__ import annotations

import os
import shutil

import pytest
import streamlit as st
from conftest import REFERENCE, prepare_file, run_app, sample_template
from streamlit.testing.v1 import AppTest

from metrics.store import Workspace

ROLE_PAGES = ["pages/ceo.py", "pages/cfo.py", "pages/cmo.py", "pages/cio.py"]


@pytest.fixture(scope="module", autouse=True)
def mixed_workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("mix") / "workspace.duckdb"
    shutil.copy(sample_template(tmp_path_factory), path)  # the bundled sample, as the app's first run loads it
    ws = Workspace(path)
    ws.commit([prepare_file(REFERENCE / "nps.csv", "nps").to_upload()], leave_sample=True)
    ws.close()
    os.environ["CX_WORKSPACE"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    os.environ.pop("CX_WORKSPACE", None)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.metric] + [e.value for kind in ("info", "warning", "caption", "markdown", "success")
                                            for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", ROLE_PAGES)
def test_own_data_version_shows_no_sample_figure(page):
    at = run_app(page, v="2")
    shown = tiles(at)
    for label in ("ARR", "MRR", "Logo churn (monthly)", "NRR (12 months)", "GRR (12 months)", "LTV", "ARPA",
                  "Promoter LTV", "Detractor LTV", "Value of one NPS point"):
        assert shown.get(label, "—") == "—", (label, shown.get(label))
    words = texts(at)
    assert "Sample data" not in words and "Sample company" not in at.title[0].value
    assert "No revenue uploaded yet — upload on the Data page" in words
    assert "No customer list uploaded yet — upload on the Data page" in words


def test_ceo_on_own_data_shows_its_nps_and_empty_states():
    at = run_app(v="2")
    # The reference responses, Dec 2024 – Apr 2025 (the version's five months): promoters r1 r5 r6 r7 = 4,
    # passives r3 r8 = 2, detractors r2 r4 = 2 of 8 → NPS 100 × (4 − 2) ÷ 8 = +25. Adjusted Wald: n' = 11,
    # p' = 4.75/11, d' = 2.75/11, e = 0.1818, se = √((0.6818 − 0.0331) ÷ 11) = 0.2429 → ±47.6. With n = 8, fewer
    # than 30 responses, the tile shows no headline figure ("—") and says why.
    assert tiles(at)["NPS"] == "—"
    assert any("n = 8" in t and "fewer than 30 responses" in t for t in texts(at).split("\n"))
    infos = [i.value for i in at.info]
    assert any("No revenue uploaded yet" in i for i in infos) and any("No customer list uploaded yet" in i
                                                                      for i in infos)
    assert "No CSAT answers uploaded yet — upload on the Data page." in infos


def test_sample_version_still_shows_the_sample_and_says_so():
    at = run_app(v="1")
    banner = next(i.value for i in at.info if "Sample data" in i.value)
    assert "NPS responses, Customers / churn, Revenue, CSAT answers and Support tickets" in banner
    assert "Your own data is data version #2" in banner
    shown = tiles(at)
    assert shown["ARR"] != "—" and shown["Logo churn (monthly)"] != "—"
    labels = at.selectbox(key="v").options
    assert labels == ["#2 · " + labels[0].split(" · ", 1)[1]] or any("sample company" in o for o in labels)
    assert [o for o in labels if "sample company" in o] == [o for o in labels if o.startswith("#1 ")]


def test_cmo_on_own_data_shows_empty_states_for_acquisition():
    at = run_app("pages/cmo.py", v="2")
    infos = [i.value for i in at.info]
    assert "No customer list uploaded yet — upload on the Data page." in infos
    assert "No revenue uploaded yet — upload on the Data page." in infos
    # the comments raise themes, but without revenue no theme's ARR at stake is known: "—", not $0
    assert ("ARR at stake is not measurable here: no revenue data is stored. Themes are ranked by mentions."
            in infos)
    themes = next(d.value for d in at.dataframe if "ARR at stake" in d.value.columns)
    assert len(themes) and set(themes["ARR at stake"]) == {"—"}
    assert tiles(at)["New customers"] == "—"  # starts come from a customers file: none here, so not "0"


def test_later_uploads_build_on_own_data_without_asking():
    at = run_app("pages/data.py")
    at.file_uploader[0].upload("revenue_small.csv", (REFERENCE / "revenue.csv").read_bytes(), "text/csv")
    at.run()
    assert not [s for s in at.selectbox if s.key == "sample_choice"]  # asked once, never again
    store = next(b for b in at.button if (b.key or "").startswith("store_"))
    assert not store.disabled
    store.click()
    at.run()
    assert not at.exception
    ceo = run_app()  # latest: #3 = own NPS (v4) + own revenue (v5), still no sample customers or revenue
    shown = tiles(ceo)
    # Reference revenue in Apr 2025: A 150 + D 200 = 350 MRR → ARR 12 × 350 = $4.2K.
    assert shown["ARR"] == "$4.2K"
    assert "No customer list uploaded yet — upload on the Data page." in [i.value for i in ceo.info]


def test_service_page_on_own_data_shows_no_sample_tickets():
    at = run_app("pages/service.py", v="2")  # own NPS only: the sample's tickets are not part of it
    assert not at.metric and not at.dataframe
    assert "No support tickets uploaded yet — upload on the Data page." in [i.value for i in at.info]


def test_ceo_top_themes_without_revenue_are_ranked_by_mentions_with_no_arr():
    """Own NPS only: the CEO's top three themes carry "—" and say why, never "$0 ARR at stake"."""
    at = run_app("pages/ceo.py", v="2")
    themes = {m.label: m.value for m in at.metric if m.label.startswith("Theme: ")}
    assert len(themes) == 3 and set(themes.values()) == {"—"}
    captions = [c.value for c in at.caption]
    assert "Top themes by mentions: ARR at stake is not measurable, as no revenue data is stored." in captions
    assert sum(c.startswith("ARR at stake not measurable · ") for c in captions) == 3


def test_cio_charts_of_kinds_not_uploaded_are_captions_not_empty_axes():
    at = run_app("pages/cio.py", v="2")  # own NPS only
    captions = [c.value for c in at.caption]
    assert "Paying customers per month: no revenue uploaded." in captions
    assert "Responses linked to a known customer: needs NPS responses and a customers file." in captions
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["Responses linked"], tiles["Revenue rows matched"]) == ("—", "—")  # no customers file to match
