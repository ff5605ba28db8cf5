"""Exports of AskNicely and Recurly, shaped as their tools write them: what is mapped by itself, what is read from
the header, and what is refused rather than guessed. Values worked out by hand."""

import datetime as dt

import pandas as pd
import pytest
from conftest import by_month, prepare_bytes

from metrics.errors import (
    DuplicateRowsError,
    InvalidOptionError,
    InvalidValuesError,
    MissingColumnError,
    NeedsAnswerError,
)
from metrics.ingest import session
from metrics.ingest.mapping import detect_mapping

ASKNICELY = (
    "id,person_id,name,email,answer,answerlabel,comment,status,sent,responded,segment,customer_id\n"
    "101,9001,Ann Lee,ann@acme.test,10,Promoter,Love the reports,responded,2026-10-01 09:00:00,"
    "2026-10-01 10:12:00,Enterprise,acme\n"
    "102,9002,Bo Chan,bo@bolt.test,6,Detractor,Too slow,responded,2026-10-02 09:00:00,2026-10-03 11:00:00,SMB,bolt\n"
    "103,9003,Cy Dorn,cy@crux.test,8,Passive,,responded,2026-10-02 09:00:00,2026-10-04 08:30:00,SMB,crux\n")

RECURLY = (
    "account_code,uuid,plan_code,state,quantity,unit_amount_in_cents,currency,activated_at,canceled_at,expires_at\n"
    "acme,3a1f,pro-monthly,active,2,4900,USD,2026-01-10 14:02:11 UTC,,\n"
    "bolt,3a20,pro-monthly,canceled,1,4900,USD,2026-02-03 09:00:00 UTC,2026-06-20 10:00:00 UTC,"
    "2026-07-03 09:00:00 UTC\n")


def test_asknicely_answer_is_the_score_and_responded_the_date():
    """'answer' is AskNicely's 0–10 score and 'responded' when it was given ('sent' is when the survey went out)."""
    p = prepare_bytes(ASKNICELY.encode(), kind="nps")
    assert p.mapping["score"] == "answer" and p.mapping["response_date"] == "responded"
    rows = {r.customer_id: (int(r.score), r.response_date.date()) for r in p.rows.itertuples()}
    assert rows == {"acme": (10, dt.date(2026, 10, 1)), "bolt": (6, dt.date(2026, 10, 3)),
                    "crux": (8, dt.date(2026, 10, 4))}  # NPS (1 promoter − 1 detractor) / 3 = 0


def test_recurly_subscriptions_map_customer_and_end_but_not_the_unit_price():
    """account_code is the customer, expires_at the end (canceled_at is when the cancellation was asked for; the
    subscription runs to expires_at). unit_amount_in_cents is a price per billing interval the file does not
    state: not taken as MRR by itself (an annual plan would read twelve times too large)."""
    m = detect_mapping("revenue", RECURLY.splitlines()[0].split(","))
    assert m["customer_id"] == "account_code" and m["start_date"] == "activated_at"
    assert m["end_date"] == "expires_at" and "amount" not in m
    with pytest.raises(MissingColumnError, match="No column for amount"):
        prepare_bytes(RECURLY.encode(), kind="revenue", as_of=dt.date(2026, 11, 20))


def test_a_header_in_cents_is_read_as_cents_without_asking():
    """Mapped by hand, 'unit_amount_in_cents' says its unit: 4900 × 2 seats = 98.00 a month, nothing asked (the
    values alone, fewer than 10, would have been read as units: 9,800.00)."""
    mapping = {"customer_id": "account_code", "amount": "unit_amount_in_cents", "start_date": "activated_at",
               "end_date": "expires_at", "quantity": "quantity"}
    # a price per billing period the file does not state: how long it pays for is asked, and must be answered
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(RECURLY.encode(), kind="revenue", mapping=mapping, as_of=dt.date(2026, 11, 20))
    q = next(q for q in err.value.questions if q.key == "amount_period:unit_amount_in_cents")
    assert q.must_confirm and q.proposal is None and "twelve times" in q.detail
    p = prepare_bytes(RECURLY.encode(), kind="revenue", mapping=mapping, as_of=dt.date(2026, 11, 20),
                      answers={"amount_period:unit_amount_in_cents": "month"})
    mrr = {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}
    assert mrr[("acme", "2026-01")] == 98.0 and mrr[("acme", "2026-11")] == 98.0
    assert mrr[("bolt", "2026-02")] == 49.0 and ("bolt", "2026-07") not in mrr  # ended 3 July: churned in July
    assert not [q for q in p.questions if q.key.startswith("amount_unit")]
    yearly = prepare_bytes(RECURLY.encode(), kind="revenue", mapping=mapping, as_of=dt.date(2026, 11, 20),
                           answers={"amount_period:unit_amount_in_cents": "year"})
    assert {float(r.mrr) for r in yearly.rows.itertuples() if r.customer_id == "acme"} == {8.17}  # 98 ÷ 12, to the cent


