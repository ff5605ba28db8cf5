"""Ordinary files that the rules for other tools' exports must leave as they were: a helper loaded each against the
rules added for NetSuite, Chargebee's reversals, SurveyMonkey's words, Typeform's calculator score, Alchemer's
comments, Recurly's 'state' and Retently's survey type, and found a wrong figure or a needless question. Figures
worked out by hand."""

import datetime as dt

from conftest import by_month, prepare_bytes

from metrics.ingest.mapping import detect_mapping


def cols(text: str) -> list[str]:
    return text.splitlines()[0].split(",")


def test_a_product_name_and_a_sales_account_beside_a_customer_column_are_no_ledger():
    """'Name' is the product and 'Account' the sales account beside 'Customer': the products were the customers."""
    data = ("Customer,Date,Type,Name,Account,Amount\n"
            "Acme Corp,2026-09-03,Invoice,Pro Plan,4000 Sales,500\n"
            "Beta LLC,2026-09-10,Invoice,Pro Plan,4000 Sales,300\n"
            "Acme Corp,2026-10-03,Invoice,Pro Plan,4000 Sales,500\n"
            "Beta LLC,2026-10-10,Invoice,Starter Plan,4000 Sales,300\n")
    assert detect_mapping("revenue", cols(data))["customer_id"] == "Customer"
    p = prepare_bytes(data.encode(), kind="revenue")
    assert by_month(p) == {("Acme Corp", "2026-09"): 500.0, ("Acme Corp", "2026-10"): 500.0,
                           ("Beta LLC", "2026-09"): 300.0, ("Beta LLC", "2026-10"): 300.0}


def test_an_analysts_account_name_and_deal_type_are_no_ledger():
    """Account (the customer), Name (a contact), Type (New Business, Renewal): read as a ledger, the contacts were
    customers and a contact change a churn."""
    data = ("Account,Name,Type,Month,MRR\nAcme Corp,Jane Doe,New Business,2026-09,500\n"
            "Beta LLC,John Roe,New Business,2026-09,300\nBeta LLC,Mary Poe,Renewal,2026-10,300\n")
    m = detect_mapping("revenue", cols(data))
    assert m["customer_id"] == "Account" and "status" not in m


def test_a_cancelled_reversal_is_money_back_not_a_credit():
    """PayPal's 'Cancellation of Payment Reversal' (+200) returns a reversed payment: made negative, Beta's November
    was 0 for 400. Hand: 400 + (−200 in October, +200 back in November)."""
    data = ("Date,Time,TimeZone,Name,Type,Status,Currency,Gross,Fee,Net,From Email Address,Transaction ID\n"
            "10/05/2026,10:00:00,PDT,Beta LLC,Subscription Payment,Completed,USD,400.00,-12.00,388.00,ap@beta.com,1A\n"
            "10/20/2026,10:00:00,PDT,Beta LLC,Payment Reversal,Completed,USD,-200.00,0.00,-200.00,ap@beta.com,5A\n"
            "11/02/2026,10:00:00,PDT,Beta LLC,Cancellation of Payment Reversal,Completed,USD,200.00,0.00,200.00,"
            "ap@beta.com,6A\n"
            "11/05/2026,10:00:00,PDT,Beta LLC,Subscription Payment,Completed,USD,400.00,-12.00,388.00,ap@beta.com,7A\n")
    p = prepare_bytes(data.encode(), kind="revenue", mapping={"customer_id": "From Email Address"},
                      answers={"credits:Gross": "net", "recurring:Gross": "monthly"})
    assert by_month(p) == {("ap@beta.com", "2026-10"): 200.0, ("ap@beta.com", "2026-11"): 600.0}


def test_qualtrics_five_point_satisfaction_keeps_its_top_two_boxes():
    """Qualtrics' Extremely / Somewhat satisfied / Neither / Somewhat / Extremely dissatisfied: its top two are
    extremely and somewhat satisfied (read as SurveyMonkey's other form, 2 of 6 for 4)."""
    answers = ["Extremely satisfied", "Somewhat satisfied", "Somewhat satisfied", "Neither satisfied nor dissatisfied",
               "Somewhat dissatisfied", "Extremely satisfied"]
    data = "ResponseId,RecordedDate,How satisfied are you with our support?\n" + "".join(
        f"R_{i},2026-11-0{i + 1} 10:00:00,{a}\n" for i, a in enumerate(answers))
    p = prepare_bytes(data.encode(), kind="csat",
                      answers={"scale:How satisfied are you with our support?": "good-bad"})
    assert int(p.rows.satisfied.sum()) == 4


def test_a_reason_category_does_not_take_the_comments_place():
    data = ("Response ID,Email,Date,How likely are you to recommend us?,Primary reason for contacting us,Comments\n"
            "1,a@x.com,2026-11-01,10,Billing,Love the product\n")
    assert detect_mapping("nps", cols(data))["comment"] == "Comments"


def test_a_rating_beside_a_date_or_a_yes_no_named_for_satisfaction_stays_the_csat():
    """'Satisfaction Survey Sent At' (a date) and 'Satisfied?' (yes/no) are no satisfaction question: the 'Rating'
    beside them was passed over and the files refused."""
    assert detect_mapping("csat", ["Ticket ID", "Satisfaction Survey Sent At", "Rated At", "Rating"])["score"] == \
        "Rating"
    assert detect_mapping("csat", ["Response ID", "Date", "Agent", "Rating", "Satisfied?"])["score"] == "Rating"


def test_a_us_state_is_no_subscription_status():
    """'State' (CA, NY, TX) was read as the status and its churned values asked, with nothing proposed."""
    assert "status" not in detect_mapping("customers", ["Customer ID", "Company", "State", "Start Date",
                                                        "Churn Date"])
    data = "Customer ID,Company,State,Start Date,Churn Date\nC1,Acme,CA,2025-01-10,\nC2,Beta,NY,2025-03-01,2026-06-30\n"
    p = prepare_bytes(data.encode(), kind="customers", as_of=dt.date(2026, 11, 23))
    assert len(p.rows) == 2


def test_campaigns_of_one_nps_survey_are_not_asked_about():
    """Two waves of one NPS survey in 'campaignName' asked which is the NPS survey, with nothing proposed."""
    data = ("id,email,score,comment,created_at,campaignName\n1,a@x.com,10,great,2026-11-01,Onboarding survey\n"
            "2,b@x.com,9,,2026-11-02,Onboarding survey\n3,c@x.com,4,bad,2026-11-03,Quarterly pulse\n")
    p = prepare_bytes(data.encode(), kind="nps", answers={"scale:score": "0-10"})
    assert len(p.rows) == 3
