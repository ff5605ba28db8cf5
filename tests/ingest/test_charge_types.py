"""Invoice lines with a charge type: MRR is recurring revenue only (METRICS.md), so one-time fees are left out, said,
and which types recur is asked when the file has a type the app does not know (usage, overage …)."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import NeedsAnswerError

# Zuora's invoice item export: a setup fee of 500 beside A's first month. By hand: A 100 / 100 / 100, B 50 / 50;
# read as MRR, A's January was 600 (a +500 expansion, then a -500 contraction that never happened).
ZUORA = b"""Account: Account Number,Invoice: Invoice Date,Invoice Item: Charge Amount,Rate Plan Charge: Charge Type
A,2026-01-05,100,Recurring
A,2026-01-05,500,OneTime
A,2026-02-05,100,Recurring
A,2026-03-05,100,Recurring
B,2026-02-07,50,Recurring
B,2026-03-07,50,Recurring
"""


def mrr(p) -> dict:
    rows = p.rows.to_dict("records")
    return {(r["customer_id"], r["month"].strftime("%Y-%m")): float(r["mrr"]) for r in rows}


def test_one_time_fees_are_left_out_of_mrr_and_said():
    p = prepare_bytes(ZUORA, "revenue", mapping={"customer_id": "Account: Account Number",
                                                 "month": "Invoice: Invoice Date",
                                                 "amount": "Invoice Item: Charge Amount"})
    assert mrr(p) == {("A", "2026-01"): 100, ("A", "2026-02"): 100, ("A", "2026-03"): 100,
                      ("B", "2026-02"): 50, ("B", "2026-03"): 50}
    said = [w for w in p.warnings if "not recurring" in w]
    assert said == ["1 line whose 'Rate Plan Charge: Charge Type' is not recurring (OneTime (1); 500.00 in all) was "
                    "left out of MRR, as answered."]


CHARGEBEE = b"""customer_id,date,amount,entity_type
C1,2026-01-03,80,plan_item_price
C1,2026-01-03,20,addon_item_price
C1,2026-01-03,300,charge_item_price
C1,2026-02-03,100,plan_item_price
"""


def test_chargebee_entity_types():
    # plan 80 + add-on 20 are recurring (100 a month); the one-off charge of 300 is not
    p = prepare_bytes(CHARGEBEE, "revenue")
    assert mrr(p) == {("C1", "2026-01"): 100, ("C1", "2026-02"): 100}


USAGE = b"""customer_id,date,amount,charge_type
U1,2026-01-10,100,Recurring
U1,2026-01-31,37.5,Usage
U1,2026-02-10,100,Recurring
U1,2026-02-28,12.5,Usage
"""


def test_usage_is_asked_not_guessed():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(USAGE, "revenue")
    assert "charge_types:charge_type" in [q.key for q in err.value.asked]
    kept = prepare_bytes(USAGE, "revenue", answers={"charge_types:charge_type": ["Recurring", "Usage"]})
    assert mrr(kept) == {("U1", "2026-01"): 137.5, ("U1", "2026-02"): 112.5}
    recurring = prepare_bytes(USAGE, "revenue", answers={"charge_types:charge_type": "Recurring"})
    assert mrr(recurring) == {("U1", "2026-01"): 100, ("U1", "2026-02"): 100}


def test_every_line_recurring_asks_nothing():
    p = prepare_bytes(b"customer_id,date,amount,charge_type\nR1,2026-01-10,100,Recurring\nR1,2026-02-10,100,"
                      b"recurring\n", "revenue")
    assert mrr(p) == {("R1", "2026-01"): 100, ("R1", "2026-02"): 100}
    assert not any("charge" in q.key for q in p.questions)
