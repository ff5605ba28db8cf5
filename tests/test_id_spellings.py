"""Customer ids spelt differently across files ('Acme Inc' in the customers file, 'ACME INC.' in revenue): linked as
text they never match, so health.id_spellings finds them for the CIO page to say so; nothing is merged."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics import health
from metrics.store import Workspace

CUSTOMERS = (b"customer_id,signup_date,churn_date,segment,region\n"
             b"Acme Inc,2025-01-15,,Enterprise,EMEA\nBeta Ltd,2025-01-10,,SMB,EMEA\nGamma,2025-01-01,,SMB,EMEA\n")
# 'ACME INC.' and 'beta-ltd' differ from a customers-file id only in case and punctuation (3 customer-months);
# 'Delta Co' is in no customers file at all (a genuine mismatch); 'Gamma' matches as written.
REVENUE = (b"customer_id,month,mrr\nACME INC.,2025-01,100\nACME INC.,2025-02,100\nbeta-ltd,2025-01,50\n"
           b"Gamma,2025-01,70\nDelta Co,2025-01,90\n")
# 'acme inc' differs only in case and a space; 'Gamma' matches; 'Zeta' is no customer.
NPS = (b"response_id,customer_id,responded_at,score\nr1,acme inc,2025-01-20,9\nr2,Gamma,2025-01-21,3\n"
       b"r3,Zeta,2025-01-22,7\n")

# one CSAT answer and one ticket each with an id spelt differently ('GAMMA', 'beta ltd!')
CSAT = b"survey_id,customer_id,answered_at,satisfaction\ns1,GAMMA,2025-01-20,4\ns2,Gamma,2025-01-21,5\n"
TICKETS = (b"ticket_id,organization_id,created_at,solved_at,status\n"
           b"1,beta ltd!,2025-01-05 10:00,2025-01-06 10:00,solved\n2,Gamma,2025-01-05 10:00,,open\n")


def _workspace(*files: tuple[str, bytes]) -> Workspace:
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(data, kind).to_upload() for kind, data in files])
    return ws


def test_ids_differing_only_in_case_or_punctuation_are_counted_per_kind():
    ws = _workspace(("customers", CUSTOMERS), ("revenue", REVENUE), ("nps", NPS))
    found = health.id_spellings(ws.cursor(), ws.snapshot())
    assert found["ids"] == {"revenue": 2, "nps": 1}
    assert found["rows"] == {"revenue": 3, "nps": 1}
    # revenue first, then NPS; 3 at most; the genuine mismatches (Delta Co, Zeta) are not listed
    assert found["examples"] == ["'ACME INC.' (revenue) = 'Acme Inc' (customers)",
                                 "'beta-ltd' (revenue) = 'Beta Ltd' (customers)",
                                 "'acme inc' (NPS) = 'Acme Inc' (customers)"]
    ws.close()


def test_nothing_found_when_ids_match_or_without_a_customers_file():
    ws = _workspace(("customers", CUSTOMERS), ("revenue", b"customer_id,month,mrr\nAcme Inc,2025-01,100\n"
                                                           b"Delta Co,2025-01,90\n"))
    assert health.id_spellings(ws.cursor(), ws.snapshot()) == {"ids": {}, "rows": {}, "examples": []}
    ws.close()
    ws = _workspace(("revenue", REVENUE), ("nps", NPS))
    assert health.id_spellings(ws.cursor(), ws.snapshot()) == {"ids": {}, "rows": {}, "examples": []}
    ws.close()


def test_csat_and_ticket_ids_are_checked_too():
    ws = _workspace(("customers", CUSTOMERS), ("csat", CSAT), ("tickets", TICKETS))
    found = health.id_spellings(ws.cursor(), ws.snapshot())
    assert found["ids"] == {"csat": 1, "tickets": 1}
    assert found["examples"] == ["'GAMMA' (CSAT) = 'Gamma' (customers)",
                                 "'beta ltd!' (tickets) = 'Beta Ltd' (customers)"]
    ws.close()


@pytest.mark.parametrize("limit", [1, 2])
def test_examples_are_capped(limit):
    ws = _workspace(("customers", CUSTOMERS), ("revenue", REVENUE), ("nps", NPS))
    found = health.id_spellings(ws.cursor(), ws.snapshot(), examples=limit)
    assert len(found["examples"]) == limit and found["ids"] == {"revenue": 2, "nps": 1}
    ws.close()


def test_several_nps_sources_count_an_answer_in_both_once():
    """With one source a kind's ids come from the version's stored ids (version_customers); with several, from the
    rows, an answer present in two sources once: r1 ('acme inc') is in both files, r5 only in the second, so
    'acme inc' has 2 answers, not 3."""
    ws = _workspace(("customers", CUSTOMERS), ("nps", NPS))
    one = health.id_spellings(ws.cursor(), ws.snapshot())
    assert (one["ids"], one["rows"]) == ({"nps": 1}, {"nps": 1})
    ws.commit([prepare_bytes(b"response_id,customer_id,responded_at,score\nr1,acme inc,2025-01-20,9\n"
                             b"r5,acme inc,2025-02-03,6\n", "nps").to_upload()], append=True)
    both = health.id_spellings(ws.cursor(), ws.snapshot())
    assert (both["ids"], both["rows"]) == ({"nps": 1}, {"nps": 2})
    assert both["examples"] == ["'acme inc' (NPS) = 'Acme Inc' (customers)"]
    ws.close()
