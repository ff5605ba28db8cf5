"""Every table of a role page downloads as a formula-safe CSV (s25). Before, the only CSV of a table was the
dataframe's own toolbar download, which wrote a customer's comment '=HYPERLINK(…)' as it is: a formula once the file
was opened in a spreadsheet. That download is now off (client.disableDataExport) and ui.table offers its own."""

import tomllib
from pathlib import Path

import pytest
from conftest import run_app, seeded_workspace

# three answers in Oct 2026; the latest comment is a spreadsheet formula, one starts with a minus sign
NPS = (b'customer_id,responded_at,score,comment\n'
       b'c1,2026-10-03,10,"Great support, fast answers."\n'
       b'c2,2026-10-05,3,"-2 stars: slow and the export is broken"\n'
       b'c3,2026-10-07,6,"=HYPERLINK(""http://evil.example"",""Click"")"\n')


@pytest.fixture(scope="module")
def cmo(tmp_path_factory):
    import streamlit

    captured: dict[str, object] = {}
    original = streamlit.download_button

    def download_button(label, data=None, **kwargs):
        if label == "Download CSV":
            captured[kwargs["file_name"]] = data
        return original(label, data=data, **kwargs)

    streamlit.download_button = download_button
    try:
        with seeded_workspace(tmp_path_factory, ("nps", NPS)):
            at = run_app("pages/cmo.py", period=["Oct 2026", "Oct 2026"])
    finally:
        streamlit.download_button = original
    return at, captured


def test_the_recent_comments_table_downloads_with_formulas_neutralised(cmo):
    _, captured = cmo
    csv = captured["recent-comments.csv"]().decode()
    lines = csv.splitlines()
    # the headers the page shows, and the rows newest first
    assert lines[0] == "Date,Score,Category,Comment,Customer,Segment,Region"
    assert lines[1].startswith("2026-10-07,6,Detractor,")  # 0–6 detractors
    assert "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")" in lines[1]
    assert lines[2].startswith("2026-10-05,3,Detractor,'-2 stars: slow and the export is broken")
    assert lines[3].startswith("2026-10-03,10,Promoter,")
    assert len(lines) == 4


def test_every_table_has_one_download_and_the_page_keeps_its_own(cmo):
    at, captured = cmo
    labels = [b.label for b in at.get("download_button")]
    tables = sum(len(s.tables) for s in at.session_state["_pack"].sections)
    assert labels.count("Download CSV") == tables == len(captured) >= 1
    assert labels[-2:] == ["Board pack (PDF)", "Charts (PNG, zip)"]


def test_the_dataframes_own_unsafe_download_is_off():
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
