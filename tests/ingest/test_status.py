"""Status words: which values of a churn or status column mean churned is asked; no class of rows is dropped."""

import datetime as dt

import pandas as pd
import pytest
from conftest import FIXTURES, prepare_bytes, prepare_file

from metrics.errors import InvalidValuesError, NeedsAnswerError

AS_OF = dt.date(2026, 10, 31)

# A telecom export in the Maven "telecom_customer_churn" shape: tenure in months, status Stayed/Joined/Churned.
TELECOM = b"""Customer ID,Gender,Age,Tenure in Months,Contract,Monthly Charge,Customer Status,Churn Category
0002-ORFBO,Female,37,9,One Year,65.6,Stayed,
0003-MKNFE,Male,46,9,Month-to-Month,-4,Stayed,
0004-TLHLJ,Male,50,4,Month-to-Month,73.9,Churned,Competitor
0011-IGKFF,Male,78,13,Month-to-Month,98,Churned,Dissatisfaction
0013-EXCHZ,Female,75,3,Month-to-Month,83.9,Churned,Dissatisfaction
0013-MHZWF,Female,23,9,Month-to-Month,69.4,Stayed,
0013-SMEOE,Female,67,71,Two Year,109.7,Stayed,
0014-BMAQU,Male,52,63,Two Year,84.65,Stayed,
0015-UOCOJ,Female,68,1,Month-to-Month,48.2,Joined,
0016-QLJIS,Female,43,1,Two Year,90.45,Joined,
"""


def _question(prepared_or_error, key):
    asked = getattr(prepared_or_error, "asked", None) or prepared_or_error.questions
    return next(q for q in asked if q.key == key)


def test_stayed_and_joined_are_customers_churned_are_churners_and_no_row_is_dropped():
    p = prepare_bytes(TELECOM, as_of=AS_OF)
    assert p.kind == "customers" and p.layout == "snapshot"
    assert p.mapping["churned"] == "Customer Status" and p.mapping["tenure"] == "Tenure in Months"
    q = _question(p, "churned_values:Customer Status")
    assert q.multi and not q.must_confirm and q.proposal == ["Churned"]
    assert set(q.choices) == {"Stayed", "Churned", "Joined"}
    assert q.detail == "Stayed: 5 · Churned: 3 · Joined: 2"
    unit = _question(p, "tenure_unit:Tenure in Months")
    assert unit.proposal == "months" and not unit.must_confirm  # the header names the unit
    assert len(p.rows) == 10  # every Stayed/Joined row kept (they were once rejected as "not yes/no")
    churned = p.rows.set_index("customer_id").churn_date.notna()
    assert churned[churned].index.tolist() == ["0004-TLHLJ", "0011-IGKFF", "0013-EXCHZ"]  # 3 of 10 = 30%
    assert (p.rows.churn_date.dropna() == pd.Timestamp("2026-10-31")).all()
    first = p.rows.set_index("customer_id").loc["0013-SMEOE"]  # 71 months before Oct 2026
    assert first.start_date == pd.Timestamp("2020-11-01")
    assert not any("neither churned" in w for w in p.warnings)


# A billing-status snapshot: Trialing and Paused are not known words, so the analyst must say.
STATUSES = ["Active"] * 10 + ["Canceled"] * 3 + ["Past due"] * 2 + ["Trialing"] * 3 + ["Paused"] * 2
BILLING = ("customer_id,months,status\n" + "".join(f"c{i},{i + 1},{s}\n" for i, s in enumerate(STATUSES))).encode()
MAP = {"churned": "status", "tenure": "months", "status": ""}


def test_unknown_status_words_must_be_confirmed():
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(BILLING, kind="customers", mapping=MAP, as_of=AS_OF)
    q = _question(err.value, "churned_values:status")
    assert [x.key for x in err.value.questions] == ["churned_values:status"]  # "months" names the unit
    assert q.must_confirm and q.proposal == ["Canceled"]
    assert "Not known words: Trialing, Paused." in q.detail and "Active: 10" in q.detail


