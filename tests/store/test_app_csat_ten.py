"""A 1–10 satisfaction file uploaded as CSAT, through ingest to the CEO page's tile (AppTest). Its answers were
stored as scale '1-10-csat', a code the page's labels did not know: the CEO page showed a KeyError traceback."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes, run_app

# 40 answers in January 2026: scores 1…10 four times each; satisfied = 9–10 (the top two boxes): 8 of 40.
CSV = ("date,customer_id,satisfaction\n" + "".join(f"2026-01-{1 + i % 28:02d},c{i},{1 + i % 10}\n"
                                                    for i in range(40))).encode()
ANSWERS = {"answers": {"scale:satisfaction": "1-10-csat"}}
SEED = (("csat", CSV, ANSWERS),)
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_the_answers_are_stored_on_the_scale_named_1_10():
    p = prepare_bytes(CSV, "csat", **ANSWERS)
    assert set(p.rows.scale) == {"1-10"} and int(p.rows.satisfied.sum()) == 8


def test_the_ceo_csat_tile_reads_a_one_to_ten_scale():
    at = run_app("pages/ceo.py")
    # 8 of 40 = 20.0 %; Wilson 95%: centre (0.2 + 3.8416/80) ÷ (1 + 3.8416/40) = 0.226288, half-width
    # 1.96 × √(0.2 × 0.8/40 + 3.8416/6400) ÷ 1.09604 = 1.96 × 0.067825 ÷ 1.09604 = 0.121288
    # → 10.5 % – 34.8 %; mean (4 × 55) ÷ 40 = 5.5 on 1–10
    assert {m.label: m.value for m in at.metric}["CSAT"] == "20.0%"
    assert "n = 40 · 95%: 10.5%–34.8% · mean 5.5 on 1–10" in [c.value for c in at.caption]
