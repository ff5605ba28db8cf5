"""The CIO page says when customer ids of the revenue or survey file match a customers-file id only once capitals,
spaces and punctuation are ignored (health.id_spellings): what it does to the figures and what to do."""

import pytest
from conftest import run_app
from test_id_spellings import CUSTOMERS, NPS, REVENUE

SEED = (("customers", CUSTOMERS), ("revenue", REVENUE), ("nps", NPS))
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_cio_warns_of_ids_spelt_differently_across_files():
    import ui

    at = run_app("pages/cio.py")
    warning = [w.value for w in at.warning if "customers-file id" in w.value]
    assert len(warning) == 1, [w.value for w in at.warning]
    text = warning[0]
    # 'ACME INC.' and 'beta-ltd' in revenue (3 customer-months), 'acme inc' in NPS; Delta Co and Zeta are not listed
    assert text.startswith("**3 customer ids** in other files match a customers-file id only when capitals, spaces "
                           "and punctuation are ignored: 2 in revenue (3 customer-months), 1 in NPS responses "
                           "(1 answer). For example ")
    for example in ("'ACME INC.' (revenue) = 'Acme Inc' (customers)", "'beta-ltd' (revenue) = 'Beta Ltd' (customers)",
                    "'acme inc' (NPS) = 'Acme Inc' (customers)"):
        assert ui.md_escape(example) in text
    assert "Delta" not in text and "Zeta" not in text
    assert ("these customers' revenue and answers are not linked to their segment and churn (counted: their revenue "
            "under segment 'Unknown'; their answers under no known customer). Nothing was merged. To fix it, write "
            "the ids the same way in both exports and upload them again.") in text
