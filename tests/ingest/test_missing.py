"""Missing-value tokens: NA, N/A, None, null, -, #N/A are empty cells everywhere, shown and editable."""

import datetime as dt

import pandas as pd
import pytest
from conftest import prepare_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.errors import NeedsAnswerError

# A survey export from a statistics tool: NA comments, N/A and "-" for unanswered scores, None/null ids.
SURVEY = b"""response_id,customer_id,date,score,comment
r1,c1,2026-01-05,9,NA
r2,None,2026-01-06,N/A,NA
r3,c3,2026-01-07,10,Great
r4,c4,2026-01-08,-,n/a
r5,null,2026-01-09,3,#N/A
r6,c6,2026-01-10,7,unknown
"""


def _values(series):
    return [None if pd.isna(v) else v for v in series]


def _question(p, key):
    return next(q for q in p.questions if q.key == key)


def test_tokens_are_missing_in_scores_ids_and_comments_never_stored_as_text():
    p = prepare_bytes(SURVEY, kind="nps")
    # r2 and r4 have no score (N/A, -): unanswered and skipped, not "bad scores" that reject the file.
    assert p.rows.response_id.tolist() == ["r1", "r3", "r5", "r6"]
    assert p.rows.score.tolist() == [9, 10, 3, 7]
    assert _values(p.rows.comment) == [None, "Great", None, "unknown"]  # "unknown" is not proposed
    assert _values(p.rows.customer_id) == ["c1", "c3", None, "c6"]
    assert "2 responses without a score (question not answered) were skipped." in p.warnings
    assert "1 response has no customer id and is stored as anonymous." in p.warnings
    q = _question(p, "missing_tokens")
    assert q.multi and not q.must_confirm
    assert q.proposal == ["NA", "N/A", "None", "null", "-", "#N/A"]
    assert q.choices == ("NA", "N/A", "None", "null", "NaN", "-", "#N/A", "Not Provided", "unknown")
    assert q.detail.startswith("NA: 2 cells ('comment' 2); N/A: 2 cells ('score' 1, 'comment' 1); "
                               "None: 1 cells ('customer_id' 1);")
    assert "unknown: 1 cells ('comment' 1)." in q.detail
    assert any(w.startswith("Read as empty (missing-value tokens): NA: 2 cells") for w in p.warnings)


def test_the_analyst_edits_which_tokens_count():
    # NA is a real answer here (say, North America); "unknown" is also to be read as missing.
    p = prepare_bytes(SURVEY, kind="nps", answers={"missing_tokens": ["N/A", "None", "null", "-", "#N/A", "unknown"]})
    assert _values(p.rows.comment) == ["NA", "Great", None, None]
    assert p.answers["missing_tokens"] == ["N/A", "None", "null", "-", "#N/A", "unknown"]


def test_tokens_in_date_columns_are_empty_dates():
    data = b"customer_id,start_date,churn_date\nc1,2026-01-05,NA\nc2,2026-02-01,2026-05-01\nc3,2026-03-01,null\n"
    p = prepare_bytes(data)
    assert p.rows.churn_date.isna().tolist() == [True, False, True]
    assert p.rows.churn_date[1] == pd.Timestamp("2026-05-01") and p.last_date == dt.date(2026, 3, 1)


def test_a_file_without_tokens_asks_nothing_about_them():
    p = prepare_bytes(b"customer_id,date,score,comment\nc1,2026-01-05,9,fine\n", kind="nps")
    assert "missing_tokens" not in {q.key for q in p.questions}


def test_many_na_comments_store_no_comment():
    rows = "".join(f"c{i},2026-01-{i % 28 + 1:02d},{i % 11},{'NA' if i % 10 else 'Helpful'}\n" for i in range(200))
    p = prepare_bytes(("customer_id,date,score,comment\n" + rows).encode(), kind="nps")
    assert len(p.rows) == 200 and p.rows.comment.notna().sum() == 20  # i = 0, 10, …, 190
    assert (p.rows.comment.dropna() == "Helpful").all()


def test_a_saved_answer_naming_a_token_this_file_lacks_is_still_valid():
    p = prepare_bytes(SURVEY, kind="nps", answers={"missing_tokens": ["NA", "N/A", "-", "--"]})
    assert p.answers["missing_tokens"] == ["NA", "N/A", "-", "--"]
    assert _values(p.rows.customer_id) == ["c1", "c3", "null", "c6"]  # null and None were not chosen this time


CUSTOMERS_BY_REGION = b"""customer_id,start_date,region,plan,name
c1,2025-01-05,EMEA,Pro,Anna
c2,2025-02-01,NA,Basic,NA
c3,2025-03-01,APAC,Pro,Carl
c4,2025-04-01,NA,None,Dora
c5,2025-05-01,EMEA,Basic,N/A
"""


