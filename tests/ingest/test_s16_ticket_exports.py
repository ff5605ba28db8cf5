"""German Zendesk / Freshdesk ticket exports and Zendesk's satisfaction-ratings export: figures worked out by hand.

German file (day-first dates, decimal-comma hours in 'Erste Antwortzeit (Std.)'):
  1 created 13.03. 09:00, solved 13.03. 15:00 ->  6 h, Gelöst,      'Gut, ich bin zufrieden'       satisfied
  2 created 14.03. 10:00, solved 16.03. 10:00 -> 48 h, Geschlossen, 'Schlecht, ich bin unzufrieden' not satisfied
  3 created 15.03. 08:00, solved 15.03. 20:00 -> 12 h, gelöst,      'Gut'                          satisfied
  4 open (Offen), survey 'Angeboten' (sent, unanswered); 5 pending (Wartend), no survey; 6 new (Neu), 'Nicht angeboten'
Median resolution: 6, 12, 48 -> 12 h. CSAT: 2 satisfied of 3 answers = 66.7 %. Response rate: 3 answered of the 4
offered (1, 2, 3, 4) = 75 %. First reply: 0,5 -> 0.5 h, 2 -> 2 h, 1,5 -> 1.5 h, 3 -> 3 h; median of the four 1.75 h.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidOptionError, NeedsAnswerError
from metrics.ingest.mapping import detect_kind, detect_mapping, normalise_header

GERMAN = """Ticket-ID,Erstellt,Gelöst,Status,Priorität,Anforderer,Anforderer-ID,Erste Antwortzeit (Std.),Zufriedenheit
1,13.03.2024 09:00,13.03.2024 15:00,Gelöst,Hoch,Müller GmbH,501,"0,5","Gut, ich bin zufrieden"
2,14.03.2024 10:00,16.03.2024 10:00,Geschlossen,Normal,Beta AG,502,2,"Schlecht, ich bin unzufrieden"
3,15.03.2024 08:00,15.03.2024 20:00,gelöst,Niedrig,Müller GmbH,501,"1,5",Gut
4,18.03.2024 09:00,,Offen,Hoch,Gamma KG,503,,Angeboten
5,19.03.2024 09:00,,Wartend,Normal,Beta AG,502,3,
6,20.03.2024 09:00,,Neu,Normal,Gamma KG,503,,Nicht angeboten
""".encode()


def test_umlauts_fold_as_german_writes_them_without():
    # before: 'Gelöst' -> 'gelst', 'Priorität' -> 'prioritt' (the letters dropped)
    assert normalise_header("Gelöst") == normalise_header("Geloest") == "geloest"
    assert normalise_header("Priorität") == "prioritaet"
    assert normalise_header("Straße") == "strasse"


def test_german_ticket_headers_map_without_asking():
    cols = GERMAN.decode().splitlines()[0].split(",")
    # before: {'ticket_id': 'Ticket-ID', 'status': 'Status'} and detect_kind refused (UnknownKindError)
    assert detect_kind(cols) == "tickets"
    assert detect_mapping("tickets", cols) == {
        "ticket_id": "Ticket-ID", "customer_id": "Anforderer-ID", "created_at": "Erstellt", "solved_at": "Gelöst",
        "first_reply_time": "Erste Antwortzeit (Std.)", "status": "Status", "priority": "Priorität",
        "satisfaction": "Zufriedenheit"}


def test_german_ticket_export_figures():
    p = prepare_bytes(GERMAN)  # kind detected, nothing asked
    assert p.kind == "tickets"
    rows = p.rows.set_index("ticket_id")
    assert rows["customer_id"].tolist() == ["501", "502", "501", "503", "502", "503"]
    assert rows["status"].tolist() == ["solved", "closed", "solved", "open", "pending", "new"]
    assert rows["created_at"].iloc[0] == pd.Timestamp("2024-03-13 09:00")  # day first: 13 is no month
    assert rows["resolution_hours"].tolist()[:3] == pytest.approx([6.0, 48.0, 12.0])
    assert rows["resolution_hours"].median() == pytest.approx(12.0)
    # '(Std.)' is hours; decimal commas
    assert rows["first_reply_hours"].tolist() == pytest.approx([0.5, 2.0, 1.5, float("nan"), 3.0, float("nan")],
                                                               nan_ok=True)
    assert rows["first_reply_hours"].median() == pytest.approx(1.75)
    assert rows["csat_satisfied"].tolist() == [True, False, True, pd.NA, pd.NA, pd.NA]
    satisfied = rows["csat_satisfied"].dropna()
    assert round(100 * satisfied.mean(), 1) == 66.7  # 2 of 3
    assert rows["csat_scale"].tolist()[:3] == ["good/bad"] * 3
    assert rows["csat_offered"].tolist() == [True, True, True, True, pd.NA, False]
    assert rows["csat_offered"].dropna().sum() == 4 and satisfied.size / 4 == 0.75
    assert rows["priority"].tolist() == ["hoch", "normal", "niedrig", "hoch", "normal", "normal"]


def test_german_unknown_status_and_rating_are_asked_or_refused_not_dropped():
    data = GERMAN.replace(b"Wartend", b"In Pruefung").replace(b",Gut\n", b",Vielleicht\n")
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(data, "tickets")
    assert [q.key for q in err.value.questions] == ["ticket_status:in pruefung"]
    with pytest.raises(Exception) as err:  # an unreadable rating is refused naming its column, never dropped
        prepare_bytes(data, "tickets", answers={"ticket_status:in pruefung": "pending"})
    assert "Zufriedenheit" in str(err.value) and "satisfaction" in str(err.value)


def test_freshdesk_german_statuses():
    data = ("Ticket-ID,Erstellt,Gelöst,Status,Priorität\n"
            "1,13.03.2024 09:00,,Ausstehend,Hoch\n2,13.03.2024 09:00,,Warten auf Kunden,Hoch\n"
            "3,13.03.2024 09:00,,Angehalten,Hoch\n4,13.03.2024 09:00,14.03.2024 09:00,GELÖST,Hoch\n").encode()
    p = prepare_bytes(data, "tickets")
    assert p.rows["status"].tolist() == ["pending", "pending", "hold", "solved"]
    assert p.rows["resolution_hours"].tolist()[3] == pytest.approx(24.0)


RATINGS = b"""id,ticket_id,requester_id,assignee_id,score,comment,created_at,updated_at
9001,101,501,7,good,Thanks,2024-03-04T10:00:00Z,2024-03-04T10:00:00Z
9002,102,502,7,bad,,2024-03-05T10:00:00Z,2024-03-05T10:00:00Z
9003,103,501,8,good,,2024-03-06T10:00:00Z,2024-03-06T10:00:00Z
"""


def test_satisfaction_ratings_customer_is_the_requester_not_the_ratings_id():
    cols = RATINGS.decode().splitlines()[0].split(",")
    # before: customer_id -> 'id' (9001, 9002, 9003: three customers); now the requester (501 twice, 502)
    for kind in ("csat", "nps", "tickets"):
        assert detect_mapping(kind, cols)["customer_id"] == "requester_id"
    p = prepare_bytes(RATINGS, "csat")
    assert p.rows["customer_id"].tolist() == ["501", "502", "501"]
    assert p.rows["customer_id"].nunique() == 2
    assert p.rows["response_id"].tolist() == ["101", "102", "103"]  # the rated ticket
    # Good, bad, good: CSAT 2 of 3 = 66.7 %
    assert round(100 * p.rows["satisfied"].mean(), 1) == 66.7


def test_bare_id_beside_another_records_id_is_not_the_customer():
    # no requester column: the rating's own id is no customer (left unmapped, not guessed)
    assert "customer_id" not in detect_mapping("csat", ["id", "ticket_id", "score", "created_at"])
    assert "customer_id" not in detect_mapping("nps", ["id", "Survey ID", "score", "date"])
    # an organization is preferred, as the ticket rules prefer it
    assert detect_mapping("csat", ["id", "ticket_id", "organization_id", "requester_id", "score", "created_at"]
                          )["customer_id"] == "organization_id"
    # alone, a bare id is still the customer's (nps_survey_usage: is_admin, id, score, ...); 'amount_paid' is no id
    assert detect_mapping("nps", ["is_admin", "id", "score", "created_at"])["customer_id"] == "id"
    assert detect_mapping("revenue", ["id", "amount_paid", "date"])["customer_id"] == "id"
    # a customers file's rows are customers: its id is theirs beside a plan_id
    assert detect_mapping("customers", ["id", "plan_id", "start_date"])["customer_id"] == "id"


def test_satisfaction_ratings_uploaded_as_tickets_are_refused_not_counted_as_tickets():
    # before: 3 "tickets" created 4, 5 and 6 March 2024 (the rating dates), their good/bad scores lost
    with pytest.raises(InvalidOptionError, match=r"own \('id'\) and names a ticket in 'ticket_id'.*CSAT answers"):
        prepare_bytes(RATINGS, "tickets")
    # a tickets export with an id of its own and a ticket reference still reads when it has a ticket's status
    p = prepare_bytes(b"id,ticket_id,requester_id,status,created_at\n1,101,501,open,2024-03-04T10:00:00Z\n"
                      b"2,102,502,solved,2024-03-05T10:00:00Z\n", "tickets")
    assert sorted(p.rows["ticket_id"]) == ["101", "102"]


@pytest.mark.parametrize("extra, said", [(b"", "1 rows are not answers and were skipped: 1 Offered"),
                                         (b"t4,2026-01-08,Offered\n", "2 rows are not answers and were skipped: 2 "
                                                                       "Offered")])
def test_german_offered_is_skipped_and_said_like_offered(extra, said):
    # 'Angeboten' (sent, not answered) is no answer: it was stored as an answer with no score, or deleted beside an
    # 'Offered' row while the warning counted 1 of the 2 rows left out
    p = prepare_bytes(b"ticket,date,satisfaction\nt1,2026-01-05,Good\nt2,2026-01-06,Bad\nt3,2026-01-07,Angeboten\n"
                      + extra, "csat", answers={"scale:satisfaction": "good-bad"})
    assert p.rows["score"].tolist() == [1, 0]
    assert p.warnings[0].startswith(said)