def test_a_subscription_amount_whose_header_says_monthly_is_not_asked():
    """'mrr_amount' (RavenStack) and 'MonthlyCharges' (telco) say they are monthly; a plain 'amount' does not."""
    head = "customer_id,start_date,end_date,{}\nA,2026-01-01,,120\n"
    for header in ("mrr_amount", "MonthlyCharges"):
        p = prepare_bytes(head.format(header).encode(), kind="revenue", as_of=dt.date(2026, 3, 31))
        assert {float(r.mrr) for r in p.rows.itertuples()} == {120.0}
    with pytest.raises(NeedsAnswerError, match="amount_period|pays for how long"):
        prepare_bytes(head.format("amount").encode(), kind="revenue", as_of=dt.date(2026, 3, 31))
    quarterly = prepare_bytes(head.format("amount").encode(), kind="revenue", as_of=dt.date(2026, 3, 31),
                              answers={"amount_period:amount": "quarter"})
    assert [float(r.mrr) for r in quarterly.rows.itertuples()] == [40.0, 40.0, 40.0]  # Jan, Feb, Mar


CHARGEBEE = (
    "subscriptions.id,subscriptions.customer_id,subscriptions.plan_amount,subscriptions.billing_period,"
    "subscriptions.billing_period_unit,subscriptions.status,subscriptions.started_at,subscriptions.activated_at,"
    "subscriptions.cancelled_at\n"
    "s1,acme,1200,1,year,active,2026-01-01,2026-01-15,\n"
    "s2,bolt,50,1,month,cancelled,2026-03-01,2026-03-01,2026-05-20\n")
# whole amounts beside Chargebee's 'billing_period_unit' are asked (its API writes cents): these are currency units
CHARGEBEE_UNITS = {"amount_unit:subscriptions.plan_amount": "units"}


def test_chargebee_headers_qualified_by_their_table_are_mapped():
    """'subscriptions.customer_id' is read as 'customer_id'. The interval is 'billing_period_unit' (year), not
    'billing_period' (1, a count of units): 1,200 a year is 100 a month, not 1,200. The start is 'activated_at'
    (paying), not 'started_at' (the trial's start)."""
    m = detect_mapping("revenue", CHARGEBEE.splitlines()[0].split(","))
    assert m["customer_id"] == "subscriptions.customer_id" and m["amount"] == "subscriptions.plan_amount"
    assert m["interval"] == "subscriptions.billing_period_unit" and m["start_date"] == "subscriptions.activated_at"
    p = prepare_bytes(CHARGEBEE.encode(), kind="revenue", as_of=dt.date(2026, 11, 20), answers=CHARGEBEE_UNITS)
    mrr = {(r.customer_id, f"{r.month:%Y-%m}"): float(r.mrr) for r in p.rows.itertuples()}
    assert mrr[("acme", "2026-01")] == 100.0 and mrr[("acme", "2026-11")] == 100.0
    assert mrr[("bolt", "2026-04")] == 50.0 and ("bolt", "2026-05") not in mrr  # ended 20 May: churned in May
    # with its own 'mrr' column, that is the amount (already per month)
    with_mrr = detect_mapping("revenue", [*CHARGEBEE.splitlines()[0].split(","), "subscriptions.mrr"])
    assert with_mrr["amount"] == "subscriptions.mrr" and "interval" not in with_mrr


def test_a_plain_header_wins_over_a_qualified_one():
    """'id' and 'customers.id' both present: the plain one is the id."""
    assert detect_mapping("nps", ["customers.id", "id", "score", "date"])["customer_id"] == "id"


def test_an_interval_that_is_not_month_quarter_or_year_is_refused_by_row():
    """'week' read as monthly would make that line's MRR about 4.3× too small: refused, naming row and column; an
    empty interval stays monthly, and 'Month' reads as month."""
    csv = "customer_id,month,amount,interval\na,2026-01-15,1200,year\nb,2026-01-15,10,week\nc,2026-01-15,100,Month\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv.encode(), kind="revenue")
    text = str(err.value)
    assert "Column 'interval'" in text and "row 3: 'week'" in text
    ok = prepare_bytes(csv.replace("week", "").encode(), kind="revenue")
    assert {r.customer_id: float(r.mrr) for r in ok.rows.itertuples()} == {"a": 100.0, "b": 10.0, "c": 100.0}


def test_chargebee_trial_and_future_subscriptions_bring_no_revenue():
    """in_trial and future subscriptions are not paying yet: left out, and the warning says how many, by status."""
    rows = CHARGEBEE + ("s3,crux,99,1,month,in_trial,2026-11-01,,\n"
                        "s4,dune,99,1,month,future,,,\n")
    p = prepare_bytes(rows.encode(), kind="revenue", as_of=dt.date(2026, 11, 20), answers=CHARGEBEE_UNITS)
    assert {r.customer_id for r in p.rows.itertuples()} == {"acme", "bolt"}
    assert any("2 rows bring no revenue" in w and "in_trial" in w and "future" in w for w in p.warnings)


def test_an_interval_count_multiplies_the_interval():
    """Chargebee writes a six-monthly plan as billing_period 6, billing_period_unit month. Read as monthly, its 600
    would be MRR 600; it is 600 ÷ 6 = 100 a month. A yearly plan of 1,200 with period 1: 100 a month."""
    csv = ("subscriptions.id,subscriptions.customer_id,subscriptions.plan_amount,subscriptions.billing_period,"
           "subscriptions.billing_period_unit,subscriptions.activated_at,subscriptions.cancelled_at\n"
           "s1,a,600,6,month,2026-01-05,\ns2,b,1200,1,year,2026-02-01,\n")
    p = prepare_bytes(csv.encode(), kind="revenue", as_of=dt.date(2026, 3, 31), answers=CHARGEBEE_UNITS)
    assert p.mapping["interval"] == "subscriptions.billing_period_unit"
    assert p.mapping["interval_count"] == "subscriptions.billing_period"
    rows = {(r.customer_id, r.month.strftime("%Y-%m")): float(r.mrr) for r in p.rows.itertuples()}
    assert rows == {("a", "2026-01"): 100.0, ("a", "2026-02"): 100.0, ("a", "2026-03"): 100.0,
                    ("b", "2026-02"): 100.0, ("b", "2026-03"): 100.0}


