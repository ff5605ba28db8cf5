"""No id-spelling warning on the CIO page when the files write customer ids alike (test_app_cio_id_spellings)."""

import pytest
from conftest import run_app

SEED = ("customers", "nps", "revenue")  # the reference data: its ids are written alike in every file
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_cio_has_no_id_spelling_warning_when_ids_match():
    at = run_app("pages/cio.py")
    assert not any("customers-file id" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "Sources in this data version" in [h.value for h in at.subheader]  # the page was drawn
