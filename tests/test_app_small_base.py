"""A retention trend is not drawn on a handful of customers: the months whose base has fewer than 30 customers are
left out, and named (a RavenStack chart was led by NRR 588.7% on 2 customers)."""

import pytest
from conftest import run_app

# 40 customers paying 100 a month through 2024-01 … 2025-12; 35 of them start in 2024-01, 5 in 2024-02. The
# trailing 12-month base of Jan 2025 is the 35 paying in Jan 2024, of Feb 2025 the 40 of Feb 2024.
# A 41st customer paying from 2023-12 makes Dec 2024's base one customer (1 < 30).
LINES = ["customer_id,month,amount"]
for i in range(40):
    first = 1 if i < 35 else 2
    LINES += [f"c{i},{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-15,100.00" for m in range(first, 25)]
LINES += [f"early,{2023 + (m + 10) // 12}-{(m + 10) % 12 + 1:02d}-15,100.00" for m in range(1, 26)]
SEED = (("revenue", ("\n".join(LINES) + "\n").encode()),)
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_months_on_a_handful_of_customers_are_left_out_and_named():
    at = run_app("pages/cfo.py", period=["Jan 2024", "Dec 2025"])
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Months whose base has fewer than 30 customers are left out: Dec 2024 (1)") for c in
               captions), captions