def test_recurly_interval_length_and_unit_in_plural():
    """Recurly's plan_interval_length 3 with plan_interval_unit 'months': 300 pays for a quarter, 100 a month; a
    plan in 'days' is refused by row (no monthly amount can be told)."""
    csv = "account_code,plan_interval_length,plan_interval_unit,unit_amount,activated_at,expires_at\n"
    mapping = {"amount": "unit_amount"}
    p = prepare_bytes((csv + "a,3,months,300,2026-01-01,\n").encode(), kind="revenue", mapping=mapping,
                      as_of=dt.date(2026, 2, 28))
    assert p.mapping["interval"] == "plan_interval_unit" and p.mapping["interval_count"] == "plan_interval_length"
    assert [float(x) for x in p.rows.mrr] == [100.0, 100.0]
    with pytest.raises(InvalidValuesError, match=r"Column 'plan_interval_unit'.*row 3: 'days'"):
        prepare_bytes((csv + "a,3,months,300,2026-01-01,\nb,1,days,10,2026-01-01,\n").encode(), kind="revenue",
                      mapping=mapping, as_of=dt.date(2026, 2, 28))


def test_a_bad_interval_count_is_refused_by_row():
    csv = "customer,date,amount,interval,interval_count\na,2026-01-01,600,month,6\nb,2026-01-01,10,month,x\n" \
          "c,2026-01-01,10,month,0\nd,2026-01-01,10,month,2.5\ne,2026-01-01,10,month,\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(csv.encode(), kind="revenue")
    problems = {p.reason: [c.row for c in p.cells] for p in err.value.report.problems}
    assert problems == {"are not numbers (a count of intervals)": [3],
                        "are not whole numbers from 1 to 120 (how many intervals one amount pays for)": [4, 5]}


def test_invoice_lines_every_six_months_are_spread_over_six_months():
    """An invoice line of 600 for 'month' × 6 on 1 Jan 2026 pays for Jan–Jun: 100 a month, through the as-of month."""
    csv = "customer,date,amount,interval,interval_count\na,2026-01-10,600,month,6\n"
    p = prepare_bytes(csv.encode(), kind="revenue", as_of=dt.date(2026, 8, 31))
    rows = {r.month.strftime("%Y-%m"): float(r.mrr) for r in p.rows.itertuples()}
    assert rows == {f"2026-{k:02d}": 100.0 for k in range(1, 7)}
    question = next(q for q in p.questions if q.key == "billed_for:interval")
    assert "1 invoice line billed for 2 to 6 months" in question.detail


def test_a_count_without_an_interval_is_refused():
    from metrics.errors import InvalidOptionError
    with pytest.raises(InvalidOptionError, match="no column is the billing interval"):
        prepare_bytes(b"customer,date,amount,n\na,2026-01-10,600,6\n", kind="revenue",
                      mapping={"interval_count": "n"})


def test_a_coupon_on_a_subscription_is_stated_not_silently_taken_as_billed():
    """Stripe's subscription list names a coupon, not what it takes off: MRR stays the price (100 + 100), and the
    warning says it is before that discount. A subscription list without coupons says nothing of the kind."""
    csv = ("id,Customer ID,Plan,Quantity,Interval,Amount,Status,Start (UTC),Coupon,Ended At (UTC)\n"
           "sub_1,cus_a,pro,1,month,100,active,2026-01-01,SAVE20,\nsub_2,cus_b,pro,1,month,100,active,2026-01-01,,\n")
    units = {"amount_unit:Amount": "units"}  # whole amounts beside 'cus_' ids: asked (Stripe's API writes cents)
    p = prepare_bytes(csv.encode(), kind="revenue", as_of=dt.date(2026, 1, 31), answers=units)
    assert sorted(float(x) for x in p.rows.mrr) == [100.0, 100.0]
    assert ("1 subscription has a coupon or discount in 'Coupon': MRR here is 'Amount' before it" in
            "\n".join(p.warnings))
    plain = prepare_bytes(csv.replace("SAVE20", "").encode(), kind="revenue", as_of=dt.date(2026, 1, 31),
                          answers=units)
    assert not any("coupon" in w for w in plain.warnings)


def test_paddle_billing_cycle_interval_and_frequency_are_mapped():
    """Paddle writes a subscription's cycle as billing_cycle.interval (month, year) and billing_cycle.frequency (a
    count): 300 every 3 months is 100 a month."""
    m = detect_mapping("revenue", ["id", "customer_id", "status", "billing_cycle.interval",
                                   "billing_cycle.frequency", "amount", "started_at", "canceled_at"])
    assert m["interval"] == "billing_cycle.interval" and m["interval_count"] == "billing_cycle.frequency"
    csv = ("id,customer_id,status,billing_cycle.interval,billing_cycle.frequency,amount,started_at,canceled_at\n"
           "sub_1,ctm_1,active,month,3,300,2026-01-01,\n")
    p = prepare_bytes(csv.encode(), kind="revenue", as_of=dt.date(2026, 2, 28))
    assert [float(x) for x in p.rows.mrr] == [100.0, 100.0]