def test_values_left_as_customers_are_counted_and_stated_above_5_percent():
    p = prepare_bytes(BILLING, kind="customers", mapping=MAP, as_of=AS_OF,
                      answers={"churned_values:status": ["Canceled"]})
    assert len(p.rows) == 20 and p.rows.churn_date.notna().sum() == 3
    assert ("5 rows (25.0%) in 'status' say neither churned nor a known active word: Trialing (3), Paused (2); "
            "counted as still customers. More than 5% of the file: check the answer to which values mean churned."
            ) in p.warnings
    p = prepare_bytes(BILLING, kind="customers", mapping=MAP, as_of=AS_OF,
                      answers={"churned_values:status": "Canceled,Paused"})  # as from the command line
    assert p.rows.churn_date.notna().sum() == 5
    assert any(w.startswith("3 rows (15.0%) in 'status' say neither churned") and "Trialing (3)" in w
               for w in p.warnings)


def test_true_false_flags_and_case_are_read_without_asking():
    data = b"customer_id,tenure_months,churned\nc1,3,True\nc2,4,false\nc3,5,FALSE\nc4,6,true\n"
    p = prepare_bytes(data, as_of=AS_OF)
    q = _question(p, "churned_values:churned")
    assert not q.must_confirm and q.proposal == ["True"] and q.choices == ("FALSE", "True")  # one per value
    assert p.rows.churn_date.notna().tolist() == [True, False, False, True]


def test_a_status_column_with_many_values_is_not_a_churn_flag():
    data = ("customer_id,tenure_months,churned\n" + "".join(f"c{i},3,v{i}\n" for i in range(40))).encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, as_of=AS_OF)
    assert "40 different values" in str(err.value) and err.value.count == 40


def test_a_customer_list_whose_status_says_churned_without_a_churn_date_is_refused():
    data = b"customer_id,signup_date,status\nc1,2026-01-05,active\nc2,2026-02-01,canceled\nc3,2026-02-03,active\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data)
    assert err.value.column == "status" and "no churn date column says when" in str(err.value)
    assert [c.row for c in err.value.cells] == [3]
    # The analyst says no status value means churned: all three are customers.
    p = prepare_bytes(data, answers={"churned_values:status": []})
    assert len(p.rows) == 3 and p.rows.churn_date.isna().all()
    # Skipping bad rows would keep the active customers only: churn 0% by construction. Refused even then.
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, skip_invalid=True)
    assert "cannot be skipped: without them churn would read 0%" in str(err.value) and err.value.count == 1


def test_subscription_statuses_left_out_are_counted_per_status():
    p = prepare_file(FIXTURES / "formats" / "stripe_subscriptions.csv", kind="revenue", amount_in_cents=True)
    assert ("1 row brings no revenue and was left out, by status: incomplete_expired 1 (20.0% of the rows; more "
            "than 5% of the file: check that these rows really are to be left out).") in p.warnings
    c = prepare_file(FIXTURES / "formats" / "stripe_subscriptions.csv", kind="customers")
    assert any(w.startswith("1 subscriptions that were never paid were left out: incomplete_expired 1 (20.0%")
               for w in c.warnings)


def test_answers_match_values_whatever_their_case_and_may_name_values_this_file_lacks():
    # A preset saved on last month's file (which had Paused) is reused on a file without it.
    p = prepare_bytes(TELECOM, as_of=AS_OF, answers={"churned_values:Customer Status": ["churned", "Paused"]})
    assert p.rows.churn_date.notna().sum() == 3
    assert p.answers["churned_values:Customer Status"] == ["Churned", "Paused"]


def test_a_snapshot_with_a_status_column_beside_its_churn_flag_dates_churners_as_of():
    data = b"customer_id,tenure_months,churn,status\nc1,3,yes,canceled\nc2,4,no,active\n"
    p = prepare_bytes(data, as_of=AS_OF)
    assert p.mapping["status"] == "status" and p.rows.churn_date.notna().tolist() == [True, False]