def test_na_in_a_region_column_is_asked_never_read_as_empty():
    # NA beside EMEA and APAC is North America: read as empty it would merge two customers into "Unknown".
    with pytest.raises(NeedsAnswerError) as err:
        prepare_bytes(CUSTOMERS_BY_REGION, kind="customers")
    q = next(q for q in err.value.questions if q.key == "missing_tokens")
    assert q.must_confirm and q.multi
    assert q.proposal == ["N/A"]  # NA and None are left out: they are values of a category column
    assert q.detail.startswith("'NA' is a value of the category column 'region' beside EMEA, APAC: it may be a "
                               "name (North America, Namibia), not an empty cell; leave it unticked to keep it "
                               "as written. 'None' is a value of the category column 'plan' beside Basic, Pro")
    assert "NA: 3 cells ('region' 2, 'name' 1); N/A: 1 cells ('name' 1); None: 1 cells ('plan' 1)." in q.detail


def test_the_analyst_says_na_is_a_region_and_none_a_plan():
    p = prepare_bytes(CUSTOMERS_BY_REGION, kind="customers", answers={"missing_tokens": ["N/A"]})
    assert p.rows.region.tolist() == ["EMEA", "NA", "APAC", "NA", "EMEA"]
    assert p.rows.plan.tolist() == ["Pro", "Basic", "Pro", "None", "Basic"]
    assert _values(p.rows.name) == ["Anna", "NA", "Carl", "Dora", None]


def test_the_analyst_says_na_is_missing_everywhere():
    p = prepare_bytes(CUSTOMERS_BY_REGION, kind="customers", answers={"missing_tokens": ["NA", "N/A", "None"]})
    assert _values(p.rows.region) == ["EMEA", None, "APAC", None, "EMEA"]
    assert _values(p.rows.plan) == ["Pro", "Basic", "Pro", None, "Basic"]


def test_na_outside_category_columns_is_still_proposed_without_asking():
    # NA in a name column and a score column is a missing value: proposed, used, stated (not must-confirm).
    data = b"customer_id,date,score,segment,comment\nc1,2026-01-05,9,SMB,NA\nc2,2026-01-06,NA,SMB,ok\n"
    p = prepare_bytes(data, kind="nps")
    q = _question(p, "missing_tokens")
    assert not q.must_confirm and q.proposal == ["NA"]
    assert p.rows.score.tolist() == [9] and _values(p.rows.comment) == [None]


def test_an_unanswered_response_without_a_date_does_not_reject_the_answers():
    data = b"customer_id,date,score\nc1,2026-01-05,9\nc2,NA,NA\nc3,,\nc4,2026-01-07,6\n"
    p = prepare_bytes(data, kind="nps")
    assert p.rows.customer_id.tolist() == ["c1", "c4"] and p.rows.score.tolist() == [9, 6]
    assert "2 responses without a score (question not answered) were skipped." in p.warnings


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=list("NnAa/-#?().muklowVE! 01") + ["\u00a0", "\u2003", "\t"], max_size=8)
                | st.sampled_from(["NA", " n/a", "\u00a0None\u00a0", "\tNA", "#DIV/0!", "(blank)", "Unknown", "."]),
                min_size=1, max_size=40))
def test_the_first_character_look_finds_what_the_full_match_finds(cells):
    """token_cells looks at a cell's first character before lower() (a 5M-line column: one cheap pass); it finds
    exactly the cells whose text, lower-cased, is a token. Cells reach `raw` without spaces, tabs, line breaks and
    no-break spaces at either end (read_table strips them with sqltext.stripped, loaded here the same way; counted
    in Python: "\tNA" is the token NA; an em space is not stripped)."""
    import collections

    import duckdb

    from metrics.ingest.missing import DEFAULT_TOKENS, OTHER_TOKENS, token_cells
    from metrics.ingest.sqltext import stripped

    con = duckdb.connect()
    con.execute("CREATE TABLE cells (c VARCHAR)")
    con.executemany("INSERT INTO cells VALUES (?)", [[c] for c in cells])
    con.execute(f"CREATE TABLE raw AS SELECT {stripped('c')} AS c FROM cells")
    tokens = {t.lower() for t in (*DEFAULT_TOKENS, *OTHER_TOKENS)}
    found = collections.Counter(v for c in cells if (v := c.strip(" \t\n\r\f\v\u00a0").lower()) in tokens)
    plain = sorted(found.items())
    assert token_cells(con, "c") == plain