def test_the_recommend_question_is_the_nps_score_not_a_generic_score_column():
    """Typeform adds a calculator 'score' column beside the questions; a Google Forms quiz a 'Score' ('0 / 0').
    The question that asks for the recommendation is the NPS. Read as 'score', this file was NPS −85 (its scores
    1–8); the recommend answers 10, 9, 9, 6 give 2 promoters and 1 detractor of 4: +25. Typeform's '#' is the
    response token that tells an answer in two exports apart."""
    question = "How likely are you to recommend Acme to a friend or colleague?"
    header = ["#", question, "Which plan are you on?", "score", "Submit Date (UTC)", "Network ID"]
    mapping = detect_mapping("nps", header)
    assert mapping["score"] == question and mapping["response_id"] == "#" and "customer_id" not in mapping
    rows = "".join(f"tok{i},{s},Pro,{k},2026-02-0{i + 1} 08:01:02,n{i}\n"
                   for i, (s, k) in enumerate([(10, 3), (9, 5), (9, 1), (6, 8)]))
    p = prepare_bytes((",".join(header) + "\n" + rows).encode(), kind="nps")
    assert sorted(p.rows.score) == [6, 9, 9, 10] and list(p.rows.response_id) == ["tok0", "tok1", "tok2", "tok3"]
    quiz = ["Timestamp", "Email Address", "Score", "How likely is it that you would recommend Acme to a friend?"]
    assert detect_mapping("nps", quiz)["score"] == quiz[3]
    # a follow-up that asks why is text, not the score; with no recommend question a plain 'Score' is read
    assert detect_mapping("nps", ["Score", "Why would you recommend us?", "Date"])["score"] == "Score"
    assert detect_mapping("nps", ["Score", "NPS", "Date"])["score"] == "Score"  # as before: no question here


def test_a_forms_row_number_is_the_response_id_never_a_customer():
    """Microsoft Forms numbers its responses 1, 2, 3 … in a column headed 'ID'. Read as the customer id, answer 1
    was linked to customer 1 of the customers file (a plausible wrong link). A column counting the rows in file
    order is the response id, said; ids that repeat or skip (a product's user id) stay the customer id."""
    header = ("ID,Start time,Completion time,Email,Name,How likely are you to recommend us to a friend or colleague?"
              "\n")
    rows = "".join(f"{i},2025-11-0{i} 09:01:12,2025-11-0{i} 09:03:40,p{i}@acme.com,P {i},{s}\n"
                   for i, s in [(1, 9), (2, 3), (3, 10), (4, 7)])
    p = prepare_bytes((header + rows).encode(), kind="nps")
    assert p.mapping["response_id"] == "ID" and "customer_id" not in p.mapping
    # the form's number, kept with the answer's time (another form's answer 1 is not this one: tests/store)
    assert list(p.rows.response_id) == [f"{i} at 2025-11-0{i} 09:03:40" for i in range(1, 5)]
    assert p.rows.customer_id.isna().all()
    assert any(w.startswith("'ID' numbers the rows 1 to 4 in order") for w in p.warnings)
    assert p.answers["row_counter:ID"] == "response"  # asked, proposed (the Data page maps every field itself)
    # the Data page's mapping step still shows 'Customer id = ID': the page says how the file was read instead
    shown = detect_mapping("nps", header.strip().split(","))
    assert shown["customer_id"] == "ID"
    assert session.read_otherwise("nps", shown, p) == "customer id: none; response id: 'ID'"
    # a user id that repeats and skips (the public survey-usage export's 'id') is a customer
    users = "id,score,surveyed_at\n1474,9,2025-02-01\n1129,10,2025-02-01\n1474,3,2025-03-01\n"
    p = prepare_bytes(users.encode(), kind="nps")
    assert p.mapping["customer_id"] == "id" and list(p.rows.customer_id) == ["1474", "1129", "1474"]
    # answered "customer ids", a counter is taken as said
    p = prepare_bytes((header + rows).encode(), kind="nps", answers={"row_counter:ID": "customer"})
    assert list(p.rows.customer_id) == ["1", "2", "3", "4"]


def test_whole_number_ids_written_with_a_decimal_point_match_their_customer():
    """pandas writes an id column with one empty cell as 7.0, 12.0: compared as text with the customers file's 7
    and 12, no answer was linked. Read as 7 and 12, said; ids that are not all whole numbers are left as written."""
    data = b"customer_id,date,score\n7.0,2026-01-05,9\n12.0,2026-01-06,3\n,2026-01-07,8\n"
    p = prepare_bytes(data, kind="nps")
    assert list(p.rows.customer_id[:2]) == ["7", "12"] and pd.isna(p.rows.customer_id[2])
    assert any(w.startswith("2 customer ids in 'customer_id' are whole numbers written with '.0'") for w in p.warnings)
    kept = prepare_bytes(b"customer_id,date,score\n7.0,2026-01-05,9\nA-1,2026-01-06,3\n", kind="nps")
    assert list(kept.rows.customer_id) == ["7.0", "A-1"]


