"""A mapping preset is the whole confirmed mapping of the fields the kind had when it was saved: a field it left out
is not used; a field added to the kind later (Stripe's tax and service period) is detected as for a new file.
Checked through the values stored: an old preset must not read tax into MRR."""

from conftest import TODAY

from metrics import ingest
from metrics.ingest import session

STRIPE = (b"id,Customer ID,Date (UTC),Total,Tax,Period Start (UTC),Period End (UTC),Status\n"
          b"in_1,cus_A,2026-03-05,110.00,10.00,2026-03-05,2026-04-05,paid\n"
          b"in_2,cus_B,2026-03-07,55.00,5.00,2026-03-07,2026-04-07,paid\n")
OLD_MAPPING = {"customer_id": "Customer ID", "month": "Date (UTC)", "amount": "Total", "status": "Status"}


def mrr(preset_settings: dict) -> dict:
    preset = {"kind": "revenue", "settings": preset_settings}
    # the invoices of one month ask whether they bill every month unless their service period is read (an old preset
    # leaves it out): answered
    opts = session.options(preset, "revenue", today=TODAY, answers={"recurring:Total": "monthly"})
    p = ingest.prepare(STRIPE, "invoices.csv", opts)
    return {r.customer_id: float(r.mrr) for r in p.rows.itertuples()}


def test_a_preset_saved_before_tax_existed_still_takes_tax_out():
    """Saved without a field list (before 'tax' was a field): 'Tax' is detected, MRR = Total − Tax: 100 and 50."""
    assert mrr({"mapping": OLD_MAPPING}) == {"cus_A": 100.0, "cus_B": 50.0}


def test_a_preset_saved_with_its_fields_keeps_a_field_it_left_out_unused():
    """Saved with the field list, tax among the fields and not chosen: the analyst chose to leave it out (110, 55)."""
    fields = ["customer_id", "month", "amount", "interval", "status", "quantity", "period_start", "period_end", "tax"]
    assert mrr({"mapping": OLD_MAPPING, "fields": fields}) == {"cus_A": 110.0, "cus_B": 55.0}


def test_what_a_preset_saves_names_the_kind_fields():
    p = ingest.prepare(STRIPE, "invoices.csv", ingest.Options(kind="revenue", today=TODAY))
    saved = session.preset_settings(p, False)
    assert {"tax", "period_start", "customer_id"} <= set(saved["fields"]) and saved["mapping"]["amount"] == "Total"
    assert saved["mapping"]["tax"] == "Tax"
