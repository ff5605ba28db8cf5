"""Counts of one on the CMO and CEO pages take the singular ("1 comment", "1 mention", not "1 comments", "1 mentions"),
through metrics.definitions.plural: the hand-worked reference data, December 2024 alone (one comment, r1's)."""

import pytest
from conftest import run_app

SEED = ("customers", "nps", "revenue")
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_cmo_one_comment():
    captions = [c.value for c in run_app("pages/cmo.py", period=["Dec 2024", "Dec 2024"]).caption]
    assert "1 of 1 comment scored (language covered)" in captions
    assert any(c.startswith("1 comment of the period with language, sentiment, score and themes.") for c in captions)


def test_ceo_theme_tile_of_one_mention():
    captions = [c.value for c in run_app(period=["Dec 2024", "Dec 2024"]).caption]
    assert any(c.startswith("ARR at stake") and "· 1 mention" in c and "mentions" not in c for c in captions), [
        c for c in captions if "ARR at stake" in c]