def test_ids_differing_only_in_capitals_or_punctuation_are_asked_and_read_as_one_customer():
    """'Acme Inc' pays 100 a month, and its last month is written 'ACME INC.': read apart, Acme churned and a new
    customer started (NRR 83%). Asked, proposed one customer; read as the most frequent spelling, said."""
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    rows = "".join(f"Acme Inc,{m},100\nBeta,{m},200\n" for m in months) + "ACME INC.,2026-01,100\nBeta,2026-01,200\n"
    data = ("customer,month,mrr\n" + rows).encode()
    p = prepare_bytes(data, kind="revenue")
    assert sorted(set(p.rows.customer_id)) == ["Acme Inc", "Beta"]
    q = next(q for q in p.questions if q.key == "one_spelling:customer")
    assert q.proposal == "one" and not q.must_confirm
    assert any("read as that customer ('Acme Inc' / 'ACME INC.')" in w for w in p.warnings)
    p = prepare_bytes(data, kind="revenue", answers={"one_spelling:customer": "separate"})
    assert sorted(set(p.rows.customer_id)) == ["ACME INC.", "Acme Inc", "Beta"]


def test_ids_whose_separators_stand_elsewhere_are_asked_and_kept_apart_until_confirmed():
    """'12-3' pays 100 and '1-23' 200 a month: the same digits, the dash elsewhere, two customers. They were read as
    one by the proposal, unasked: '1-23' at 300 a month. Asked now, must be confirmed, proposed 'separate';
    'separate' keeps 100, 200 and A-7's 10; 'one' still merges (300), said."""
    data = (b"customer_id,month,mrr\n12-3,2026-01,100\n1-23,2026-01,200\n12-3,2026-02,100\n1-23,2026-02,200\n"
            b"A-7,2026-01,10\nA-7,2026-02,10\n")
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, kind="revenue")
    q = next(q for q in asked.value.questions if q.key == "one_spelling:customer_id")
    assert q.must_confirm and q.proposal == "separate" and "'1-23' / '12-3'" in q.detail
    p = prepare_bytes(data, kind="revenue", answers={"one_spelling:customer_id": "separate"})
    assert by_month(p) == {("12-3", "2026-01"): 100, ("1-23", "2026-01"): 200, ("12-3", "2026-02"): 100,
                           ("1-23", "2026-02"): 200, ("A-7", "2026-01"): 10, ("A-7", "2026-02"): 10}
    p = prepare_bytes(data, kind="revenue", answers={"one_spelling:customer_id": "one"})
    assert by_month(p)[("1-23", "2026-01")] == 300


def test_record_ids_in_other_capitals_are_asked_even_when_one_has_no_capital():
    """Salesforce's '0015g00000ABCDE' (100) and '0015g00000abcde' (200) are two accounts; the safeguard read only ids
    mixing both cases, so the lower-case one let them be merged unasked (300 under one id). Asked, must confirm."""
    data = (b"Account ID,month,mrr\n0015g00000ABCDE,2026-01,100\n0015g00000abcde,2026-01,200\n"
            b"0015g00000ABCDE,2026-02,100\n0015g00000abcde,2026-02,200\n")
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, kind="revenue")
    q = next(q for q in asked.value.questions if q.key == "one_spelling:Account ID")
    assert q.must_confirm and q.proposal == "separate" and "Salesforce's 15-character ids" in q.detail
    p = prepare_bytes(data, kind="revenue", answers={"one_spelling:Account ID": "separate"})
    assert by_month(p)[("0015g00000abcde", "2026-02")] == 200 and by_month(p)[("0015g00000ABCDE", "2026-02")] == 100


def test_a_customers_list_with_two_spellings_names_both_and_the_answer():
    """A customers list with '12-3' and '1-23' was refused as "row 3: '1-23' repeats an earlier row's customer id"
    (no earlier row holds '1-23'), and no question said how to keep them apart. Now asked (must confirm);
    'separate' stores three customers; 'one' refuses, naming both spellings and the answer that keeps them apart.
    'Acme' / 'ACME' (same words, no digits) is still proposed one, so refused the same way, unasked."""
    data = b"customer_id,signup_date,churn_date\n12-3,2025-01-01,\n1-23,2025-02-01,2025-12-01\nA-7,2025-01-01,\n"
    with pytest.raises(NeedsAnswerError) as asked:
        prepare_bytes(data, kind="customers")
    assert next(q for q in asked.value.questions if q.key == "one_spelling:customer_id").proposal == "separate"
    p = prepare_bytes(data, kind="customers", answers={"one_spelling:customer_id": "separate"})
    assert sorted(p.rows.customer_id) == ["1-23", "12-3", "A-7"]
    with pytest.raises(InvalidValuesError) as refused:
        prepare_bytes(data, kind="customers", answers={"one_spelling:customer_id": "one"})
    assert "('1-23' / '12-3')" in str(refused.value) and "one_spelling:customer_id=separate" in str(refused.value)
    with pytest.raises(InvalidValuesError) as refused:
        prepare_bytes(b"customer_id,signup_date\nAcme,2025-01-01\nACME,2025-02-01\n", kind="customers")
    assert "('ACME' / 'Acme')" in str(refused.value) and "one_spelling:customer_id=separate" in str(refused.value)