@pytest.mark.parametrize("header, values, churned", [
    ("Exited", ["0", "1", "0"], [False, True, False]),
    ("Churn Label", ["Yes", "No", "No"], [True, False, False]),
    ("Churn Value", ["1", "1", "0"], [True, True, False]),
    ("Attrition_Flag", ["Existing Customer", "Attrited Customer", "Existing Customer"], [False, True, False]),
])
def test_churn_columns_of_public_churn_files_are_found_and_read(header, values, churned):
    data = (f"customer_id,tenure_months,{header}\n" + "".join(f"c{i},{i + 1},{v}\n" for i, v in enumerate(values)))
    p = prepare_bytes(data.encode(), as_of=AS_OF)
    assert p.mapping["churned"] == header and not _question(p, f"churned_values:{header}").must_confirm
    assert p.rows.churn_date.notna().tolist() == churned


def test_a_long_list_where_nobody_ever_left_is_named():
    """RavenStack's subscriptions as a customer list: 500 customers, every subscription still running, logo churn
    0.0% shown as a fact. A list of 30 or more customers with no churn at all says so; a shorter one, or one with
    a churner, does not."""
    rows = "".join(f"c{i},2026-01-{1 + i % 28:02d},\n" for i in range(30))
    p = prepare_bytes(("customer_id,start_date,churn_date\n" + rows).encode())
    assert any(w.startswith("None of the 30 customers in this file has churned (no churn date): logo churn will "
                            "read 0.0% for every period.") for w in p.warnings)
    churned = rows.replace("c0,2026-01-01,\n", "c0,2026-01-01,2026-02-01\n")
    assert not any("has churned" in w for w in prepare_bytes(("customer_id,start_date,churn_date\n"
                                                              + churned).encode()).warnings)
    assert not any("has churned" in w for w in prepare_bytes(("customer_id,start_date,churn_date\n"
                                                              + rows[:rows.index("c29")]).encode()).warnings)


def test_voided_deleted_and_not_paid_invoices_bring_no_revenue():
    """Chargebee writes 'Voided' and 'Not Paid', Xero 'DELETED': before, they counted as billed. c2's April is 60
    (the voided 60 left out), June 160 (the 200 not paid left out)."""
    csv = ("Customer Id,Invoice Date,Total,Status\nc1,2026-04-05,100,Paid\nc2,2026-04-05,60,Paid\n"
           "c2,2026-04-20,60,Voided\nc1,2026-05-05,100,Paid\nc2,2026-05-05,60,Paid\nc1,2026-06-05,200,Not Paid\n"
           "c1,2026-06-06,100,Paid\nc2,2026-06-05,60,Paid\nc2,2026-06-07,30,DELETED\n")
    p = prepare_bytes(csv.encode(), kind="revenue", answers={"recurring:Total": "monthly"})
    mrr = {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}
    assert mrr[("c2", "2026-04")] == 60.0 and mrr[("c1", "2026-06")] == 100.0 and mrr[("c2", "2026-06")] == 60.0
    assert any("deleted 1, not paid 1, voided 1" in w for w in p.warnings)


def test_paused_and_unpaid_subscriptions_are_asked_about():
    """The file says a paused subscription does not pay now, not since when: counted, the months since are
    overstated; left out, the months it paid are understated. Asked, must confirm; April MRR 150 or 100."""
    csv = (b"Customer ID,Amount,Interval,Status,Start (UTC),Ended At (UTC)\nc1,100,month,active,2026-01-05,\n"
           b"c2,50,month,paused,2026-01-10,\nc3,30,month,canceled,2026-01-10,2026-03-02\n")
    as_of = dt.date(2026, 4, 30)
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(csv, kind="revenue", as_of=as_of)
    q = _question(err.value, "halted:Status")
    assert q.must_confirm and q.proposal is None and "paused 1" in q.detail

    def april(answer):
        p = prepare_bytes(csv, kind="revenue", as_of=as_of, answers={"halted:Status": answer})
        return sum(float(r.mrr) for r in p.rows.itertuples() if f"{r.month:%Y-%m}" == "2026-04")
    assert april("count") == 150.0 and april("leave_out") == 100.0


