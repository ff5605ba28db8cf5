"""metrics.ingest.session: the merge of a saved preset with the analyst's choices, shared by page and CLI."""

import datetime as dt

from metrics import ingest
from metrics.ingest import session

PRESET = {"name": "Billing", "kind": "revenue",
          "settings": {"mapping": {"customer_id": "acct", "month": "period", "amount": "charge"},
                       "amount_in_cents": True, "date_formats": {"period": "%Y-%m", "paid": "%d/%m/%Y"},
                       "answers": {"tenure_unit:tenure": "months", "encoding": "utf-8"}}}


def test_the_preset_fills_in_and_the_analyst_wins():
    o = session.options(PRESET, "revenue", mapping={"month": "paid"}, date_formats={"paid": "%m/%d/%Y"},
                        answers={"encoding": "latin-1"}, as_of=dt.date(2026, 1, 31), skip_invalid=True)
    # The preset is the whole mapping: every other revenue field is "not used" unless the analyst says otherwise.
    assert {k: v for k, v in o.mapping.items() if v} == {"customer_id": "acct", "month": "paid", "amount": "charge"}
    # saved without its field list (an older preset): the fields added since are left to detection
    assert set(o.mapping) == {name for name, _label, _required in ingest.FIELDS["revenue"]} - {
        "period_start", "period_end", "tax", "interval_count"}
    with_fields = session.options({**PRESET, "settings": {**PRESET["settings"], "fields": ["customer_id", "tax"]}},
                                  "revenue")
    assert with_fields.mapping == {"customer_id": "acct", "tax": "", "month": "period", "amount": "charge"}
    assert o.amount_in_cents is True  # the preset says cents; the analyst did not say otherwise
    assert o.date_formats == {"period": "%Y-%m", "paid": "%m/%d/%Y"}
    assert o.answers == {"tenure_unit:tenure": "months", "encoding": "latin-1"}
    assert (o.kind, o.as_of, o.skip_invalid) == ("revenue", dt.date(2026, 1, 31), True)


def test_a_preset_of_another_kind_is_not_used():
    o = session.options(PRESET, "nps", answers={"x": "y"})
    assert (o.mapping, o.amount_in_cents, o.date_formats, o.answers) == ({}, False, {}, {"x": "y"})
    assert session.options(None, "revenue", amount_in_cents=True).amount_in_cents is True


def test_the_kind_chosen_then_the_preset_then_detection():
    seen = ingest.inspect(b"customer_id,month,mrr\nA,2025-01,10\n")
    assert seen.kind == "revenue"
    assert session.choose_kind("nps", PRESET, seen) == "nps"
    assert session.choose_kind(None, {**PRESET, "kind": "customers"}, seen) == "customers"
    assert session.choose_kind(None, None, seen) == "revenue"


def test_a_file_stored_before_as_another_kind_is_named_with_its_kind():
    """RavenStack's subscriptions stored as revenue, then read as customers: 'This exact file was uploaded before
    (version 1)' read as if the customers were stored already."""
    from conftest import prepare_bytes

    from metrics.store import Workspace

    data = b"customer_id,start_date,end_date,mrr\nc1,2026-01-01,,10.50\nc2,2026-02-01,2026-04-30,20.25\n"
    ws = Workspace(":memory:")
    try:
        ws.commit([prepare_bytes(data, "revenue").to_upload()])
        as_customers = prepare_bytes(data, "customers", mapping={"churn_date": "end_date"})
        found = session.already_stored(ws, as_customers)
        assert found == ("as:revenue", 1)
        assert session.already_stored_text(found, "customers") == (
            "This exact file was stored before as Revenue (version 1); this upload reads it as Customers / churn.")
        assert session.already_stored(ws, prepare_bytes(data, "revenue")) == ("current", 1)
    finally:
        ws.close()