def test_email_ids_are_read_in_lower_case():
    data = b"Email,signup_date\nAnn.A@X.com,2023-01-01\nbob@x.com,2023-02-01\n"
    p = prepare_bytes(data, kind="customers", mapping={"customer_id": "Email"})
    assert list(p.rows.customer_id) == ["ann.a@x.com", "bob@x.com"]
    assert any(w.startswith("1 customer id in 'Email' is an email address with capitals") for w in p.warnings)
    # a duplicate that differs only in case is one customer twice
    with pytest.raises(DuplicateRowsError, match="1 duplicate customer ids in column .Email.") as err:
        prepare_bytes(data + b"ann.a@x.com,2023-03-01\n", kind="customers", mapping={"customer_id": "Email"})
    # not "remove duplicates" alone: which row to keep for a customer who came back, and what is then not counted
    assert "If a customer left and came back, keep the row of their latest start" in str(err.value)


def test_a_stripe_plan_billed_every_three_months_is_refused_not_read_as_monthly():
    """Stripe's subscription export has 'Interval' but not its count: 'Pro, billed every 3 months' at 300.00 says
    'month', and read so its MRR was 300 instead of 100. Its current period (3 months) shows it: refused by row."""
    header = ("Customer ID,Interval,Amount,Status,Start (UTC),Current Period Start (UTC),Current Period End (UTC),"
              "Ended At (UTC)\n")
    rows = ("cus_1,month,20.00,active,2024-01-01 09:00,2024-06-01 09:00,2024-07-01 09:00,\n"
            "cus_2,year,1200.00,active,2023-09-12 09:00,2023-09-12 09:00,2024-09-12 09:00,\n"
            "cus_9,month,300.00,active,2024-01-10 09:00,2024-04-10 09:00,2024-07-10 09:00,\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes((header + rows).encode(), "revenue", as_of=dt.date(2024, 6, 30))
    problem = err.value.report.problems[0]
    assert problem.column == "Interval" and [c.row for c in problem.cells] == [4]
    assert "current period ('Current Period Start (UTC)' to 'Current Period End (UTC)') covers several" in \
        problem.reason
    # without that row: 20 + 1200 ÷ 12 = 120 in June
    ok = prepare_bytes((header + rows.rsplit("cus_9", 1)[0]).encode(), "revenue", as_of=dt.date(2024, 6, 30))
    assert sum(float(r.mrr) for r in ok.rows.itertuples() if f"{r.month:%Y-%m}" == "2024-06") == 120.0


def test_invoice_exports_net_of_tax_and_refunds():
    """Hand figures per month from a helper's files. Chargebee: 'Amount' is the total with its 'Tax' ('Amount Paid'
    was read: tax kept, and an open invoice's 0 paid read as churn): 120 − 20 = 100. Xero: 'Total' less 'TaxTotal'
    (not read as a tax: VAT kept in MRR). Stripe payments: 'Amount Refunded' subtracted (200 with 100 back is 100).
    A month given by hand no longer drops the tax that only an invoice file has (Lemon Squeezy: 5998 − 999)."""
    chargebee = (b"Invoice Number,Invoice Date,Customer Id,Status,Amount,Tax,Amount Paid,Amount Adjusted,"
                 b"Credits Applied,Amount Due\n1,2025-01-02,cb1,Paid,120.00,20.00,120.00,0,0,0\n"
                 b"2,2025-02-02,cb1,Payment Due,120.00,20.00,0.00,0,0,120.00\n")
    p = prepare_bytes(chargebee, kind="revenue")
    assert (p.mapping["amount"], p.mapping["tax"]) == ("Amount", "Tax")
    assert [float(x) for x in p.rows.mrr] == [100.0, 100.0]
    xero = b"ContactName,InvoiceDate,Total,TaxTotal,Status\nAcme,2025-01-05,120.00,20.00,PAID\n"
    # a single month asks whether the lines bill every month (one month shows no gap): answered
    p = prepare_bytes(xero, kind="revenue", mapping={"customer_id": "ContactName"},
                      answers={"recurring:Total": "monthly"})
    assert p.mapping["tax"] == "TaxTotal" and [float(x) for x in p.rows.mrr] == [100.0]
    stripe = (b"id,Created (UTC),Amount,Amount Refunded,Status,Customer ID\n"
              b"ch_1,2025-03-02 12:00:00,100.00,0.00,Paid,cus_A\nch_2,2025-03-03 12:00:00,200.00,100.00,Paid,cus_B\n")
    p = prepare_bytes(stripe, kind="revenue", mapping={"month": "Created (UTC)"},
                      answers={"recurring:Amount": "monthly"})
    assert p.mapping["refunded"] == "Amount Refunded" and [float(x) for x in p.rows.mrr] == [100.0, 100.0]
    assert any(w.startswith("1 line has refunds in 'Amount Refunded' (100.00 in all") for w in p.warnings)
    # a failed charge's refund is no refund of revenue: its line is left out, so is its refund from the total said
    failed = stripe + b"ch_3,2025-03-04 12:00:00,300.00,300.00,Failed,cus_C\n"
    p = prepare_bytes(failed, kind="revenue", mapping={"month": "Created (UTC)"},
                      answers={"recurring:Amount": "monthly"})
    assert [float(x) for x in p.rows.mrr] == [100.0, 100.0]
    assert any(w.startswith("1 line has refunds in 'Amount Refunded' (100.00 in all") for w in p.warnings)
    lemon = b"order_number,customer_id,status,subtotal,tax,total,created_at\n1,c1,paid,4999,999,5998,2025-01-11\n"
    p = prepare_bytes(lemon, kind="revenue", mapping={"month": "created_at"}, answers={"recurring:total": "monthly"})
    assert (p.mapping["amount"], p.mapping["tax"]) == ("total", "tax") and [float(x) for x in p.rows.mrr] == [4999]


def test_paddle_billing_api_totals_ask_whether_they_are_cents():
    """Paddle Billing's API writes 'details.totals.total' in the lowest unit (3599 for 35.99), not multiples of 100:
    read as units, MRR was 36,992 for 369.92. Asked, must confirm."""
    data = (b"id,status,customer_id,billed_at,details.totals.tax,details.totals.total\n"
            b"txn_1,completed,ctm_1,2025-01-11T10:00:00Z,600,3599\ntxn_2,completed,ctm_2,2025-01-12T10:00:00Z,0,1999\n")
    with pytest.raises(NeedsAnswerError, match="Are the amounts in 'details.totals.total' in currency units or in"):
        prepare_bytes(data, kind="revenue")
    p = prepare_bytes(data, kind="revenue", answers={"amount_unit:details.totals.total": "cents",
                                                     "recurring:details.totals.total": "monthly"})
    assert sorted(float(x) for x in p.rows.mrr) == [19.99, 29.99]


def test_quickbooks_payments_are_not_revenue_beside_their_invoices():
    """QuickBooks' transaction list holds each invoice and the payment that settles it: both were summed (2,000 for
    1,000), under two 'customers' read from the ledger 'Account'. 'Name' is the customer; payments are left out."""
    data = (b"Date,Transaction type,Num,Name,Memo/Description,Account,Amount\n"
            b"2025-01-03,Invoice,1001,Acme Corp,Monthly,Accounts Receivable (A/R),500.00\n"
            b"2025-01-05,Payment,,Acme Corp,,Undeposited Funds,500.00\n"
            b"2025-01-04,Invoice,1002,Bolt Inc,Monthly,Accounts Receivable (A/R),300.00\n")
    p = prepare_bytes(data, kind="revenue", answers={"recurring:Amount": "monthly"})  # one month: asked
    assert (p.mapping["customer_id"], p.mapping["status"]) == ("Name", "Transaction type")
    assert sorted((r.customer_id, float(r.mrr)) for r in p.rows.itertuples()) == [("Acme Corp", 500.0),
                                                                                  ("Bolt Inc", 300.0)]
    assert any("left out, by status: payment 1" in w for w in p.warnings)


def test_an_activities_export_is_refused_not_read_as_monthly_lines():
    """ChartMogul's activities give a customer's MRR only when it changes: read as lines, the months between were
    no revenue and a churn (NRR 33% for 100%)."""
    data = (b"Date,Customer name,Customer UUID,Activity type,Plan,MRR movement,MRR,Currency\n"
            b"2024-01-10,Acme,cus_001,new_biz,Pro,500.00,500.00,USD\n2024-06-10,Acme,cus_001,expansion,Pro,100.00,"
            b"600.00,USD\n")
    with pytest.raises(InvalidOptionError, match="This is an activities export"):
        prepare_bytes(data, kind="revenue", mapping={"customer_id": "Customer UUID"})


def test_xero_invoice_lines_read_their_line_amounts_and_credit_notes_as_credits():
    """Xero's export has one row per invoice line, each repeating the invoice's 'Total' (with tax) beside its own
    'LineAmount' and 'TaxAmount'. Read as 'Total', Beta's two-line invoice of 150 counted 180 + 180 − 30 = 330; its
    credit note (positive, 'Sales credit note' in 'Type') was revenue. Hand: February 200 + 150 = 350 without tax;
    March 200 − 50 = 150."""
    data = (b"ContactName,InvoiceNumber,InvoiceDate,Total,TaxTotal,LineAmount,TaxAmount,Type,Status\n"
            b"Acme,INV-1,2025-02-03,240.00,40.00,200.00,40.00,Sales invoice,PAID\n"
            b"Beta,INV-2,2025-02-04,180.00,30.00,100.00,20.00,Sales invoice,PAID\n"
            b"Beta,INV-2,2025-02-04,180.00,30.00,50.00,10.00,Sales invoice,PAID\n"
            b"Acme,INV-3,2025-03-03,240.00,40.00,200.00,40.00,Sales invoice,PAID\n"
            b"Acme,CN-1,2025-03-10,60.00,10.00,50.00,10.00,Sales credit note,PAID\n")
    p = prepare_bytes(data, kind="revenue", mapping={"customer_id": "ContactName"},
                      answers={"credits:LineAmount": "net", "recurring:LineAmount": "monthly"})
    assert p.mapping["amount"] == "LineAmount" and "tax" not in p.mapping
    by_month = {}
    for r in p.rows.itertuples():
        by_month[f"{r.month:%Y-%m}"] = by_month.get(f"{r.month:%Y-%m}", 0) + float(r.mrr)
    assert by_month == {"2025-02": 350.0, "2025-03": 150.0}
    assert any(w.startswith("1 line whose 'Type' says credit note, refund or reversal carries a positive 'LineAmount'")
               for w in p.warnings)


def test_survey_previews_tests_and_spam_are_left_out():
    """Qualtrics marks previews, tests and spam in 'Status'; counted, they moved NPS from +33.3 (n 30) to +14.3 (n 35).
    Hand: 2 promoters, 1 detractor of 4 real answers = +25."""
    data = (b"ResponseId,Status,RecordedDate,Q1_NPS\nR1,IP Address,2026-01-05,10\nR2,IP Address,2026-01-06,9\n"
            b"R3,Survey Preview,2026-01-06,0\nR4,IP Address,2026-01-07,3\nR5,Spam,2026-01-07,0\n"
            b"R6,IP Address,2026-01-08,8\n")
    p = prepare_bytes(data, kind="nps", mapping={"score": "Q1_NPS"}, answers={"scale:Q1_NPS": "0-10"})
    assert sorted(p.rows.score) == [3, 8, 9, 10]
    assert any(w.startswith("2 responses whose 'Status' says survey preview (1), spam (1) were left out")
               for w in p.warnings)


def test_alchemer_disqualified_responses_are_left_out_partial_ones_count():
    """Alchemer (SurveyGizmo): 'Disqualified' responses were screened out by the survey and are no answer (counted,
    NPS −20 for +33.3); a 'Partial' response gave its score and counts. Hand: 10, 9 promoters, 2 a detractor."""
    data = (b"Response ID,Date Submitted,Status,How likely is it that you would recommend us to a friend?\n"
            b"1,2026-01-05 10:02:00,Complete,10\n2,2026-01-06 10:02:00,Complete,9\n"
            b"3,2026-01-07 10:02:00,Disqualified,0\n4,2026-01-08 10:02:00,Disqualified,0\n"
            b"5,2026-01-09 10:02:00,Partial,2\n")
    q = "How likely is it that you would recommend us to a friend?"
    p = prepare_bytes(data, kind="nps", answers={f"scale:{q}": "0-10"})
    assert sorted(p.rows.score) == [2, 9, 10]
    assert any(w.startswith("2 responses whose 'Status' says disqualified (2) were left out") for w in p.warnings)


def test_medallia_survey_status_test_rows_are_left_out():
    data = (b"Account ID,Response Date,Survey Status,Likelihood to Recommend\nA1,2026-01-05,Completed,10\n"
            b"A2,2026-01-06,Completed,9\nA3,2026-01-07,Test,0\nA4,2026-01-08,Completed,3\n")
    p = prepare_bytes(data, kind="nps", answers={"scale:Likelihood to Recommend": "0-10"})
    assert sorted(p.rows.score) == [3, 9, 10]


@pytest.mark.parametrize("header, n", [("How satisfied were you? (1-3)", 4), ("Satisfaction", 30)])
def test_a_three_point_scale_is_refused(header, n):
    """Three smileys answered 1–3: read as 1–5 no answer was satisfied (CSAT 0% for 50% top box). Refused when the
    header says 1-3, or when 30 answers never go above 3."""
    rows = "".join(f"r{i},2026-01-{1 + i % 28:02d},{1 + i % 3}\n" for i in range(n))
    data = f"Response ID,Date,{header}\n{rows}".encode()
    with pytest.raises(InvalidOptionError) as err:
        prepare_bytes(data, kind="csat", mapping={"score": header})
    assert "answered from 1 to 3 only" in str(err.value)


def test_hubspot_csat_answered_0_to_2_is_refused_at_any_count():
    """HubSpot's CSAT answers are 0, 1 and 2 (2 satisfied): read as 0–10, CSAT was 0% for 50%; no scale read here
    fits three points, so it is refused even on six answers."""
    rows = "".join(f"r{i},2026-01-{1 + i:02d},{i % 3}\n" for i in range(6))
    data = f"Record ID,Submission Timestamp,Value\n{rows}".encode()
    with pytest.raises(InvalidOptionError) as err:
        prepare_bytes(data, kind="csat", mapping={"score": "Value"})
    assert "answered from 0 to 2 only (6 answers)" in str(err.value) and "(2 = good, 0–1 = bad)" in str(err.value)


def test_a_response_id_twice_in_one_file_is_rejected_by_row():
    """A response exported again with its comment added later was counted twice (NPS 33.3 -> 42.9)."""
    data = b"Response ID,Date,Score,Comment\nr1,2026-01-05,10,\nr2,2026-01-05,3,\nr1,2026-01-05,10,great\n"
    with pytest.raises(DuplicateRowsError, match="1 duplicate response ids in column 'Response ID'; first at rows 4"):
        prepare_bytes(data, kind="nps")
    p = prepare_bytes(data, kind="nps", skip_invalid=True)
    assert list(p.rows.response_id) == ["r1", "r2"]


def test_two_recommend_questions_ask_which_is_the_nps():
    """'…recommend our support team…' before '…recommend Acme…': the first column was read, NPS −80 for the
    product's +33. Which one is the NPS is asked (must confirm); answered, that column is read."""
    team, acme = "How likely are you to recommend our support team?", "How likely are you to recommend Acme?"
    data = f"Respondent ID,Date,{team},{acme}\nr1,2026-01-05,2,10\nr2,2026-01-06,3,9\nr3,2026-01-07,1,4\n".encode()
    with pytest.raises(NeedsAnswerError, match="Several questions ask how likely they are to recommend"):
        prepare_bytes(data, kind="nps")
    p = prepare_bytes(data, kind="nps", answers={"score_column": acme})
    assert p.mapping["score"] == acme and sorted(p.rows.score) == [4, 9, 10]