def test_a_churn_date_after_the_as_of_date_is_a_cancellation_scheduled_not_a_churn():
    """Exported on 5 Jan 2026 (the as-of date), c2's plan ends on 15 Feb 2026: scheduled, not happened. It was
    counted as a churn in Feb 2026 (a month the export had not reached, which also moved every page's period);
    refused as 'in the future' when after today, and skipping it dropped an active customer. Now c2 is active,
    and said; a date more than 5 years ahead is a typo, refused by row."""
    csv = b"customer_id,start_date,churn_date\nc1,2025-01-01,2025-06-15\nc2,2025-02-01,2026-02-15\nc3,2025-03-01,\n"
    p = prepare_bytes(csv, kind="customers", as_of=dt.date(2026, 1, 5))
    churn = dict(zip(p.rows.customer_id, p.rows.churn_date, strict=True))
    assert churn["c1"] == pd.Timestamp("2025-06-15") and pd.isna(churn["c2"]) and pd.isna(churn["c3"])
    assert ("1 churn date in 'churn_date' is after the as-of date (2026-01-05): cancellations scheduled, not "
            "happened yet; those customers count as active (not churned).") in p.warnings
    assert p.last_date == dt.date(2026, 1, 5)  # the file speaks up to its as-of date, not to the scheduled date
    # without an as-of date, today (2026-11-23 in the tests) is the cut: a plan ending next month is active
    later = prepare_bytes(csv.replace(b"2026-02-15", b"2027-01-15"), kind="customers")
    assert pd.isna(dict(zip(later.rows.customer_id, later.rows.churn_date, strict=True))["c2"])
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv.replace(b"2026-02-15", b"2035-02-15"), kind="customers")
    assert "more than 5 years in the future" in str(err.value) and [c.row for c in err.value.cells] == [3]


def test_recurly_accounts_closed_at_is_the_churn_date():
    """Recurly's accounts export: 'account_state' active/closed and 'closed_at'. Neither was read: every closed
    account counted as active (logo churn 0/180 for 3/164). Now closed_at is the churn date and the state the
    status beside it."""
    csv = (b"account_code,account_state,email,created_at,closed_at\n"
           b"a1,active,u1@x.com,2022-06-01T10:00:00Z,\na2,closed,u2@x.com,2022-06-01T10:00:00Z,2024-02-10T09:00:00Z\n"
           b"a3,closed,u3@x.com,2023-01-05T10:00:00Z,2024-04-01T00:00:00Z\n")
    p = prepare_bytes(csv, kind="customers", as_of=dt.date(2024, 6, 30))
    assert p.mapping["churn_date"] == "closed_at" and p.mapping["status"] == "account_state"
    churn = dict(zip(p.rows.customer_id, p.rows.churn_date, strict=True))
    assert pd.isna(churn["a1"]) and churn["a2"] == pd.Timestamp("2024-02-10") and churn["a3"] == pd.Timestamp(
        "2024-04-01")


def test_a_churned_status_without_its_churn_date_is_rejected_by_row_not_read_as_active():
    """ChartMogul: 'Cancelled' with an empty 'Churn date' was stored as an active customer (2 churned of 4).
    Rejected by row, naming the status; skipped, those customers are left out, never counted as staying."""
    csv = (b"UUID,Status,Customer since,Churn date\ncus_1,Active,2022-03-01,\ncus_2,Cancelled,2022-03-01,2023-11-20\n"
           b"cus_3,Cancelled,2022-04-01,\ncus_4,Active,2022-05-01,\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv, kind="customers", as_of=dt.date(2024, 6, 30))
    assert "'Churn date': 1 value(s) are empty while 'Status' says the customer churned" in str(err.value)
    assert "row 4" in str(err.value)
    p = prepare_bytes(csv, kind="customers", as_of=dt.date(2024, 6, 30), skip_invalid=True)
    assert list(p.rows.customer_id) == ["cus_1", "cus_2", "cus_4"] and p.rows.churn_date.notna().sum() == 1


def test_stripe_trials_that_never_paid_are_not_customers_who_churned():
    """A Stripe subscription list uploaded as customers: sub_3 was a trial cancelled at its end, sub_4 is trialing
    now. Counted as customers, the cancelled trial was a churn (4 of 5 churns in a helper's file: logo churn 4.3% a
    month for 0.9%). Left out, said; a trial that converted (sub_2, ended months after its trial) stays."""
    csv = (b"id,Customer ID,Status,Start (UTC),Trial Start (UTC),Trial End (UTC),Ended At (UTC)\n"
           b"sub_1,cus_1,active,2023-01-10 12:00,,,\n"
           b"sub_2,cus_2,canceled,2023-01-10 12:00,2023-01-10 12:00,2023-01-24 12:00,2024-02-10 12:00\n"
           b"sub_3,cus_3,canceled,2023-09-25 12:00,2023-09-25 12:00,2023-10-09 12:00,2023-10-09 12:00\n"
           b"sub_4,cus_4,trialing,2024-06-20 12:00,2024-06-20 12:00,2024-07-04 12:00,\n")
    p = prepare_bytes(csv, kind="customers", as_of=dt.date(2024, 6, 30))
    assert p.mapping["subscription_id"] == "id"
    churn = dict(zip(p.rows.customer_id, p.rows.churn_date, strict=True))
    assert set(churn) == {"cus_1", "cus_2"} and churn["cus_2"] == pd.Timestamp("2024-02-10")
    # a converted trial's customer starts paying at the trial's end, not at the trial's start
    start = dict(zip(p.rows.customer_id, p.rows.start_date, strict=True))
    assert start["cus_2"] == pd.Timestamp("2023-01-24") and start["cus_1"] == pd.Timestamp("2023-01-10")
    assert any(w.startswith("2 subscriptions that are trials and never paid (trialing now, or ended by the trial's "
                            "end) were left out") for w in p.warnings)


def test_a_cancellation_asked_for_is_not_an_end():
    """Recurly's subscriptions: 'canceled_at' is when the cancellation was asked for, 'expires_at' when the
    subscription ended (or will); Stripe's 'Canceled At' beside 'Cancel At Period End' likewise. Read as churn
    dates, subscriptions still running churned (Recurly 3/194 for 1/199, Stripe 2/191 for 0/192)."""
    recurly = (b"uuid,account_code,state,activated_at,canceled_at,expires_at\n"
               b"s1,a1,active,2024-01-10,,\ns2,a2,canceled,2024-01-10,2025-10-01,2025-12-10\n"
               b"s3,a3,expired,2024-01-10,2025-03-01,2025-04-10\n")
    p = prepare_bytes(recurly, kind="customers", as_of=dt.date(2025, 11, 30))
    assert p.mapping["churn_date"] == "expires_at"
    churn = dict(zip(p.rows.customer_id, p.rows.churn_date, strict=True))
    assert pd.isna(churn["a1"]) and pd.isna(churn["a2"]) and churn["a3"] == pd.Timestamp("2025-04-10")
    stripe = (b"id,Customer ID,Status,Start (UTC),Canceled At (UTC),Cancel At Period End\n"
              b"sub_1,cus_1,active,2024-01-10 12:00,2025-10-20 12:00,true\n"
              b"sub_2,cus_2,canceled,2024-01-10 12:00,2025-06-20 12:00,false\n")
    p = prepare_bytes(stripe, kind="customers", as_of=dt.date(2025, 11, 30))
    churn = dict(zip(p.rows.customer_id, p.rows.churn_date, strict=True))
    assert pd.isna(churn["cus_1"]) and churn["cus_2"] == pd.Timestamp("2025-06-20")
    assert any(w.startswith("1 row whose 'Status' says running") for w in p.warnings)


def test_a_subscription_that_ended_without_its_end_date_is_rejected_by_row():
    """Zoho: 'expired' subscriptions carry no cancellation date; read as running, their customers never churned."""
    data = (b"Subscription ID,Customer ID,Status,Activated On,Cancelled On\n"
            b"z1,c1,live,2024-01-10,\nz2,c2,expired,2024-01-10,\nz3,c3,cancelled,2024-01-10,2025-05-02\n")
    with pytest.raises(InvalidValuesError, match="1 value.s. are empty while 'Status' says the subscription ended"):
        prepare_bytes(data, kind="customers", as_of=dt.date(2025, 11, 30),
                      mapping={"start_date": "Activated On", "churn_date": "Cancelled On"})
